import { describe, expect, it } from 'vitest';
import { Hasher, hashBytes } from '../../sdk/src/kit/hash.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('hashBytes: MurmurHash3 x86_32 published vectors', () => {
  // The widely published reference vectors (Wikipedia's MurmurHash article and SMHasher ports).
  const vectors: [string | Uint8Array, number, number][] = [
    ['', 0, 0x00000000],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    [new Uint8Array(4), 0, 0x2362f9de],
    [new Uint8Array(3), 0, 0x85f0b427],
    [new Uint8Array(2), 0, 0x30f4c306],
    ['test', 0, 0xba6bd213],
    ['test', 0x9747b28c, 0x704b81dc],
    ['Hello, world!', 0, 0xc0363e43],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['abc', 0, 0xb3dd93fa],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['abcd', 0x9747b28c, 0xf0478627],
    ['abc', 0x9747b28c, 0xc84a62dd],
    ['ab', 0x9747b28c, 0x74875592],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
    ['a'.repeat(256), 0x9747b28c, 0x37405bdc],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 0, 0xee925b90],
  ];
  it.each(vectors)('%j with seed %i', (input, seed, expected) => {
    const bytes = typeof input === 'string' ? utf8(input) : input;
    expect(hashBytes(bytes, seed)).toBe(expected);
    expect(new Hasher(seed).updateBytes(bytes).digest()).toBe(expected);
  });

  it("passes SMHasher's verification test (0xB0F57EE3)", () => {
    // Hash keys {}, {0}, {0,1}, ..., {0..254} with seed 256 - length; hash the 256 results
    // (little-endian u32s) with seed 0.
    const key = new Uint8Array(256);
    const hashes = new Uint8Array(256 * 4);
    const view = new DataView(hashes.buffer);
    for (let i = 0; i < 256; i++) {
      key[i] = i;
      view.setUint32(i * 4, hashBytes(key.subarray(0, i), 256 - i), true);
    }
    expect(hashBytes(hashes, 0)).toBe(0xb0f57ee3);
  });

  it('returns a u32, takes the seed modulo 2^32, and respects subarray bounds', () => {
    const h = hashBytes(utf8('Hello, world!'));
    expect(h).toBeGreaterThan(0x7fffffff); // 0xc0363e43: unsigned, not negative
    expect(hashBytes(new Uint8Array(0), -1)).toBe(0x81f16f39);
    const padded = Uint8Array.of(99, ...utf8('test'), 99);
    expect(hashBytes(padded.subarray(1, 5))).toBe(0xba6bd213);
  });
});

describe('Hasher', () => {
  it('equals hashBytes of the same bytes however they are split (2000 random splits)', () => {
    const p = new Prng(42);
    let mismatches = 0;
    for (let round = 0; round < 2000; round++) {
      const seed = p.nextU32();
      const hasher = new Hasher(seed);
      const bytes: number[] = [];
      const parts = p.nextInt(12);
      for (let k = 0; k < parts; k++) {
        switch (p.nextInt(5)) {
          case 0: {
            const v = p.nextInt(256);
            hasher.updateU8(v);
            bytes.push(v);
            break;
          }
          case 1: {
            const v = p.nextInt(0x10000);
            hasher.updateU16(v);
            bytes.push(v & 0xff, v >>> 8);
            break;
          }
          case 2: {
            const v = p.nextU32();
            hasher.updateU32(v);
            bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
            break;
          }
          case 3: {
            const v = p.nextU32() | 0;
            hasher.updateI32(v);
            bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
            break;
          }
          default: {
            const chunk = Uint8Array.from({ length: p.nextInt(20) }, () => p.nextInt(256));
            hasher.updateBytes(chunk);
            bytes.push(...chunk);
          }
        }
      }
      if (hasher.digest() !== hashBytes(Uint8Array.from(bytes), seed)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('feeds multi-byte values little-endian', () => {
    const seed = 7;
    const expected = hashBytes(Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0xff, 0xff, 0xff, 0xff), seed);
    const h = new Hasher(seed).updateU16(0x0201).updateU32(0x06050403).updateI32(-1).digest();
    expect(h).toBe(expected);
  });

  it('keeps only the low bits of u8 and u16 values; u32 and i32 feed the same bytes', () => {
    expect(new Hasher().updateU8(0x1ff).digest()).toBe(new Hasher().updateU8(0xff).digest());
    expect(new Hasher().updateU16(0x1abcd).digest()).toBe(new Hasher().updateU16(0xabcd).digest());
    expect(new Hasher().updateU32(0xffffffff).digest()).toBe(new Hasher().updateI32(-1).digest());
  });

  it('digest does not change the state; reset starts over, with a new seed if given', () => {
    const h = new Hasher(5).updateU32(1234);
    const first = h.digest();
    expect(h.digest()).toBe(first);
    h.updateU8(9);
    expect(h.digest()).toBe(hashBytes(Uint8Array.of(0xd2, 0x04, 0, 0, 9), 5));
    h.reset();
    expect(h.digest()).toBe(hashBytes(new Uint8Array(0), 5));
    h.reset(0).updateBytes(utf8('test'));
    expect(h.digest()).toBe(0xba6bd213);
  });

  it('distinguishes states that differ in one value or in order', () => {
    const a = new Hasher().updateI32(1).updateI32(2).digest();
    const b = new Hasher().updateI32(2).updateI32(1).digest();
    const c = new Hasher().updateI32(1).updateI32(3).digest();
    expect(new Set([a, b, c]).size).toBe(3);
  });
});
