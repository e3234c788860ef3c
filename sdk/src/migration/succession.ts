import type { RoomState } from '../room/room-state.ts';

/**
 * Who takes over a room's authority when its host is gone: the line of succession.
 *
 * There is no election and no vote. Every member computes the line itself, from the last room
 * state the host sent it (which every member received, in the same order, over its reliable
 * control channel) and from which members it can still reach, with the same rule and no
 * randomness: the live, connected players by slot, lowest first. A vote needs rounds of messages
 * between members that are losing their links at that very moment, and a vote can split (two
 * halves of a mesh each electing their own host); a rule computed from shared state needs no
 * message at all, and two members that see the same peers alive always name the same successor.
 * Were the first in line also dead, the next one is the same for everyone again.
 *
 * The host sends the room's secrets (a `RoomHandover`) ahead of time to the first members of the
 * line, so the successor already holds what it needs when it has to take over.
 *
 * Why players only, and connected ones: a spectator has no direct links to the players (only
 * players signal each other), so it could not reach them once the host's relay is gone; and a
 * member the host already counted as disconnected is probably gone too. Not the owner's rule
 * (`RoomAuthority`: the lowest occupied slot, spectators and disconnected members included):
 * owning a room is about who may change its settings, taking it over about who can serve it, so
 * the two are kept apart; with every player connected both are slot 0's first.
 */

/**
 * How many members, first in the line of succession, hold a room's secrets (a `handover`): two,
 * so that if the successor dies with the host, or right after taking over, the next one in line
 * can still restore the room. More would hand every member's token to more players for little:
 * losing three machines at once is rare. The authority sends a handover to each only when it
 * changed (relay/authority-service.ts), and the members take these two as the candidates to take
 * over (succession-watch.ts).
 */
export const SECRET_HOLDERS = 2;

/**
 * The player slots of `state` in the order they would take over: connected players by slot,
 * lowest first, leaving out those `live` says are gone (e.g. those this member can no longer
 * reach; default: everybody counts as live). Spectators never. Empty if nobody can take over.
 */
export function successionLine(state: RoomState, live?: (slot: number) => boolean): number[] {
  const line: number[] = [];
  for (const m of state.members) {
    if (m.role === 'player' && m.connected && (live === undefined || live(m.slot))) line.push(m.slot);
  }
  return line.sort((a, b) => a - b);
}

/** The first of `successionLine(state, live)`: the member that takes over, or undefined if none can. */
export function successorOf(state: RoomState, live?: (slot: number) => boolean): number | undefined {
  return successionLine(state, live)[0];
}
