/**
 * How long the room counts down before a rematch starts by itself (ms), once every player is in:
 * long enough to read the scoreboard and for the owner (or anyone) to say "hold on", short enough
 * that nobody waits for a button press.
 */
export const REMATCH_COUNTDOWN_MS = 5000;

/**
 * The lobby's countdown to a rematch, on every page of the room: it runs while the room is back in
 * its lobby after a match and every player present is ready (pressed Play again, or Ready), and
 * starts over whenever that stops being true (a player holds on, leaves or joins). Each page counts
 * from when it saw everyone ready, so the pages agree within a round trip to the host; the owner's
 * page starts the match when its countdown runs out (the room's existing start: nothing new goes
 * over the network). Time is passed in (ms), so it is tested without a clock.
 */
export class RematchCountdown {
  private startedAtMs: number | undefined;
  private fired = false;

  constructor(private readonly lengthMs: number = REMATCH_COUNTDOWN_MS) {
    if (!Number.isFinite(lengthMs) || lengthMs < 0) throw new RangeError(`RematchCountdown: lengthMs must be a finite number >= 0, got ${lengthMs}`);
  }

  /**
   * Call on every look at the room, with whether everyone is in. Returns the whole seconds left to
   * show (0 once it ran out), or undefined while it is not counting.
   */
  update(nowMs: number, everyoneIn: boolean): number | undefined {
    if (!everyoneIn) {
      this.startedAtMs = undefined;
      this.fired = false;
      return undefined;
    }
    this.startedAtMs ??= nowMs;
    return Math.max(0, Math.ceil((this.startedAtMs + this.lengthMs - nowMs) / 1000));
  }

  /** True once per countdown, at the first call after it ran out: the owner's page starts the match then. */
  takeDue(nowMs: number): boolean {
    if (this.fired || this.startedAtMs === undefined || nowMs < this.startedAtMs + this.lengthMs) return false;
    this.fired = true;
    return true;
  }
}
