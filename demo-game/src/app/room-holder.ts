import { HOST_HOLDER } from 'backspin';
import type { RoomConnection } from 'backspin';

/**
 * Who holds the room, in the players' words. While the host runs, it holds the room; when it is
 * lost, the first player in the line of succession takes the room over (host migration) and the
 * others follow that player over their direct links. Newcomers cannot reach such a room while
 * the host is down (its page and signaling were the host's); when a host is started again at the
 * same address, that player brings the room back onto it ('rehomed') and newcomers can join again.
 */

/** The name the room knows for `slot`, or "Player <slot>". */
export function memberName(connection: RoomConnection, slot: number): string {
  return connection.client.room?.members.find((m) => m.slot === slot)?.name ?? `Player ${slot + 1}`;
}

/** True while a player, not the host, holds the room. */
export function heldBySuccessor(connection: RoomConnection): boolean {
  const holder = connection.holder;
  return holder !== undefined && holder.holder !== HOST_HOLDER;
}

/** Who was lost: "The host", or the player that held the room before. */
export function lostHolderName(connection: RoomConnection, lost: number | undefined): string {
  return lost === undefined || lost === HOST_HOLDER ? 'The host' : memberName(connection, lost);
}

/** "The host left. Ada now holds the room." (or "… You now hold the room." on Ada's page). */
export function holderChangeText(connection: RoomConnection, slot: number, mine: boolean, lost: number | undefined): string {
  const who = lostHolderName(connection, lost);
  const left = `${who} left.`;
  return mine || slot === connection.slot ? `${left} You now hold the room.` : `${left} ${memberName(connection, slot)} now holds the room.`;
}

/** The lobby's line while a player holds the room: nobody new can join until the host is back. */
export function successorLobbyText(connection: RoomConnection): string | undefined {
  const holder = connection.holder;
  if (holder === undefined || holder.holder === HOST_HOLDER) return undefined;
  const held = holder.holder === connection.slot ? 'you hold the room' : `${memberName(connection, holder.holder)} holds the room`;
  return `The host left; ${held}. New players can join once the host is back.`;
}

/** What every page says once the room is back on its host ('rehomed'). */
export const REHOMED_TEXT = 'The host is back. The room is on it again.';

/** What a match says when nobody can take the room over. */
export const ORPHANED_TEXT = 'The host is gone. The match plays on; the room closes after it.';
