/**
 * What a client asks for when it connects (sent in geckos' authorization header, so a refused
 * attempt never gets a WebRTC channel): create a room, or join one by code, optionally with a
 * password, as a player or a spectator, or come back into its slot with its reconnect token.
 */
export type ConnectRequest =
  | {
      readonly action: 'create';
      readonly name: string;
      readonly password?: string;
      readonly settings?: Readonly<Record<string, number>>;
    }
  | {
      readonly action: 'join';
      readonly code: string;
      readonly name: string;
      readonly role: 'player' | 'spectator';
      readonly password?: string;
      readonly token?: string;
    };

/** Longest request accepted (characters of JSON). */
export const MAX_CONNECT_REQUEST_CHARS = 1024;
const SETTING_KEYS = new Set(['maxPlayers', 'inputDelay', 'maxPrediction', 'fps']);

/** Encodes a request for the authorization header. */
export function encodeConnectRequest(request: ConnectRequest): string {
  return JSON.stringify(request);
}

/**
 * Parses and checks an untrusted request: a JSON string (or an already parsed value). Shapes and
 * lengths only; the room authority judges codes, names and passwords. Never throws.
 */
export function parseConnectRequest(input: unknown): { ok: true; request: ConnectRequest } | { ok: false; error: string } {
  let value: unknown = input;
  if (typeof input === 'string') {
    if (input.length > MAX_CONNECT_REQUEST_CHARS) return { ok: false, error: 'bad-request' };
    try {
      value = JSON.parse(input);
    } catch {
      return { ok: false, error: 'bad-request' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'bad-request' };
  const v = value as Record<string, unknown>;
  const str = (key: string, max: number): string | undefined | null => {
    const x = v[key];
    if (x === undefined) return undefined;
    return typeof x === 'string' && x.length <= max ? x : null;
  };
  const name = str('name', 64);
  const password = str('password', 128);
  if (typeof name !== 'string' || password === null) return { ok: false, error: 'bad-request' };
  if (v['action'] === 'create') {
    for (const key of Object.keys(v)) if (!['action', 'name', 'password', 'settings'].includes(key)) return { ok: false, error: 'bad-request' };
    let settings: Record<string, number> | undefined;
    if (v['settings'] !== undefined) {
      const s = v['settings'];
      if (typeof s !== 'object' || s === null || Array.isArray(s)) return { ok: false, error: 'bad-request' };
      settings = {};
      for (const [key, x] of Object.entries(s as Record<string, unknown>)) {
        if (!SETTING_KEYS.has(key) || typeof x !== 'number' || !Number.isFinite(x)) return { ok: false, error: 'bad-request' };
        settings[key] = x;
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
