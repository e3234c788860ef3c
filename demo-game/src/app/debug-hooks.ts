import type { SpectatorFeedStats, SpectatorStats } from 'backspin';

/**
 * A read-only window into the running demo, on `window.backspin`, for developers in the browser
 * console and for the end-to-end tests (which drive the visible UI and read results here). It
 * holds figures only; nothing in the game reads it back.
 */
export interface DebugHooks {
  /** The active scene's key. */
  scene: string;
  /** 'online', 'bots' or 'simulator' during a match. */
  mode: string | undefined;
  /** Newest simulated frame, and newest frame with every player's input known. */
  frame: number;
  confirmedFrame: number;
  /** Confirmed checksums the session computed, by frame (online and simulator modes). */
  checksums: Record<number, number>;
  /** Frames where a peer's checksum differed from ours (or SyncTest found a difference). Must stay empty. */
  desyncs: readonly number[];
  /** Names of the players dropped from the current match. */
  drops: readonly string[];
  /** Every notice shown, oldest first. */
  notices: string[];
  /** Room code while in a room. */
  roomCode: string | undefined;
  /** Render frames per second over the last second, as Phaser measures it. */
  fps: number;
  /** True once the current match is over. */
  finished: boolean;
  /** The current match's game mode (0 Classic, 1 Shrinking ring) and its ring's radius now (arena units). */
  gameMode: number;
  ringRadius: number;
  /** The local player in arena units (x right, y down) and whether it is in play, during a match. */
  local: { x: number; y: number; alive: boolean };
  /** Whether the F3 network overlay is shown. */
  overlay: boolean;
  /** Phaser's renderer: 'webgl' or 'canvas' (see render/pick-renderer.ts). */
  renderer: string;
  /**
   * Online: the route to each other player of the match (refreshed 4 times a second): its name,
   * `'direct'` or `'relay'`, the direct link's state, and the round trip (ms) of the active route.
   */
  routes: readonly { readonly name: string; readonly route: string; readonly link: string; readonly rttMs: number | undefined }[];
  /**
   * Online: who holds the room (`connection.holder`): `holder` 255 for the host, else the slot of
   * the player that took the room over when the host was lost, at the room's `epoch` (one more per
   * takeover). Undefined outside a room, or without host migration.
   */
  holder: { readonly holder: number; readonly epoch: number } | undefined;
  /**
   * While a replay is watched: its frame and length, the recorded checksums reproduced so far of
   * all of them, and the first frame that differed (-1 while none did).
   */
  replay: { readonly frame: number; readonly frameCount: number; readonly verified: number; readonly checksums: number; readonly mismatchFrame: number } | undefined;
  /** The players' colours in the current match, as CSS `#rrggbb`, by player handle. */
  playerColors: readonly string[];
  /** How tall the players' names show on screen in the current match, in CSS pixels. */
  nameCssPx: number;
  /**
   * Where the notices are drawn, and what they must keep clear of, in screen units: the scoreboard,
   * the F3 overlay (while shown) and the arena's circle. Undefined outside a match.
   */
  noticeLayout: NoticeLayout | undefined;
  /** Sounds started since the page loaded, by key (demo-game/src/audio/sound-key.ts). */
  sounds: Record<string, number>;
  /** The sound settings (volume 0..1), and whether the browser lets audio play yet (after a first click or key). */
  audio: { muted: boolean; volume: number; unlocked: boolean };
  /** Match feedback shown in the current match (render/match-fx.ts): counts, and the kill feed's lines, oldest first. */
  fx: MatchFxHooks;
  /** Emotes shown in the current match ("Ada: GG"), oldest first. */
  emotes: string[];
  /** Where the in-match sound control (♪) is, in CSS pixels of the viewport; undefined outside a match. */
  soundControl: HookRect | undefined;
  /**
   * A spectator's view of the match it watches (the watch scene): its session's state, the frame
   * it shows, the newest confirmed frame it holds, how far behind that it shows, and the slot of
   * the player whose feed serves it. Its checksums go to `checksums` as a player's do. Undefined
   * when not watching.
   */
  watching: { readonly state: string; readonly frame: number; readonly newest: number; readonly behind: number; readonly source: number } | undefined;
  /** Whether the watch scene shows its big-screen view (for a shared TV). */
  bigScreen: boolean;
  /** A player's spectator feed in an online match (who it serves, what it sent): `SpectatorFeedStats`, refreshed 4 times a second. */
  feed: SpectatorFeedStats | undefined;
  /** The spectator session's own counters while watching (`SpectatorStats`). */
  spectatorStats: SpectatorStats | undefined;
}

/** What the match feedback shows, counted for the tests. */
export interface MatchFxHooks {
  /** Hit sparks, knock-out bursts (predicted), announced knock-outs (confirmed), screen shakes. */
  sparks: number;
  bursts: number;
  knockouts: number;
  shakes: number;
  /** Dash trails started, and times the ring-edge warning came on for the local player. */
  trails: number;
  edgeWarnings: number;
  /** Round and match results announced (confirmed). */
  results: number;
  /** Most particles alive at once. */
  particlesPeak: number;
  feed: string[];
}

function noFx(): MatchFxHooks {
  return { sparks: 0, bursts: 0, knockouts: 0, shakes: 0, trails: 0, edgeWarnings: 0, results: 0, particlesPeak: 0, feed: [] };
}

/** A rectangle in screen units. */
export interface HookRect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** See {@link DebugHooks.noticeLayout}. */
export interface NoticeLayout {
  readonly notices: readonly HookRect[];
  readonly scoreboard: HookRect;
  readonly overlay: HookRect | undefined;
  readonly arena: { readonly x: number; readonly y: number; readonly r: number };
}

declare global {
  interface Window {
    backspin: DebugHooks;
  }
}

/** Most checksums kept (at the default interval of 60 frames: 10 minutes of play). */
const MAX_CHECKSUMS = 600;

export const debugHooks: DebugHooks = {
  scene: 'boot',
  mode: undefined,
  frame: 0,
  confirmedFrame: -1,
  checksums: {},
  desyncs: [],
  drops: [],
  notices: [],
  roomCode: undefined,
  fps: 0,
  finished: false,
  renderer: '',
  overlay: false,
  gameMode: 0,
  ringRadius: 0,
  local: { x: 0, y: 0, alive: false },
  routes: [],
  holder: undefined,
  replay: undefined,
  playerColors: [],
  nameCssPx: 0,
  noticeLayout: undefined,
  sounds: {},
  audio: { muted: false, volume: 1, unlocked: false },
  fx: noFx(),
  emotes: [],
  soundControl: undefined,
  watching: undefined,
  bigScreen: false,
  feed: undefined,
  spectatorStats: undefined,
};
// Guarded so that the match runners can also run in Node (test/demo).
if (typeof window !== 'undefined') window.backspin = debugHooks;

/** Clears the per-match figures when a match starts. */
export function resetMatchHooks(mode: string): void {
  debugHooks.mode = mode;
  debugHooks.frame = 0;
  debugHooks.confirmedFrame = -1;
  debugHooks.checksums = {};
  debugHooks.desyncs = [];
  debugHooks.drops = [];
  debugHooks.finished = false;
  debugHooks.routes = [];
  debugHooks.fx = noFx();
}

/** Records a confirmed checksum, forgetting the oldest beyond {@link MAX_CHECKSUMS}. */
export function recordChecksum(frame: number, checksum: number): void {
  const c = debugHooks.checksums;
  c[frame] = checksum;
  const keys = Object.keys(c);
  if (keys.length > MAX_CHECKSUMS) delete c[Number(keys[0])];
}
