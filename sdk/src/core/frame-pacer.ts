/** Lead (frames) below which no slowdown is applied. */
const DEAD_ZONE_FRAMES = 1.5;

/**
 * A fixed-timestep clock for the game loop: says how many frames are owed at a given time, and
 * gives up a little time while the session runs ahead of its peers.
 *
 * A fixed timestep keeps the simulation identical everywhere whatever the display rate. A frame
 * is only paid for when the session really advanced it (`frameDone`), so a frame that stalled
 * (prediction window full, lockstep wait) stays owed and is caught up on the next tick instead of
 * being lost, except while the session runs ahead of its peers (beyond the dead zone): then it is
 * given up, since catching up would only run into the prediction window again. Time sync is
 * applied as a gentle slowdown (each frame of lead beyond 1.5 frames stretches frames by 2.5%, at
 * most `maxSlowdown`) rather than skipped frames, so the player sees no hitch. Pure: the caller
 * passes the time.
 */
export class FramePacer {
  private readonly frameMs: number;
  /** When the next owed frame became due (ms); undefined before the first call. */
  private nextFrameMs: number | undefined;
  private stepMs: number;
  /** Frames the last `framesDue` said were owed, and how many `frameDone` paid for since. */
  private lastDue = 0;
  private doneSinceDue = 0;

  /**
   * @param fps Simulation rate (frames per second).
   * @param maxSlowdown Longest stretch of a frame while ahead (fraction; 0.1 = up to 10% longer).
   * @param maxCatchUp Most frames owed at once: after a long pause (a background tab) the rest is
   *   forgiven, so a returning player does not freeze while thousands of frames replay.
   */
  constructor(
    fps: number,
    private readonly maxSlowdown = 0.1,
    private readonly maxCatchUp = 8,
  ) {
    if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be a positive number, got ${fps}`);
    if (!(maxSlowdown >= 0)) throw new RangeError(`maxSlowdown must be >= 0, got ${maxSlowdown}`);
    if (!Number.isInteger(maxCatchUp) || maxCatchUp < 1) throw new RangeError(`maxCatchUp must be a positive integer, got ${maxCatchUp}`);
    this.frameMs = 1000 / fps;
    this.stepMs = this.frameMs;
  }

  /**
   * Frames owed at `nowMs` (0..maxCatchUp). Does not pay for them: call `frameDone` for each frame
   * the session actually advanced. `framesAhead` is the session's `framesAhead`.
   */
  framesDue(nowMs: number, framesAhead = 0): number {
    if (this.nextFrameMs === undefined) this.nextFrameMs = nowMs;
    // A dead zone of 1.5 frames: the lead is the largest of several noisy per-peer estimates, so
    // it sits above zero even when all peers are level, and acting on it would slow everyone.
    const stretch = framesAhead > DEAD_ZONE_FRAMES ? Math.min(this.maxSlowdown, (framesAhead - DEAD_ZONE_FRAMES) * 0.025) : 0;
    this.stepMs = this.frameMs * (1 + stretch);
    // Frames owed last time and not advanced stalled (prediction window full). Normally they stay
    // owed and are caught up, so that a peer held up by a late packet does not fall behind. But
    // a peer that runs ahead of the others stalled because it is ahead: catching up would only
    // take it back to its prediction limit, stalling again on every tick (after a late start, for
    // the seconds the slowdown needs). Ahead, the stalled frames are given up, as time sync wants.
    const stalled = this.lastDue - this.doneSinceDue;
    this.lastDue = 0;
    this.doneSinceDue = 0;
    if (stretch > 0 && stalled > 0) this.nextFrameMs += stalled * this.stepMs;
    if (nowMs < this.nextFrameMs) return 0;
    const owed = Math.floor((nowMs - this.nextFrameMs) / this.stepMs) + 1;
    if (owed > this.maxCatchUp) {
      this.nextFrameMs = nowMs - (this.maxCatchUp - 1) * this.stepMs; // forgive the backlog
      this.lastDue = this.maxCatchUp;
      return this.maxCatchUp;
    }
    this.lastDue = owed;
    return owed;
  }

  /** Pays for one advanced frame. */
  frameDone(): void {
    this.doneSinceDue++;
    if (this.nextFrameMs !== undefined) this.nextFrameMs += this.stepMs;
  }

  /** Time until the next frame is due (ms; 0 if one is owed). For scheduling a timer. */
  msUntilNextFrame(nowMs: number): number {
    return this.nextFrameMs === undefined ? 0 : Math.max(0, this.nextFrameMs - nowMs);
  }
}
