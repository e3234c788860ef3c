/**
 * Estimates a link's packet loss from the peer's quality reports.
 *
 * Each report says how many packets the peer had sent us before it; the growth of that count
 * between two reports, against the packets that arrived meanwhile, is one sample of the loss rate.
 * The estimate is an exponentially weighted mean of samples so one burst does not dominate.
 * Duplicates count as arrivals, so this is loss net of duplication, which is what a player feels.
 * Packets still in flight when a report arrives are counted in the next sample, so the error
 * does not accumulate.
 */
export class LossEstimator {
  private received = 0;
  private lastSent = -1;
  private lastReceived = 0;
  private estimate = 0;
  private hasEstimate = false;

  /** One packet arrived from the peer. */
  recordArrival(): void {
    this.received++;
  }

  /** A quality report arrived: the peer had sent us `packetsSent` packets (mod 2^32) before it. */
  recordReport(packetsSent: number): void {
    // `packetsSent` counts what was sent before this report, so the report's own arrival (already
    // recorded) belongs to the next interval.
    const arrivedBefore = this.received - 1;
    if (this.lastSent >= 0) {
      const sent = (packetsSent - this.lastSent) >>> 0;
      const arrived = arrivedBefore - this.lastReceived;
      // A reordered (older) report, or nothing sent: no sample.
      if (sent === 0 || sent > 0x7fffffff) return;
      const lost = Math.min(1, Math.max(0, (sent - arrived) / sent));
      this.estimate = this.hasEstimate ? this.estimate * 0.75 + lost * 0.25 : lost;
      this.hasEstimate = true;
    }
    this.lastSent = packetsSent >>> 0;
    this.lastReceived = arrivedBefore;
  }

  /** Fraction of packets lost, in [0, 1]. */
  get lossRate(): number {
    return this.estimate;
  }
}
