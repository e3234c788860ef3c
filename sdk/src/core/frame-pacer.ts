/** Lead (frames) below which no slowdown is applied. */
const DEAD_ZONE_FRAMES = 1.5;

/**
 * A fixed-timestep clock for the game loop: says how many frames are owed at a given time, and
 * gives up a little time while the session runs ahead of its peers.
 *
 * A fixed timestep keeps the simulation identical everywhere whatever the display rate. A frame
 * is only paid for when the session really advanced it (`frameDone`), so a frame that stalled
 * (prediction window full, lockstep wait) stays owed and is caught up on the next tick instead of
 * being lost, even while the session runs ahead of its peers: the lead is an estimate from
 * packets that a lossy link delays or drops, and a frame given up on a wrong estimate is lost for
 * good, so on a lossy mesh each peer's give-ups left others "ahead" of it in turn and the whole
 * match fell behind real time (awful, 4 players: 70% of real time against 82%). A real lead is
 * given back by the slowdown, and a stall longer than `maxCatchUp` frames is forgiven anyway.
 * Time sync is applied as a gentle slowdown (each frame of lead beyond 1.5 frames stretches
 * frames by 2.5%, at most `maxSlowdown`) rather than skipped frames, so the player sees no hitch.
 * Pure: the caller passes the time.
 */
export class FramePacer {
  private readonly frameMs: number;
  /** When the next owed frame became due (ms); undefined before the first call. */
  private nextFrameMs: number | undefined;
  private stepMs: number;

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
    if (nowMs < this.nextFrameMs) return 0;
    const owed = Math.floor((nowMs - this.nextFrameMs) / this.stepMs) + 1;
    if (owed > this.maxCatchUp) {
      this.nextFrameMs = nowMs - (this.maxCatchUp - 1) * this.stepMs; // forgive the backlog
      return this.maxCatchUp;
    }
    return owed;
  }

  /** Pays for one advanced frame. */
  frameDone(): void {
    if (this.nextFrameMs !== undefined) this.nextFrameMs += this.stepMs;
  }

  /** Time until the next frame is due (ms; 0 if one is owed). For scheduling a timer. */
  msUntilNextFrame(nowMs: number): number {
    return this.nextFrameMs === undefined ? 0 : Math.max(0, this.nextFrameMs - nowMs);
  }
}
