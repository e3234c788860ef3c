import type { Game, PlayerInput } from '../core/game.ts';
import { InputStatus } from '../core/game.ts';
import type { InputCodec } from '../core/input-codec.ts';
import type { Replay } from './replay-format.ts';

/** What a {@link ReplayPlayer} plays: the game, freshly built from the replay's decision, and the replay. */
export interface ReplayPlayerConfig<I, S> {
  /**
   * The game at its first state, built exactly as the match built it (from `replay.decision`: its
   * players, seed and settings). The player steps, saves, loads and checksums it.
   */
  readonly game: Game<I, S>;
  /** The game's input codec; its `size` must be the replay's `inputSize`. */
  readonly input: InputCodec<I>;
  /** The replay to play. */
  readonly replay: Replay;
  /**
   * Frames between the states kept for `seek` (default 300, 5 s at 60 fps): a seek backwards
   * loads the nearest kept state at or before its target and steps from there, so it costs at
   * most this many steps. 0 keeps only frame 0's state.
   */
  readonly keyframeIntervalFrames?: number;
}

/** A recorded checksum that the game did not reproduce: where the game's determinism broke. */
export interface ReplayMismatch {
  /** The first checksummed frame whose state differed (the state at the start of that frame). */
  readonly frame: number;
  /**
   * The checksummed frame before it, whose state still matched (-1 if none): the game went wrong
   * in one of the frames `lastGoodFrame .. frame - 1`.
   */
  readonly lastGoodFrame: number;
  /** The checksum the match recorded. */
  readonly expected: number;
  /** The checksum the game gives now. */
  readonly actual: number;
}

/** Most frames one `advance` call steps: a long pause in the caller's loop does not become a freeze. */
const MAX_FRAMES_PER_ADVANCE = 600;

/**
 * Plays a {@link Replay} back on a game: steps its frames with the recorded inputs and statuses
 * (a player Disconnected with the all-zero input inside each of its absences, Confirmed otherwise),
 * at any speed, and compares the game's checksum with every recorded one as its frame is
 * reached. The first mismatch says at which frame the game stopped reproducing the match (a
 * desync's forensics: the game is not deterministic, or not the same version). Pure: time comes in
 * through `advance(elapsedMs)`.
 */
export class ReplayPlayer<I, S> {
  /** The replay being played. */
  readonly replay: Replay;
  private readonly game: Game<I, S>;
  private readonly codec: InputCodec<I>;
  private readonly players: number;
  private readonly size: number;
  private readonly keyframeInterval: number;
  /** States at multiples of the keyframe interval (frame 0 always), by index frame / interval. */
  private readonly keyframes: (S | undefined)[] = [];
  /** Per player: the run holding its current present frame. */
  private readonly runAt: Int32Array;
  /** Per player: frames before the current one it was present at (its index into its runs). */
  private readonly presentAt: Int32Array;
  /** Per player: its first absence that ends after the current frame. */
  private readonly absenceAt: Int32Array;
  private readonly stepBytes: Uint8Array[];
  private readonly stepInputs: { input: I; status: InputStatus }[];
  /** Whether each recorded checksum has been reached and matched. */
  private readonly matched: Uint8Array;
  private matchedCount = 0;
  private checksumAt = 0;
  private current = 0;
  private found: ReplayMismatch | undefined;
  private rate = 1;
  /** Playback time not yet turned into whole frames (frames, fractional). */
  private owedFrames = 0;

  constructor(config: ReplayPlayerConfig<I, S>) {
    const { replay, game, input } = config;
    if (input.size !== replay.decision.inputSize) {
      throw new RangeError(`the input codec's size (${input.size}) is not the replay's input size (${replay.decision.inputSize})`);
    }
    const interval = config.keyframeIntervalFrames ?? 300;
    if (!Number.isInteger(interval) || interval < 0) throw new RangeError(`keyframeIntervalFrames must be an integer >= 0, got ${String(interval)}`);
    this.replay = replay;
    this.game = game;
    this.codec = input;
    this.players = replay.decision.players;
    this.size = input.size;
    this.keyframeInterval = interval;
    this.runAt = new Int32Array(this.players);
    this.presentAt = new Int32Array(this.players);
    this.absenceAt = new Int32Array(this.players);
    this.stepBytes = Array.from({ length: this.players }, () => new Uint8Array(this.size));
    this.stepInputs = this.stepBytes.map((bytes) => ({ input: input.decode(bytes), status: InputStatus.Confirmed as InputStatus }));
    this.matched = new Uint8Array(replay.checksums.length);
    this.keyframes[0] = game.save();
    this.verify();
  }

  /** The frame the next step simulates: the game shows the state at the start of this frame. */
  get frame(): number {
    return this.current;
  }

  /** Frames in the replay; the game's last state is at frame `frameCount`. */
  get frameCount(): number {
    return this.replay.frameCount;
  }

  /** Whether every frame has been stepped. */
  get done(): boolean {
    return this.current >= this.replay.frameCount;
  }

  /** The earliest mismatch found so far, if any. Stays once found (an earlier one replaces it). */
  get mismatch(): ReplayMismatch | undefined {
    return this.found;
  }

  /** Recorded checksums reached so far and equal to the game's. */
  get checksumsVerified(): number {
    return this.matchedCount;
  }

  /** Recorded checksums in the replay. */
  get checksumCount(): number {
    return this.replay.checksums.length;
  }

  /** Playback speed for `advance`: 1 is the match's own speed, 0 pauses, 4 is four times faster. */
  get playbackRate(): number {
    return this.rate;
  }

  /** Sets the playback speed (a finite number >= 0; anything else is a RangeError). Takes effect at the next `advance`. */
  set playbackRate(rate: number) {
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) throw new RangeError(`playbackRate must be a finite number >= 0, got ${String(rate)}`);
    this.rate = rate;
  }

  /**
   * Steps the frames `elapsedMs` of real time is worth at `playbackRate` (the replay's fps times
   * the rate, fractions carried over to the next call), at most 600 per call. Returns the frames
   * stepped. For a render loop: `player.advance(deltaMs)` each animation frame.
   */
  advance(elapsedMs: number): number {
    if (!Number.isFinite(elapsedMs) || elapsedMs < 0) throw new RangeError(`elapsedMs must be a finite number >= 0, got ${String(elapsedMs)}`);
    this.owedFrames += (elapsedMs * this.rate * this.replay.decision.fps) / 1000;
    // The tolerance absorbs float error (60 calls of 1000 / 60 ms at rate 1 are 60 frames, not 59).
    let due = Math.floor(this.owedFrames + 1e-6);
    if (due > MAX_FRAMES_PER_ADVANCE) {
      due = MAX_FRAMES_PER_ADVANCE;
      this.owedFrames = 0;
    } else {
      this.owedFrames = Math.max(0, this.owedFrames - due);
    }
    if (this.done) this.owedFrames = 0;
    return this.stepFrames(due);
  }

  /**
   * Steps up to `frames` frames (fewer at the end of the replay), checking each recorded checksum
   * as its frame is reached. Returns the frames stepped.
   */
  stepFrames(frames: number): number {
    if (!Number.isInteger(frames) || frames < 0) throw new RangeError(`frames must be an integer >= 0, got ${String(frames)}`);
    const end = Math.min(this.replay.frameCount, this.current + frames);
    const from = this.current;
    while (this.current < end) this.stepOne();
    return this.current - from;
  }

  /** Plays every remaining frame at once; returns the earliest mismatch, if any. */
  playToEnd(): ReplayMismatch | undefined {
    while (!this.done) this.stepOne();
    return this.found;
  }

  /**
   * Goes to `frame` (0..frameCount): backwards by loading the nearest kept state at or before it
   * and stepping from there, forwards by stepping. Checksums on the way are checked again.
   */
  seek(frame: number): void {
    if (!Number.isInteger(frame) || frame < 0 || frame > this.replay.frameCount) {
      throw new RangeError(`seek: frame must be an integer in 0..${this.replay.frameCount}, got ${String(frame)}`);
    }
    this.owedFrames = 0;
    let key = this.keyframeInterval > 0 ? Math.floor(frame / this.keyframeInterval) : 0;
    while (key > 0 && this.keyframes[key] === undefined) key--;
    const keyFrame = key * this.keyframeInterval;
    if (frame < this.current || keyFrame > this.current) {
      this.game.load(this.keyframes[key]!);
      this.moveTo(keyFrame);
    }
    while (this.current < frame) this.stepOne();
  }

  /** Points the input runs and the checksum cursor at `frame`, whose state the game now holds. */
  private moveTo(frame: number): void {
    this.current = frame;
    const tracks = this.replay.tracks;
    for (let p = 0; p < this.players; p++) {
      const { absences, runEnds } = tracks[p]!;
      let present = frame;
      let next = 0;
      for (const absence of absences) {
        if (absence.from >= frame) break;
        present -= Math.min(absence.to, frame) - absence.from;
        if (absence.to <= frame) next++;
      }
      this.presentAt[p] = present;
      this.absenceAt[p] = next;
      this.runAt[p] = firstAbove(runEnds, present);
    }
    this.checksumAt = firstAtOrAbove(this.replay.checksumFrames, frame);
    this.verify();
  }

  private stepOne(): void {
    const f = this.current;
    const tracks = this.replay.tracks;
    for (let p = 0; p < this.players; p++) {
      const track = tracks[p]!;
      const bytes = this.stepBytes[p]!;
      const slot = this.stepInputs[p]!;
      const absences = track.absences;
      let next = this.absenceAt[p]!;
      while (next < absences.length && absences[next]!.to <= f) next++;
      this.absenceAt[p] = next;
      if (next < absences.length && absences[next]!.from <= f) {
        bytes.fill(0);
        slot.status = InputStatus.Disconnected;
      } else {
        const present = this.presentAt[p]!;
        let run = this.runAt[p]!;
        while (track.runEnds[run]! <= present) run++;
        this.runAt[p] = run;
        this.presentAt[p] = present + 1;
        const at = run * this.size;
        for (let i = 0; i < this.size; i++) bytes[i] = track.runInputs[at + i]!;
        slot.status = InputStatus.Confirmed;
      }
      slot.input = this.codec.decode(bytes);
    }
    this.game.step(this.stepInputs as readonly PlayerInput<I>[]);
    this.current = f + 1;
    if (this.keyframeInterval > 0 && this.current % this.keyframeInterval === 0) {
      const key = this.current / this.keyframeInterval;
      if (this.keyframes[key] === undefined) this.keyframes[key] = this.game.save();
    }
    this.verify();
  }

  /** Compares the checksum recorded for the current frame, if any, with the game's. */
  private verify(): void {
    const frames = this.replay.checksumFrames;
    let i = this.checksumAt;
    while (i < frames.length && frames[i]! < this.current) i++;
    this.checksumAt = i;
    if (i >= frames.length || frames[i] !== this.current) return;
    const expected = this.replay.checksums[i]!;
    const actual = this.game.checksum() >>> 0;
    if (actual === expected) {
      if (this.matched[i] === 0) {
        this.matched[i] = 1;
        this.matchedCount++;
      }
      return;
    }
    if (this.found === undefined || this.current < this.found.frame) {
      this.found = { frame: this.current, lastGoodFrame: i > 0 ? frames[i - 1]! : -1, expected, actual };
    }
  }
}

/** Index of the first element above `value` in an ascending array (its length if none). */
function firstAbove(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element at or above `value` in an ascending array (its length if none). */
function firstAtOrAbove(sorted: Uint32Array, value: number): number {
  return firstAbove(sorted, value - 1); // integers: above value - 1 is at or above value
}
