import { RejoinableSession } from '../core/rejoinable-session.ts';
import type { P2PSessionConfig } from '../core/session-config.ts';
import type { Game } from '../core/game.ts';
import type { InputCodec } from '../core/input-codec.ts';
import type { Transport } from '../transport/transport.ts';
import type { MatchDecision } from '../room/control-messages.ts';
import type { RoomState } from '../room/room-state.ts';
import { DEFAULT_MATCH_RECONNECT_GRACE_MS } from '../room/room-authority.ts';
import { SessionEndReason } from '../core/session-events.ts';
import { SpectatorFeed } from '../core/spectator-feed.ts';
import type { SpectatorFeedConfig } from '../core/spectator-feed.ts';
import { splitSpectatorTraffic } from '../core/spectator-traffic.ts';
import { slotAddress } from './room-client.ts';
import type { RoomClientEvent } from './room-client.ts';

/**
 * How long the host hears nothing from a member before it counts the member's connection lost
 * (ms): the default `silenceTimeoutMs` of `RelayHost` (and of `connectToRoom`, whose member side
 * then reconnects).
 */
export const HOST_SILENCE_TIMEOUT_MS = 1500;
/**
 * What the room's decision may take beyond host silence + match grace to reach every member and
 * be applied (ms): the host's authority tick, the control message's trip with a few resends on a
 * lossy link (the reliable channel resends after 20 ms to 1 s), and a game tick.
 */
export const MATCH_DROP_MARGIN_MS = 1000;
/**
 * The silence after which a match session drops a member on its own (`disconnectTimeoutMs`, ms).
 * In a hosted match the room decides drops: a member silent for HOST_SILENCE_TIMEOUT_MS (1500)
 * loses its connection, keeps its slot for the match grace (`DEFAULT_MATCH_RECONNECT_GRACE_MS`,
 * 2500), then is dropped, and `applyRoomEvent` tells the session: 1500 + 2500 = 4000 ms after its
 * last packet. The session's own timeout is only a backstop for a decision that never arrives, so
 * it comes after that, with margin: 1500 + 2500 + 1000 = 5000 ms. Were it shorter (it was 3000), a
 * member reconnecting at 3 to 4 s would be back in the room but out of the match.
 */
export const MATCH_DISCONNECT_TIMEOUT_MS = HOST_SILENCE_TIMEOUT_MS + DEFAULT_MATCH_RECONNECT_GRACE_MS + MATCH_DROP_MARGIN_MS;

/** A member's match: its transport, slot, the host's decision, and the game (`createMatchSession`). */
export interface MatchSessionOptions<I, S> {
  /** The member's transport to the others (`RoomConnection.transport`: direct links and the relay; or a bare `RelayRoute`). */
  readonly transport: Transport;
  /** The member's own room slot. */
  readonly slot: number;
  /** The host's match decision (`match-start`). */
  readonly match: MatchDecision;
  /** The game the session steps. */
  readonly game: Game<I, S>;
  /** How inputs become bytes (the same size on every member). */
  readonly input: InputCodec<I>;
  /** u32 randomness for this peer's handshake (e.g. from `crypto.getRandomValues`); a fresh one for a rejoining session. */
  readonly seed: number;
  /**
   * This member's slot plays in `match`, which is running without it (its page reloaded, its
   * process restarted) and it came back into the room with its reconnect token: the session takes
   * its player back into the match (`rejoin: true`, see `P2PSessionConfig.rejoin`). Then tell the
   * room (`RoomClient.rejoinMatch(match.matchId)`), so the others readmit it, and once the session
   * emits `readmitted` for its own player, `RoomClient.matchRejoined(match.matchId)`. The game must
   * implement `encodeState`/`decodeState`. Default false.
   */
  readonly rejoin?: boolean;
  /**
   * The room as last heard (`RoomClient.room`): its players returning right now (`rejoining`),
   * whose `member-rejoining` came before this session existed, are readmitted at once. Give it
   * whenever the session starts while the match is running (a rejoining one always).
   */
  readonly room?: RoomState;
  /**
   * Anything else (timeouts, checksum interval, callbacks); the match decides players, delay,
   * prediction, fps, match id and epoch. `onConfirmedInputs` and `onChecksum` are called as given
   * (a replay recorder keeps working), and the spectator feed hears them too.
   */
  readonly session?: Partial<Omit<P2PSessionConfig<I, S>, 'players' | 'game' | 'transport' | 'input' | 'seed'>>;
  /** The spectator feed's own settings (`SpectatorFeedConfig`); the match decides the rest. */
  readonly feed?: Partial<Pick<SpectatorFeedConfig<S>, 'maxSpectators' | 'historyFrames' | 'maxCatchUpFrames' | 'sendIntervalMs' | 'timeoutMs'>>;
}

/** A match session and the mapping between player handles (session) and room slots. */
export interface MatchSession<I, S> {
  /** The session, set up from the match decision: advance it every frame. */
  readonly session: RejoinableSession<I, S>;
  /**
   * Serves the room's spectators the match's confirmed inputs (those whose source this player is,
   * `spectatorSource`, and any that ask). Datagrams from addresses other than the match's players
   * come here, never to the session. Call `feed.poll(nowMs)` after the session's frame work, every
   * frame: with no spectator it costs nothing but keeping the recent confirmed inputs.
   */
  readonly feed: SpectatorFeed<S>;
  /** Player handle of a room slot, or -1 if the slot does not play. */
  handleOf(slot: number): number;
  /** Room slot of a player handle. */
  slotOf(handle: number): number;
  /**
   * Applies the host's decisions to the session: a `member-dropped` of a playing slot drops that
   * player at once (the survivors still agree on its last frame among themselves), instead of
   * waiting for the session's own timeout; one of this member's own slot ends the session with
   * reason 'removed'. Decisions of this match's epoch count, and those of a later one: after a
   * host migration the successor authority (a higher epoch) decides the drops of the match the old
   * host started. A lower epoch is a stale authority's and is ignored.
   *
   * A `member-rejoining` of another player of this match (and a `room-state` listing one in
   * `rejoining`) readmits that player (`session.readmit`), once per return id: the event and the
   * room state that follows it, or a room state re-sent after a reconnect, readmit it once. Other
   * events are ignored (pass every event of the room connection). Returns whether it acted.
   */
  applyRoomEvent(event: RoomClientEvent | { readonly type: string }): boolean;
}

/**
 * Starts the session of a hosted match exactly as the host decided it, so that every member
 * runs the same session: players in the decided slot order (player handle = position), the
 * decided input delay and prediction window (0: lockstep), frame rate, match id and authority
 * epoch (both part of the handshake, so a stale or foreign match is refused).
 */
export function createMatchSession<I, S>(options: MatchSessionOptions<I, S>): MatchSession<I, S> {
  const { match, slot } = options;
  const me = match.players.indexOf(slot);
  if (me < 0) throw new RangeError(`slot ${slot} does not play in match ${match.matchId} (players: ${match.players.join(', ')})`);
  // The room's spectators reach this peer through the same transport (the relay carries their
  // packets to players): split by sender, so that the session hears only the match's players.
  const split = splitSpectatorTraffic(
    options.transport,
    match.players.map((s) => slotAddress(s)),
  );
  const feed = new SpectatorFeed<S>({
    ...options.feed,
    game: options.game,
    transport: split.spectators,
    playerCount: match.players.length,
    inputSize: options.input.size,
    matchId: match.matchId,
    // Its own randomness, not the session's: a feed's token must not tell the handshake's.
    seed: (Math.imul(options.seed, 0x9e3779b1) ^ 0x5bd1e995) >>> 0,
  });
  const own = options.session;
  // A room's match may see a player come back (a reloaded page): every member takes part in that.
  const session = new RejoinableSession<I, S>({
    // After the room's decision, never before it: see MATCH_DISCONNECT_TIMEOUT_MS.
    disconnectTimeoutMs: MATCH_DISCONNECT_TIMEOUT_MS,
    disconnectNotifyStartMs: 750,
    ...own,
    onConfirmedInputs: (frame, inputs, statuses) => {
      own?.onConfirmedInputs?.(frame, inputs, statuses);
      feed.onConfirmedInputs(frame, inputs, statuses);
    },
    onChecksum: (frame, checksum) => {
      own?.onChecksum?.(frame, checksum);
      feed.onChecksum(frame, checksum);
    },
    players: match.players.map((s, handle) => (handle === me ? { kind: 'local' as const } : { kind: 'remote' as const, address: slotAddress(s) })),
    game: options.game,
    transport: split.players,
    input: options.input,
    seed: options.seed,
    inputDelay: match.settings.inputDelay,
    maxPrediction: match.settings.maxPrediction,
    fps: match.settings.fps,
    matchId: match.matchId,
    epoch: match.epoch,
    ...(options.rejoin === true ? { rejoin: true } : {}),
  });
  /** By handle, the id of the last return this session readmitted (-1: none). */
  const readmitted = new Array<number>(match.players.length).fill(-1);
  const readmitReturn = (slot: number, returnId: number): boolean => {
    const handle = match.players.indexOf(slot);
    if (handle < 0 || handle === me || readmitted[handle] === returnId || session.endReason !== undefined) return false;
    readmitted[handle] = returnId;
    session.readmit(handle);
    return true;
  };
  const readmitListed = (state: RoomState): boolean => {
    if (state.match?.matchId !== match.matchId || state.epoch < match.epoch) return false;
    let acted = false;
    for (const [slot, returnId] of state.rejoining ?? []) if (readmitReturn(slot, returnId)) acted = true;
    return acted;
  };
  feed.attach(session);
  if (options.room !== undefined) readmitListed(options.room);
  return {
    session,
    feed,
    handleOf: (s) => match.players.indexOf(s),
    applyRoomEvent: (any) => {
      if (any.type === 'room-state') return readmitListed((any as Extract<RoomClientEvent, { type: 'room-state' }>).state);
      if (any.type === 'member-rejoining') {
        const event = any as Extract<RoomClientEvent, { type: 'member-rejoining' }>;
        if (event.matchId !== match.matchId || event.epoch < match.epoch) return false;
        return readmitReturn(event.slot, event.returnId);
      }
      if (any.type !== 'member-dropped') return false;
      const event = any as Extract<RoomClientEvent, { type: 'member-dropped' }>;
      if (event.epoch < match.epoch) return false;
      const handle = match.players.indexOf(event.slot);
      if (handle === me) {
        // The room dropped us: the others drop us too, so there is no match left to play.
        if (session.endReason !== undefined) return false;
        session.end(SessionEndReason.Removed);
        return true;
      }
      if (handle < 0 || !session.peerStats(handle).connected) return false;
      session.disconnectPlayer(handle);
      return true;
    },
    slotOf: (handle) => {
      const s = match.players[handle];
      if (s === undefined) throw new RangeError(`no player handle ${handle}`);
      return s;
    },
  };
}
