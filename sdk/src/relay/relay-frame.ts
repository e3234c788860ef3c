import { MAX_PACKET_BYTES } from '../protocol/messages.ts';
import { MAX_ROOM_STATE_MESSAGE_BYTES } from '../room/control-messages.ts';

/**
 * What travels on a member's unreliable channel to and from the host, one datagram each. The
 * first byte says what the rest is:
 *
 * | kind | name    | rest                                                                   |
 * |------|---------|------------------------------------------------------------------------|
 * | 1    | Data    | u8 slot, then a session packet. To the host: the destination slot. From |
 * |      |         | the host: the sender's slot, stamped by the host (never trusted from a  |
 * |      |         | client), so no member can speak in another's name.                     |
 * | 2    | Control | a reliable-channel segment carrying control messages (room, match).     |
 * | 3    | Ping    | u32 little-endian id: a liveness probe; the other side echoes it.      |
 * | 4    | Pong    | u32 little-endian id, echoed.                                           |
 *
 * docs/transports.md describes the relay; docs/protocol.md the session packets inside Data.
 */
export const RelayFrameKind = {
  Data: 1,
  Control: 2,
  Ping: 3,
  Pong: 4,
} as const;
export type RelayFrameKind = (typeof RelayFrameKind)[keyof typeof RelayFrameKind];

/** Largest relay frame (bytes): a Data frame around the largest session packet. */
export const MAX_RELAY_FRAME_BYTES = MAX_PACKET_BYTES + 2;
/**
 * Largest reliable-channel segment a member sends (bytes): the host drops any frame from a member
 * over MAX_RELAY_FRAME_BYTES, and a Control frame is the kind byte and one segment. So a member's
 * control messages are at most this minus 48 (1153 bytes), which every client message fits: the
 * longest, a chat line of 200 four-byte characters, is 825.
 */
export const MAX_MEMBER_SEGMENT_BYTES = MAX_RELAY_FRAME_BYTES - 1;
/**
 * Largest Control frame (bytes): the kind byte and a reliable-channel segment around the largest
 * control message, a `room-state` (a segment adds at most 48 bytes, see reliable-channel.ts). Only
 * the host sends messages that large; SCTP carries them in fragments, and a lost one is resent.
 */
export const MAX_CONTROL_FRAME_BYTES = 1 + 48 + MAX_ROOM_STATE_MESSAGE_BYTES;
/** Highest slot number a Data frame may carry (players 0..15, spectators 16..23). */
export const MAX_SLOT = 31;

export type RelayFrame =
  | { readonly kind: typeof RelayFrameKind.Data; readonly slot: number; readonly payload: Uint8Array }
  | { readonly kind: typeof RelayFrameKind.Control; readonly segment: Uint8Array }
  | { readonly kind: typeof RelayFrameKind.Ping | typeof RelayFrameKind.Pong; readonly id: number };

export type RelayFrameResult = { readonly ok: true; readonly frame: RelayFrame } | { readonly ok: false; readonly reason: 'empty' | 'oversized' | 'unknown-kind' | 'malformed' };

/** Data frame: `slot` and the session packet. The result is a fresh array (transports may keep it). */
export function encodeDataFrame(slot: number, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(slot) || slot < 0 || slot > MAX_SLOT) throw new RangeError(`slot must be 0..${MAX_SLOT}, got ${slot}`);
  if (payload.length > MAX_PACKET_BYTES) throw new RangeError(`payload of ${payload.length} bytes exceeds ${MAX_PACKET_BYTES}`);
  const out = new Uint8Array(payload.length + 2);
  out[0] = RelayFrameKind.Data;
  out[1] = slot;
  out.set(payload, 2);
  return out;
}

/** Rewrites a client's Data frame in place for forwarding: the destination slot becomes the sender's. */
export function restampDataFrame(frame: Uint8Array, fromSlot: number): Uint8Array {
  frame[1] = fromSlot;
  return frame;
}

export function encodeControlFrame(segment: Uint8Array): Uint8Array {
  const out = new Uint8Array(segment.length + 1);
  out[0] = RelayFrameKind.Control;
  out.set(segment, 1);
  return out;
}

export function encodePingFrame(kind: typeof RelayFrameKind.Ping | typeof RelayFrameKind.Pong, id: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = kind;
  new DataView(out.buffer).setUint32(1, id >>> 0, true);
  return out;
}

/**
 * Decodes an untrusted frame. Never throws. Views, not copies: `payload` and `segment` alias
 * `data`, valid as long as the caller keeps `data` unchanged.
 */
export function decodeRelayFrame(data: Uint8Array): RelayFrameResult {
  if (data.length === 0) return EMPTY;
  if (data.length > (data[0] === RelayFrameKind.Control ? MAX_CONTROL_FRAME_BYTES : MAX_RELAY_FRAME_BYTES)) return OVERSIZED;
  switch (data[0]) {
    case RelayFrameKind.Data: {
      const slot = data[1];
      if (slot === undefined || slot > MAX_SLOT || data.length < 3) return MALFORMED;
      return { ok: true, frame: { kind: RelayFrameKind.Data, slot, payload: data.subarray(2) } };
    }
    case RelayFrameKind.Control:
      if (data.length < 2) return MALFORMED;
      return { ok: true, frame: { kind: RelayFrameKind.Control, segment: data.subarray(1) } };
    case RelayFrameKind.Ping:
    case RelayFrameKind.Pong: {
      if (data.length !== 5) return MALFORMED;
      const id = (data[1]! | (data[2]! << 8) | (data[3]! << 16) | (data[4]! << 24)) >>> 0;
      return { ok: true, frame: { kind: data[0] as typeof RelayFrameKind.Ping, id } };
    }
    default:
      return UNKNOWN;
  }
}

const EMPTY: RelayFrameResult = Object.freeze({ ok: false, reason: 'empty' });
const OVERSIZED: RelayFrameResult = Object.freeze({ ok: false, reason: 'oversized' });
const MALFORMED: RelayFrameResult = Object.freeze({ ok: false, reason: 'malformed' });
const UNKNOWN: RelayFrameResult = Object.freeze({ ok: false, reason: 'unknown-kind' });
