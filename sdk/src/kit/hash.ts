/**
 * Stable 32-bit hashing: MurmurHash3 x86_32 (Austin Appleby, SMHasher), written from its published
 * description with `Math.imul`. Bytes are read explicitly little-endian, so the result never depends
 * on the platform's byte order. Good distribution and fast, but not cryptographic: use it for
 * checksums (desync detection), session fingerprints and hash tables, never against an adversary.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Scrambles one 4-byte block (or the zero-padded tail) before it enters the state. */
function scramble(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** Mixes one scrambled block into the running state. */
function mixBlock(h: number, k: number): number {
  h ^= scramble(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The final avalanche, folding in the total length (bytes, modulo 2^32). Returns a u32. */
function finish(h: number, tail: number, tailLength: number, totalLength: number): number {
  if (tailLength > 0) h ^= scramble(tail);
  h ^= totalLength;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * MurmurHash3 x86_32 of `data` with a u32 `seed` (any integer, taken modulo 2^32). Returns a u32.
 * Matches the reference implementation and its published test vectors.
 */
export function hashBytes(data: Uint8Array, seed = 0): number {
  const length = data.length;
  const blockEnd = length & ~3;
  let h = seed | 0;
  let i = 0;
  for (; i < blockEnd; i += 4) {
    h = mixBlock(h, data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
  }
  let tail = 0;
  for (let shift = 0; i < length; i++, shift += 8) tail |= data[i]! << shift;
  return finish(h, tail, length & 3, length);
}

/**
 * Incremental MurmurHash3 x86_32, for checksumming a game state field by field without serialising
 * it first. Multi-byte values are fed little-endian, so a `Hasher` fed some bytes digests to exactly
 * `hashBytes` of those same bytes, however they were split across calls:
 * `new Hasher(s).updateU16(0x0201).updateU8(3).digest() === hashBytes(Uint8Array.of(1, 2, 3), s)`.
 *
 * No allocation: reuse one instance with {@link reset}. Values are reduced with ToInt32 like `| 0`
 * does (u8/u16 keep their low 8/16 bits), so a fractional number is silently truncated: hash the
 * integer (Fixed) state, never floats.
 */
export class Hasher {
  private seed: number;
  private h: number;
  /** Pending bytes of an incomplete 4-byte block, little-endian in the low bits. */
  private tail = 0;
  /** How many bytes `tail` holds, 0..3. */
  private tailLength = 0;
  /** Bytes fed since the last reset. */
  private length = 0;

  constructor(seed = 0) {
    this.seed = seed | 0;
    this.h = this.seed;
  }

  /** Starts over, with a new seed if given (else the current one). */
  reset(seed: number = this.seed): this {
    this.seed = seed | 0;
    this.h = this.seed;
    this.tail = 0;
    this.tailLength = 0;
    this.length = 0;
    return this;
  }

  /** Feeds the low `count` bytes (1, 2 or 4) of `value`, little-endian. */
  private push(value: number, count: number): void {
    this.length += count;
    const filled = this.tailLength;
    if (filled + count < 4) {
      this.tail |= value << (filled * 8);
      this.tailLength = filled + count;
      return;
    }
    // A block is complete: the pending bytes plus the first (4 - filled) bytes of value.
    this.h = mixBlock(this.h, this.tail | (value << (filled * 8)));
    const used = 4 - filled;
    const left = count - used;
    this.tail = left > 0 ? value >>> (used * 8) : 0;
    this.tailLength = left;
  }

  /** Feeds the low 8 bits of `value` (1 byte). */
  updateU8(value: number): this {
    this.push(value & 0xff, 1);
    return this;
  }

  /** Feeds the low 16 bits of `value` (2 bytes, little-endian). */
  updateU16(value: number): this {
    this.push(value & 0xffff, 2);
    return this;
  }

  /** Feeds the low 32 bits of `value` (4 bytes, little-endian). */
  updateU32(value: number): this {
    this.push(value | 0, 4);
    return this;
  }

  /** Same bytes as `updateU32`: the two's-complement pattern of the int32. */
  updateI32(value: number): this {
    this.push(value | 0, 4);
    return this;
  }

  /** Feeds every byte of `data`, in order. */
  updateBytes(data: Uint8Array): this {
    const length = data.length;
    let i = 0;
    // Complete the pending block byte by byte, take whole blocks straight from the array, then
    // keep the last 0..3 bytes pending.
    while (this.tailLength !== 0 && i < length) this.push(data[i++]!, 1);
    const blockStart = i;
    const blockEnd = i + ((length - i) & ~3);
    let h = this.h;
    for (; i < blockEnd; i += 4) {
      h = mixBlock(h, data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    }
    this.h = h;
    this.length += blockEnd - blockStart;
    while (i < length) this.push(data[i++]!, 1);
    return this;
  }

  /** The hash of everything fed since the last reset, as a u32. Does not change the state. */
  digest(): number {
    return finish(this.h, this.tail, this.tailLength, this.length);
  }
}
