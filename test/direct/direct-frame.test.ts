import { describe, expect, it } from 'vitest';
import { DirectFrameKind, SESSION_PACKET_FIRST_BYTE, encodeLinkPing, isLinkFrameKind, linkPingId } from '../../sdk/src/direct/direct-frame.ts';
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
