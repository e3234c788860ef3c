/**
 * The resume marker: how a member's control requests survive a reconnect exactly once.
 *
 * Each connection to the host has its own reliable channel, numbered from 0 on both sides. When a
 * connection dies, the member may hold requests the host never acknowledged; it sends them again
 * on its next connection. Some of them may have reached the host after all (only the
 * acknowledgement was lost), and a chat line or a start must not be acted on twice. So, when a
 * member carries requests over from an earlier connection of the same membership, the first
 * message of its new channel is this marker:
 *
 * | offset | size | field | meaning                                                            |
 * |--------|------|-------|--------------------------------------------------------------------|
 * | 0      | u8   | tag   | 0x00 (no control message, which is JSON, starts with it)           |
 * | 1      | u32  | count | little-endian: how many of its control messages, over all its earlier connections, the host had delivered as far as the member knows (their cumulative acknowledgements) |
 *
 * The messages after it on that channel are the member's messages number `count`, `count + 1`,
 * ... of its membership. The host counts, per member and across its connections, the messages it
 * has delivered (acted on or refused); it skips every following message whose number is below
 * that count, since it had it already, and acts on the rest. A channel without a marker continues
 * the count where the host left it (a member that had nothing unacknowledged, or a new client
 * coming back with its token, whose messages are all new).
 */

/** The marker's first byte; a control message (UTF-8 JSON) never starts with it. */
export const RESUME_MARKER_TAG = 0x00;
/** A marker's length (bytes). */
export const RESUME_MARKER_BYTES = 5;

/** The marker for a new channel whose first request is the member's message number `count` (a u32). */
export function encodeResumeMarker(count: number): Uint8Array {
  if (!Number.isInteger(count) || count < 0 || count > 0xffff_ffff) throw new RangeError(`resume count must be a u32, got ${count}`);
  const out = new Uint8Array(RESUME_MARKER_BYTES);
  out[0] = RESUME_MARKER_TAG;
  new DataView(out.buffer).setUint32(1, count, true);
  return out;
}

/** The count of a marker, or undefined if `message` is not one (any other message, or a malformed marker). Never throws. */
export function decodeResumeMarker(message: Uint8Array): number | undefined {
  if (message.length !== RESUME_MARKER_BYTES || message[0] !== RESUME_MARKER_TAG) return undefined;
  return (message[1]! | (message[2]! << 8) | (message[3]! << 16) | (message[4]! << 24)) >>> 0;
}
