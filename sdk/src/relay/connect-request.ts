import { parseRoomHandover } from '../room/room-handover.ts';
import type { RoomHandover } from '../room/room-handover.ts';

/**
 * What a client asks for when it connects (sent in geckos' authorization header, so a refused
 * attempt never gets a WebRTC channel): create a room, or join one by code, optionally with a
 * password, as a player or a spectator, or come back into its slot with its reconnect token; or,
 * from the player that held a room after its host was lost, bring that room back onto a host
 * (re-home it: the same code, slots, names and tokens) and come back into its own slot.
 */
export type ConnectRequest =
  | {
      readonly action: 'create';
      readonly name: string;
      readonly password?: string;
      /** Room settings by name (`RoomSettings`); numbers, and `'auto'` for the input delay. */
      readonly settings?: Readonly<Record<string, number | 'auto'>>;
    }
  | {
      readonly action: 'join';
      readonly code: string;
      readonly name: string;
      readonly role: 'player' | 'spectator';
      readonly password?: string;
      readonly token?: string;
    }
  | {
      readonly action: 'rehome';
      /** The room with its secrets, as its holder has it (`RoomAuthority.exportRoom`). */
      readonly handover: RoomHandover;
      /** The requester's own reconnect token: one of the handover's players. */
      readonly token: string;
    };

/**
 * What a game asks for: create a room (`{ action: 'create', name, password?, settings? }`), or join
 * one (`{ action: 'join', code, name, role, password?, token? }`, `token` being the reconnect token of
 * a slot to come back into). A 'rehome' is the SDK's own, on host migration.
 */
export type RoomRequest = Extract<ConnectRequest, { readonly action: 'create' | 'join' }>;

/** Longest request accepted (characters of JSON), but for a 'rehome'. */
export const MAX_CONNECT_REQUEST_CHARS = 1024;
/**
 * Longest 'rehome' request accepted (characters of JSON): a handover of a full room (24 members
 * with 32-character names, every token) is about 6 KB, and an HTTP header of 12 KB passes every
 * server's default limit (Node's is 16 KB for all headers).
 */
export const MAX_REHOME_REQUEST_CHARS = 12 * 1024;
/** Characters JSON leaves as they are but an HTTP header cannot carry (outside printable ASCII). */
const NOT_HEADER_SAFE = /[^\x20-\x7e]/g;
const SETTING_KEYS = new Set(['maxPlayers', 'inputDelay', 'maxPrediction', 'fps', 'gameMode']);

/**
 * Encodes a request for the authorization header: JSON in printable ASCII only (every other
 * character as a `\\uXXXX` escape, which JSON reads back unchanged), because a header is a byte
 * string: a name such as "Łukasz" or "小明" would otherwise make the browser refuse the request.
 */
export function encodeConnectRequest(request: ConnectRequest): string {
  return JSON.stringify(request).replace(NOT_HEADER_SAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Parses and checks an untrusted request: a JSON string (or an already parsed value). Shapes and
 * lengths only; the room authority judges codes, names and passwords. Never throws.
 */
export function parseConnectRequest(input: unknown): { ok: true; request: ConnectRequest } | { ok: false; error: string } {
  let value: unknown = input;
  if (typeof input === 'string') {
    if (input.length > MAX_REHOME_REQUEST_CHARS) return { ok: false, error: 'bad-request' };
    try {
      value = JSON.parse(input);
    } catch {
      return { ok: false, error: 'bad-request' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'bad-request' };
  const v = value as Record<string, unknown>;
  // Only a 'rehome' carries a whole room; anything else that long is refused, as it always was.
  if (typeof input === 'string' && input.length > MAX_CONNECT_REQUEST_CHARS && v['action'] !== 'rehome') return { ok: false, error: 'bad-request' };
  const str = (key: string, max: number): string | undefined | null => {
    const x = v[key];
    if (x === undefined) return undefined;
    return typeof x === 'string' && x.length <= max ? x : null;
  };
  if (v['action'] === 'rehome') {
    for (const key of Object.keys(v)) if (!['action', 'handover', 'token'].includes(key)) return { ok: false, error: 'bad-request' };
    const token = str('token', 128);
    const handover = parseRoomHandover(v['handover']);
    if (typeof token !== 'string' || !handover.ok) return { ok: false, error: 'bad-request' };
    return { ok: true, request: { action: 'rehome', handover: handover.handover, token } };
  }
  const name = str('name', 64);
  const password = str('password', 128);
  if (typeof name !== 'string' || password === null) return { ok: false, error: 'bad-request' };
  if (v['action'] === 'create') {
    for (const key of Object.keys(v)) if (!['action', 'name', 'password', 'settings'].includes(key)) return { ok: false, error: 'bad-request' };
    let settings: Record<string, number | 'auto'> | undefined;
    if (v['settings'] !== undefined) {
      const s = v['settings'];
      if (typeof s !== 'object' || s === null || Array.isArray(s)) return { ok: false, error: 'bad-request' };
      settings = {};
      for (const [key, x] of Object.entries(s as Record<string, unknown>)) {
        const value = key === 'inputDelay' && x === 'auto' ? x : typeof x === 'number' && Number.isFinite(x) ? x : undefined;
        if (!SETTING_KEYS.has(key) || value === undefined) return { ok: false, error: 'bad-request' };
        settings[key] = value;
      }
    }
    return {
      ok: true,
      request: { action: 'create', name, ...(password !== undefined ? { password } : {}), ...(settings !== undefined ? { settings } : {}) },
    };
  }
  if (v['action'] === 'join') {
    for (const key of Object.keys(v)) if (!['action', 'code', 'name', 'role', 'password', 'token'].includes(key)) return { ok: false, error: 'bad-request' };
    const code = str('code', 32);
    const token = str('token', 128);
    const role = v['role'] === undefined ? 'player' : v['role']; // absent means player; null does not
    if (typeof code !== 'string' || token === null || (role !== 'player' && role !== 'spectator')) return { ok: false, error: 'bad-request' };
    return {
      ok: true,
      request: { action: 'join', code, name, role, ...(password !== undefined ? { password } : {}), ...(token !== undefined ? { token } : {}) },
    };
  }
  return { ok: false, error: 'bad-request' };
}

/**
 * HTTP status for each refusal. The host answers a refused connection with it (geckos carries
 * nothing else back), and the client turns it back into the reason.
 */
const REFUSAL_STATUS: Readonly<Record<string, number>> = {
  'bad-request': 400,
  'bad-token': 401,
  'bad-password': 403,
  'no-such-room': 404,
  full: 409,
  'bad-name': 422,
  'in-progress': 423,
  'rate-limited': 429,
  'too-many-rooms': 503,
  /** This address already holds its most open rooms (`RelayHostOptions.roomsPerAddress`). */
  'too-many-own-rooms': 412,
  /** This address created its most rooms for now (`RelayHostOptions.roomCreatesPerMinute`). */
  'create-rate-limited': 425,
  /** A 'rehome' for a code the host already has a room under (it never lost the room, or someone was first). */
  'code-in-use': 410,
};

export function refusalStatus(reason: string): number {
  // Own keys only: `REFUSAL_STATUS['toString']` would be a function.
  return Object.hasOwn(REFUSAL_STATUS, reason) ? REFUSAL_STATUS[reason]! : 400;
}

/** The refusal reason for an HTTP status, or 'unreachable' when the host gave none. */
export function refusalReason(status: number | undefined): string {
  for (const [reason, code] of Object.entries(REFUSAL_STATUS)) if (code === status) return reason;
  return 'unreachable';
}
