import type { MemberRole } from '../room/room-state.ts';

/**
 * Whether a relay carries a session datagram from a member of role `from` to a member of role `to`
 * in the same room: between players (the match), and between a spectator and a player (the
 * player's `SpectatorFeed` serves the spectator, which acknowledges and asks for what it lacks).
 * Never between two spectators: neither has anything the other needs, and a relay that carried
 * it would let spectators use the host as a free channel. The same rule holds wherever a room's
 * traffic is relayed (the host's `RelayHost`, a successor host's, which is one too).
 */
export function mayRelayBetween(from: MemberRole, to: MemberRole): boolean {
  return from === 'player' || to === 'player';
}
