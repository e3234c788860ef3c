import type { Game, InputStatus } from './game.ts';
import type { InputCodec } from './input-codec.ts';
import type { InputPredictor } from './input-predictor.ts';
import type { PeerAddress, Transport } from '../transport/transport.ts';
import { MAX_INPUT_BYTES, MAX_PLAYERS } from '../protocol/messages.ts';

/** One seat of a session: the player on this machine, or a remote one at a transport address. */
export type PlayerSpec =
  | {
      /** This machine's player. */
      readonly kind: 'local';
    }
  | {
      /** A player elsewhere. */
      readonly kind: 'remote';
      /** Its transport address. */
      readonly address: PeerAddress;
    };

/** What a `P2PSession` is made from: the players, the game, the transport, and tuning (every number with its unit). */
export interface P2PSessionConfig<I, S> {
  /** Every player, in handle order (handle = index); exactly one is local. 2..16 players. */
  readonly players: readonly PlayerSpec[];
  /** The game the session steps, saves, loads and checksums. */
  readonly game: Game<I, S>;
  /** Carries the session's packets to and from the remote players' addresses. */
  readonly transport: Transport;
  /** How inputs become bytes; `bytesInputCodec(n)` for raw bytes. */
  readonly input: InputCodec<I>;
  /**
   * Randomness for the handshake nonces and this session's token (u32). Use a real random
   * source (e.g. `crypto.getRandomValues`) in production; a fixed seed makes tests repeatable.
   */
  readonly seed: number;
  /**
   * Frames between pressing a button and its effect locally. Hides latency; changeable. Default 2.
   * `'auto'`: chosen and adjusted from the measured round trip and jitter of this peer's links
   * (the slowest one's one-way trip in frames, 1..4, moved one frame at a time; see
   * `core/auto-input-delay.ts`), starting from 2. Each peer chooses its own: peers need not agree.
   */
  readonly inputDelay?: number | 'auto';
  /**
   * Most frames run ahead of the last confirmed inputs before stalling. Default 8.
   * 0 runs deterministic lockstep: never predict, never save or load a state.
   */
  readonly maxPrediction?: number;
  /** Guesses missing remote inputs; default repeats the last received input. */
  readonly predictor?: InputPredictor;
  /** Simulation rate (frames per second), used to turn latency into frames. Default 60. */
  readonly fps?: number;
  /**
   * Silence after which a peer is dropped (ms). Default 2000. Only while another peer has been
   * heard within half this time (a witness that our own link works); when every remaining peer
   * is this silent, the session is isolated instead and drops no one (see `isolationTimeoutMs`).
   */
  readonly disconnectTimeoutMs?: number;
  /**
   * Hearing no peer at all for this long (ms) ends the session (`endReason` 'isolated'). Must be
   * more than `disconnectTimeoutMs`. Default: `DEFAULT_ISOLATION_TIMEOUT_MS` (15 s), or twice
   * `disconnectTimeoutMs` if that is longer.
   */
  readonly isolationTimeoutMs?: number;
  /** Silence after which an `interrupted` event warns of a coming drop (ms). Default 500. */
  readonly disconnectNotifyStartMs?: number;
  /** Frames between checksum exchanges for desync detection; 0 turns it off. Default 60. */
  readonly checksumIntervalFrames?: number;
  /**
   * Shared by all peers of one match (u32), so that packets of another match are refused.
   * Part of the handshake fingerprint together with player count and input size. Default 0.
   */
  readonly matchId?: number;
  /** Epoch of the authority that decided this session's settings (u32). Peers must agree. Default 0. */
  readonly epoch?: number;
  /** Handshake round trips before a peer counts as synchronized. Default 5. */
  readonly syncRoundTrips?: number;
  /**
   * Frames between packets of unchanged, unacknowledged inputs (a changed input goes out at once).
   * Unchanged inputs were predicted right already; they only move the peer's confirmed frame and
   * cover for lost packets. Lower: fewer stalls on long links; higher: fewer bytes. Default 2.
   */
  readonly inputResendFrames?: number;
  /** Quality report (ping, frame advantage) interval per peer (ms). Default 1000. */
  readonly qualityReportMs?: number;
  /**
   * Called with each confirmed frame's checksum as it is taken (every `checksumIntervalFrames`),
   * the same value that is sent to peers. For logs, replays and tests.
   */
  readonly onChecksum?: (frame: number, checksum: number) => void;
  /**
   * Called once per frame, in frame order from frame 0, as soon as every player's input for that
   * frame is final (and the frame has been simulated here): `inputs[p]` is player p's encoded input
   * (`size` bytes), `statuses[p]` Confirmed, or Disconnected (all-zero input) after a dropped
   * player's agreed last frame. Exactly what every peer's final simulation of the frame is given, so
   * a `ReplayRecorder` can record a match from it. The arrays are reused: copy what you keep.
   * Called from `advanceFrame`; it should not throw (an exception leaves `advanceFrame` after the
   * frame was simulated, and that call's sends wait for the next `poll`).
   */
  readonly onConfirmedInputs?: (frame: number, inputs: readonly Uint8Array[], statuses: readonly InputStatus[]) => void;
  /**
   * `RejoinableSession` only. This session takes its player back into a match that is running without it (a reloaded page,
   * a restarted process), in the same slot, with the same players and match settings as before.
   * The others must be told (`readmit(player)` on each of their sessions; a room does this). The
   * session handshakes with them, receives the match's state from one of them (`state-loaded`),
   * simulates up to the present as fast as their inputs allow, then agrees with them on the frame
   * it re-enters at (`readmitted`); until then its player is Disconnected and its local inputs are
   * not used. `onConfirmedInputs` starts at the loaded frame. The game must implement
   * `encodeState` and `decodeState`. Default false. See docs/rejoin-and-spectators.md.
   */
  readonly rejoin?: boolean;
  /**
   * Frames a rejoining session simulates per `advanceFrame` while it catches up with the match
   * (1..1000). More catches up sooner; fewer keeps each call short on a slow machine. Default 60.
   */
  readonly catchUpFramesPerAdvance?: number;
  /** Largest match state this session accepts when rejoining (bytes). Default 16 MiB. */
  readonly maxStateBytes?: number;
}

/** A config with every default filled in. */
export interface ResolvedSessionConfig {
  readonly playerCount: number;
  readonly localPlayer: number;
  readonly addresses: readonly (PeerAddress | undefined)[];
  /** The delay to start with (frames). */
  readonly inputDelay: number;
  /** Whether the delay follows the network (`inputDelay: 'auto'`). */
  readonly autoInputDelay: boolean;
  readonly maxPrediction: number;
  readonly fps: number;
  readonly frameMs: number;
  readonly disconnectTimeoutMs: number;
  readonly isolationTimeoutMs: number;
  readonly disconnectNotifyStartMs: number;
  readonly checksumIntervalFrames: number;
  readonly matchId: number;
  readonly epoch: number;
  readonly syncRoundTrips: number;
  readonly inputResendFrames: number;
  readonly qualityReportMs: number;
  readonly rejoin: boolean;
}

/** Largest input delay accepted (frames): beyond this a game feels broken anyway. */
export const MAX_INPUT_DELAY = 30;
/** Largest prediction window accepted (frames). */
export const MAX_PREDICTION = 30;
/**
 * Default `isolationTimeoutMs` (ms): how long a session that hears no peer at all waits for one
 * before it ends. Isolation cannot tell "my link is down" from "everyone else crashed", so the
 * wait must outlast the outages a match should survive: a Wi-Fi roam, a phone switching networks,
 * a relay or host reconnecting, a tab briefly suspended (a few seconds each, 10 s at worst), with
 * room to spare so that the peers of one outage do not end on either side of the limit. Beyond 15
 * s the player is better served by an end than by a frozen screen; the game hears `isolated` at
 * `disconnectTimeoutMs` and may end sooner itself. Hosted matches learn of a crash from the room
 * well before this. At least twice `disconnectTimeoutMs`, so that raising that alone never makes
 * a config invalid.
 */
export const DEFAULT_ISOLATION_TIMEOUT_MS = 15_000;

/**
 * Checks a config and fills in defaults. Throws a `TypeError` when `game`, `transport` or `input`
 * is missing or lacks a method (a plain JavaScript caller, or an object built by hand), and a
 * `RangeError` naming the bad field for a value out of range.
 */
export function resolveSessionConfig<I, S>(config: P2PSessionConfig<I, S>): ResolvedSessionConfig {
  if (typeof config !== 'object' || config === null) throw new TypeError('a session needs a config object ({ players, game, transport, input, ... })');
  needs('game', config.game, ['step', 'save', 'load', 'checksum'], 'your game: step(inputs), save(), load(state) and checksum()');
  needs('transport', config.transport, ['send', 'receive'], 'a Transport: send(to, data) and receive()');
  needs('input', config.input, ['encode', 'decode'], 'an InputCodec, e.g. bytesInputCodec(2)');
  const players = config.players;
  if (!Array.isArray(players) || players.length < 2 || players.length > MAX_PLAYERS) {
    throw new RangeError(`players: need 2..${MAX_PLAYERS} players, got ${Array.isArray(players) ? players.length : typeof players}`);
  }
  let localPlayer = -1;
  const addresses: (PeerAddress | undefined)[] = [];
  const seen = new Set<PeerAddress>();
  players.forEach((p, handle) => {
    if (p.kind === 'local') {
      if (localPlayer >= 0) throw new RangeError(`players[${handle}]: only one local player per session (also players[${localPlayer}])`);
      localPlayer = handle;
      addresses.push(undefined);
    } else if (p.kind === 'remote') {
      if (typeof p.address !== 'string' || p.address.length === 0) throw new RangeError(`players[${handle}].address must be a non-empty string`);
      if (seen.has(p.address)) throw new RangeError(`players[${handle}].address ${p.address} is used twice`);
      seen.add(p.address);
      addresses.push(p.address);
    } else {
      throw new RangeError(`players[${handle}].kind must be 'local' or 'remote'`);
    }
  });
  if (localPlayer < 0) throw new RangeError('players: one player must be local');
  if (!Number.isInteger(config.input.size) || config.input.size < 1 || config.input.size > MAX_INPUT_BYTES) {
    throw new RangeError(`input.size must be an integer in 1..${MAX_INPUT_BYTES}, got ${config.input.size}`);
  }
  const fps = config.fps ?? 60;
  const disconnectTimeoutMs = num('disconnectTimeoutMs', config.disconnectTimeoutMs ?? 2000, 1);
  const resolved: ResolvedSessionConfig = {
    playerCount: players.length,
    localPlayer,
    addresses,
    inputDelay: config.inputDelay === 'auto' ? 2 : checkedInputDelay(config.inputDelay ?? 2),
    autoInputDelay: config.inputDelay === 'auto',
    maxPrediction: int('maxPrediction', config.maxPrediction ?? 8, 0, MAX_PREDICTION),
    fps: int('fps', fps, 1, 1000),
    frameMs: 1000 / fps,
    disconnectTimeoutMs,
    isolationTimeoutMs: num('isolationTimeoutMs', config.isolationTimeoutMs ?? Math.max(DEFAULT_ISOLATION_TIMEOUT_MS, 2 * disconnectTimeoutMs), 1),
    disconnectNotifyStartMs: num('disconnectNotifyStartMs', config.disconnectNotifyStartMs ?? 500, 0),
    checksumIntervalFrames: int('checksumIntervalFrames', config.checksumIntervalFrames ?? 60, 0, 1 << 20),
    matchId: int('matchId', config.matchId ?? 0, 0, 0xffffffff),
    epoch: int('epoch', config.epoch ?? 0, 0, 0xffffffff),
    syncRoundTrips: int('syncRoundTrips', config.syncRoundTrips ?? 5, 1, 100),
    inputResendFrames: int('inputResendFrames', config.inputResendFrames ?? 2, 1, 60),
    qualityReportMs: num('qualityReportMs', config.qualityReportMs ?? 1000, 10),
    rejoin: config.rejoin === true,
  };
  int('seed', config.seed, 0, 0xffffffff);
  if (resolved.disconnectNotifyStartMs >= resolved.disconnectTimeoutMs) {
    throw new RangeError('disconnectNotifyStartMs must be less than disconnectTimeoutMs');
  }
  if (resolved.isolationTimeoutMs <= resolved.disconnectTimeoutMs) {
    throw new RangeError(
      `isolationTimeoutMs (${resolved.isolationTimeoutMs}) must be more than disconnectTimeoutMs (${resolved.disconnectTimeoutMs}): isolation starts at that silence`,
    );
  }
  return resolved;
}

/**
 * A fixed input delay (frames), checked: the config's and `P2PSession.setInputDelay`'s. The message
 * also names the other choice, 'auto'.
 */
export function checkedInputDelay(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_INPUT_DELAY) {
    throw new RangeError(`inputDelay must be an integer in 0..${MAX_INPUT_DELAY} or 'auto', got ${typeof value === 'string' ? `'${value}'` : String(value)}`);
  }
  return value;
}

/** An integer setting in `min..max`, or a RangeError naming it. */
export function int(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function num(name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RangeError(`${name} must be a finite number >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** Throws a TypeError unless `value` is an object with every one of `methods`. */
function needs(name: string, value: unknown, methods: readonly string[], what: string): void {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name} is missing: pass ${what}`);
  for (const method of methods) {
    if (typeof (value as Record<string, unknown>)[method] !== 'function') throw new TypeError(`${name}.${method} must be a function (${name} is ${what})`);
  }
}
