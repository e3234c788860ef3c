/** Mean of the last `size` samples, in O(1) per sample. Used for frame advantage (frames). */
export class RunningAverage {
  private readonly samples: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;

  constructor(size: number) {
    this.samples = new Float64Array(size);
  }

  add(value: number): void {
    const old = this.samples[this.next] ?? 0;
    if (this.count === this.samples.length) this.sum -= old;
    else this.count++;
    this.samples[this.next] = value;
    this.sum += value;
    this.next = (this.next + 1) % this.samples.length;
  }

  /** 0 before the first sample. */
  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  get size(): number {
    return this.count;
  }

  reset(): void {
    this.next = 0;
    this.count = 0;
    this.sum = 0;
  }
}
