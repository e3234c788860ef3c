import type { RoomState } from 'backspin';

/**
 * Whether this page should return the room to its lobby now: the room still plays the match that
 * this page saw end (`matchId`), and this page's member owns the room. The owner's results screen
 * does it when it opens; should the owner leave before that, the member who owns the room next
 * does it from its results screen or the lobby, or the room would stay 'playing' with nobody to
 * end it (and Play again would wait for ever).
 */
export function endsFinishedMatch(room: RoomState | undefined, slot: number, matchId: number | undefined): boolean {
  return room !== undefined && matchId !== undefined && room.phase === 'playing' && room.ownerSlot === slot && room.match?.matchId === matchId;
}
