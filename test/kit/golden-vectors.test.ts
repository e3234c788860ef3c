/**
 * Golden vectors: exact outputs recorded from the kit. Simulations depend on these bit for bit, so
 * ANY change here is a breaking change (replays and cross-version sessions stop agreeing). If one
 * fails, the implementation changed behaviour: fix it rather than updating the numbers, unless the
 * change is deliberate and versioned.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { hashBytes } from '../../sdk/src/kit/hash.ts';
import { BinaryWriter } from '../../sdk/src/kit/binary-writer.ts';
import {
  FIXED_HALF_PI,
  FIXED_PI,
  FIXED_TWO_PI,
  fixedAtan2,
  fixedCos,
  fixedDiv,
  fixedMul,
  fixedSin,
  fixedSqrt,
} from '../../sdk/src/kit/fixed-point.ts';

describe('golden: Prng', () => {
  const firstEight: [number, number[]][] = [
    [0, [0xe308dc58, 0x4392d0e4, 0x03318f97, 0xac593a63, 0x08535f0a, 0x83532d1f, 0x063f9b44, 0x5e9c32a6]],
    [1, [0x9190299e, 0xc1017b27, 0xe3af522f, 0x7d71fb05, 0x787816c2, 0xfbbe0c00, 0x5a5c175a, 0x89063de1]],
    [42, [0xa91e1cac, 0x207b36e9, 0x1c987ffa, 0xd09fde9e, 0x14404494, 0x06bee32a, 0x03e4c0b2, 0x424bc820]],
    [0xdeadbeef, [0x897ad89d, 0x998f30df, 0x4a8bba06, 0xa0e20ce0, 0x8a40cc10, 0xbdc3ff9f, 0x2a8da947, 0xdc58ee47]],
    [-1, [0x31d28326, 0x728481f8, 0x8c70d5d1, 0x7066baf4, 0x3a707f2c, 0x3ed16aa6, 0xdb308f61, 0x92e32daa]],
  ];
  it.each(firstEight)('seed %i: first 8 nextU32', (seed, expected) => {
    const p = new Prng(seed);
    expect(Array.from({ length: 8 }, () => p.nextU32())).toEqual(expected);
  });

  it('derived draws from seed 7', () => {
    const p = new Prng(7);
    expect([
      p.nextInt(6),
      p.nextInt(6),
      p.nextInt(1000),
      p.nextRange(-5, 5),
      p.nextRange(-0x80000000, 0x7fffffff),
      p.nextFixed(),
      p.nextBool(),
      p.nextBool(),
      p.nextInt(2 ** 32),
      p.nextInt(3 * 2 ** 30),
    ]).toEqual([0, 5, 449, 4, 282049079, 31033, true, false, 3627243488, 2427073810]);
  });
});

describe('golden: hashBytes', () => {
  const strings: [string, number, number][] = [
    ['', 0x00000000, 0xebb6c228],
    ['a', 0x3c2569b2, 0x7fa09ea6],
    ['ab', 0x9bbfd75f, 0x74875592],
    ['abc', 0xb3dd93fa, 0xc84a62dd],
    ['abcd', 0x43ed676a, 0xf0478627],
    ['Backspin', 0xd416f924, 0x9416a3a5],
    ['rollback netcode', 0xe92a19e4, 0xfe7d31fe],
  ];
  it.each(strings)('%j (seed 0 and 0x9747b28c)', (s, seed0, seedOther) => {
    const bytes = new TextEncoder().encode(s);
    expect(hashBytes(bytes)).toBe(seed0);
    expect(hashBytes(bytes, 0x9747b28c)).toBe(seedOther);
  });
});

describe('golden: fixed point', () => {
  it('fixedSin and fixedCos', () => {
    const table: [number, number, number][] = [
      [0, 0, 65536], [1, 1, 65536], [-1, -1, 65536], [FIXED_HALF_PI, 65536, 0], [FIXED_PI, 0, -65536],
      [-FIXED_PI, 0, -65536], [FIXED_TWO_PI, 0, 65536], [32768, 31420, 57513], [65536, 55146, 35410],
      [-65536, -55146, 35410], [100000, 65470, 2943], [300000, -64942, -8805], [2147483647, 60808, 24441],
      [-2147483648, -60809, 24440], [123456789, -59939, 26502],
    ];
    expect(table.map(([a]) => [a, fixedSin(a), fixedCos(a)])).toEqual(table);
  });

  it('fixedAtan2', () => {
    const table: [number, number, number][] = [
      [0, 65536, 0], [65536, 65536, 51472], [65536, 0, 102944], [65536, -65536, 154415], [0, -65536, 205887],
      [-65536, -65536, -154415], [-65536, 0, -102944], [-65536, 65536, -51472], [1, 1000, 66],
      [-3, -4, -163715], [12345, -67890, 194099], [2147483647, -2147483648, 154415],
      [-2147483648, -2147483648, -154415], [1, 2147483647, 0],
    ];
    expect(table.map(([y, x]) => [y, x, fixedAtan2(y, x)])).toEqual(table);
  });

  it('fixedSqrt', () => {
    const table: [number, number][] = [
      [0, 0], [1, 256], [2, 362], [3, 443], [65536, 65536], [131072, 92681], [196608, 113511], [32768, 46340],
      [100, 2560], [2147483647, 11863283], [2147483646, 11863283], [1234567, 284444],
    ];
    expect(table.map(([x]) => [x, fixedSqrt(x)])).toEqual(table);
  });

  it('fixedMul and fixedDiv', () => {
    const mul: [number, number, number][] = [
      [205887, 205887, 646811], [-65536, 3, -3], [2147483647, 2147483647, -65536], [-2147483648, -2147483648, 0],
      [-2147483648, 65536, -2147483648], [123456, -654321, -1232603],
    ];
    expect(mul.map(([a, b]) => [a, b, fixedMul(a, b)])).toEqual(mul);
    const div: [number, number, number][] = [
      [65536, 196608, 21845], [-65536, 196608, -21846], [2147483647, 1, -65536], [-2147483648, -65536, -2147483648],
      [205887, 411775, 32767], [1, 2147483647, 0],
    ];
    expect(div.map(([a, b]) => [a, b, fixedDiv(a, b)])).toEqual(div);
  });
});

describe('golden: BinaryWriter', () => {
  it('exact bytes of a record using every method', () => {
    const w = new BinaryWriter(4);
    w.u8(0xab).u16(0x1234).u32(0xdeadbeef).i8(-2).i16(-300).i32(-123456789).f64(1.5)
      .varUint(0).varUint(127).varUint(128).varUint(300).varUint(0xffffffff)
      .varInt(0).varInt(-1).varInt(1).varInt(-64).varInt(-0x80000000).varInt(0x7fffffff)
      .bytes(Uint8Array.of(9, 8, 7)).bool(true).bool(false);
    expect(Array.from(w.finish())).toEqual([
      0xab, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde, 0xfe, 0xd4, 0xfe, 0xeb, 0x32, 0xa4, 0xf8, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0xf8, 0x3f, 0x00, 0x7f, 0x80, 0x01, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x01, 0x02,
      0x7f, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xfe, 0xff, 0xff, 0xff, 0x0f, 0x09, 0x08, 0x07, 0x01, 0x00,
    ]);
  });
});
