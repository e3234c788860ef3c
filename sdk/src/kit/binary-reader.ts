import { BinaryReadError } from './binary-read-error.ts';

/** Shared scratch for f64 decoding; DataView fixes the byte order regardless of the platform's. */
const f64Scratch = new DataView(new ArrayBuffer(8));

/**
 * Reads what `BinaryWriter` writes, little-endian, from a Uint8Array. Built for untrusted input:
 * every read checks bounds first and throws a {@link BinaryReadError} rather than returning garbage;
 * varints longer than 5 bytes, above 2^32 - 1 or not in their shortest form are rejected too, so each
 * value has exactly one accepted encoding. After a throw the offset is left where the failing read
 * started.
 *
 * The reader does not copy its input: do not modify the array while reading it.
 */
export class BinaryReader {
  private readonly data: Uint8Array;
  private position = 0;

  constructor(data: Uint8Array) {
    this.data = data;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.position;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.data.length - this.position;
  }

  /** Checks that `bytes` more bytes exist and returns the offset to read them from. */
  private take(bytes: number, what: string): number {
    const p = this.position;
    if (bytes > this.data.length - p) {
      throw new BinaryReadError(`${what}: needs ${bytes} bytes, ${this.data.length - p} left`, p);
    }
    this.position = p + bytes;
    return p;
  }

  /** Reads an unsigned 8-bit integer (1 byte). */
  readU8(): number {
    return this.data[this.take(1, 'readU8')]!;
  }

  /** Reads an unsigned 16-bit integer (2 bytes). */
  readU16(): number {
    const d = this.data;
    const p = this.take(2, 'readU16');
    return d[p]! | (d[p + 1]! << 8);
  }

  /** Reads an unsigned 32-bit integer (4 bytes). */
  readU32(): number {
    return this.read32('readU32') >>> 0;
  }

  /** Reads a signed 8-bit integer (1 byte, two's complement). */
  readI8(): number {
    return (this.data[this.take(1, 'readI8')]! << 24) >> 24;
  }

  /** Reads a signed 16-bit integer (2 bytes, two's complement). */
  readI16(): number {
    const d = this.data;
    const p = this.take(2, 'readI16');
    return ((d[p]! | (d[p + 1]! << 8)) << 16) >> 16;
  }

  /** Reads a signed 32-bit integer (4 bytes, two's complement). */
  readI32(): number {
    return this.read32('readI32');
  }

  private read32(what: string): number {
    const d = this.data;
    const p = this.take(4, what);
    return d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24);
  }

  /** An IEEE-754 double (8 bytes). For non-simulation data only; see `BinaryWriter.f64`. */
  readF64(): number {
    const p = this.take(8, 'readF64');
    for (let i = 0; i < 8; i++) f64Scratch.setUint8(i, this.data[p + i]!);
    return f64Scratch.getFloat64(0, true);
  }

  /**
   * An unsigned LEB128 varint of at most 5 bytes, value at most 2^32 - 1, in its shortest form (no
   * trailing 0x00 group). Anything else throws.
   */
  readVarUint(): number {
    const d = this.data;
    const start = this.position;
    const end = d.length;
    let value = 0;
    let p = start;
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= end) {
        throw new BinaryReadError(`readVarUint: input ends inside a varint`, start);
      }
      const byte = d[p++]!;
      if (shift === 28 && byte > 0x0f) {
        // The 5th byte holds bits 28..31: more would overflow u32 or continue to a 6th byte.
        throw new BinaryReadError('readVarUint: varint too long or above 2^32 - 1', start);
      }
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        if (byte === 0 && shift > 0) {
          throw new BinaryReadError('readVarUint: varint not in its shortest form', start);
        }
        this.position = p;
        return value >>> 0;
      }
    }
    // Unreachable: the 5th byte either throws above or ends the varint.
    throw new BinaryReadError('readVarUint: varint too long', start);
  }

  /** A zigzag varint (see `BinaryWriter.varInt`), as an int32. */
  readVarInt(): number {
    const u = this.readVarUint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** `length` bytes, as a copy (safe to keep after the input is reused). */
  readBytes(length: number): Uint8Array {
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(`readBytes: bad length ${length}`);
    }
    const p = this.take(length, 'readBytes');
    return this.data.slice(p, p + length);
  }

  /** One byte that must be 0 or 1. */
  readBool(): boolean {
    const p = this.position;
    const byte = this.data[this.take(1, 'readBool')]!;
    if (byte > 1) {
      this.position = p;
      throw new BinaryReadError(`readBool: byte ${byte} is neither 0 nor 1`, p);
    }
    return byte === 1;
  }
}
