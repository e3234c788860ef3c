import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import {
  JOIN_CODE_ALPHABET,
  JOIN_CODE_LENGTH,
  JOIN_CODE_SPACE,
  formatJoinCode,
  generateJoinCode,
  isJoinCode,
  normalizeJoinCode,
} from '../../sdk/src/room/join-code.ts';

/** A random source that returns the given draws in order. */
function draws(...values: number[]): () => number {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error('out of draws');
    return values[i++]!;
  };
}

/** 4 × 31^6: the first draw that is rejected. */
const ACCEPT_BELOW = 4 * 31 ** 6;

describe('join code alphabet', () => {
  it('has 31 unambiguous characters: no 0, O, 1, I or L, no lower case, no repeats', () => {
    expect(JOIN_CODE_ALPHABET).toHaveLength(31);
    expect(new Set(JOIN_CODE_ALPHABET).size).toBe(31);
    for (const ch of '0O1IL') expect(JOIN_CODE_ALPHABET).not.toContain(ch);
    expect(JOIN_CODE_ALPHABET).toMatch(/^[2-9A-Z]+$/);
    expect(JOIN_CODE_LENGTH).toBe(6);
    expect(JOIN_CODE_SPACE).toBe(887_503_681);
  });
});

describe('generateJoinCode', () => {
  it('maps a draw to 6 base-31 digits, least significant first', () => {
    expect(generateJoinCode(draws(0))).toBe('222222');
    expect(generateJoinCode(draws(1))).toBe('322222');
    expect(generateJoinCode(draws(31))).toBe('232222');
    expect(generateJoinCode(draws(JOIN_CODE_SPACE - 1))).toBe('ZZZZZZ');
    expect(generateJoinCode(draws(JOIN_CODE_SPACE))).toBe('222222'); // the second of 4 draws per code
  });

  it('rejects draws at or above 4 × 31^6 (no modulo bias) and draws again', () => {
    expect(generateJoinCode(draws(ACCEPT_BELOW - 1))).toBe('ZZZZZZ');
    expect(generateJoinCode(draws(ACCEPT_BELOW, 0xffffffff, 1))).toBe('322222');
  });

  it('throws on a broken source: not a u32, or stuck in the rejected range', () => {
    expect(() => generateJoinCode(() => -1)).toThrow(RangeError);
    expect(() => generateJoinCode(() => 2 ** 32)).toThrow(RangeError);
    expect(() => generateJoinCode(() => 0.5)).toThrow(RangeError);
    expect(() => generateJoinCode(() => Number.NaN)).toThrow(RangeError);
    expect(() => generateJoinCode(() => 0xffffffff)).toThrow(/broken/);
  });

  it('is uniform: every character at every position (chi-square), over 120,000 codes from a seeded Prng', () => {
    const prng = new Prng(0x5eed);
    const random = () => prng.nextU32();
    const n = 120_000;
    const counts = Array.from({ length: JOIN_CODE_LENGTH }, () => new Array<number>(31).fill(0));
    const pairCounts = new Array<number>(31 * 31).fill(0);
    let malformed = 0;
    for (let i = 0; i < n; i++) {
      const code = generateJoinCode(random);
      if (code.length !== JOIN_CODE_LENGTH) malformed++;
      for (let p = 0; p < JOIN_CODE_LENGTH; p++) {
        const v = JOIN_CODE_ALPHABET.indexOf(code[p]!);
        if (v < 0) malformed++;
        else counts[p]![v]!++;
      }
      pairCounts[JOIN_CODE_ALPHABET.indexOf(code[0]!) * 31 + JOIN_CODE_ALPHABET.indexOf(code[5]!)]!++;
    }
    expect(malformed).toBe(0);
    const chi = (observed: number[]) => {
      const expected = n / observed.length;
      return observed.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
    };
    // df = 30: p = 0.001 at 59.7. df = 960: p = 0.001 at about 1103.
    for (let p = 0; p < JOIN_CODE_LENGTH; p++) expect(chi(counts[p]!)).toBeLessThan(59.7);
    expect(chi(pairCounts)).toBeLessThan(1103);
  });

  it('a biased mapping (draw % 31^6 without rejection) would fail the same test', () => {
    // Sanity check of the test's power: draws in [4·N, 2^32) fold onto the lowest codes.
    const prng = new Prng(7);
    const n = 120_000;
    const counts = new Array<number>(31).fill(0);
    for (let i = 0; i < n; i++) {
      const x = prng.nextU32() % JOIN_CODE_SPACE;
      counts[Math.floor(x / 31 ** 5)]!++; // most significant digit
    }
    const expected = n / 31;
    const chi = counts.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
    expect(chi).toBeGreaterThan(59.7);
  });
});

describe('normalizeJoinCode', () => {
  it('upper-cases and strips spaces and dashes', () => {
    expect(normalizeJoinCode('abc-def')).toBe('ABCDEF');
    expect(normalizeJoinCode('  ab c\tdef ')).toBe('ABCDEF');
    expect(normalizeJoinCode('AB–CD—EF')).toBe('ABCDEF'); // en and em dashes
    expect(normalizeJoinCode('xyz 234')).toBe('XYZ234');
    expect(normalizeJoinCode(formatJoinCode('K7M2QP'))).toBe('K7M2QP');
  });

  it('refuses wrong lengths, ambiguous and foreign characters, and non-strings', () => {
    for (const bad of ['', 'ABCDE', 'ABCDEFG', 'ABCDE0', 'ABCDEO', 'ABCDE1', 'ABCDEI', 'ABCDEL', 'abcdel', 'ABC_DE', 'ABCDÉ2', 'ＡＢＣＤＥＦ', 'ABC.DE']) {
      expect(normalizeJoinCode(bad)).toBeUndefined();
    }
    for (const bad of [undefined, null, 123456, ['ABCDEF'], { code: 'ABCDEF' }]) expect(normalizeJoinCode(bad)).toBeUndefined();
    expect(normalizeJoinCode(`${' '.repeat(100)}ABCDEF`)).toBeUndefined(); // too long to look at
  });

  it('isJoinCode accepts only the canonical form; formatJoinCode groups by three', () => {
    expect(isJoinCode('ABCDEF')).toBe(true);
    expect(isJoinCode('abcdef')).toBe(false);
    expect(isJoinCode('ABC-DEF')).toBe(false);
    expect(formatJoinCode('ABCDEF')).toBe('ABC-DEF');
  });
});
