/**
 * Input delay chosen from the network, one peer for itself: `inputDelay: 'auto'`.
 *
 * Input delay is each peer's own choice: the others simply receive its inputs stamped for later
 * frames, so a peer may change it at any time without asking anyone. A frame of delay hides a
 * frame of the one-way trip to the slowest peer: that peer's inputs arrive before they are needed
 * instead of being predicted and corrected, so there are fewer and shallower rollbacks, at the
 * price of the player's own input showing one frame (16.7 ms at 60 fps) later. Delay beyond the
 * one-way trip buys nothing, and past a few frames players feel it, so the choice is the one-way
 * trip in frames, within `minFrames..maxFrames`.
 *
 * The measurements move all the time (jitter, a Wi-Fi scan, and the game loop's own tick, which a
 * measured round trip includes), and every change costs something: a raise repeats one input, a
 * lowering drops one. So the delay follows slowly: it moves only when the one-way trip is more
 * than `BAND_FRAMES` past the current delay's half-way marks (so a trip of 2.6 frames keeps a
 * delay of 2 or 3, whichever it has), one frame at a time, after that has held for `holdMs`, and
 * it is only lowered while the player's input is steady (the dropped input equals the one kept).
 *
 * Pure: the caller passes the time and the measurements.
 */

/** Default bounds and timing of the automatic delay. */
export const AUTO_INPUT_DELAY = {
  /** Fewest frames: one frame absorbs the sub-frame jitter of even a LAN without being felt. */
  minFrames: 1,
  /** Most frames (67 ms at 60 fps): beyond this the delay is felt more than the rollbacks it saves. */
  maxFrames: 4,
  /** How long the target must stay above (or below) the delay before it moves one frame (ms). */
  holdMs: 1000,
} as const;

/** How far past the half-way mark between two delays the one-way trip must be to move (frames). */
const BAND_FRAMES = 0.25;

/** The measurements of one link the choice is made from (`PeerStats` has them). */
export interface LinkLatency {
  /** Smoothed round trip (ms); 0 while not yet measured. */
  readonly rttMs: number;
  /** Its variation (ms). */
  readonly jitterMs: number;
}

/** Options of {@link AutoInputDelay}; each defaults to {@link AUTO_INPUT_DELAY}'s. */
export interface AutoInputDelayOptions {
  readonly minFrames?: number;
  readonly maxFrames?: number;
  readonly holdMs?: number;
}

/**
 * The delay (frames) the links call for now: the slowest link's one-way trip plus its jitter, in
 * frames of `frameMs`, rounded, within `minFrames..maxFrames`. Links not measured yet (rttMs 0)
 * are left out; with none measured, `undefined`.
 */
export function targetInputDelay(links: readonly LinkLatency[], frameMs: number, minFrames: number, maxFrames: number): number | undefined {
  const frames = oneWayFrames(links, frameMs);
  return frames === undefined ? undefined : Math.min(maxFrames, Math.max(minFrames, Math.round(frames)));
}

/** The slowest measured link's one-way trip plus jitter, in frames of `frameMs` (fractional); undefined with none measured. */
function oneWayFrames(links: readonly LinkLatency[], frameMs: number): number | undefined {
  let worstMs: number | undefined;
  for (const { rttMs, jitterMs } of links) {
    if (!(rttMs > 0) || !Number.isFinite(rttMs)) continue;
    const oneWayMs = rttMs / 2 + Math.max(0, jitterMs);
    worstMs = worstMs === undefined ? oneWayMs : Math.max(worstMs, oneWayMs);
  }
  return worstMs === undefined ? undefined : worstMs / frameMs;
}

/** Follows {@link targetInputDelay} one frame at a time, with the hold and steadiness rules above. */
export class AutoInputDelay {
  private readonly frameMs: number;
  private readonly minFrames: number;
  private readonly maxFrames: number;
  private readonly holdMs: number;
  private current: number;
  /** Since when (ms) the target has stayed above (+1) or below (-1) the delay; undefined while equal. */
  private pressure: { readonly side: 1 | -1; readonly sinceMs: number } | undefined;

  /**
   * @param fps The session's frame rate (frames per second).
   * @param initialFrames The delay to start from (frames), e.g. the configured fixed one.
   */
  constructor(fps: number, initialFrames: number, options: AutoInputDelayOptions = {}) {
    this.minFrames = options.minFrames ?? AUTO_INPUT_DELAY.minFrames;
    this.maxFrames = options.maxFrames ?? AUTO_INPUT_DELAY.maxFrames;
    this.holdMs = options.holdMs ?? AUTO_INPUT_DELAY.holdMs;
    if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be a positive number, got ${fps}`);
    if (!Number.isInteger(this.minFrames) || !Number.isInteger(this.maxFrames) || this.minFrames < 0 || this.maxFrames < this.minFrames) {
      throw new RangeError(`auto input delay bounds must be whole frames with 0 <= minFrames <= maxFrames, got ${this.minFrames}..${this.maxFrames}`);
    }
    if (!(this.holdMs >= 0)) throw new RangeError(`holdMs must be >= 0, got ${this.holdMs}`);
    this.frameMs = 1000 / fps;
    this.current = Math.min(this.maxFrames, Math.max(this.minFrames, initialFrames));
  }

  /** The delay chosen so far (frames). */
  get frames(): number {
    return this.current;
  }

  /**
   * Takes the links' measurements at `nowMs` and returns the delay to use from the next input
   * (frames). `inputSteady`: the local input has not changed for at least the current delay, so a
   * lowering would drop an input equal to the one kept (nothing the player did is lost).
   */
  update(nowMs: number, links: readonly LinkLatency[], inputSteady: boolean): number {
    const frames = oneWayFrames(links, this.frameMs);
    const side =
      frames === undefined ? 0
      : frames > this.current + 0.5 + BAND_FRAMES && this.current < this.maxFrames ? 1
      : frames < this.current - 0.5 - BAND_FRAMES && this.current > this.minFrames ? -1
      : 0;
    if (side === 0) {
      this.pressure = undefined;
      return this.current;
    }
    if (this.pressure?.side !== side) this.pressure = { side, sinceMs: nowMs };
    if (nowMs - this.pressure.sinceMs < this.holdMs) return this.current;
    if (side < 0 && !inputSteady) return this.current; // wait for a moment the player is not pressing anything new
    this.current += side;
    this.pressure = { side, sinceMs: nowMs }; // a further step needs a hold of its own
    return this.current;
  }
}
