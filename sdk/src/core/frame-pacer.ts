/**
 * Turns wall-clock time into the number of frames to simulate, at a fixed rate, and gives up a
 * little time while the session runs ahead of its peers.
 *
 * A fixed timestep keeps the simulation identical everywhere whatever the display rate. Time sync
 * is applied as a gentle slowdown (at most `maxSlowdown`, e.g. 61 instead of 60 ms per 60 frames)
 * rather than skipped frames, so the player sees no hitch. Pure: the caller passes the time.
 */
export class FramePacer {
  private readonly frameMs: number;
  private nextFrameMs: number | undefined;

  /**
   * @param fps Simulation rate (frames per second).
   * @param maxSlowdown Longest stretch of a frame while ahead (fraction; 0.1 = up to 10% longer).
   * @param maxCatchUp Most frames run in one call after a long pause (a background tab), so a
   *   returning player does not freeze while thousands of frames replay.
   */
  constructor(
    fps: number,
    private readonly maxSlowdown = 0.1,
    private readonly maxCatchUp = 8,
  ) {
    if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
    this.frameMs = 1000 / fps;
  }

  /**
   * Frames due at `nowMs`. `framesAhead` is the session's `framesAhead`: each frame of lead
   * stretches the frame by 2.5%, up to `maxSlowdown`.
   */
  framesDue(nowMs: number, framesAhead = 0): number {
    if (this.nextFrameMs === undefined) this.nextFrameMs = nowMs;
    let due = 0;
    const stretch = framesAhead > 0.5 ? Math.min(this.maxSlowdown, framesAhead * 0.025) : 0;
    const step = this.frameMs * (1 + stretch);
    while (nowMs >= this.nextFrameMs && due < this.maxCatchUp) {
      due++;
      this.nextFrameMs += step;
    }
    if (nowMs >= this.nextFrameMs) this.nextFrameMs = nowMs + step; // drop the backlog
    return due;
  }

  /** Time until the next frame is due (ms; 0 if due now). For scheduling a timer. */
  msUntilNextFrame(nowMs: number): number {
    return this.nextFrameMs === undefined ? 0 : Math.max(0, this.nextFrameMs - nowMs);
  }
}
