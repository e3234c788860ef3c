/**
 * Estimates a link's packet loss from the 8-bit sequence numbers in packet headers.
 *
 * Each second's window compares packets received with the advance of the highest sequence number
 * seen; the estimate is an exponentially weighted mean of windows so one burst does not dominate.
 * Reordered and duplicated packets are counted as received but do not move the sequence, so the
 * estimate is of loss net of duplication, which is what a player feels.
 */
export class LossEstimator {
  private highest = -1;
  private expectedInWindow = 0;
  private receivedInWindow = 0;
  private windowStartMs = -1;
  private estimate = 0;
  private hasEstimate = false;

  /** @param windowMs Length of one measuring window (ms). */
  constructor(private readonly windowMs = 1000) {}

  /** Records a packet with 8-bit sequence `sequence` received at `nowMs`. */
  record(sequence: number, nowMs: number): void {
    if (this.windowStartMs < 0) this.windowStartMs = nowMs;
    if (this.highest < 0) {
      this.highest = sequence;
      this.expectedInWindow = 1;
      this.receivedInWindow = 1;
      return;
    }
    const ahead = (sequence - (this.highest & 0xff) + 256) & 0xff;
    // Forward distance under half the space is new; anything else is late or repeated.
    if (ahead > 0 && ahead < 128) {
      this.highest += ahead;
      this.expectedInWindow += ahead;
    }
    this.receivedInWindow++;
    this.roll(nowMs);
  }

  /** Closes the window if its time is up. Call regularly, also when nothing arrives. */
  roll(nowMs: number): void {
    if (this.windowStartMs < 0 || nowMs - this.windowStartMs < this.windowMs) return;
    if (this.expectedInWindow > 0) {
      const lost = Math.max(0, this.expectedInWindow - this.receivedInWindow) / this.expectedInWindow;
      this.estimate = this.hasEstimate ? this.estimate * 0.75 + lost * 0.25 : lost;
      this.hasEstimate = true;
    }
    this.expectedInWindow = 0;
    this.receivedInWindow = 0;
    this.windowStartMs = nowMs;
  }

  /** Fraction of packets lost, in [0, 1]. */
  get lossRate(): number {
    return this.estimate;
  }
}
