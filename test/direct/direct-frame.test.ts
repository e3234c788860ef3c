import { describe, expect, it } from 'vitest';
import { DirectFrameKind, MAX_PEER_RELAY_FRAME_BYTES, SESSION_PACKET_FIRST_BYTE, decodePeerRelayFrame, encodeLinkPing, encodeReach, encodeRelayed, isLinkFrameKind, isPeerRelayFrameKind, linkPingId, reachHas } from '../../sdk/src/direct/direct-frame.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { decodeCandidate, encodeCandidate, isDirectSignalKind } from '../../sdk/src/direct/direct-signal.ts';
import { RelayFrameKind } from '../../sdk/src/relay/relay-frame.ts';
import { encodePacket } from '../../sdk/src/protocol/encode-packet.ts';
import { MessageType } from '../../sdk/src/protocol/messages.ts';

describe('direct link frames', () => {
  it('never mistake a session packet for a link frame, nor a relay frame', () => {
    expect(SESSION_PACKET_FIRST_BYTE).toBe(0xb5);
    expect(isLinkFrameKind(SESSION_PACKET_FIRST_BYTE)).toBe(false);
    for (const kind of Object.values(RelayFrameKind)) expect(isLinkFrameKind(kind)).toBe(false);
    for (const kind of Object.values(DirectFrameKind)) expect(isLinkFrameKind(kind)).toBe(true);
    expect(isLinkFrameKind(undefined)).toBe(false);
    // A real session packet starts with the magic, whatever its type or token.
    const ctx = { playerCount: 2, inputSize: 1, previousInput: () => undefined };
    for (const token of [0, 0xd0, 0xd1, 0xffff]) {
      const packet = encodePacket({ token, message: { type: MessageType.KeepAlive } }, ctx);
      expect(packet[0]).toBe(SESSION_PACKET_FIRST_BYTE);
      expect(isLinkFrameKind(packet[0])).toBe(false);
    }
  });

  it('encode and decode ping ids (u32 little-endian)', () => {
    const ping = encodeLinkPing(DirectFrameKind.Ping, 0x0403_0201);
    expect([...ping]).toEqual([0xd0, 1, 2, 3, 4]);
    expect(linkPingId(ping)).toBe(0x0403_0201);
    expect(linkPingId(encodeLinkPing(DirectFrameKind.Pong, 0xffff_ffff))).toBe(0xffff_ffff);
    expect(linkPingId(Uint8Array.of(0xd0, 1, 2))).toBeUndefined();
    expect(linkPingId(Uint8Array.of(0xd0, 1, 2, 3, 4, 5))).toBeUndefined();
  });
});

describe('peer relay frames', () => {
  it('round-trip Forward, Forwarded and Reach, and keep to the link range', () => {
    const packet = Uint8Array.of(0xb5, 1, 2, 3);
    const forward = encodeRelayed(DirectFrameKind.Forward, 3, packet)!;
    expect([...forward]).toEqual([0xd2, 3, 0xb5, 1, 2, 3]);
    expect(decodePeerRelayFrame(forward)).toEqual({ kind: DirectFrameKind.Forward, to: 3, packet });
    expect(decodePeerRelayFrame(encodeRelayed(DirectFrameKind.Forwarded, 15, packet)!)).toEqual({ kind: DirectFrameKind.Forwarded, from: 15, packet });
    const reach = encodeReach([0, 3, 15, 16, -1, 2.5]);
    expect([...reach]).toEqual([0xd4, 0b1001, 0x80, 0]);
    const decoded = decodePeerRelayFrame(reach);
    expect(decoded).toEqual({ kind: DirectFrameKind.Reach, mask: 0x8009, hearsHost: false });
    expect([...encodeReach([1], true)]).toEqual([0xd4, 0b10, 0, 1]);
    expect(decodePeerRelayFrame(encodeReach([1], true))).toEqual({ kind: DirectFrameKind.Reach, mask: 2, hearsHost: true });
    expect(decodePeerRelayFrame(Uint8Array.of(0xd4, 2, 0, 0xfe))).toEqual({ kind: DirectFrameKind.Reach, mask: 2, hearsHost: false }); // other flag bits: room for later
    expect([0, 1, 3, 15, 16].map((s) => reachHas(0x8009, s))).toEqual([true, false, true, true, false]);
    for (const kind of [DirectFrameKind.Forward, DirectFrameKind.Forwarded, DirectFrameKind.Reach]) {
      expect(isPeerRelayFrameKind(kind)).toBe(true);
      expect(isLinkFrameKind(kind)).toBe(true);
    }
    expect([0xd0, 0xd1, 0xd5, 0xdf, 0xb5, 0xe0, undefined].map(isPeerRelayFrameKind)).toEqual([false, false, false, false, false, false, false]);
    expect([0xcf, 0xd5, 0xdf, 0xe0].map(isLinkFrameKind)).toEqual([false, true, true, false]);
    // A full session packet fits, one byte more does not; nor does a non-session packet or a bad slot.
    expect(encodeRelayed(DirectFrameKind.Forward, 1, new Uint8Array(1200).fill(0xb5))!.length).toBe(MAX_PEER_RELAY_FRAME_BYTES);
    expect(encodeRelayed(DirectFrameKind.Forward, 1, new Uint8Array(1201).fill(0xb5))).toBeUndefined();
    expect(encodeRelayed(DirectFrameKind.Forward, 1, Uint8Array.of(0xd0, 1))).toBeUndefined();
    expect(encodeRelayed(DirectFrameKind.Forward, 1, new Uint8Array(0))).toBeUndefined();
    for (const slot of [-1, 256, 1.5, Number.NaN]) expect(encodeRelayed(DirectFrameKind.Forward, slot, packet)).toBeUndefined();
  });

  it('fuzz: truncated, oversized, non-session and unknown frames decode to undefined, never throw', () => {
    for (const bad of [[], [0xd2], [0xd2, 1], [0xd2, 1, 0x01], [0xd3, 1, 0xd3, 1, 0xb5], [0xd4], [0xd4, 1], [0xd4, 1, 2], [0xd4, 1, 2, 3, 4], [0xd0, 1, 2, 3, 4], [0xd9, 1, 0xb5], [0xb5, 1, 0xb5]]) {
      expect(decodePeerRelayFrame(Uint8Array.from(bad))).toBeUndefined();
    }
    expect(decodePeerRelayFrame(Uint8Array.of(0xd2, 1, ...new Uint8Array(1201).fill(0xb5)))).toBeUndefined();
    const rng = new Prng(9);
    for (let i = 0; i < 20_000; i++) {
      const length = rng.nextInt(6) === 0 ? 1195 + rng.nextInt(12) : rng.nextInt(8);
      const data = new Uint8Array(length);
      for (let j = 0; j < length; j++) data[j] = rng.nextU32() & 0xff;
      if (length > 0) data[0] = 0xd0 + rng.nextInt(8);
      if (length > 2 && rng.nextBool()) data[2] = 0xb5;
      const frame = decodePeerRelayFrame(data);
      if (frame === undefined) continue;
      if (frame.kind === DirectFrameKind.Reach) expect(data.length).toBe(4);
      else {
        expect(frame.packet[0]).toBe(0xb5);
        expect(frame.packet.length).toBe(data.length - 2);
        expect(data.length).toBeLessThanOrEqual(MAX_PEER_RELAY_FRAME_BYTES);
      }
    }
  });
});

describe('direct link signals', () => {
  it('know their kinds', () => {
    for (const kind of ['offer', 'answer', 'candidate', 'end-of-candidates', 'close']) expect(isDirectSignalKind(kind)).toBe(true);
    for (const kind of ['Offer', '', 'pranswer', 3, null, undefined, {}]) expect(isDirectSignalKind(kind)).toBe(false);
  });

  it('round-trip a candidate, and refuse anything else without a throw', () => {
    const c = { candidate: 'a=candidate:1 1 UDP 2114977791 192.0.2.2 55172 typ host', sdpMid: '0' };
    expect(decodeCandidate(encodeCandidate(c))).toEqual(c);
    expect(decodeCandidate(encodeCandidate({ candidate: 'x', sdpMid: null }))).toEqual({ candidate: 'x', sdpMid: null });
    for (const bad of ['', 'null', '[]', '"x"', '{"candidate":1}', '{"candidate":"x","sdpMid":5}', '{"candidate":"x","sdpMid":"' + 'm'.repeat(17) + '"}', '{"candidate":"' + 'x'.repeat(1025) + '"}', '{']) {
      expect(decodeCandidate(bad)).toBeUndefined();
    }
  });
});
