import { InputStatus } from '../core/game.ts';
import type { Replay, ReplayDecision, ReplayTrack } from './replay-format.ts';
import { MAX_REPLAY_FPS, MAX_REPLAY_FRAMES, MAX_REPLAY_SETTINGS_BYTES } from './replay-format.ts';
import { MAX_INPUT_BYTES, MAX_PLAYERS } from '../protocol/messages.ts';

/** What a recorder needs to know of the match before frame 0: a {@link ReplayDecision}, with defaults. */
export interface ReplayRecorderOptions {
  /** Players in the match (1..16), as the session's `players`. */
  readonly players: number;
  /** Bytes per encoded input, the game's `InputCodec.size`. */
  readonly inputSize: number;
  /** Frames per second. Default 60. */
  readonly fps?: number;
  /** The match's u32 seed, as the game was built with (not coerced: anything else is a RangeError). */
  readonly seed: number;
  /** The match's u32 id. Default 0. */
  readonly matchId?: number;
  /** The game's other options, encoded as the game likes (at most 4096 bytes). Default none. */
  readonly settings?: Uint8Array;
  /** Players' display names, one per player. Default none. */
  readonly names?: readonly string[];
}

/** One player's runs while recording: ends and inputs in growable arrays. */
interface LiveTrack {
  /** Run ends, in present frames (as `ReplayTrack.runEnds`). */
  ends: number[];
  /** Inputs of the runs, `size` bytes each; grows by doubling. */
  inputs: Uint8Array;
  /** Frames recorded with the player present. */
  present: number;
  /** Its absences so far; the last one's `to` is -1 while it is still out. */
  absences: { from: number; to: number }[];
}

/**
 * Records a match from one peer's `P2PSession`: hand its two hooks to the session config, and it
 * receives every frame's final inputs (`onConfirmedInputs`) and every confirmed checksum
 * (`onChecksum`), in order. It changes nothing in the session; per frame it compares each
 * player's input with the one before (a few bytes) and stores only changes, as runs, so memory
 * grows with input changes, not with time. {@link replay} returns the match so far at any moment.
 *
 * ```ts
 * const recorder = new ReplayRecorder({ players: 2, inputSize: 2, seed });
 * const session = new P2PSession({ ...config, onConfirmedInputs: recorder.onConfirmedInputs, onChecksum: recorder.onChecksum });
 * // ... after the match:
 * const file = encodeReplay(recorder.replay());
 * ```
 */
export class ReplayRecorder {
  private readonly decision: ReplayDecision;
  private readonly tracks: LiveTrack[];
  private frames = 0;
  private checksumFrames: number[] = [];
  private checksumValues: number[] = [];

  constructor(options: ReplayRecorderOptions) {
    const decision: ReplayDecision = {
      players: options.players,
      inputSize: options.inputSize,
      fps: options.fps ?? 60,
      seed: options.seed,
      matchId: options.matchId ?? 0,
      settings: (options.settings ?? new Uint8Array(0)).slice(),
      ...(options.names !== undefined ? { names: [...options.names] } : {}),
    };
    // Refused here rather than when the replay is encoded at the end of the match.
    if (!Number.isInteger(decision.players) || decision.players < 1 || decision.players > MAX_PLAYERS) throw new RangeError(`players must be 1..${MAX_PLAYERS}, got ${String(decision.players)}`);
    if (!Number.isInteger(decision.inputSize) || decision.inputSize < 1 || decision.inputSize > MAX_INPUT_BYTES) throw new RangeError(`inputSize must be 1..${MAX_INPUT_BYTES}, got ${String(decision.inputSize)}`);
    if (!Number.isInteger(decision.fps) || decision.fps < 1 || decision.fps > MAX_REPLAY_FPS) throw new RangeError(`fps must be 1..${MAX_REPLAY_FPS}, got ${String(decision.fps)}`);
    // Not coerced: a game rebuilt from a wrapped seed would not be the game that was played.
    if (decision.seed >>> 0 !== decision.seed || decision.matchId >>> 0 !== decision.matchId) throw new RangeError(`seed and matchId must be u32 (0..4294967295), got ${String(decision.seed)} and ${String(decision.matchId)}`);
    if (decision.settings.length > MAX_REPLAY_SETTINGS_BYTES) throw new RangeError(`settings must be at most ${MAX_REPLAY_SETTINGS_BYTES} bytes, got ${decision.settings.length}`);
    if (decision.names !== undefined && decision.names.length !== decision.players) throw new RangeError(`${decision.names.length} names for ${decision.players} players`);
    this.decision = decision;
    this.tracks = Array.from({ length: decision.players }, () => ({ ends: [], inputs: new Uint8Array(16 * decision.inputSize), present: 0, absences: [] }));
  }

  /** Frames recorded so far (inputs of frames `0 .. frameCount - 1`). */
  get frameCount(): number {
    return this.frames;
  }

  /**
   * The session's `onConfirmedInputs` hook (a bound function: pass it as it is). Frames must come
   * in order from 0; a Disconnected player's input must be all zeros. A player may leave
   * (Confirmed, then Disconnected) and come back (Disconnected, then Confirmed: a rejoin) any
   * number of times. Anything else is a wiring mistake (a second session on one recorder, or a
   * session that rejoined a running match) and throws an Error.
   */
  readonly onConfirmedInputs = (frame: number, inputs: readonly Uint8Array[], statuses: readonly InputStatus[]): void => {
    if (this.frames === 0 && frame !== 0) {
      // A session started with `rejoin: true` reports frames from the state it loaded on: the
      // frames before it never passed through this peer, so no full replay can be made here.
      throw new Error(
        `ReplayRecorder: a replay starts at frame 0, but the first inputs handed over are of frame ${frame}. ` +
          'A session that rejoined a running match (rejoin: true) starts at the state it loaded and cannot record the match from its start: record on a peer that played from frame 0.',
      );
    }
    if (frame !== this.frames) throw new Error(`ReplayRecorder: expected the inputs of frame ${this.frames}, got frame ${frame}`);
    if (frame >= MAX_REPLAY_FRAMES) throw new RangeError('ReplayRecorder: the replay is full');
    const size = this.decision.inputSize;
    if (inputs.length !== this.tracks.length) throw new Error(`ReplayRecorder: ${inputs.length} inputs for ${this.tracks.length} players`);
    for (let p = 0; p < this.tracks.length; p++) {
      const track = this.tracks[p]!;
      const input = inputs[p]!;
      if (input.length !== size) throw new Error(`ReplayRecorder: player ${p}'s input has ${input.length} bytes, not ${size}`);
      const away = track.absences.length > 0 && track.absences[track.absences.length - 1]!.to < 0 ? track.absences[track.absences.length - 1]! : undefined;
      if (statuses[p] === InputStatus.Disconnected) {
        for (let i = 0; i < size; i++) if (input[i] !== 0) throw new Error(`ReplayRecorder: player ${p} is Disconnected at frame ${frame} with a non-zero input`);
        if (away === undefined) track.absences.push({ from: frame, to: -1 });
        continue;
      }
      if (away !== undefined) away.to = frame; // it came back: Confirmed again from this frame on
      const runs = track.ends.length;
      track.present++;
      if (runs > 0 && sameAs(track.inputs, (runs - 1) * size, input, size)) {
        track.ends[runs - 1] = track.present;
        continue;
      }
      if ((runs + 1) * size > track.inputs.length) {
        const grown = new Uint8Array(track.inputs.length * 2);
        grown.set(track.inputs);
        track.inputs = grown;
      }
      track.inputs.set(input, runs * size);
      track.ends.push(track.present);
    }
    this.frames = frame + 1;
  };

  /**
   * The session's `onChecksum` hook (a bound function). Checksums come in ascending frame order; a
   * repeated frame is ignored, an older one throws an Error.
   */
  readonly onChecksum = (frame: number, checksum: number): void => {
    const last = this.checksumFrames.length > 0 ? this.checksumFrames[this.checksumFrames.length - 1]! : -1;
    if (frame === last) return;
    if (!Number.isInteger(frame) || frame < last) throw new Error(`ReplayRecorder: checksum of frame ${String(frame)} after frame ${last}`);
    this.checksumFrames.push(frame);
    this.checksumValues.push(checksum >>> 0);
  };

  /**
   * The match recorded so far, as a `Replay` of its own (later recording does not change it).
   * Checksums of frames past the recorded inputs (the session can confirm a checksum a moment
   * before it reports the inputs that led there) are left out.
   */
  replay(): Replay {
    const size = this.decision.inputSize;
    const frameCount = this.frames;
    const tracks: ReplayTrack[] = this.tracks.map((track) => ({
      runEnds: Uint32Array.from(track.ends),
      runInputs: track.inputs.slice(0, track.ends.length * size),
      // One still out is out to the end of the recording.
      absences: track.absences.map(({ from, to }) => ({ from, to: to < 0 ? frameCount : to })),
    }));
    let count = 0;
    while (count < this.checksumFrames.length && this.checksumFrames[count]! <= frameCount) count++;
    const decision = { ...this.decision, settings: this.decision.settings.slice() };
    return {
      decision,
      frameCount,
      tracks,
      checksumFrames: Uint32Array.from(this.checksumFrames.slice(0, count)),
      checksums: Uint32Array.from(this.checksumValues.slice(0, count)),
    };
  }
}

function sameAs(runs: Uint8Array, offset: number, input: Uint8Array, size: number): boolean {
  for (let i = 0; i < size; i++) if (runs[offset + i] !== input[i]) return false;
  return true;
}
