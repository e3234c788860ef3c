import type { Replay } from 'backspin';
import type { ArenaGame, ArenaInput } from '../sim/index.ts';

/** How a match is played: over the host's rooms, alone against bots, or over the simulated network. */
export const MatchMode = {
  Online: 'online',
  Bots: 'bots',
  Simulator: 'simulator',
} as const;
export type MatchMode = (typeof MatchMode)[keyof typeof MatchMode];

/** Frames between the confirmed checksums peers compare: every second at 60 fps. */
export const CHECKSUM_INTERVAL_FRAMES = 60;

/**
 * The demo sends its unchanged inputs every frame (the SDK's default is every 2). On a LAN or home
 * Wi-Fi the bytes do not matter (about 2.7 kB per player-second with 4 players, against 1.6), and
 * players get what they buy: no stalls at all on the wifi profile with 8 players (4 per minute
 * with 2), and remote inputs confirmed within a frame of the network's limit (see
 * docs/benchmarks.md, "Play feel").
 */
export const INPUT_RESEND_FRAMES = 1;

/** What `drainNotices` returns when there is nothing new: called every tick, it allocates nothing then. */
export const NO_NOTICES: readonly RunnerNotice[] = Object.freeze([]);

/** One remote peer's line in the F3 network overlay. */
export interface PeerLine {
  readonly name: string;
  /** Smoothed round trip (ms). */
  readonly pingMs: number;
  /** Frames re-simulated per second because this peer's input was mispredicted. */
  readonly rollbackFramesPerSecond: number;
  /** Frames we run ahead of this peer (negative: behind). */
  readonly frameAdvantage: number;
  /** Payload sent plus received per second (kB/s). */
  readonly kilobytesPerSecond: number;
  /** Share of this peer's packets lost on the way to us (%). */
  readonly lossPercent: number;
  readonly connected: boolean;
  /** Online only: the route our packets to this peer take (`'direct'`, `'relay'`) and the other routes' round trips. */
  readonly route?: PeerRouteLine;
}

/** Which way a peer's packets go, for the overlay. */
export interface PeerRouteLine {
  readonly active: string;
  /**
   * Every route, the active one first, with the round trip the route itself measures (ms; a direct
   * link's pings, the host's pings for the relay), undefined where none is known. These are
   * network figures, answered at once; the ping column is the session's, which also waits for
   * each side's next game tick.
   */
  readonly routes: readonly { readonly route: string; readonly rttMs: number | undefined }[];
}

/** Something the player should be told about, shown as a banner. */
export interface RunnerNotice {
  readonly kind: 'info' | 'drop' | 'desync' | 'error';
  readonly text: string;
}

/**
 * What the match scene drives, whatever the mode: it advances the frames that are due and keeps
 * the game to draw. The scene calls `tick` from both its render loop and a timer, so frames are
 * paced by a `FramePacer`, not by the display.
 */
/** Emotes over the room's chat, in an online match (match/match-emotes.ts shows them). */
export interface RunnerEmotes {
  /** Sends emote `index` (app/emotes.ts) to everyone in the room. */
  send(index: number): void;
  /** The emotes that came from the room's players since the last call, by player handle. */
  drain(): readonly { readonly player: number; readonly emote: number }[];
}

export interface MatchRunner {
  readonly mode: MatchMode;
  /** Emotes to and from the other players; undefined offline (nobody to send them to). */
  readonly emotes?: RunnerEmotes;
  /** The state to draw (for a rollback session: the local, possibly predicted, state). */
  readonly game: ArenaGame;
  /** Player handle of the person at this screen. */
  readonly localPlayer: number;
  /** Display names by player handle. */
  readonly names: readonly string[];
  /** Advances the due frames; `sample` reads the local controls once per frame advanced. */
  tick(nowMs: number, sample: () => ArenaInput): void;
  /** Newest simulated frame, and newest frame with every player's input known. */
  readonly frame: number;
  readonly confirmedFrame: number;
  /** Frames whose state differed between peers (or, under SyncTest, between runs). Must stay empty. */
  readonly desyncFrames: readonly number[];
  /** Names of the players dropped from the match, in order. */
  readonly droppedNames: readonly string[];
  /** Overlay lines, one per remote peer (empty offline). */
  peerLines(nowMs: number): readonly PeerLine[];
  /** Session-wide overlay figures. */
  summary(): { readonly frame: number; readonly confirmedFrame: number; readonly inputDelay: number; readonly autoInputDelay: boolean; readonly maxPrediction: number; readonly maxRollbackFrames: number };
  /** Notices since the last call. */
  drainNotices(): readonly RunnerNotice[];
  /** A line to show while the match cannot run yet or is held up (e.g. "Synchronizing 3/5"), else undefined. */
  readonly status: string | undefined;
  /** True once the match is over and the results can be shown. */
  readonly finished: boolean;
  /**
   * Why the match cannot go on for this player before it is over (the host is gone, the others
   * dropped us, our connection was down too long), else undefined: the scene then ends it early.
   */
  readonly endedEarly: string | undefined;
  /**
   * The match as recorded so far (every frame whose inputs are final for everyone, and the
   * confirmed checksums), for "Watch replay" and "Save replay" on the results screen.
   */
  replay(): Replay;
  /** Stops the match and frees its resources (closes nothing the caller still owns). */
  dispose(): void;
}
