/** Initial capacity of a writer when none is given (bytes). */
export const DEFAULT_WRITER_CAPACITY = 256;

/** Shared scratch for f64 encoding; DataView fixes the byte order regardless of the platform's. */
const f64Scratch = new DataView(new ArrayBuffer(8));

/**
 * A growable little-endian byte writer, for snapshots, inputs and messages. The buffer doubles when
 * full, and {@link reset} keeps it, so a writer reused every frame stops allocating once it has grown
 * to the largest size needed.
 *
 * Every method checks its value's range and throws a RangeError instead of silently truncating
 * (`u8(256)`, `i16(1.5)`, `u32(-1)` all throw), so a wrong field size shows up at the writer.
 * Methods return the writer, for chaining.
 */
export class BinaryWriter {
  private buffer: Uint8Array;
  private position = 0;

  /** `initialCapacity`: bytes to allocate up front (at least 1). */
  constructor(initialCapacity: number = DEFAULT_WRITER_CAPACITY) {
    if (!Number.isInteger(initialCapacity) || initialCapacity < 1) {
      throw new RangeError(`BinaryWriter: bad initial capacity ${initialCapacity}`);
    }
    this.buffer = new Uint8Array(initialCapacity);
  }

  /** Bytes written since construction or the last reset. */
  get length(): number {
    return this.position;
  }

  /** Bytes the current buffer can hold before it grows again. */
  get capacity(): number {
    return this.buffer.length;
  }

  /** Makes room for `bytes` more bytes, doubling the buffer as often as needed. */
  private reserve(bytes: number): void {
    const needed = this.position + bytes;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
  }

  /** Writes an unsigned 8-bit integer (1 byte); a RangeError outside 0..255. */
  u8(value: number): this {
    if ((value & 0xff) !== value) throw new RangeError(`u8: ${value} out of range`);
    this.reserve(1);
    this.buffer[this.position++] = value;
    return this;
  }

  /** Writes an unsigned 16-bit integer (2 bytes); a RangeError outside 0..65535. */
  u16(value: number): this {
    if ((value & 0xffff) !== value) throw new RangeError(`u16: ${value} out of range`);
    this.reserve(2);
    const b = this.buffer;
    const p = this.position;
    b[p] = value;
    b[p + 1] = value >>> 8;
    this.position = p + 2;
    return this;
  }

  /** Writes an unsigned 32-bit integer (4 bytes); a RangeError outside 0..2^32 - 1. */
  u32(value: number): this {
    if (value >>> 0 !== value) throw new RangeError(`u32: ${value} out of range`);
    this.put32(value);
    return this;
  }

  /** Writes a signed 8-bit integer (1 byte); a RangeError outside -128..127. */
  i8(value: number): this {
    if ((value << 24) >> 24 !== value) throw new RangeError(`i8: ${value} out of range`);
    this.reserve(1);
    this.buffer[this.position++] = value; // Uint8Array stores the low 8 bits: two's complement
    return this;
  }

  /** Writes a signed 16-bit integer (2 bytes); a RangeError outside -32768..32767. */
  i16(value: number): this {
    if ((value << 16) >> 16 !== value) throw new RangeError(`i16: ${value} out of range`);
    this.reserve(2);
    const b = this.buffer;
    const p = this.position;
    b[p] = value;
    b[p + 1] = value >> 8;
    this.position = p + 2;
    return this;
  }

  /** Writes a signed 32-bit integer (4 bytes); a RangeError outside the int32 range. */
  i32(value: number): this {
    if ((value | 0) !== value) throw new RangeError(`i32: ${value} out of range`);
    this.put32(value);
    return this;
  }

  private put32(value: number): void {
    this.reserve(4);
    const b = this.buffer;
    const p = this.position;
    b[p] = value;
    b[p + 1] = value >>> 8;
    b[p + 2] = value >>> 16;
    b[p + 3] = value >>> 24;
    this.position = p + 4;
  }

  /**
   * An IEEE-754 double, 8 bytes little-endian. **For non-simulation data only** (e.g. a timestamp in a
   * log, a UI setting): floats in the simulated state are where determinism is lost; use Fixed.
   */
  f64(value: number): this {
    this.reserve(8);
    f64Scratch.setFloat64(0, value, true);
    const p = this.position;
    for (let i = 0; i < 8; i++) this.buffer[p + i] = f64Scratch.getUint8(i);
    this.position = p + 8;
    return this;
  }

  /**
   * An unsigned LEB128 varint: 7 bits per byte, low group first, high bit set on every byte but the
   * last. 1 byte below 128, at most 5 bytes for 2^32 - 1. Always the shortest encoding.
   */
  varUint(value: number): this {
    if (value >>> 0 !== value) throw new RangeError(`varUint: ${value} is not a u32`);
    this.reserve(5);
    const b = this.buffer;
    let p = this.position;
    let v = value;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.position = p;
    return this;
  }

  /**
   * A signed int32 as a zigzag varint (0, -1, 1, -2, ... become 0, 1, 2, 3, ...), so small magnitudes
   * of either sign take 1 byte. At most 5 bytes.
   */
  varInt(value: number): this {
    if ((value | 0) !== value) throw new RangeError(`varInt: ${value} is not an int32`);
    return this.varUint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** The bytes as they are, with no length prefix (write one with `varUint` if the reader needs it). */
  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buffer.set(data, this.position);
    this.position += data.length;
    return this;
  }

  /** One byte, 1 or 0. */
  bool(value: boolean): this {
    this.reserve(1);
    this.buffer[this.position++] = value ? 1 : 0;
    return this;
  }

  /** A copy of the bytes written so far; later writes do not affect it. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.position);
  }

  /**
   * The bytes written so far without copying (e.g. to hash or send them at once). The view is only
   * valid until the next write or reset: it then may be overwritten or point at a discarded buffer.
   */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.position);
  }

  /** Forgets the written bytes but keeps the buffer, so refilling it allocates nothing. */
  reset(): this {
    this.position = 0;
    return this;
  }
}
