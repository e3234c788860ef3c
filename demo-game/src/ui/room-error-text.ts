import type { RoomState } from 'backspin';

/**
 * What to tell a player when the host refuses a request in the room (the `error` event's `code`,
 * see the SDK's RoomError): plain words about the room, never the code itself, which means
 * something to a developer only ("update-settings refused: max-below-players").
 */
export function roomErrorText(code: string, room: RoomState | undefined): string {
  const players = room?.members.filter((m) => m.role === 'player').length;
  switch (code) {
    case 'max-below-players':
      return `There are already ${players ?? 'more'} players in the room, so it cannot have fewer seats than that.`;
    case 'not-owner':
      return 'Only the room’s owner (★) can do that.';
    case 'not-in-lobby':
      return 'Not while a match is being played: wait until it is over.';
    case 'not-playing':
      return 'No match is being played.';
    case 'not-a-player':
      return 'Players only: you are watching this room.';
    case 'too-few-players':
      return 'A match needs at least two players.';
    case 'not-ready':
      return 'Not everyone is ready yet.';
    case 'not-connected':
      return 'A player is reconnecting; start when everyone is back.';
    case 'color-taken':
      return 'Someone else just took that colour. Pick another one: the ones left are not crossed out.';
    case 'bad-look':
      return 'That colour or shape is not one of the game’s. Pick one of the swatches.';
    case 'bad-settings':
      return 'The host does not allow that setting.';
    case 'rate-limited':
    case 'backlog':
      return 'Too many clicks at once; wait a moment and try again.';
    default:
      return 'The host did not accept that. Try again in a moment.';
  }
}
