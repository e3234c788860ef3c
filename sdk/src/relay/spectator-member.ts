import { SpectatorSession } from '../core/spectator-session.ts';
import type { SpectatorSessionConfig } from '../core/spectator-session.ts';
import type { Game } from '../core/game.ts';
import type { InputCodec } from '../core/input-codec.ts';
import type { Transport } from '../transport/transport.ts';
import type { MatchDecision } from '../room/match-decision.ts';
import type { RoomState } from '../room/room-state.ts';
import { slotRole } from '../room/room-state.ts';
import { spectatorSource } from '../room/spectator-source.ts';
import { slotAddress } from './relay-route.ts';
import type { RoomClientEvent } from './room-client.ts';

/** A spectator member's view of a room's match: its transport, slot, the match and the room (`createSpectatorSession`). */
export interface SpectatorMemberOptions<I, S> {
  /** The member's transport (`RoomConnection.transport`): the relay carries its packets to and from the players. */
  readonly transport: Transport;
  /** The member's own room slot, a spectator's (16..23). */
  readonly slot: number;
  /** The match it watches (`RoomClient.match`). */
  readonly match: MatchDecision;
  /** The room as last heard (`RoomClient.room`): which player serves it (`spectatorSource`). */
  readonly room: RoomState;
  /** A fresh game, as a player's is at frame 0 (it needs `decodeState` to join past frame 0's history). */
  readonly game: Game<I, S>;
  /** The players' input codec. */
  readonly input: InputCodec<I>;
  /** u32 randomness for its token. */
  readonly seed: number;
  /**
   * The spectator session's own settings (jitter buffer, catch-up, checksum interval, which should
   * be the players', `onChecksum`); the match decides player count and match id.
   */
  readonly session?: Partial<Omit<SpectatorSessionConfig<I, S>, 'game' | 'input' | 'transport' | 'source' | 'playerCount' | 'matchId' | 'seed'>>;
}

/** A spectator member's session and the room's word on whose feed it watches through. */
export interface SpectatorMember<I, S> {
  /** The session: each display frame `poll(nowMs)`, then `advanceFrame()`, then draw its game's state. */
  readonly spectator: SpectatorSession<I, S>;
  /** The slot of the player whose feed it watches through now. */
  readonly sourceSlot: number;
  /**
   * The room changed: when the rule (`spectatorSource`) names another player (its source dropped,
   * lost its connection, or came back), the session switches to that player's feed. Returns
   * whether it switched. A state of another match, or with no player to serve it, changes nothing
   * (the session's own `source-lost` event says when its source has been silent too long).
   */
  applyRoomState(state: RoomState): boolean;
  /** `applyRoomState` for a `room-state` event; every other event is ignored. Pass them all. */
  applyRoomEvent(event: RoomClientEvent | { readonly type: string }): boolean;
}

/**
 * Starts a spectator member's session for the room's running match (issue 13): it watches through
 * the feed of the player the room's rule names (`spectatorSource`: the spectators spread over the
 * match's connected players) and follows the room's changes, switching feeds when its player goes.
 * Confirmed inputs are the same at every player, so a switch changes nothing it shows.
 */
export function createSpectatorSession<I, S>(options: SpectatorMemberOptions<I, S>): SpectatorMember<I, S> {
  const { match, slot } = options;
  if (slotRole(slot) !== 'spectator') throw new RangeError(`slot ${slot} is not a spectator's (16..23)`);
  // With no player connected in the state given, the match's last player: a state that says more
  // comes soon, and the session asks again until a feed answers.
  let sourceSlot = spectatorSource(options.room, slot) ?? match.players[match.players.length - 1]!;
  const spectator = new SpectatorSession<I, S>({
    ...options.session,
    game: options.game,
    input: options.input,
    transport: options.transport,
    source: slotAddress(sourceSlot),
    playerCount: match.players.length,
    matchId: match.matchId,
    seed: options.seed,
  });
  const applyRoomState = (state: RoomState): boolean => {
    if (state.match?.matchId !== match.matchId) return false;
    const next = spectatorSource(state, slot);
    if (next === undefined || next === sourceSlot) return false;
    sourceSlot = next;
    spectator.switchSource(slotAddress(next));
    return true;
  };
  return {
    spectator,
    get sourceSlot() {
      return sourceSlot;
    },
    applyRoomState,
    applyRoomEvent: (event) => (event.type === 'room-state' ? applyRoomState((event as Extract<RoomClientEvent, { type: 'room-state' }>).state) : false),
  };
}
