/**
 * What to tell the player when a join or create fails: the host's reason (`RoomJoinError.reason`),
 * or 'connect-failed' when the host answers but the connect request failed in the browser.
 */
export function joinErrorText(reason: string, code: string | undefined, host: string): string {
  switch (reason) {
    case 'no-such-room':
      return `There is no room ${code ?? ''} on this host. Check the code, or create a room.`;
    case 'full':
      return 'That room is full.';
    case 'in-progress':
      return 'That room is playing a match. Join when it is back in the lobby.';
    case 'bad-password':
      return 'Wrong password for that room.';
    case 'bad-name':
      return 'That name is not allowed: use 1 to 16 visible characters.';
    case 'rate-limited':
      return 'Too many attempts from this device; wait a minute and try again.';
    case 'too-many-own-rooms':
      return 'This device already has 4 rooms open on the host; close one (or join one) first.';
    case 'create-rate-limited':
      return 'Rooms are being created too fast from this device; wait a few seconds and try again.';
    case 'too-many-rooms':
      return 'The host has too many rooms open; join one of them instead.';
    case 'unreachable':
      // The host's page server did not answer either (see lobby-scene's connect): it is gone.
      return `Cannot reach the host at ${host}. Is it still running? Check the address it printed.`;
    case 'connect-failed':
      // The host answers, but this browser's connect request failed: no firewall is to blame.
      return `The host at ${host} is there, but this browser could not set up the connection. Try again; if it keeps failing, reload the page.`;
    default:
      return 'The host did not let you in. Try again in a moment.';
  }
}
