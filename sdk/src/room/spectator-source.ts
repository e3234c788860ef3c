import type { RoomState } from './room-state.ts';
import { FIRST_SPECTATOR_SLOT, slotRole } from './room-state.ts';

/**
 * Which player of the room's running match serves the spectator in `spectatorSlot` (its
 * `SpectatorFeed` sends the spectator the match's confirmed inputs): the slot of that player, or
 * undefined while there is none (no match, not a spectator slot, no player of the match connected).
 *
 * Every member computes it from the room state alone, so no control message says it, and the
 * spectator and its player agree as soon as both have heard the same state. The rule spreads the
 * spectators over the match's players, one each in turn, so that no player serves many (8
 * spectators over 2 players: 4 each): the spectator in the k-th spectator slot prefers the match's
 * k-th player counted from the highest slot down (the room's owner, slot 0, usually the machine
 * that also runs the host, is the last to get one). When that player is not connected (its link
 * to the host is down, or it was dropped) or is on its way back into the match (`rejoining`: its
 * new session holds no history yet), the next one down serves instead, wrapping around. So a
 * spectator's source changes only when its own source's connection changes, and it changes back
 * when that player returns. Confirmed inputs are the same at every peer, so whichever feed a
 * spectator watches through, it sees the same match.
 */
export function spectatorSource(room: RoomState, spectatorSlot: number): number | undefined {
  const match = room.match;
  if (room.phase !== 'playing' || match === undefined || slotRole(spectatorSlot) !== 'spectator') return undefined;
  const players = match.players;
  const count = players.length;
  if (count === 0) return undefined;
  const returning = new Set((room.rejoining ?? []).map(([slot]) => slot));
  const serves = (slot: number): boolean => !returning.has(slot) && room.members.some((m) => m.slot === slot && m.role === 'player' && m.connected);
  const preferred = count - 1 - ((spectatorSlot - FIRST_SPECTATOR_SLOT) % count);
  for (let step = 0; step < count; step++) {
    const slot = players[(preferred - step + count) % count]!;
    if (serves(slot)) return slot;
  }
  return undefined;
}
