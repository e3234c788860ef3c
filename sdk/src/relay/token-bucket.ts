/**
 * A rate limit: up to `burst` units at once, refilled at `perSecond`. Time is passed in (ms), so
 * the limit is exact in tests. Used per connection for frames and bytes, per remote address for
 * failed join attempts and room creates, and per member for chat lines and room requests.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number | undefined;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    if (!(perSecond > 0) || !(burst > 0)) throw new RangeError('rate and burst must be positive');
    this.tokens = burst;
  }

  /** Takes `units` if available at `nowMs`; false (nothing taken) if the limit is reached. */
  take(nowMs: number, units = 1): boolean {
    this.refill(nowMs);
    if (this.tokens < units) return false;
    this.tokens -= units;
    return true;
  }

  /** Whether `units` could be taken at `nowMs`, without taking them. */
  available(nowMs: number, units = 1): boolean {
    this.refill(nowMs);
    return this.tokens >= units;
  }

  private refill(nowMs: number): void {
    if (this.lastMs === undefined) this.lastMs = nowMs;
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.lastMs) * this.perSecond) / 1000);
      this.lastMs = nowMs;
    }
  }
}
