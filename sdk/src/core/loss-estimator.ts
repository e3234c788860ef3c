/** Report intervals the estimate covers: at one quality report a second, the last 8 s. */
const WINDOW_REPORTS = 8;

/**
 * Estimates a link's packet loss from the peer's quality reports.
 *
 * Each report says how many packets the peer had sent us before it. Between two reports, the
 * growth of that count against the packets that arrived meanwhile is one interval's loss. The
 * estimate is the loss over the last {@link WINDOW_REPORTS} intervals together (packets lost
 * over packets sent), not an average of per-interval rates: a packet sent just before a report
 * but overtaken by it (jitter reorders packets sent in the same instant) arrives in the next
 * interval, reading as loss in one and as a surplus in the other. Summed, the two cancel; clamped
 * or averaged separately, each such packet would read as loss (about 0.5% on a lossless link).
 * Duplicates count as arrivals, so this is loss net of duplication, which is what a player feels.
 */
export class LossEstimator {
  private received = 0;
  private lastSent = -1;
  private lastReceived = 0;
  /** Per interval in the window: packets the peer sent, and packets that arrived. */
  private readonly sentRing = new Float64Array(WINDOW_REPORTS);
  private readonly arrivedRing = new Float64Array(WINDOW_REPORTS);
  private intervals = 0;

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
      // A reordered (older) report, or nothing sent: no sample.
      if (sent === 0 || sent > 0x7fffffff) return;
      const slot = this.intervals % WINDOW_REPORTS;
      this.sentRing[slot] = sent;
      this.arrivedRing[slot] = arrivedBefore - this.lastReceived;
      this.intervals++;
    }
    this.lastSent = packetsSent >>> 0;
    this.lastReceived = arrivedBefore;
  }

  /** Fraction of packets lost over the window, in [0, 1]. */
  get lossRate(): number {
    let sent = 0;
    let arrived = 0;
    for (let i = 0; i < Math.min(this.intervals, WINDOW_REPORTS); i++) {
      sent += this.sentRing[i]!;
      arrived += this.arrivedRing[i]!;
    }
    return sent === 0 ? 0 : Math.min(1, Math.max(0, (sent - arrived) / sent));
  }
}
