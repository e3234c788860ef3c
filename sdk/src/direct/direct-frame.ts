import { PROTOCOL_MAGIC } from '../protocol/messages.ts';

/**
 * What travels on a direct link's data channel, one datagram each. The first byte says whose it
 * is:
 *
 * | first byte | name    | rest                                                              |
 * |------------|---------|-------------------------------------------------------------------|
 * | 0xd0       | Ping    | u32 little-endian id: a liveness probe; the other end echoes it.  |
 * | 0xd1       | Pong    | u32 little-endian id, echoed.                                     |
 * | 0xb5       | payload | a session packet, unchanged (`PROTOCOL_MAGIC`, docs/protocol.md). |
 *
 * Session packets travel as they are, with no prefix and no copy: every one starts with
 * `PROTOCOL_MAGIC` (0xb5), which is not a link kind, so a ping can never be read as a session
 * packet nor the other way round. The link's own kinds are 0xd0 and up, apart from the relay's
 * frame kinds (1..4, relay/relay-frame.ts), so that a frame sent down the wrong path is dropped as
 * unknown rather than misread. A payload is any datagram whose first byte is not a link kind; the
 * link refuses to send one that starts with a link kind.
 */
export const DirectFrameKind = {
  Ping: 0xd0,
  Pong: 0xd1,
} as const;
export type DirectFrameKind = (typeof DirectFrameKind)[keyof typeof DirectFrameKind];

/** Bytes of a Ping or Pong frame. */
export const PING_FRAME_BYTES = 5;

/** Whether a datagram starting with `first` is one of the link's own frames (not a payload). */
export function isLinkFrameKind(first: number | undefined): boolean {
  return first === DirectFrameKind.Ping || first === DirectFrameKind.Pong;
}

/** A Ping or Pong frame for `id` (u32). */
export function encodeLinkPing(kind: DirectFrameKind, id: number): Uint8Array {
  const out = new Uint8Array(PING_FRAME_BYTES);
  out[0] = kind;
  new DataView(out.buffer).setUint32(1, id >>> 0, true);
  return out;
}

/** The id of a Ping or Pong frame, or undefined if it is not exactly 5 bytes. Never throws. */
export function linkPingId(data: Uint8Array): number | undefined {
  if (data.length !== PING_FRAME_BYTES) return undefined;
  return (data[1]! | (data[2]! << 8) | (data[3]! << 16) | (data[4]! << 24)) >>> 0;
}

/** The session packet's first byte, which must never be a link kind (checked by test/direct/direct-frame.test.ts). */
export const SESSION_PACKET_FIRST_BYTE = PROTOCOL_MAGIC;
