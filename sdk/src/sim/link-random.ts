/**
 * The simulator's private random streams (sim-only; the SDK's public PRNG lives in kit/). Each
 * stream is keyed by the network seed plus strings such as (from, to), so the fate of packets on
 * one link never depends on how much traffic another link carried.
 *
 * Generator: sfc32 (32-bit small fast chaotic), seeded through a splitmix-style mixer. 32 bits of
 * resolution per draw is plenty for loss and jitter decisions.
 */

const TWO_TO_32 = 4294967296;

/** Avalanche mix of one 32-bit word (every input bit flips about half the output bits). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * 32-bit digest of (seed, parts). Each part's length is mixed in after its characters, so
 * ("ab", "c") and ("a", "bc") give different keys.
 */
export function hashStreamKey(seed: number, parts: readonly string[]): number {
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_TO_32) >>> 0;
  let h = mix32(low ^ mix32(high ^ 0x2545f491));
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) h = mix32(((h ^ part.charCodeAt(i)) + 0x9e3779b9) | 0);
    h = mix32(((h ^ part.length) + 0x6a09e667) | 0);
  }
  return h >>> 0;
}

/** sfc32 stream. */
export class LinkRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param key A 32-bit key, normally from {@link hashStreamKey}. */
  constructor(key: number) {
    let s = key >>> 0;
    s = (s + 0x9e3779b9) | 0;
    this.a = mix32(s);
    s = (s + 0x9e3779b9) | 0;
    this.b = mix32(s);
    s = (s + 0x9e3779b9) | 0;
    this.c = mix32(s);
    this.d = 1;
    // The first outputs of sfc32 still echo the seed; discard them.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / TWO_TO_32;
  }
}
