import { MAX_FRAME, NO_FRAME, isLastFrame } from './frame-range.ts';
import type { ConnectStatus } from './messages.ts';
import { ReadError } from './read-error.ts';
import { readUVarInt, uvarintSize, writeUVarInt, zigzagDecode, zigzagEncode } from './var-int.ts';

/**
 * The block of per-player connect statuses carried by Input and InputAck messages, one per
 * player, sent with every packet: in a 4-player match it costs 2 bytes when nothing unusual is
 * happening (docs/protocol.md, "Status block").
 *
 * A status is coded by how far the player's last frame trails the message's `currentFrame`:
 * `d = currentFrame - lastFrame` as an i32 (modulo 2^32: only currentFrame = 2^31-1 with
 * lastFrame = -1 wraps, to -2^31) and `z = zigzag(d)`. Each player gets a 4-bit code:
 *
 * - 0..13: connected, `z = code` (d in -7..6: the usual case, a few frames of latency or delay);
 * - 14: disconnected, `z` = an extension uvarint;
 * - 15: connected, `z = 14 +` an extension uvarint.
 *
 * Layout: ceil(n / 2) code bytes (player 2k in the low nibble of byte k, player 2k+1 in the high
 * nibble; with an odd n the last high nibble is 0), then the extension uvarints of the players
 * with code 14 or 15, in player order. Every status list has exactly one encoding.
 */

/** Codes below this carry `z` inline. */
const INLINE_CODES = 14;
const CODE_DISCONNECTED = 14;
const CODE_EXTENDED = 15;
const MAX_U32 = 0xffff_ffff;

/** Bytes of the code table for `playerCount` players. */
export function statusCodeBytes(playerCount: number): number {
  return (playerCount + 1) >> 1;
}

/** `zigzag(currentFrame - lastFrame)` with the difference taken modulo 2^32 as an i32. */
export function statusDelta(currentFrame: number, lastFrame: number): number {
  return zigzagEncode((currentFrame - lastFrame) | 0);
}

/**
 * Inverse of {@link statusDelta} given `currentFrame` (0..MAX_FRAME): the last frame in
 * -2^31..MAX_FRAME; the caller rejects anything below -1.
 */
export function lastFrameFromDelta(currentFrame: number, z: number): number {
  const lastFrame = currentFrame - zigzagDecode(z);
  return lastFrame > MAX_FRAME ? lastFrame - 0x1_0000_0000 : lastFrame;
}

/**
 * Writes the status block of `statuses` relative to `currentFrame` at `offset`; returns the
 * offset after it. Throws a `RangeError` for an invalid status or if `out` is too small (at most
 * `statusCodeBytes(n) + 5 * n` bytes are written).
 */
export function writeConnectStatuses(
  out: Uint8Array,
  offset: number,
  statuses: readonly ConnectStatus[],
  currentFrame: number,
): number {
  const n = statuses.length;
  const codeBytes = statusCodeBytes(n);
  if (offset + codeBytes > out.length) throw new RangeError(`status block does not fit in ${out.length} bytes`);
  out.fill(0, offset, offset + codeBytes);
  let at = offset + codeBytes;
  for (let h = 0; h < n; h++) {
    const status = statuses[h]!;
    const { lastFrame, disconnected } = status;
    if (!isLastFrame(lastFrame)) {
      throw new RangeError(`statuses[${h}].lastFrame must be an integer in -1..${MAX_FRAME}, got ${lastFrame}`);
    }
    if (typeof disconnected !== 'boolean') {
      throw new RangeError(`statuses[${h}].disconnected must be a boolean, got ${String(disconnected)}`);
    }
    const z = statusDelta(currentFrame, lastFrame);
    let code: number;
    if (disconnected) {
      code = CODE_DISCONNECTED;
      at = writeUVarInt(out, at, z);
    } else if (z < INLINE_CODES) {
      code = z;
    } else {
      code = CODE_EXTENDED;
      at = writeUVarInt(out, at, z - INLINE_CODES);
    }
    out[offset + (h >> 1)]! |= code << ((h & 1) << 2);
  }
  return at;
}

/**
 * Reads the status block of `playerCount` players relative to `currentFrame` (0..MAX_FRAME) at
 * `offset`, appending one fresh status per player to `into`. Returns the offset after the block
 * or a {@link ReadError}. Never throws.
 */
export function readConnectStatuses(
  data: Uint8Array,
  offset: number,
  playerCount: number,
  currentFrame: number,
  into: ConnectStatus[],
): number {
  const codeBytes = statusCodeBytes(playerCount);
  if (offset + codeBytes > data.length) return ReadError.Truncated;
  // The spare nibble of an odd player count must be 0 (one encoding per status list).
  if ((playerCount & 1) === 1 && data[offset + codeBytes - 1]! >>> 4 !== 0) return ReadError.Malformed;
  let at = offset + codeBytes;
  for (let h = 0; h < playerCount; h++) {
    const code = (data[offset + (h >> 1)]! >>> ((h & 1) << 2)) & 0x0f;
    let z = code;
    let disconnected = false;
    if (code >= INLINE_CODES) {
      const extension = readUVarInt(data, at);
      if (extension < 0) return extension;
      at += uvarintSize(extension);
      if (code === CODE_DISCONNECTED) {
        z = extension;
        disconnected = true;
      } else {
        if (extension > MAX_U32 - INLINE_CODES) return ReadError.Malformed;
        z = extension + INLINE_CODES;
      }
    }
    const lastFrame = lastFrameFromDelta(currentFrame, z);
    if (lastFrame < NO_FRAME) return ReadError.Malformed;
    into.push({ disconnected, lastFrame });
  }
  return at;
}
