import { describe, expect, it } from 'vitest';
import { ReadError, isReadError } from '../../sdk/src/protocol/read-error.ts';
import {
  readUVarInt,
  readVarInt,
  uvarintSize,
  varIntSize,
  writeUVarInt,
  writeVarInt,
  zigzagDecode,
  zigzagEncode,
} from '../../sdk/src/protocol/var-int.ts';
import { fromHex, hex } from './protocol-fixtures.ts';

function encodeU(value: number): Uint8Array {
  const out = new Uint8Array(5);
  return out.subarray(0, writeUVarInt(out, 0, value));
}

describe('unsigned LEB128 varint', () => {
  it('encodes known values to known bytes', () => {
    expect(hex(encodeU(0))).toBe('00');
    expect(hex(encodeU(1))).toBe('01');
    expect(hex(encodeU(127))).toBe('7f');
    expect(hex(encodeU(128))).toBe('80 01');
    expect(hex(encodeU(300))).toBe('ac 02');
    expect(hex(encodeU(16383))).toBe('ff 7f');
    expect(hex(encodeU(16384))).toBe('80 80 01');
    expect(hex(encodeU(0x7fffffff))).toBe('ff ff ff ff 07');
    expect(hex(encodeU(0xffffffff))).toBe('ff ff ff ff 0f');
  });

  it('round-trips every size boundary with the predicted size', () => {
    const edges = [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 - 1];
    const sizes = [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5];
    edges.forEach((value, i) => {
      const bytes = encodeU(value);
      expect(bytes.length).toBe(sizes[i]);
      expect(uvarintSize(value)).toBe(sizes[i]);
      expect(readUVarInt(bytes, 0)).toBe(value);
    });
  });

  it('reads at an offset and ignores what follows', () => {
    expect(readUVarInt(fromHex('ff ac 02 ff'), 1)).toBe(300);
  });

  it('reports truncation when the bytes end inside a varint', () => {
    expect(readUVarInt(new Uint8Array(0), 0)).toBe(ReadError.Truncated);
    expect(readUVarInt(fromHex('01'), 1)).toBe(ReadError.Truncated);
    expect(readUVarInt(fromHex('80'), 0)).toBe(ReadError.Truncated);
    expect(readUVarInt(fromHex('ff ff ff ff'), 0)).toBe(ReadError.Truncated);
  });

  it('rejects overlong encodings so that each value has one encoding', () => {
    expect(readUVarInt(fromHex('80 00'), 0)).toBe(ReadError.Malformed);
    expect(readUVarInt(fromHex('81 80 00'), 0)).toBe(ReadError.Malformed);
    expect(readUVarInt(fromHex('ff ff ff 80 00'), 0)).toBe(ReadError.Malformed);
  });

  it('rejects values above 2^32-1 and encodings longer than 5 bytes', () => {
    expect(readUVarInt(fromHex('ff ff ff ff 10'), 0)).toBe(ReadError.Malformed);
    expect(readUVarInt(fromHex('80 80 80 80 80 01'), 0)).toBe(ReadError.Malformed);
    expect(readUVarInt(fromHex('ff ff ff ff 8f'), 0)).toBe(ReadError.Malformed);
  });

  it('accepts exactly the canonical encodings among all 1- and 2-byte strings', () => {
    // Every accepted string re-encodes to itself, and every value below 2^14 is accepted once.
    const seen = new Set<number>();
    const mismatches: string[] = [];
    for (let len = 1; len <= 2; len++) {
      for (let k = 0; k < 256 ** len; k++) {
        const data = new Uint8Array(len);
        for (let i = 0; i < len; i++) data[i] = (k >>> (8 * i)) & 0xff;
        const value = readUVarInt(data, 0);
        if (value < 0 || uvarintSize(value) !== len) continue;
        if (hex(encodeU(value)) !== hex(data) || seen.has(value)) mismatches.push(hex(data));
        seen.add(value);
      }
    }
    expect(mismatches).toEqual([]);
    expect(seen.size).toBe(2 ** 14);
  });

  it('refuses to write invalid values or past the end of the buffer', () => {
    const out = new Uint8Array(2);
    expect(() => writeUVarInt(out, 0, -1)).toThrow(RangeError);
    expect(() => writeUVarInt(out, 0, 2 ** 32)).toThrow(RangeError);
    expect(() => writeUVarInt(out, 0, 1.5)).toThrow(RangeError);
    expect(() => writeUVarInt(out, 0, Number.NaN)).toThrow(RangeError);
    expect(() => writeUVarInt(out, 0, 16384)).toThrow(RangeError);
    expect(() => writeUVarInt(out, 2, 0)).toThrow(RangeError);
    expect(writeUVarInt(out, 0, 16383)).toBe(2);
  });
});

describe('zigzag signed varint', () => {
  it('maps small magnitudes to small codes', () => {
    expect([0, -1, 1, -2, 2, -64, 63, 64].map(zigzagEncode)).toEqual([0, 1, 2, 3, 4, 127, 126, 128]);
    expect(zigzagEncode(-(2 ** 31))).toBe(2 ** 32 - 1);
    expect(zigzagEncode(2 ** 31 - 1)).toBe(2 ** 32 - 2);
  });

  it('round-trips the i32 edges and sizes', () => {
    for (const n of [0, -1, 1, -64, 63, -65, 64, 2 ** 31 - 1, -(2 ** 31)]) {
      expect(zigzagDecode(zigzagEncode(n))).toBe(n);
      const out = new Uint8Array(5);
      const end = writeVarInt(out, 0, n);
      expect(end).toBe(varIntSize(n));
      expect(readVarInt(out, 0)).toBe(n);
    }
    expect(varIntSize(-64)).toBe(1);
    expect(varIntSize(64)).toBe(2);
  });

  it('passes read errors through, distinguishable from negative values', () => {
    const truncated = readVarInt(fromHex('80'), 0);
    expect(truncated).toBe(ReadError.Truncated);
    expect(isReadError(truncated)).toBe(true);
    expect(readVarInt(fromHex('80 00'), 0)).toBe(ReadError.Malformed);
    expect(isReadError(readVarInt(fromHex('ff ff ff ff 0f'), 0))).toBe(false);
    expect(readVarInt(fromHex('ff ff ff ff 0f'), 0)).toBe(-(2 ** 31));
  });

  it('refuses non-i32 values', () => {
    const out = new Uint8Array(5);
    expect(() => writeVarInt(out, 0, 2 ** 31)).toThrow(RangeError);
    expect(() => writeVarInt(out, 0, -(2 ** 31) - 1)).toThrow(RangeError);
    expect(() => writeVarInt(out, 0, 0.5)).toThrow(RangeError);
  });
});
