import { describe, expect, it } from 'vitest';
import { BinaryReader } from '../../sdk/src/kit/binary-reader.ts';
import { BinaryReadError } from '../../sdk/src/kit/binary-read-error.ts';
import { BinaryWriter } from '../../sdk/src/kit/binary-writer.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

const reader = (...bytes: number[]) => new BinaryReader(Uint8Array.from(bytes));

/** Expects `read` to throw a BinaryReadError at byte `offset` and leave the reader's offset there. */
function expectReadError(r: BinaryReader, read: (r: BinaryReader) => unknown, offset: number): void {
  let error: unknown;
  try {
    read(r);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BinaryReadError);
  expect((error as BinaryReadError).offset).toBe(offset);
  expect((error as BinaryReadError).name).toBe('BinaryReadError');
  expect(r.offset).toBe(offset);
}

describe('BinaryReader decodings', () => {
  it('reads little-endian integers with the right signedness', () => {
    const r = reader(0xff, 0xef, 0xbe, 0x78, 0x56, 0x34, 0x12, 0xff, 0x80, 0xfe, 0xff, 0x00, 0x80);
    expect(r.readU8()).toBe(255);
    expect(r.readU16()).toBe(0xbeef);
    expect(r.readU32()).toBe(0x12345678);
    expect(r.readI8()).toBe(-1);
    expect(r.readI8()).toBe(-128);
    expect(r.readI16()).toBe(-2);
    expect(r.readI16()).toBe(-32768);
    expect(r.remaining).toBe(0);
    expect(reader(0xff, 0xff, 0xff, 0xff).readU32()).toBe(0xffffffff);
    expect(reader(0xff, 0xff, 0xff, 0xff).readI32()).toBe(-1);
    expect(reader(0, 0, 0, 0x80).readI32()).toBe(-0x80000000);
  });

  it('reads varints, zigzag, f64, bytes and bools', () => {
    expect(reader(0xac, 0x02).readVarUint()).toBe(300);
    expect(reader(0xff, 0xff, 0xff, 0xff, 0x0f).readVarUint()).toBe(0xffffffff);
    expect(reader(0x7f).readVarInt()).toBe(-64);
    expect(reader(0xff, 0xff, 0xff, 0xff, 0x0f).readVarInt()).toBe(-0x80000000);
    expect(Object.is(reader(0).readVarInt(), 0)).toBe(true);
    expect(reader(0, 0, 0, 0, 0, 0, 0x04, 0xc0).readF64()).toBe(-2.5);
    const r = reader(1, 0, 5, 6, 7);
    expect(r.readBool()).toBe(true);
    expect(r.readBool()).toBe(false);
    expect(Array.from(r.readBytes(3))).toEqual([5, 6, 7]);
    expect(r.readBytes(0)).toHaveLength(0);
  });

  it('tracks offset and remaining, and reads from a subarray without leaving it', () => {
    const backing = Uint8Array.of(9, 9, 1, 2, 9, 9);
    const r = new BinaryReader(backing.subarray(2, 4));
    expect(r.remaining).toBe(2);
    expect(r.readU8()).toBe(1);
    expect(r.offset).toBe(1);
    expect(r.remaining).toBe(1);
    expect(r.readU8()).toBe(2);
    expectReadError(r, (x) => x.readU8(), 2);
  });

  it('readBytes returns a copy', () => {
    const data = Uint8Array.of(1, 2, 3);
    const got = new BinaryReader(data).readBytes(3);
    data[0] = 99;
    expect(got[0]).toBe(1);
  });

  it('round-trips everything the writer writes (2000 random records)', () => {
    const p = new Prng(77);
    const w = new BinaryWriter(8);
    for (let round = 0; round < 2000; round++) {
      w.reset();
      const ops: [number, unknown][] = [];
      const count = 1 + p.nextInt(8);
      for (let k = 0; k < count; k++) {
        const kind = p.nextInt(11);
        const u = p.nextU32();
        const shift = p.nextInt(32);
        switch (kind) {
          case 0: w.u8(u & 0xff); ops.push([kind, u & 0xff]); break;
          case 1: w.u16(u & 0xffff); ops.push([kind, u & 0xffff]); break;
          case 2: w.u32(u >>> shift); ops.push([kind, u >>> shift]); break;
          case 3: w.i8((u << 24) >> 24); ops.push([kind, (u << 24) >> 24]); break;
          case 4: w.i16((u << 16) >> 16); ops.push([kind, (u << 16) >> 16]); break;
          case 5: w.i32((u | 0) >> shift); ops.push([kind, (u | 0) >> shift]); break;
          case 6: w.f64((u | 0) / 7); ops.push([kind, (u | 0) / 7]); break;
          case 7: w.varUint(u >>> shift); ops.push([kind, u >>> shift]); break;
          case 8: w.varInt((u | 0) >> shift); ops.push([kind, (u | 0) >> shift]); break;
          case 9: w.bool((u & 1) === 1); ops.push([kind, (u & 1) === 1]); break;
          default: {
            const b = Uint8Array.from({ length: shift }, (_, i) => (u + i) & 0xff);
            w.varUint(b.length).bytes(b);
            ops.push([kind, Array.from(b)]);
          }
        }
      }
      const r = new BinaryReader(w.finish());
      const read = ops.map(([kind]): [number, unknown] => {
        switch (kind) {
          case 0: return [kind, r.readU8()];
          case 1: return [kind, r.readU16()];
          case 2: return [kind, r.readU32()];
          case 3: return [kind, r.readI8()];
          case 4: return [kind, r.readI16()];
          case 5: return [kind, r.readI32()];
          case 6: return [kind, r.readF64()];
          case 7: return [kind, r.readVarUint()];
          case 8: return [kind, r.readVarInt()];
          case 9: return [kind, r.readBool()];
          default: return [kind, Array.from(r.readBytes(r.readVarUint()))];
        }
      });
      expect(read).toEqual(ops);
      expect(r.remaining).toBe(0);
    }
  });
});

describe('BinaryReader on untrusted input', () => {
  it('throws BinaryReadError instead of reading past the end, for every method', () => {
    const cases: [number, (r: BinaryReader) => unknown][] = [
      [0, (r) => r.readU8()],
      [1, (r) => r.readU16()],
      [3, (r) => r.readU32()],
      [0, (r) => r.readI8()],
      [1, (r) => r.readI16()],
      [3, (r) => r.readI32()],
      [7, (r) => r.readF64()],
      [0, (r) => r.readBool()],
      [2, (r) => r.readBytes(3)],
    ];
    for (const [available, read] of cases) {
      const r = new BinaryReader(new Uint8Array(available));
      expectReadError(r, read, 0);
    }
    // After consuming part of the input, the failing read reports where it started.
    const r = reader(1, 2, 3);
    r.readU16();
    expectReadError(r, (x) => x.readU16(), 2);
    expect(r.readU8()).toBe(3); // the failed read consumed nothing
  });

  it('rejects truncated varints', () => {
    expectReadError(reader(), (r) => r.readVarUint(), 0);
    expectReadError(reader(0x80), (r) => r.readVarUint(), 0);
    expectReadError(reader(0xff, 0xff, 0xff, 0xff), (r) => r.readVarUint(), 0);
    const r = reader(0x05, 0x80, 0x80);
    expect(r.readVarUint()).toBe(5);
    expectReadError(r, (x) => x.readVarInt(), 1);
  });

  it('rejects overlong varints: a 6th byte, or a 5th byte above 0x0f', () => {
    expectReadError(reader(0xff, 0xff, 0xff, 0xff, 0xff, 0x01), (r) => r.readVarUint(), 0);
    expectReadError(reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00), (r) => r.readVarUint(), 0);
    expectReadError(reader(0xff, 0xff, 0xff, 0xff, 0x10), (r) => r.readVarUint(), 0); // 2^32
    expectReadError(reader(0x80, 0x80, 0x80, 0x80, 0x1f), (r) => r.readVarInt(), 0);
    expectReadError(reader(...new Array<number>(100).fill(0xff)), (r) => r.readVarUint(), 0);
  });

  it('rejects non-shortest varints, so every value has one encoding', () => {
    expectReadError(reader(0x80, 0x00), (r) => r.readVarUint(), 0);
    expectReadError(reader(0xff, 0x00), (r) => r.readVarUint(), 0);
    expectReadError(reader(0x80, 0x80, 0x80, 0x80, 0x00), (r) => r.readVarUint(), 0);
    expect(reader(0x00).readVarUint()).toBe(0);
    expect(reader(0x80, 0x01).readVarUint()).toBe(128);
  });

  it('rejects bool bytes other than 0 and 1', () => {
    expectReadError(reader(2), (r) => r.readBool(), 0);
    expectReadError(reader(0xff), (r) => r.readBool(), 0);
  });

  it('readBytes rejects a negative or fractional length as a programming error', () => {
    expect(() => reader(1, 2).readBytes(-1)).toThrow(RangeError);
    expect(() => reader(1, 2).readBytes(0.5)).toThrow(RangeError);
  });

  it('random garbage only ever yields in-range values or BinaryReadError (3000 inputs)', () => {
    const p = new Prng(99);
    let badValues = 0;
    let otherErrors = 0;
    let readErrors = 0;
    for (let round = 0; round < 3000; round++) {
      const data = Uint8Array.from({ length: p.nextInt(24) }, () => (p.nextBool() ? 0xff : p.nextInt(256)));
      const r = new BinaryReader(data);
      try {
        for (;;) {
          const before = r.offset;
          let ok: boolean;
          switch (p.nextInt(10)) {
            case 0: { const v = r.readU8(); ok = v >= 0 && v <= 0xff; break; }
            case 1: { const v = r.readU16(); ok = v >= 0 && v <= 0xffff; break; }
            case 2: { const v = r.readU32(); ok = v >>> 0 === v; break; }
            case 3: { const v = r.readI8(); ok = v >= -128 && v <= 127; break; }
            case 4: { const v = r.readI16(); ok = v >= -32768 && v <= 32767; break; }
            case 5: { const v = r.readI32(); ok = (v | 0) === v; break; }
            case 6: { const v = r.readVarUint(); ok = v >>> 0 === v; break; }
            case 7: { const v = r.readVarInt(); ok = (v | 0) === v; break; }
            case 8: { const v = r.readBool(); ok = typeof v === 'boolean'; break; }
            default: { const n = 1 + p.nextInt(5); ok = r.readBytes(n).length === n; }
          }
          if (!ok || r.offset <= before || r.offset > data.length) badValues++;
        }
      } catch (e) {
        if (e instanceof BinaryReadError) readErrors++;
        else otherErrors++;
      }
    }
    expect(badValues).toBe(0);
    expect(otherErrors).toBe(0);
    expect(readErrors).toBe(3000); // every loop ends at the input's end with a BinaryReadError
  });
});
