/**
 * The room this tab is in, kept across a reload: its code, and the reconnect token by room (a
 * secret: it gives its holder this member's slot). `sessionStorage` is per tab, so two tabs of the
 * same browser stay two players, and it ends with the tab. A reloaded page reconnects with it at
 * once, and if its match is running goes straight back into it (docs/rejoin-and-spectators.md).
 */

/** Where the tab's room code is kept. */
const ROOM_KEY = 'backspin.room';
/** Prefix of the key of a room's token: `backspin.token.<code>`. */
const TOKEN_PREFIX = 'backspin.token.';

/** What a reloaded page needs to come back into its slot. */
export interface RoomResume {
  readonly code: string;
  readonly token: string;
}

/** Only what browsers offer as `sessionStorage`, so tests can pass a Map-backed one. */
export type ResumeStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function tabStorage(): ResumeStorage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.sessionStorage;
  } catch {
    return undefined; // storage refused (a privacy setting): no resume, nothing else lost
  }
}

/** Remembers that this tab is in room `code` with `token`. */
export function saveRoomResume(code: string, token: string, storage: ResumeStorage | undefined = tabStorage()): void {
  try {
    storage?.setItem(ROOM_KEY, code);
    storage?.setItem(TOKEN_PREFIX + code, token);
  } catch {
    // Full or refused: a reload then starts from the title screen, as before.
  }
}

/** The room this tab was in, if a token for it is kept. */
export function loadRoomResume(storage: ResumeStorage | undefined = tabStorage()): RoomResume | undefined {
  try {
    const code = storage?.getItem(ROOM_KEY) ?? null;
    const token = code === null ? null : (storage?.getItem(TOKEN_PREFIX + code) ?? null);
    return code === null || token === null ? undefined : { code, token };
  } catch {
    return undefined;
  }
}

/** Forgets the tab's room (it left, or the host no longer knows the token). */
export function forgetRoomResume(storage: ResumeStorage | undefined = tabStorage()): void {
  try {
    const code = storage?.getItem(ROOM_KEY) ?? null;
    if (code !== null) storage?.removeItem(TOKEN_PREFIX + code);
    storage?.removeItem(ROOM_KEY);
  } catch {
    // Nothing kept, or nothing we may touch.
  }
}
