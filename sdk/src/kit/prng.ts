import type { Fixed } from './fixed-point.ts';

/** Words of generator state: 4 × u32 = 128 bits. */
export const PRNG_STATE_WORDS = 4;

const TWO_POW_32 = 0x100000000;

/**
 * A seeded pseudo-random number generator for simulations: the same seed gives the same sequence on
 * every engine, and its whole state can be saved with the game state and restored on rollback.
 *
 * The generator is xoshiro128** 1.0 (Blackman and Vigna, 2018): 128 bits of state, period 2^128 - 1,
 * passes BigCrush, and needs only 32-bit shifts, xors and `Math.imul`, so there is no float anywhere
 * and no engine can disagree. Not for cryptography.
 *
 * The seed is expanded into the four state words by a SplitMix-style sequence: a golden-ratio Weyl
 * sequence (step 0x9E3779B9) passed through MurmurHash3's 32-bit finaliser. The finaliser is a
 * bijection and the four Weyl inputs are distinct, so at most one word can be zero and the state is
 * never the forbidden all-zero one. Nearby seeds (0, 1, 2, ...) give unrelated sequences.
 *
 * Methods that draw a bounded value (`nextInt`, `nextRange`) may consume more than one u32 (rejection
 * sampling), deterministically: the same state always consumes the same amount.
 */
export class Prng {
  /** s0..s3 as int32 bit patterns (an Int32Array keeps the values untagged and the JIT on int paths). */
  private readonly s = new Int32Array(PRNG_STATE_WORDS);

  /** `seed`: any integer, taken modulo 2^32 (so -1 and 0xFFFFFFFF are the same seed). */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`Prng: seed ${seed} is not an integer`);
    let z = seed | 0;
    for (let i = 0; i < PRNG_STATE_WORDS; i++) {
      z = (z + 0x9e3779b9) | 0;
      let m = z;
      m = Math.imul(m ^ (m >>> 16), 0x85ebca6b);
      m = Math.imul(m ^ (m >>> 13), 0xc2b2ae35);
      this.s[i] = m ^ (m >>> 16);
    }
  }

  /** One step of xoshiro128**: returns the output as an int32 bit pattern. */
  private step(): number {
    const s = this.s;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const s2 = s[2]!;
    const s3 = s[3]!;
    // Scrambler: rotl(s1 * 5, 7) * 9.
    const m = Math.imul(s1, 5);
    const out = Math.imul((m << 7) | (m >>> 25), 9);
    // Linear engine: xor-shift the four words into each other, then rotate s3 by 11.
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[0] = s0 ^ n3;
    s[1] = s1 ^ n2;
    s[2] = n2 ^ (s1 << 9);
    s[3] = (n3 << 11) | (n3 >>> 21);
    return out;
  }

  /** A uniform integer in [0, 2^32). */
  nextU32(): number {
    return this.step() >>> 0;
  }

  /**
   * A uniform integer in [0, maxExclusive), without modulo bias: draws below 2^32 mod maxExclusive
   * are rejected and redrawn (on average fewer than 2 draws, usually exactly 1). Throws a RangeError
   * unless maxExclusive is an integer in [1, 2^32].
   */
  nextInt(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
      throw new RangeError(`Prng.nextInt: ${maxExclusive} is not an integer in [1, 2^32]`);
    }
    // Integers below 2^33: the double % is exact.
    const threshold = (TWO_POW_32 - maxExclusive) % maxExclusive; // = 2^32 mod maxExclusive
    for (;;) {
      const x = this.step() >>> 0;
      if (x >= threshold) return x % maxExclusive;
    }
  }

  /**
   * A uniform integer in [min, maxInclusive]. Both must be safe integers with
   * 1 <= maxInclusive - min + 1 <= 2^32 (so any int32 or u32 range works); otherwise a RangeError.
   */
  nextRange(min: number, maxInclusive: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(maxInclusive) || maxInclusive < min) {
      throw new RangeError(`Prng.nextRange: [${min}, ${maxInclusive}] is not a range of safe integers`);
    }
    const span = maxInclusive - min + 1;
    if (span > TWO_POW_32) {
      throw new RangeError(`Prng.nextRange: [${min}, ${maxInclusive}] spans more than 2^32 values`);
    }
    return min + this.nextInt(span);
  }

  /** A uniform Q16.16 value in [0, FIXED_ONE): the top 16 bits of one draw. */
  nextFixed(): Fixed {
    return this.step() >>> 16;
  }

  /** A fair coin: the top bit of one draw. */
  nextBool(): boolean {
    return this.step() < 0;
  }

  /**
   * The generator state as 4 u32 words. Writes into `out` when given (no allocation, for per-frame
   * saves), else into a new array; either way the result shares nothing with the generator.
   */
  saveState(out: Uint32Array = new Uint32Array(PRNG_STATE_WORDS)): Uint32Array {
    if (out.length !== PRNG_STATE_WORDS) {
      throw new RangeError(`Prng.saveState: needs ${PRNG_STATE_WORDS} words, got ${out.length}`);
    }
    out.set(this.s);
    return out;
  }

  /**
   * Restores a state from {@link saveState}; the generator then continues exactly where the saved one
   * would have. Throws a RangeError unless it is 4 words and not all zero (xoshiro's one fixed point:
   * an all-zero state would output 0 forever).
   */
  loadState(state: Uint32Array): void {
    if (state.length !== PRNG_STATE_WORDS) {
      throw new RangeError(`Prng.loadState: needs ${PRNG_STATE_WORDS} words, got ${state.length}`);
    }
    if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) {
      throw new RangeError('Prng.loadState: the all-zero state is invalid');
    }
    this.s.set(state);
  }

  /** An independent generator at the same point of the same sequence. */
  clone(): Prng {
    const copy = new Prng(0);
    copy.s.set(this.s);
    return copy;
  }
}
