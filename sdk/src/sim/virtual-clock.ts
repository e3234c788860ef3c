/**
 * Simulated time for the network simulator and seeded tests: it only moves when told to, so a test
 * can run minutes of play in milliseconds and replay it exactly. Never goes backwards, because
 * delivery times already handed out would otherwise be in the future again.
 */
export class VirtualClock {
  #nowMs: number;

  /** @param startMs Initial time (ms, finite). */
  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new RangeError(`VirtualClock: start must be a finite number of ms, got ${startMs}`);
    this.#nowMs = startMs;
  }

  /** Current virtual time (ms; may be fractional). */
  now(): number {
    return this.#nowMs;
  }

  /** Moves time forward by `ms` (finite, ≥ 0). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`VirtualClock.advance: ms must be finite and ≥ 0, got ${ms}`);
    this.#nowMs += ms;
  }

  /** Moves time to `ms` (finite, ≥ now()). */
  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`VirtualClock.set: ms must be finite, got ${ms}`);
    if (ms < this.#nowMs) throw new RangeError(`VirtualClock.set: time cannot go backwards (now ${this.#nowMs} ms, asked ${ms} ms)`);
    this.#nowMs = ms;
  }
}
