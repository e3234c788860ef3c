import { describe, expect, it } from 'vitest';
import { BinaryWriter, DEFAULT_WRITER_CAPACITY } from '../../sdk/src/kit/binary-writer.ts';

const bytesOf = (fill: (w: BinaryWriter) => void) => {
  const w = new BinaryWriter();
  fill(w);
  return Array.from(w.finish());
};

describe('BinaryWriter encodings', () => {
  it('writes fixed-size integers little-endian, two’s complement for signed', () => {
    expect(bytesOf((w) => w.u8(0).u8(255))).toEqual([0x00, 0xff]);
    expect(bytesOf((w) => w.u16(0xbeef))).toEqual([0xef, 0xbe]);
    expect(bytesOf((w) => w.u32(0x12345678))).toEqual([0x78, 0x56, 0x34, 0x12]);
    expect(bytesOf((w) => w.u32(0xffffffff))).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(bytesOf((w) => w.i8(-1).i8(-128).i8(127))).toEqual([0xff, 0x80, 0x7f]);
    expect(bytesOf((w) => w.i16(-2).i16(-32768))).toEqual([0xfe, 0xff, 0x00, 0x80]);
    expect(bytesOf((w) => w.i32(-2).i32(-0x80000000))).toEqual([0xfe, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x80]);
  });

  it('writes f64 as IEEE-754 little-endian', () => {
    expect(bytesOf((w) => w.f64(1))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    expect(bytesOf((w) => w.f64(-2.5))).toEqual([0, 0, 0, 0, 0, 0, 0x04, 0xc0]);
  });

  it('writes LEB128 varUints in their shortest form', () => {
    expect(bytesOf((w) => w.varUint(0))).toEqual([0x00]);
    expect(bytesOf((w) => w.varUint(127))).toEqual([0x7f]);
    expect(bytesOf((w) => w.varUint(128))).toEqual([0x80, 0x01]);
    expect(bytesOf((w) => w.varUint(300))).toEqual([0xac, 0x02]);
    expect(bytesOf((w) => w.varUint(16383))).toEqual([0xff, 0x7f]);
    expect(bytesOf((w) => w.varUint(16384))).toEqual([0x80, 0x80, 0x01]);
    expect(bytesOf((w) => w.varUint(2 ** 31))).toEqual([0x80, 0x80, 0x80, 0x80, 0x08]);
    expect(bytesOf((w) => w.varUint(0xffffffff))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('writes zigzag varInts', () => {
    expect(bytesOf((w) => w.varInt(0).varInt(-1).varInt(1).varInt(-2).varInt(63).varInt(-64))).toEqual([
      0, 1, 2, 3, 0x7e, 0x7f,
    ]);
    expect(bytesOf((w) => w.varInt(64))).toEqual([0x80, 0x01]);
    expect(bytesOf((w) => w.varInt(0x7fffffff))).toEqual([0xfe, 0xff, 0xff, 0xff, 0x0f]);
    expect(bytesOf((w) => w.varInt(-0x80000000))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('writes raw bytes and bools', () => {
    expect(bytesOf((w) => w.bytes(Uint8Array.of(1, 2, 3)).bytes(new Uint8Array(0)).bool(true).bool(false))).toEqual([
      1, 2, 3, 1, 0,
    ]);
  });

  it('rejects values outside each type instead of truncating them', () => {
    const w = new BinaryWriter();
    const bad: [keyof BinaryWriter & string, number][] = [
      ['u8', 256], ['u8', -1], ['u8', 1.5], ['u8', Number.NaN],
      ['u16', 0x10000], ['u16', -1],
      ['u32', 2 ** 32], ['u32', -1], ['u32', 0.5],
      ['i8', 128], ['i8', -129],
      ['i16', 32768], ['i16', -32769],
      ['i32', 2 ** 31], ['i32', -(2 ** 31) - 1], ['i32', 1.5],
      ['varUint', -1], ['varUint', 2 ** 32], ['varUint', 2.5],
      ['varInt', 2 ** 31], ['varInt', 0.5],
    ];
    for (const [method, value] of bad) {
      expect(() => (w[method] as (v: number) => BinaryWriter)(value), `${method}(${value})`).toThrow(RangeError);
    }
    expect(w.length).toBe(0); // nothing was written by the failed calls
  });
});

describe('BinaryWriter buffer', () => {
  it('grows by doubling and keeps earlier bytes', () => {
    const w = new BinaryWriter(2);
    expect(w.capacity).toBe(2);
    w.u8(1).u8(2);
    expect(w.capacity).toBe(2);
    w.u8(3);
    expect(w.capacity).toBe(4);
    w.u32(0x07060504);
    expect(w.capacity).toBe(8);
    w.bytes(new Uint8Array(20));
    expect(w.capacity).toBe(32);
    expect(w.length).toBe(27);
    expect(Array.from(w.finish().subarray(0, 7))).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('uses the default capacity and rejects a bad one', () => {
    expect(new BinaryWriter().capacity).toBe(DEFAULT_WRITER_CAPACITY);
    expect(() => new BinaryWriter(0)).toThrow(RangeError);
    expect(() => new BinaryWriter(1.5)).toThrow(RangeError);
  });

  it('finish returns an independent copy', () => {
    const w = new BinaryWriter();
    w.u8(1);
    const first = w.finish();
    w.reset().u8(2);
    expect(Array.from(first)).toEqual([1]);
    first[0] = 9;
    expect(Array.from(w.finish())).toEqual([2]);
  });

  it('view shares the buffer without copying', () => {
    const w = new BinaryWriter(16);
    w.u16(0x0201);
    const v = w.view();
    expect(Array.from(v)).toEqual([1, 2]);
    w.reset().u16(0x0403);
    expect(Array.from(v)).toEqual([3, 4]); // same memory, overwritten
  });

  it('reset keeps the grown buffer, so reuse allocates nothing', () => {
    const w = new BinaryWriter(4);
    for (let i = 0; i < 100; i++) w.u32(i);
    const grown = w.capacity;
    const before = w.view().buffer;
    for (let frame = 0; frame < 10; frame++) {
      w.reset();
      expect(w.length).toBe(0);
      for (let i = 0; i < 100; i++) w.u32(i);
    }
    expect(w.capacity).toBe(grown);
    expect(w.view().buffer).toBe(before);
  });
});
