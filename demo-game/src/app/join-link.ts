import { shareableOrigin } from './lan-origin.ts';

/** Query parameter of a join link: `http://host:port/?room=ABC123`. */
const ROOM_PARAM = 'room';

/** The link friends open (or scan) to join room `code` on this host, at an address their devices reach (see lan-origin.ts). */
export function joinLink(code: string, base: string = shareableOrigin()): string {
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  url.searchParams.set(ROOM_PARAM, code);
  return url.toString();
}

/** The room code of a join link this page was opened with, if any, as written (the lobby checks it). */
export function roomFromLink(loc: Location = window.location): string | undefined {
  const code = new URLSearchParams(loc.search).get(ROOM_PARAM)?.trim();
  return code === undefined || code === '' ? undefined : code;
}

/** Removes the room code from the address bar once used, so a reload does not re-join. */
export function forgetRoomLink(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has(ROOM_PARAM)) return;
  url.searchParams.delete(ROOM_PARAM);
  window.history.replaceState(null, '', url.toString());
}
