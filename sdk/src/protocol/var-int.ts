import { ReadError } from './read-error.ts';

/**
 * Variable-length integers: unsigned LEB128 for u32 values and zigzag for i32 values, so that the
 * small numbers that dominate the protocol (frame deltas, counts) take one byte.
 *
 * LEB128: 7 value bits per byte, least significant group first; the high bit (0x80) of a byte is
 * set when another byte follows. Zigzag maps i32 to u32 as 0, -1, 1, -2, ... -> 0, 1, 2, 3, ...
 *
 * Reading is strict so that every value has exactly one encoding, which keeps packets canonical
 * (a decoded packet re-encodes to the same bytes): at most 5 bytes, at most 2^32 - 1 (the fifth
 * byte is 0x01..0x0f), and no overlong form (a multi-byte encoding never ends with 0x00).
 *
 * Readers return a value or a {@link ReadError} (never throw: their input is untrusted). Because
 * encodings are minimal, the bytes a read consumed are `uvarintSize(value)`. Writers throw a
 * `RangeError` for a value out of range or a buffer too small: that is the caller's bug.
 */

/** Most bytes of one varint. */
export const MAX_VARINT_BYTES = 5;

/** Bytes of the LEB128 encoding of the u32 `value` (1..5). */
export function uvarintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x20_0000) return 3;
  if (value < 0x1000_0000) return 4;
  return 5;
}

/**
 * Reads the u32 LEB128 varint at `offset`: the value (0..2^32-1), `ReadError.Truncated` if
 * `data` ends inside it, or `ReadError.Malformed` if it is longer than 5 bytes, above 2^32 - 1 or
 * overlong. `offset` must be a non-negative integer.
 */
export function readUVarInt(data: Uint8Array, offset: number): number {
  const end = data.length;
  if (offset >= end) return ReadError.Truncated;
  const first = data[offset]!;
  if (first < 0x80) return first;
  let value = first & 0x7f;
  for (let i = 1; i < 4; i++) {
    if (offset + i >= end) return ReadError.Truncated;
    const b = data[offset + i]!;
    value |= (b & 0x7f) << (7 * i);
    if (b < 0x80) return b === 0 ? ReadError.Malformed : value;
  }
  if (offset + 4 >= end) return ReadError.Truncated;
  const last = data[offset + 4]!;
  // Bits 32.. would be set (or a sixth byte announced), or the byte adds nothing (overlong).
  if (last > 0x0f || last === 0) return ReadError.Malformed;
  return value + last * 0x1000_0000;
}

/** Writes the u32 `value` as LEB128 at `offset`; returns the offset after it. */
export function writeUVarInt(out: Uint8Array, offset: number, value: number): number {
  if (value >>> 0 !== value) throw new RangeError(`varint value must be an integer in 0..2^32-1, got ${value}`);
  const size = uvarintSize(value);
  if (offset < 0 || offset + size > out.length) {
    throw new RangeError(`varint of ${size} bytes does not fit at offset ${offset} of ${out.length} bytes`);
  }
  let v = value;
  let at = offset;
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[at++] = v;
  return at;
}

/** Maps an i32 to a u32 so that values near zero stay small: 0, -1, 1, -2 -> 0, 1, 2, 3. */
export function zigzagEncode(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

/** Inverse of {@link zigzagEncode}: u32 -> i32. */
export function zigzagDecode(u: number): number {
  return (u >>> 1) ^ -(u & 1);
}

/** Bytes of the zigzag varint encoding of the i32 `n` (1..5). */
export function varIntSize(n: number): number {
  return uvarintSize(zigzagEncode(n));
}

/**
 * Reads the zigzag varint at `offset`: the i32 value, or a {@link ReadError} (test with
 * `isReadError`, since valid values may be negative). Consumed `varIntSize(value)` bytes.
 */
export function readVarInt(data: Uint8Array, offset: number): number {
  const u = readUVarInt(data, offset);
  return u < 0 ? u : zigzagDecode(u);
}

/** Writes the i32 `n` as a zigzag varint at `offset`; returns the offset after it. */
export function writeVarInt(out: Uint8Array, offset: number, n: number): number {
  if ((n | 0) !== n) throw new RangeError(`signed varint value must be an integer in -2^31..2^31-1, got ${n}`);
  return writeUVarInt(out, offset, zigzagEncode(n));
}
