import { describe, expect, it } from 'vitest';
import { Prng, PRNG_STATE_WORDS } from '../../sdk/src/kit/prng.ts';
import { FIXED_ONE } from '../../sdk/src/kit/fixed-point.ts';

/** Takes `n` outputs. */
function draw(p: Prng, n: number): number[] {
  return Array.from({ length: n }, () => p.nextU32());
}

describe('Prng: xoshiro128** core', () => {
  it('matches the reference C implementation from a given state (outputs and states)', () => {
    // Vectors produced with the authors' xoshiro128starstar.c (published with xoshiro-6502's tests).
    const p = new Prng(0);
    p.loadState(Uint32Array.of(0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0));
    const expected: [number, number[]][] = [
      [0xf1391922, [0x72410269, 0xef382c52, 0x2e43bec7, 0x62432f20]],
      [0x6fe53806, [0xff3a011b, 0xb33a90fc, 0x2c5a18ae, 0xd81b946b]],
      [0xa5be2840, [0x941b058c, 0x605a8949, 0xa641e1b5, 0x0824bb59]],
      [0xf510ee70, [0xfc65379c, 0x52006d70, 0x87487639, 0xf1908343]],
    ];
    for (const [output, state] of expected) {
      expect(p.nextU32()).toBe(output);
      expect(Array.from(p.saveState())).toEqual(state);
    }
  });

  it('returns unsigned 32-bit integers', () => {
    const p = new Prng(123);
    let sawHighBit = false;
    let bad = 0;
    for (let i = 0; i < 1000; i++) {
      const v = p.nextU32();
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) bad++;
      if (v > 0x7fffffff) sawHighBit = true;
    }
    expect(bad).toBe(0);
    expect(sawHighBit).toBe(true);
  });
});

describe('Prng: seeding', () => {
  it('is reproducible and seed-sensitive', () => {
    expect(draw(new Prng(99), 20)).toEqual(draw(new Prng(99), 20));
    expect(draw(new Prng(99), 4)).not.toEqual(draw(new Prng(100), 4));
  });

  it('takes the seed modulo 2^32', () => {
    expect(draw(new Prng(-1), 8)).toEqual(draw(new Prng(0xffffffff), 8));
    expect(draw(new Prng(2 ** 32 + 5), 8)).toEqual(draw(new Prng(5), 8));
  });

  it('rejects a non-integer seed', () => {
    expect(() => new Prng(1.5)).toThrow(RangeError);
    expect(() => new Prng(Number.NaN)).toThrow(RangeError);
    expect(() => new Prng(Infinity)).toThrow(RangeError);
  });

  it('never produces an all-zero state, and adjacent seeds decorrelate at once', () => {
    const seeds = new Prng(2024);
    let allZero = 0;
    let equalFirst = 0;
    for (let i = 0; i < 2000; i++) {
      const seed = seeds.nextU32();
      if (new Prng(seed).saveState().every((w) => w === 0)) allZero++;
      if (new Prng(seed).nextU32() === new Prng(seed + 1).nextU32()) equalFirst++;
    }
    expect(allZero).toBe(0);
    expect(equalFirst).toBe(0);
    // Average Hamming distance of the first output across adjacent seeds is close to 16.
    let bits = 0;
    for (let seed = 0; seed < 1000; seed++) {
      let x = (new Prng(seed).nextU32() ^ new Prng(seed + 1).nextU32()) >>> 0;
      while (x !== 0) {
        bits += x & 1;
        x >>>= 1;
      }
    }
    expect(bits / 1000).toBeGreaterThan(15);
    expect(bits / 1000).toBeLessThan(17);
  });
});

describe('Prng.nextInt', () => {
  it('stays in [0, max) and hits every value of a small range about equally', () => {
    const p = new Prng(7);
    const counts = new Array<number>(6).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const v = p.nextInt(6);
      counts[v]! += 1; // an out-of-range v would make `counts` longer or NaN
    }
    expect(counts).toHaveLength(6);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
    // Chi-square with 5 degrees of freedom; 20.5 is the 0.999 quantile.
    const chi = counts.reduce((sum, c) => sum + (c - n / 6) ** 2 / (n / 6), 0);
    expect(chi).toBeLessThan(20.5);
  });

  it('is unbiased for a range where plain modulo would be badly biased', () => {
    // max = 3·2^30: with `u32 % max`, values below 2^30 would be twice as likely as the rest.
    const max = 3 * 2 ** 30;
    const p = new Prng(11);
    let low = 0;
    let outside = 0;
    const n = 30_000;
    for (let i = 0; i < n; i++) {
      const v = p.nextInt(max);
      if (!Number.isInteger(v) || v < 0 || v >= max) outside++;
      if (v < 2 ** 30) low++;
    }
    expect(outside).toBe(0);
    // Unbiased: 1/3 of draws are below 2^30 (modulo would give 1/2). 5 standard deviations = 0.014.
    expect(Math.abs(low / n - 1 / 3)).toBeLessThan(0.014);
  });

  it('accepts the bounds 1 and 2^32', () => {
    const p = new Prng(3);
    for (let i = 0; i < 100; i++) expect(p.nextInt(1)).toBe(0);
    const q = new Prng(3);
    const r = new Prng(3);
    // With max = 2^32 nothing is rejected: the value is the raw draw.
    for (let i = 0; i < 100; i++) expect(q.nextInt(2 ** 32)).toBe(r.nextU32());
  });

  it('throws a RangeError outside [1, 2^32] or for non-integers', () => {
    const p = new Prng(1);
    for (const bad of [0, -1, 2 ** 32 + 1, 1.5, Number.NaN, Infinity]) {
      expect(() => p.nextInt(bad)).toThrow(RangeError);
    }
  });
});

describe('Prng.nextRange', () => {
  it('covers both ends of an inclusive range, including negative ones', () => {
    const p = new Prng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(p.nextRange(-3, 3));
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(p.nextRange(42, 42)).toBe(42);
  });

  it('handles the full int32 range', () => {
    const p = new Prng(6);
    let bad = 0;
    let negative = 0;
    for (let i = 0; i < 1000; i++) {
      const v = p.nextRange(-0x80000000, 0x7fffffff);
      if ((v | 0) !== v) bad++;
      if (v < 0) negative++;
    }
    expect(bad).toBe(0);
    expect(negative).toBeGreaterThan(400);
    expect(negative).toBeLessThan(600);
  });

  it('rejects empty, too-wide and non-integer ranges', () => {
    const p = new Prng(1);
    expect(() => p.nextRange(5, 4)).toThrow(RangeError);
    expect(() => p.nextRange(0, 2 ** 32)).toThrow(RangeError);
    expect(() => p.nextRange(0.5, 3)).toThrow(RangeError);
    expect(() => p.nextRange(0, Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });
});

describe('Prng.nextFixed and nextBool', () => {
  it('nextFixed is a Q16.16 value in [0, 1) whose mean is about 1/2', () => {
    const p = new Prng(8);
    let sum = 0;
    const n = 20_000;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const f = p.nextFixed();
      if (!Number.isInteger(f) || f < 0 || f >= FIXED_ONE) bad++;
      sum += f;
    }
    expect(bad).toBe(0);
    expect(Math.abs(sum / n / FIXED_ONE - 0.5)).toBeLessThan(0.01);
  });

  it('nextFixed and nextBool use the top bits of one draw', () => {
    const a = new Prng(9);
    const b = new Prng(9);
    for (let i = 0; i < 100; i++) {
      const u = b.nextU32();
      if (i % 2 === 0) expect(a.nextFixed()).toBe(u >>> 16);
      else expect(a.nextBool()).toBe(u >= 0x80000000);
    }
  });

  it('nextBool is balanced', () => {
    const p = new Prng(10);
    let trues = 0;
    for (let i = 0; i < 20_000; i++) if (p.nextBool()) trues++;
    expect(Math.abs(trues / 20_000 - 0.5)).toBeLessThan(0.02);
  });
});

describe('Prng state', () => {
  it('save/load continues the identical sequence, even across instances', () => {
    const p = new Prng(31337);
    draw(p, 17);
    const saved = p.saveState();
    const expected = draw(p, 200);
    // Rewind the same instance.
    p.loadState(saved);
    expect(draw(p, 200)).toEqual(expected);
    // Load into a generator with a different seed.
    const other = new Prng(1);
    other.loadState(saved);
    expect(draw(other, 200)).toEqual(expected);
  });

  it('save/load round-trips mixed calls (rollback-style, many times)', () => {
    const p = new Prng(4);
    const mixed = (g: Prng) => [g.nextInt(10), g.nextRange(-5, 5), g.nextFixed(), g.nextBool() ? 1 : 0, g.nextU32()];
    for (let round = 0; round < 50; round++) {
      const saved = p.saveState();
      const first = mixed(p);
      p.loadState(saved);
      expect(mixed(p)).toEqual(first);
    }
  });

  it('saveState returns a copy, and fills a caller buffer without allocating one', () => {
    const p = new Prng(12);
    const saved = p.saveState();
    const before = Array.from(saved);
    p.nextU32();
    expect(Array.from(saved)).toEqual(before);
    saved[0] = 0; // mutating the copy does not touch the generator
    const q = new Prng(12);
    q.nextU32();
    expect(p.nextU32()).toBe(q.nextU32());

    const out = new Uint32Array(PRNG_STATE_WORDS);
    expect(p.saveState(out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(q.saveState()));
    expect(() => p.saveState(new Uint32Array(3))).toThrow(RangeError);
  });

  it('loadState copies its argument', () => {
    const state = new Prng(13).saveState();
    const p = new Prng(0);
    p.loadState(state);
    state.fill(7);
    const q = new Prng(13);
    expect(draw(p, 5)).toEqual(draw(q, 5));
  });

  it('loadState validates length and rejects the all-zero state', () => {
    const p = new Prng(1);
    const before = p.saveState();
    expect(() => p.loadState(new Uint32Array(3))).toThrow(RangeError);
    expect(() => p.loadState(new Uint32Array(5))).toThrow(RangeError);
    expect(() => p.loadState(new Uint32Array(4))).toThrow(RangeError);
    // A failed load leaves the generator untouched.
    expect(Array.from(p.saveState())).toEqual(Array.from(before));
    // A single nonzero word is valid.
    expect(() => p.loadState(Uint32Array.of(0, 0, 0, 1))).not.toThrow();
    expect(p.nextU32()).toBe(0); // rotl(0 * 5, 7) * 9
  });

  it('clone is independent and continues the same sequence', () => {
    const p = new Prng(14);
    draw(p, 3);
    const c = p.clone();
    expect(draw(c, 50)).toEqual(draw(p, 50));
    c.nextU32();
    expect(p.nextU32()).not.toBe(c.nextU32());
  });
});
