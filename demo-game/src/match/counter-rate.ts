/**
 * Turns an ever-growing counter (frames rolled back so far) into a per-second rate over the last
 * second or so, for the network overlay.
 */
export class CounterRate {
  private lastMs: number | undefined;
  private lastCount = 0;
  private rate = 0;

  /** The rate per second at `nowMs` given the counter's current `count`. */
  update(nowMs: number, count: number): number {
    if (this.lastMs === undefined) {
      this.lastMs = nowMs;
      this.lastCount = count;
      return 0;
    }
    const elapsed = nowMs - this.lastMs;
    if (elapsed >= 1000) {
      this.rate = ((count - this.lastCount) * 1000) / elapsed;
      this.lastMs = nowMs;
      this.lastCount = count;
    }
    return this.rate;
  }
}
