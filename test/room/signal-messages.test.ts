import { describe, expect, it } from 'vitest';
import {
  MAX_SIGNAL_PARTS,
  MAX_SIGNAL_PART_BYTES,
  MAX_SIGNAL_PAYLOAD_BYTES,
  decodeControlMessage,
  encodeControlMessage,
  signalPayloadBytes,
} from '../../sdk/src/room/control-messages.ts';
import type { ControlMessage, SignalFields } from '../../sdk/src/room/control-messages.ts';
import { SIGNAL_ASSEMBLY_TIMEOUT_MS, SignalAssembler, splitSignalPayload } from '../../sdk/src/room/signal-parts.ts';
import { MAX_MEMBER_SEGMENT_BYTES } from '../../sdk/src/relay/relay-frame.ts';
import { ReliableChannel } from '../../sdk/src/relay/reliable-channel.ts';
import { FixtureRandom, randomSignalFields, utf8 } from './control-fixtures.ts';

function reason(text: string, from?: 'client' | 'host'): string {
  const r = from === undefined ? decodeControlMessage(utf8(text)) : decodeControlMessage(utf8(text), from);
  return r.ok ? 'ok' : r.reason;
}

/** A member's signal as JSON text, with `over` replacing or adding fields. */
function clientSignal(over: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'signal', to: 1, kind: 'offer', link: 7, part: 0, parts: 1, payload: 'v=0\r\n', ...over });
}

function hostSignal(over: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'signal', from: 1, kind: 'offer', link: 7, part: 0, parts: 1, payload: 'v=0\r\n', ...over });
}

/** An SDP offer as Chromium writes one for a single data channel (about 600 bytes), with `candidates` inlined. */
function sdp(candidates: number): string {
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    'a=ice-ufrag:8hhY',
    'a=ice-pwd:asd88fgpdd777uzjYhagZg/EQ+',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 D1:2C:BE:AD:C4:F6:64:5C:25:16:11:9C:AF:E7:0F:73:79:36:4E:9C:1E:15:54:39:0C:06:8B:ED:96:86:00:39',
    'a=setup:actpass',
    'a=mid:0',
    'a=sctp-port:5000',
    'a=max-message-size:262144',
  ];
  for (let i = 0; i < candidates; i++) lines.push(`a=candidate:${1000 + i} 1 udp 2122260223 192.168.${i % 256}.20 ${50000 + i} typ host generation 0 network-id 1`);
  return lines.join('\r\n') + '\r\n';
}

describe('signal messages: encoding', () => {
  it('round trips both directions, with and without the direction (2,000 random parts)', () => {
    const r = new FixtureRandom(91);
    for (let i = 0; i < 2000; i++) {
      const fields = randomSignalFields(r);
      const messages: ControlMessage[] = [
        { type: 'signal', to: r.below(24), ...fields },
        { type: 'signal', from: r.below(16), ...fields },
      ];
      for (const [n, message] of messages.entries()) {
        const bytes = encodeControlMessage(message);
        expect(decodeControlMessage(bytes, n === 0 ? 'client' : 'host')).toEqual({ ok: true, message });
        expect(decodeControlMessage(bytes)).toEqual({ ok: true, message });
      }
    }
  });

  it('writes the fields in a fixed order, as plain JSON', () => {
    const text = new TextDecoder().decode(encodeControlMessage({ type: 'signal', from: 3, kind: 'candidate', link: 9, part: 0, parts: 1, payload: 'a=candidate:1 "x"\r\n' }));
    expect(text).toBe('{"type":"signal","from":3,"kind":"candidate","link":9,"part":0,"parts":1,"payload":"a=candidate:1 \\"x\\"\\r\\n"}');
  });

  it('the largest signal part fits one member frame, either way', () => {
    // Every escaped character counts twice: 500 quotes are the whole part budget.
    const payload = '"'.repeat(MAX_SIGNAL_PART_BYTES / 2);
    expect(signalPayloadBytes(payload)).toBe(MAX_SIGNAL_PART_BYTES);
    const limit = new ReliableChannel({ maxSegmentBytes: MAX_MEMBER_SEGMENT_BYTES }).maxSendMessageBytes;
    expect(limit).toBe(1153);
    const worst = { kind: 'candidate', link: 0xffffffff, part: MAX_SIGNAL_PARTS - 1, parts: MAX_SIGNAL_PARTS, payload } as const;
    for (const message of [{ type: 'signal', to: 23, ...worst }, { type: 'signal', from: 15, ...worst }] as const) {
      const bytes = encodeControlMessage(message);
      expect(bytes.length).toBeLessThanOrEqual(limit);
      expect(bytes.length).toBeLessThanOrEqual(106 + MAX_SIGNAL_PART_BYTES); // the overhead control-messages.ts promises
    }
  });

  it('refuses a member naming the sender, and the host naming a destination or a spectator', () => {
    // The forged `from`: a member's signal has no such field, so one that carries it is refused.
    expect(reason(clientSignal({ from: 2 }), 'client')).toBe('unknown-field');
    const { to: _to, ...noTo } = JSON.parse(clientSignal()) as Record<string, unknown>;
    expect(reason(JSON.stringify({ ...noTo, from: 2 }), 'client')).toBe('unknown-field');
    expect(reason(hostSignal({ to: 2 }), 'host')).toBe('unknown-field');
    expect(reason(hostSignal({ from: 16 }), 'host')).toBe('bad-field'); // spectators never signal
    expect(reason(hostSignal({ from: 15 }), 'host')).toBe('ok');
    // A member may name any slot: the host refuses spectators and counts it.
    expect(reason(clientSignal({ to: 23 }), 'client')).toBe('ok');
    expect(reason(clientSignal({ to: 24 }), 'client')).toBe('bad-field');
    expect(reason(clientSignal({ to: -1 }), 'client')).toBe('bad-field');
  });

  it('golden refusals: kind, link, parts, payload', () => {
    const refused: [Record<string, unknown>, string][] = [
      [{ kind: 'pranswer' }, 'bad-field'],
      [{ kind: 'OFFER' }, 'bad-field'],
      [{ kind: 1 }, 'bad-field'],
      [{ link: -1 }, 'bad-field'],
      [{ link: 2 ** 32 }, 'bad-field'],
      [{ link: 1.5 }, 'bad-field'],
      [{ link: '7' }, 'bad-field'],
      [{ parts: 0, part: 0 }, 'bad-field'],
      [{ parts: MAX_SIGNAL_PARTS + 1 }, 'bad-field'],
      [{ parts: 1e9 }, 'bad-field'],
      [{ part: 1, parts: 1 }, 'bad-field'],
      [{ part: -1, parts: 2 }, 'bad-field'],
      [{ payload: 'caf\u00e9' }, 'bad-field'],
      [{ payload: 'tab\there' }, 'bad-field'],
      [{ payload: 'nul\u0000' }, 'bad-field'],
      [{ payload: '\u007f' }, 'bad-field'],
      [{ payload: 'a'.repeat(MAX_SIGNAL_PART_BYTES + 1) }, 'bad-field'],
      [{ payload: '"'.repeat(MAX_SIGNAL_PART_BYTES / 2 + 1) }, 'bad-field'],
      [{ payload: '\r\n'.repeat(MAX_SIGNAL_PART_BYTES / 4 + 1) }, 'bad-field'],
      [{ payload: 5 }, 'bad-field'],
      [{ payload: '' }, 'bad-field'],
      [{ kind: 'answer', payload: '' }, 'bad-field'],
      [{ kind: 'candidate', payload: '' }, 'bad-field'],
      [{ kind: 'end-of-candidates', payload: 'x' }, 'bad-field'],
      [{ kind: 'end-of-candidates', payload: '', part: 0, parts: 2 }, 'bad-field'],
      [{ kind: 'close', payload: '', part: 1, parts: 2 }, 'bad-field'],
      [{ payload: '', part: 1, parts: 3 }, 'bad-field'],
      [{ extra: 1 }, 'unknown-field'],
      [{ __proto__: 1 }, 'ok'], // an own `__proto__` key needs JSON text (below)
    ];
    for (const [over, want] of refused) expect([over, reason(clientSignal(over), 'client')]).toEqual([over, want]);
    expect(reason(clientSignal().replace('{', '{"__proto__":{"x":1},'), 'client')).toBe('unknown-field');
    for (const key of ['to', 'kind', 'link', 'part', 'parts', 'payload']) {
      const obj = JSON.parse(clientSignal()) as Record<string, unknown>;
      delete obj[key];
      expect([key, reason(JSON.stringify(obj), 'client')]).toEqual([key, 'missing-field']);
    }
    // And the ones at the edge that are fine.
    expect(reason(clientSignal({ payload: 'a'.repeat(MAX_SIGNAL_PART_BYTES) }), 'client')).toBe('ok');
    expect(reason(clientSignal({ payload: '"'.repeat(MAX_SIGNAL_PART_BYTES / 2) }), 'client')).toBe('ok');
    expect(reason(clientSignal({ kind: 'end-of-candidates', payload: '' }), 'client')).toBe('ok');
    expect(reason(clientSignal({ kind: 'close', payload: '' }), 'client')).toBe('ok');
    expect(reason(clientSignal({ kind: 'close', payload: 'ice failed' }), 'client')).toBe('ok');
    expect(reason(clientSignal({ link: 0xffffffff, part: 15, parts: 16 }), 'client')).toBe('ok');
    expect(reason(clientSignal({ payload: ' !~\r\n\\"/{}' }), 'client')).toBe('ok');
  });

  it('encode throws for what the decoder would refuse, so a member never sends one', () => {
    const base = { type: 'signal', to: 1, kind: 'offer', link: 1, part: 0, parts: 1 } as const;
    expect(() => encodeControlMessage({ ...base, payload: 'é' })).toThrow(RangeError);
    expect(() => encodeControlMessage({ ...base, payload: '' })).toThrow(RangeError);
    expect(() => encodeControlMessage({ ...base, payload: 'x'.repeat(1001) })).toThrow(RangeError);
    expect(() => encodeControlMessage({ ...base, link: -1, payload: 'x' })).toThrow(RangeError);
  });
});

describe('splitSignalPayload', () => {
  it('one part up to the part budget, more beyond; the parts join back to the payload', () => {
    expect(splitSignalPayload('')).toEqual(['']);
    expect(splitSignalPayload('a'.repeat(MAX_SIGNAL_PART_BYTES))).toEqual(['a'.repeat(MAX_SIGNAL_PART_BYTES)]);
    expect(splitSignalPayload('a'.repeat(MAX_SIGNAL_PART_BYTES + 1))).toEqual(['a'.repeat(MAX_SIGNAL_PART_BYTES), 'a']);
    // Escaped characters count twice.
    expect(splitSignalPayload('"'.repeat(501))).toEqual(['"'.repeat(500), '"']);
    const r = new FixtureRandom(3);
    for (let i = 0; i < 300; i++) {
      const payload = i % 3 === 0 ? sdp(r.below(80)) : Array.from({ length: r.below(MAX_SIGNAL_PAYLOAD_BYTES + 1) }, () => r.pick(['a', '"', '\\', '\r', '\n', ' ', '~'])).join('');
      const parts = splitSignalPayload(payload);
      if (parts === undefined) {
        expect(signalPayloadBytes(payload)).toBeGreaterThan(MAX_SIGNAL_PARTS * MAX_SIGNAL_PART_BYTES - MAX_SIGNAL_PARTS);
        continue;
      }
      expect(parts.join('')).toBe(payload);
      expect(parts.length).toBeLessThanOrEqual(MAX_SIGNAL_PARTS);
      for (const part of parts) expect(signalPayloadBytes(part)).toBeLessThanOrEqual(MAX_SIGNAL_PART_BYTES);
      if (payload !== '') for (const part of parts) expect(part.length).toBeGreaterThan(0);
    }
  });

  it('a typical SDP takes one or two parts; 8 KiB of SDP takes 9', () => {
    expect(sdp(0).length).toBeGreaterThan(400);
    expect(splitSignalPayload(sdp(0))).toHaveLength(1);
    expect(sdp(8).length).toBeGreaterThan(1000);
    expect(splitSignalPayload(sdp(8))).toHaveLength(2);
    const big = sdp(200).slice(0, MAX_SIGNAL_PAYLOAD_BYTES);
    expect(splitSignalPayload(big)).toHaveLength(9);
  });

  it('refuses what cannot be sent: over 8 KiB, over 16 parts, not ASCII', () => {
    expect(splitSignalPayload('a'.repeat(MAX_SIGNAL_PAYLOAD_BYTES))).toHaveLength(9);
    expect(splitSignalPayload('a'.repeat(MAX_SIGNAL_PAYLOAD_BYTES + 1))).toBeUndefined();
    expect(splitSignalPayload('\r\n'.repeat(MAX_SIGNAL_PAYLOAD_BYTES / 2))).toBeUndefined(); // 16 KiB escaped: 17 parts
    expect(splitSignalPayload('é')).toBeUndefined();
    expect(splitSignalPayload('\t')).toBeUndefined();
  });
});

describe('SignalAssembler', () => {
  const part = (kind: SignalFields['kind'], link: number, index: number, parts: number, payload: string): SignalFields => ({ kind, link, part: index, parts, payload });

  it('joins consecutive parts per sender, with other senders in between', () => {
    const a = new SignalAssembler();
    expect(a.add(1, part('offer', 5, 0, 3, 'ab'), 0)).toBeUndefined();
    expect(a.add(2, part('answer', 9, 0, 2, 'xy'), 0)).toBeUndefined();
    expect(a.add(3, part('candidate', 1, 0, 1, 'c'), 0)).toEqual({ from: 3, kind: 'candidate', link: 1, payload: 'c' });
    expect(a.add(1, part('offer', 5, 1, 3, 'cd'), 1)).toBeUndefined();
    expect(a.add(2, part('answer', 9, 1, 2, 'z'), 1)).toEqual({ from: 2, kind: 'answer', link: 9, payload: 'xyz' });
    expect(a.pending).toBe(1);
    expect(a.add(1, part('offer', 5, 2, 3, 'e'), 2)).toEqual({ from: 1, kind: 'offer', link: 5, payload: 'abcde' });
    expect(a.pending).toBe(0);
    expect(a.dropped).toBe(0);
  });

  it('drops, and counts, a part that does not continue what is held: gap, repeat, other link, kind or count', () => {
    const cases: [SignalFields, SignalFields][] = [
      [part('offer', 5, 0, 3, 'a'), part('offer', 5, 2, 3, 'c')], // gap
      [part('offer', 5, 0, 3, 'a'), part('offer', 5, 0, 3, 'a')], // a repeat of part 0 starts anew (the old one is abandoned)
      [part('offer', 5, 0, 3, 'a'), part('offer', 6, 1, 3, 'b')], // other link
      [part('offer', 5, 0, 3, 'a'), part('answer', 5, 1, 3, 'b')], // other kind
      [part('offer', 5, 0, 3, 'a'), part('offer', 5, 1, 4, 'b')], // other count
    ];
    for (const [first, second] of cases) {
      const a = new SignalAssembler();
      a.add(4, first, 0);
      expect(a.add(4, second, 0)).toBeUndefined();
      expect(a.dropped).toBeGreaterThanOrEqual(1);
    }
    // A part with nothing held is dropped alone.
    const a = new SignalAssembler();
    expect(a.add(4, part('offer', 5, 1, 3, 'b'), 0)).toBeUndefined();
    expect(a.dropped).toBe(1);
    expect(a.pending).toBe(0);
    // After a broken sequence, the sender's next signal still comes through.
    expect(a.add(4, part('offer', 6, 0, 2, 'ok'), 0)).toBeUndefined();
    expect(a.add(4, part('offer', 6, 1, 2, '!'), 0)).toEqual({ from: 4, kind: 'offer', link: 6, payload: 'ok!' });
  });

  it('holds at most one incomplete signal per sender, of at most 8 KiB', () => {
    const a = new SignalAssembler();
    const chunk = 'x'.repeat(MAX_SIGNAL_PART_BYTES);
    for (let i = 0; i < MAX_SIGNAL_PARTS - 1; i++) a.add(0, part('offer', 1, i, MAX_SIGNAL_PARTS, chunk), 0);
    // 15 parts of 1000 would be 15,000 characters: it was abandoned at the ninth.
    expect(a.heldChars).toBeLessThanOrEqual(MAX_SIGNAL_PAYLOAD_BYTES);
    expect(a.dropped).toBeGreaterThanOrEqual(1);
    for (let from = 0; from < 16; from++) for (let k = 0; k < 20; k++) a.add(from, part('offer', k, 0, 16, chunk), 0);
    expect(a.pending).toBe(16);
    expect(a.heldChars).toBe(16 * MAX_SIGNAL_PART_BYTES);
  });

  it('forgets incomplete signals after the timeout, and those of senders that left', () => {
    const a = new SignalAssembler();
    a.add(1, part('offer', 1, 0, 2, 'a'), 0);
    a.add(2, part('offer', 1, 0, 2, 'a'), 5000);
    a.expire(SIGNAL_ASSEMBLY_TIMEOUT_MS - 1);
    expect(a.pending).toBe(2);
    a.expire(SIGNAL_ASSEMBLY_TIMEOUT_MS);
    expect(a.pending).toBe(1);
    expect(a.add(1, part('offer', 1, 1, 2, 'b'), SIGNAL_ASSEMBLY_TIMEOUT_MS)).toBeUndefined(); // too late
    a.add(3, part('offer', 1, 0, 2, 'a'), 5000);
    a.keepOnly((slot) => slot !== 2);
    expect(a.pending).toBe(1);
    expect(a.dropped).toBe(3);
  });
});
