/**
 * The states a rollback may return to: one per frame from the oldest unconfirmed frame to the
 * current one. A state saved for frame `f` is the state at the start of `f`, before its inputs.
 *
 * Sized `maxPrediction + 2`: a rollback never goes further back than the first unconfirmed frame,
 * which is at most `maxPrediction` frames behind the current one, plus the slot being written.
 */
export class SavedStateRing<S> {
  private readonly frames: Int32Array;
  private readonly states: (S | undefined)[];
  /** Checksum of the saved state, or -1 when none was taken (checksums are u32, so -1 is free). */
  private readonly checksums: Float64Array;
  private readonly slots: number;

  constructor(slots: number) {
    this.slots = slots;
    this.frames = new Int32Array(slots).fill(-1);
    this.states = new Array<S | undefined>(slots).fill(undefined);
    this.checksums = new Float64Array(slots).fill(-1);
  }

  save(frame: number, state: S, checksum: number | undefined): void {
    const i = frame % this.slots;
    this.frames[i] = frame;
    this.states[i] = state;
    this.checksums[i] = checksum ?? -1;
  }

  /**
   * The state that saving `frame` will overwrite (an older frame's, no longer needed), for the
   * game to write into; undefined while the slot is empty.
   */
  recyclable(frame: number): S | undefined {
    return this.states[frame % this.slots];
  }

  /** The state saved for `frame`, or undefined if it has been overwritten or never saved. */
  state(frame: number): S | undefined {
    const i = frame % this.slots;
    return this.frames[i] === frame ? this.states[i] : undefined;
  }

  /** The checksum saved with `frame`'s state, or undefined. */
  checksum(frame: number): number | undefined {
    const i = frame % this.slots;
    if (this.frames[i] !== frame) return undefined;
    const c = this.checksums[i] ?? -1;
    return c < 0 ? undefined : c;
  }
}
