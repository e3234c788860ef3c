/**
 * One player's inputs by frame, as a growable ring of fixed-size byte records.
 *
 * Holds the contiguous run of frames `[firstFrame, lastFrame]`. Frames are only ever appended in
 * order (a gap means a lost packet, and the protocol resends) and dropped from the front once no
 * peer can need them: not for a rollback, not for a peer still missing them, not as the XOR
 * reference of a packet in flight. See {@link InputQueue.retainFrom}.
 */
export class InputQueue {
  /** Bytes per input. */
  readonly size: number;
  private buffer: Uint8Array;
  private capacity: number;
  private first = 0;
  private last = -1;
  /** Frames below this may be discarded. Never raised past `lastFrame`. */
  private keepFrom = 0;
  private readonly zero: Uint8Array;

  constructor(size: number, initialCapacity = 64) {
    this.size = size;
    this.capacity = nextPowerOfTwo(Math.max(4, initialCapacity));
    this.buffer = new Uint8Array(this.capacity * size);
    this.zero = new Uint8Array(size);
  }

  /** Oldest frame held (equal to `lastFrame + 1` when empty). */
  get firstFrame(): number {
    return this.first;
  }

  /** Newest frame held; -1 before the first input. */
  get lastFrame(): number {
    return this.last;
  }

  /** Whether `frame`'s input is held. */
  has(frame: number): boolean {
    return frame >= this.first && frame <= this.last;
  }

  /**
   * A view of `frame`'s input, valid until the next `append`. Frame -1 is the all-zero input
   * (the XOR reference before the first frame). Undefined when not held.
   */
  get(frame: number): Uint8Array | undefined {
    if (frame === -1 && this.first === 0) return this.zero;
    if (!this.has(frame)) return undefined;
    const at = (frame & (this.capacity - 1)) * this.size;
    return this.buffer.subarray(at, at + this.size);
  }

  /**
   * Copies `frame`'s input into `out` at `offset`; returns false (and leaves `out` alone) when not
   * held. Frame -1 is the all-zero input while frame 0 is still held. Allocation-free.
   */
  copyTo(frame: number, out: Uint8Array, offset = 0): boolean {
    const size = this.size;
    if (frame === -1 && this.first === 0) {
      out.fill(0, offset, offset + size);
      return true;
    }
    if (!this.has(frame)) return false;
    const at = (frame & (this.capacity - 1)) * size;
    const buffer = this.buffer;
    for (let i = 0; i < size; i++) out[offset + i] = buffer[at + i]!;
    return true;
  }

  /** Whether `frame` is held and its input equals `other[offset .. offset + size)`. */
  equals(frame: number, other: Uint8Array, offset = 0): boolean {
    if (!this.has(frame)) return false;
    const at = (frame & (this.capacity - 1)) * this.size;
    const buffer = this.buffer;
    for (let i = 0; i < this.size; i++) if (buffer[at + i] !== other[offset + i]) return false;
    return true;
  }

  /** Appends the input of frame `lastFrame + 1` from `input[offset .. offset + size)`. */
  append(input: Uint8Array, offset = 0): void {
    const frame = this.last + 1;
    this.trim();
    if (frame - this.first >= this.capacity) this.grow();
    const at = (frame & (this.capacity - 1)) * this.size;
    const buffer = this.buffer;
    for (let i = 0; i < this.size; i++) buffer[at + i] = input[offset + i]!;
    this.last = frame;
  }

  /** Appends a copy of the newest input (all zeros when empty): fills frames skipped by input delay. */
  repeatLast(): void {
    const frame = this.last + 1;
    this.trim();
    if (frame - this.first >= this.capacity) this.grow();
    const to = (frame & (this.capacity - 1)) * this.size;
    const buffer = this.buffer;
    if (this.last < this.first) {
      buffer.fill(0, to, to + this.size);
    } else {
      const from = (this.last & (this.capacity - 1)) * this.size;
      for (let i = 0; i < this.size; i++) buffer[to + i] = buffer[from + i]!;
    }
    this.last = frame;
  }

  /**
   * Forgets every frame and holds `input[offset .. offset + size)` as frame `lastFrame` alone: the
   * queue then continues at `lastFrame + 1`. For a player whose inputs resume after a gap (a
   * rejoin: its inputs restart at the agreed frame, the one before being the all-zero input of its
   * absence; a state loaded mid-match: the inputs before its frame are the sender's XOR
   * references). `lastFrame` >= -1; at -1 the queue is as new.
   */
  restartAt(lastFrame: number, input: Uint8Array, offset = 0): void {
    if (!Number.isInteger(lastFrame) || lastFrame < -1) throw new RangeError(`lastFrame must be an integer >= -1, got ${String(lastFrame)}`);
    if (lastFrame === -1) {
      this.first = 0;
      this.last = -1;
      this.keepFrom = 0;
      return;
    }
    this.first = lastFrame;
    this.last = lastFrame;
    this.keepFrom = lastFrame;
    const at = (lastFrame & (this.capacity - 1)) * this.size;
    for (let i = 0; i < this.size; i++) this.buffer[at + i] = input[offset + i]!;
  }

  /**
   * Allows frames before `frame` to be dropped. Callers pass the oldest frame any consumer may
   * still ask for; the queue always keeps `lastFrame` itself (the next XOR reference).
   */
  retainFrom(frame: number): void {
    this.keepFrom = Math.max(this.keepFrom, Math.min(frame, this.last));
  }

  /** Number of frames held. */
  get length(): number {
    return this.last - this.first + 1;
  }

  private trim(): void {
    if (this.keepFrom > this.first) this.first = this.keepFrom;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const buffer = new Uint8Array(capacity * this.size);
    for (let frame = this.first; frame <= this.last; frame++) {
      const from = (frame & (this.capacity - 1)) * this.size;
      const to = (frame & (capacity - 1)) * this.size;
      buffer.set(this.buffer.subarray(from, from + this.size), to);
    }
    this.buffer = buffer;
    this.capacity = capacity;
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
