/**
 * A recorded match as data: what was decided before it started, every player's final input of
 * every frame, and the checksums the match confirmed. `encodeReplay` and `decodeReplay`
 * (replay-codec.ts) turn it into bytes and back; docs/replays.md specifies the bytes.
 */

/** The four bytes every replay file starts with: ASCII "BSRP" (Backspin replay). */
export const REPLAY_MAGIC: readonly number[] = Object.freeze([0x42, 0x53, 0x52, 0x50]);
/** The format version this SDK writes (2: a player may leave and come back, several times). */
export const REPLAY_VERSION = 2;
/** The oldest format version this SDK reads (1: a player leaves at most once and never returns). */
export const OLDEST_READ_REPLAY_VERSION = 1;
/** Most bytes of a replay's game settings: enough for a game's options, not for assets. */
export const MAX_REPLAY_SETTINGS_BYTES = 4096;
/** Most UTF-8 bytes of one player's name in a replay. */
export const MAX_REPLAY_NAME_BYTES = 64;
/** Most frames in a replay (2^31 - 1: frames are int32 everywhere; 414 days at 60 fps). */
export const MAX_REPLAY_FRAMES = 0x7fffffff;
/** Most frames per second a replay may declare. */
export const MAX_REPLAY_FPS = 240;

/**
 * What every peer agreed on before frame 0, which the game needs to be rebuilt exactly as it
 * started: the same values a `MatchDecision` or a local match gave its sessions and its game.
 */
export interface ReplayDecision {
  /** Players in the match (1..16), dropped ones included; a player's handle is its index. */
  readonly players: number;
  /** Bytes per encoded input (1..64), as the game's `InputCodec.size`. */
  readonly inputSize: number;
  /** Frames per second the match ran at (1..240): playback at rate 1 steps this many a second. */
  readonly fps: number;
  /** The match's u32 seed for the game's own randomness. */
  readonly seed: number;
  /** The match's u32 id. */
  readonly matchId: number;
  /**
   * Anything else the game needs to rebuild its first state (its options, a map, a mode), as the
   * game chooses to encode it: at most {@link MAX_REPLAY_SETTINGS_BYTES} bytes. Empty if none.
   */
  readonly settings: Uint8Array;
  /** Optional display names, one per player, each at most {@link MAX_REPLAY_NAME_BYTES} UTF-8 bytes. */
  readonly names?: readonly string[];
}

/**
 * Frames `[from, to)` during which a player was out of the match: its status `Disconnected` and
 * its input all zeros. `to` is the frame it re-entered at (every peer agreed on it), or the
 * replay's `frameCount` if it never came back.
 */
export interface ReplayAbsence {
  /** The first frame the player was Disconnected at (its agreed last frame + 1). */
  readonly from: number;
  /** The first frame it was Confirmed at again (exclusive end), at most `frameCount`. */
  readonly to: number;
}

/**
 * One player's inputs over the replay: its absences, and its inputs while present as runs of
 * frames with the same input. The runs count only the frames the player was present at (frames
 * outside its absences), so an input held across an absence is one run: up to its first absence,
 * a run's end is a frame number.
 */
export interface ReplayTrack {
  /**
   * Exclusive end of each run, counted in present frames (a frame inside an absence does not
   * count), strictly ascending; the last one is the number of frames the player was present at.
   */
  readonly runEnds: Uint32Array;
  /** Run r's input at bytes `[r * inputSize, (r + 1) * inputSize)`; two adjacent runs never hold the same input. */
  readonly runInputs: Uint8Array;
  /**
   * When the player was out, in frame order: each non-empty, at most `frameCount`, and apart from
   * the next by at least one present frame (two touching absences would be one). Empty if it
   * never left.
   */
  readonly absences: readonly ReplayAbsence[];
}

/** A whole recorded match. Build one with a `ReplayRecorder`, or read one with `decodeReplay`. */
export interface Replay {
  /** What the match was started with. */
  readonly decision: ReplayDecision;
  /** Frames recorded: inputs of frames `0 .. frameCount - 1`. */
  readonly frameCount: number;
  /** One track per player, by handle. */
  readonly tracks: readonly ReplayTrack[];
  /**
   * Frames whose checksum was recorded, strictly ascending, each at most `frameCount`. The
   * checksum of frame f is the game's `checksum()` at the start of frame f (after frames 0..f-1).
   */
  readonly checksumFrames: Uint32Array;
  /** `checksums[i]` is the u32 checksum of frame `checksumFrames[i]`. */
  readonly checksums: Uint32Array;
}
