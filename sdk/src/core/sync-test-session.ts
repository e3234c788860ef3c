import type { Game, PlayerInput } from './game.ts';
import { InputStatus } from './game.ts';
import type { InputCodec } from './input-codec.ts';
import { SavedStateRing } from './saved-state-ring.ts';

/** A `SyncTestSession`'s game, players and how far back it checks. */
export interface SyncTestConfig<I, S> {
  /** The game under test. */
  readonly game: Game<I, S>;
  /** Players whose inputs the test supplies each frame. */
  readonly players: number;
  /** How inputs become bytes, as in the session. */
  readonly input: InputCodec<I>;
  /**
   * How far back every frame rolls (frames, >= 1): each frame, the state of `checkDistance`
   * frames ago is loaded and re-simulated, and every re-simulated checksum must match the first.
   * Use at least the session's prediction window. Default 7.
   */
  readonly checkDistance?: number;
}

/** The first divergence SyncTest found. */
export interface SyncTestMismatch {
  /** The frame whose starting state differed between the first run and a re-simulation. */
  readonly frame: number;
  /** Checksum when the frame was first reached. */
  readonly expected: number;
  /** Checksum when it was reached again after loading an older state. */
  readonly actual: number;
}

/**
 * Finds non-determinism in a game without a network: it steps the game, then on every frame
 * loads a state from `checkDistance` frames back and re-simulates with the same inputs, comparing
 * checksums. A difference means `save`/`load` miss some state, or `step` depends on something that
 * is not in the state or the inputs (time, `Math.random`, object identity, float drift).
 */
export class SyncTestSession<I, S> {
  private readonly game: Game<I, S>;
  private readonly codec: InputCodec<I>;
  private readonly players: number;
  private readonly distance: number;
  private readonly ring: SavedStateRing<S>;
  private readonly slots: number;
  /** Inputs of the frames that may be re-simulated: slot = (frame % slots) * players + player. */
  private readonly inputs: Uint8Array;
  private readonly checksumFrame: Int32Array;
  private readonly checksums: Float64Array;
  private readonly stepBytes: Uint8Array[];
  private readonly stepInputs: { input: I; status: InputStatus }[];
  private frame = 0;
  private found: SyncTestMismatch | undefined;

  constructor(config: SyncTestConfig<I, S>) {
    const distance = config.checkDistance ?? 7;
    if (!Number.isInteger(distance) || distance < 1 || distance > 120) {
      throw new RangeError(`checkDistance must be an integer in 1..120, got ${String(distance)}`);
    }
    if (!Number.isInteger(config.players) || config.players < 1 || config.players > 16) {
      throw new RangeError(`players must be an integer in 1..16, got ${String(config.players)}`);
    }
    this.game = config.game;
    this.codec = config.input;
    this.players = config.players;
    this.distance = distance;
    this.slots = distance + 2;
    this.ring = new SavedStateRing<S>(this.slots);
    this.inputs = new Uint8Array(this.slots * this.players * this.codec.size);
    this.checksumFrame = new Int32Array(this.slots).fill(-1);
    this.checksums = new Float64Array(this.slots);
    this.stepBytes = Array.from({ length: this.players }, () => new Uint8Array(this.codec.size));
    this.stepInputs = this.stepBytes.map((b) => ({ input: this.codec.decode(b), status: InputStatus.Confirmed as InputStatus }));
  }

  /** The frame the next `advanceFrame` simulates. */
  get currentFrame(): number {
    return this.frame;
  }

  /** The first divergence found, if any. Once set it stays. */
  get mismatch(): SyncTestMismatch | undefined {
    return this.found;
  }

  /**
   * Simulates one frame with `inputs` (one per player), then rolls back `checkDistance` frames and
   * re-simulates them. Returns the first mismatch found so far (undefined while all agree).
   */
  advanceFrame(inputs: readonly I[]): SyncTestMismatch | undefined {
    if (inputs.length !== this.players) {
      throw new RangeError(`advanceFrame needs ${this.players} inputs, got ${inputs.length}`);
    }
    const size = this.codec.size;
    const base = (this.frame % this.slots) * this.players * size;
    this.inputs.fill(0, base, base + this.players * size);
    for (let p = 0; p < this.players; p++) {
      this.codec.encode(inputs[p]!, this.inputs.subarray(base + p * size, base + (p + 1) * size));
    }
    this.stepFrame();
    this.check(this.frame); // the first run's state at the new frame, before any rollback
    if (this.frame > this.distance) {
      const end = this.frame;
      const from = end - this.distance;
      const state = this.ring.state(from);
      if (state === undefined) throw new Error(`internal: no state saved for frame ${from}`);
      this.game.load(state);
      this.frame = from;
      this.check(from);
      while (this.frame < end) this.stepFrame();
      this.check(end);
    }
    return this.found;
  }

  /** Saves and checks the state at the start of the current frame, then steps it. */
  private stepFrame(): void {
    const f = this.frame;
    this.check(f);
    this.ring.save(f, this.game.save(this.ring.recyclable(f)), undefined);
    const size = this.codec.size;
    const base = (f % this.slots) * this.players * size;
    for (let p = 0; p < this.players; p++) {
      this.stepBytes[p]!.set(this.inputs.subarray(base + p * size, base + (p + 1) * size));
      this.stepInputs[p]!.input = this.codec.decode(this.stepBytes[p]!);
    }
    this.game.step(this.stepInputs as readonly PlayerInput<I>[]);
    this.frame = f + 1;
  }

  /** Records the checksum of the state at the start of `frame` the first time; compares later. */
  private check(frame: number): void {
    const checksum = this.game.checksum() >>> 0;
    const slot = frame % this.slots;
    if (this.checksumFrame[slot] !== frame) {
      this.checksumFrame[slot] = frame;
      this.checksums[slot] = checksum;
      return;
    }
    const expected = this.checksums[slot]!;
    if (expected !== checksum && (this.found === undefined || frame < this.found.frame)) {
      this.found = { frame, expected, actual: checksum };
    }
  }
}
