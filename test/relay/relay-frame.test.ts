import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { MAX_PACKET_BYTES } from '../../sdk/src/protocol/messages.ts';
import {
  MAX_CONTROL_FRAME_BYTES,
  MAX_RELAY_FRAME_BYTES,
  MAX_SLOT,
  RelayFrameKind,
  decodeRelayFrame,
  encodeControlFrame,
  encodeDataFrame,
  encodePingFrame,
  restampDataFrame,
} from '../../sdk/src/relay/relay-frame.ts';
import type { RelayFrame } from '../../sdk/src/relay/relay-frame.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

function decodeOk(data: Uint8Array): RelayFrame {
  const result = decodeRelayFrame(data);
  if (!result.ok) throw new Error(`expected a frame, got ${result.reason}`);
  return result.frame;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function reason(data: Uint8Array): string {
  const result = decodeRelayFrame(data);
  return result.ok ? 'ok' : result.reason;
}

describe('relay frames: encode and decode', () => {
  it('Data: kind byte, slot byte, then the packet; decodes to a view of the payload', () => {
    const payload = bytes(0xb5, 1, 3, 7, 9);
    const frame = encodeDataFrame(5, payload);
    expect([...frame]).toEqual([RelayFrameKind.Data, 5, 0xb5, 1, 3, 7, 9]);
    const decoded = decodeOk(frame);
    expect(decoded).toEqual({ kind: RelayFrameKind.Data, slot: 5, payload });
    // A view, not a copy: the doc says so, and callers that keep it must copy.
    if (decoded.kind !== RelayFrameKind.Data) throw new Error('kind');
    expect(decoded.payload.buffer).toBe(frame.buffer);
    // The encoder copies: changing the payload afterwards does not change the frame.
    payload[0] = 0;
    expect(frame[2]).toBe(0xb5);
  });

  it('Data: every slot 0..MAX_SLOT round-trips; the largest packet fits exactly in MAX_RELAY_FRAME_BYTES', () => {
    for (let slot = 0; slot <= MAX_SLOT; slot++) expect(decodeOk(encodeDataFrame(slot, bytes(1)))).toMatchObject({ slot });
    const largest = encodeDataFrame(MAX_SLOT, new Uint8Array(MAX_PACKET_BYTES).fill(7));
    expect(largest.length).toBe(MAX_RELAY_FRAME_BYTES);
    expect(MAX_RELAY_FRAME_BYTES).toBe(1202);
    const decoded = decodeOk(largest);
    expect(decoded.kind === RelayFrameKind.Data && decoded.payload.length).toBe(MAX_PACKET_BYTES);
  });

  it('Data: the encoder refuses slots outside 0..31 and packets over MAX_PACKET_BYTES', () => {
    for (const slot of [-1, MAX_SLOT + 1, 255, 1.5, Number.NaN]) expect(() => encodeDataFrame(slot, bytes(1))).toThrow(RangeError);
    expect(() => encodeDataFrame(0, new Uint8Array(MAX_PACKET_BYTES + 1))).toThrow(RangeError);
  });

  it('Data: restamping writes the sender slot in place and keeps the packet', () => {
    const frame = encodeDataFrame(3, bytes(9, 8, 7));
    const out = restampDataFrame(frame, 12);
    expect(out).toBe(frame);
    expect([...out]).toEqual([RelayFrameKind.Data, 12, 9, 8, 7]);
  });

  it('Control: kind byte then the segment', () => {
    const segment = bytes(0x10, 0, 0, 0, 0, 1, 2, 3, 4);
    const frame = encodeControlFrame(segment);
    expect(frame[0]).toBe(RelayFrameKind.Control);
    const decoded = decodeOk(frame);
    expect(decoded.kind).toBe(RelayFrameKind.Control);
    expect(decoded.kind === RelayFrameKind.Control && [...decoded.segment]).toEqual([...segment]);
  });

  it('Ping and Pong: u32 little-endian id, wrapping like a u32', () => {
    for (const id of [0, 1, 0x01020304, 0x7fffffff, 0x80000000, 0xffffffff]) {
      const ping = encodePingFrame(RelayFrameKind.Ping, id);
      expect(ping.length).toBe(5);
      expect(decodeOk(ping)).toEqual({ kind: RelayFrameKind.Ping, id });
      expect(decodeOk(encodePingFrame(RelayFrameKind.Pong, id))).toEqual({ kind: RelayFrameKind.Pong, id });
    }
    expect([...encodePingFrame(RelayFrameKind.Ping, 0x01020304)]).toEqual([RelayFrameKind.Ping, 4, 3, 2, 1]);
    expect(decodeOk(encodePingFrame(RelayFrameKind.Ping, -1))).toEqual({ kind: RelayFrameKind.Ping, id: 0xffffffff });
    expect(decodeOk(encodePingFrame(RelayFrameKind.Ping, 2 ** 32 + 5))).toEqual({ kind: RelayFrameKind.Ping, id: 5 });
  });
});

describe('relay frames: refusals', () => {
  it('empty, oversized and unknown kinds', () => {
    expect(reason(new Uint8Array(0))).toBe('empty');
    expect(reason(new Uint8Array(MAX_RELAY_FRAME_BYTES + 1).fill(RelayFrameKind.Data))).toBe('oversized');
    expect(reason(new Uint8Array(MAX_RELAY_FRAME_BYTES + 1).fill(RelayFrameKind.Ping))).toBe('oversized');
    expect(reason(new Uint8Array(MAX_RELAY_FRAME_BYTES + 1).fill(0xff))).toBe('oversized');
    // Control frames may be larger (the host's room-state), up to their own limit.
    expect(reason(new Uint8Array(MAX_RELAY_FRAME_BYTES + 1).fill(RelayFrameKind.Control))).toBe('ok');
    expect(reason(new Uint8Array(MAX_CONTROL_FRAME_BYTES).fill(RelayFrameKind.Control))).toBe('ok');
    expect(reason(new Uint8Array(MAX_CONTROL_FRAME_BYTES + 1).fill(RelayFrameKind.Control))).toBe('oversized');
    expect(MAX_CONTROL_FRAME_BYTES).toBe(1 + 48 + 8192);
    expect(reason(new Uint8Array(64 * 1024).fill(RelayFrameKind.Data))).toBe('oversized');
    for (const kind of [0, 5, 6, 0x10, 0x7f, 0x80, 0xb5, 0xff]) expect(reason(bytes(kind, 0, 0, 0, 0))).toBe('unknown-kind');
  });

  it('Data without a packet, or with a slot above 31, is malformed', () => {
    expect(reason(bytes(RelayFrameKind.Data))).toBe('malformed');
    expect(reason(bytes(RelayFrameKind.Data, 0))).toBe('malformed');
    expect(reason(bytes(RelayFrameKind.Data, MAX_SLOT + 1, 1))).toBe('malformed');
    expect(reason(bytes(RelayFrameKind.Data, 255, 1))).toBe('malformed');
    expect(reason(bytes(RelayFrameKind.Data, MAX_SLOT, 1))).toBe('ok');
  });

  it('Control without a segment is malformed', () => {
    expect(reason(bytes(RelayFrameKind.Control))).toBe('malformed');
    expect(reason(bytes(RelayFrameKind.Control, 0))).toBe('ok'); // the reliable channel judges the segment
  });

  it('Ping and Pong of any length but 5 are malformed', () => {
    for (const kind of [RelayFrameKind.Ping, RelayFrameKind.Pong]) {
      for (let length = 1; length <= 9; length++) {
        const frame = new Uint8Array(length);
        frame[0] = kind;
        expect(reason(frame)).toBe(length === 5 ? 'ok' : 'malformed');
      }
    }
  });
});

describe('relay frames: fuzz', () => {
  it('20 000 random frames never throw, and whatever decodes re-encodes to the same bytes', () => {
    const rng = new Prng(0x5eed);
    const counts: Record<string, number> = {};
    const failures: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Mostly plausible lengths, some far beyond the limit; a first byte biased towards the real kinds.
      const length = rng.nextInt(8) === 0 ? rng.nextInt(10_000) : rng.nextInt(40);
      const data = new Uint8Array(length);
      for (let j = 0; j < length; j++) data[j] = rng.nextU32() & 0xff;
      if (length > 0 && rng.nextBool()) data[0] = 1 + rng.nextInt(4);
      if (length > 1 && rng.nextBool()) data[1] = data[1]! & 0x3f;
      const copy = data.slice();
      let result: ReturnType<typeof decodeRelayFrame>;
      try {
        result = decodeRelayFrame(data);
      } catch (error) {
        failures.push(`frame ${i} threw ${String(error)}`);
        continue;
      }
      if (!sameBytes(data, copy)) failures.push(`frame ${i} was written to`);
      const key = result.ok ? `ok-${result.frame.kind}` : result.reason;
      counts[key] = (counts[key] ?? 0) + 1;
      if (!result.ok) continue;
      const frame = result.frame;
      const again =
        frame.kind === RelayFrameKind.Data
          ? encodeDataFrame(frame.slot, frame.payload)
          : frame.kind === RelayFrameKind.Control
            ? encodeControlFrame(frame.segment)
            : encodePingFrame(frame.kind, frame.id);
      if (!sameBytes(again, data)) failures.push(`frame ${i} re-encodes differently`);
    }
    expect(failures).toEqual([]);
    // Every outcome was exercised, so the properties above were checked for each.
    for (const key of ['ok-1', 'ok-2', 'ok-3', 'ok-4', 'empty', 'oversized', 'unknown-kind', 'malformed']) expect(counts[key] ?? 0).toBeGreaterThan(20);
  });
});
