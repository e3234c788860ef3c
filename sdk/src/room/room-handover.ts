import { ControlDecodeError, parseRoomState } from './control-messages.ts';
import { MAX_ROOM_PASSWORD_LENGTH } from './room-authority.ts';
import { isReconnectToken } from './reconnect-token.ts';
import { sameRoomSettings } from './room-settings.ts';
import { isDisplayText } from './display-text.ts';
import { MAX_MEMBER_NAME_LENGTH } from './member-name.ts';
import { ROOM_SLOTS } from './room-state.ts';
import type { RoomState } from './room-state.ts';

// control-messages.ts and room-authority.ts import this file and it imports them: the three only
// call each other's functions, and nothing here runs an imported value at load time, so the order
// in which they load does not matter. Keep it so (no top-level use of an import).

/** One member's reconnect token: `[slot, token]`. A pair, as a `MemberPing`, to keep the message small. */
export type MemberToken = readonly [slot: number, token: string];

/**
 * A player of the running match whom the room removed (its connection lost) and who may still
 * come back into it: `[slot, token, name]`, until the match ends.
 */
export type ReservedSeat = readonly [slot: number, token: string, name: string];

/**
 * A room as its authority holds it: the `RoomState` every member sees, plus the secrets only an
 * authority may know (the password, every member's reconnect token). The authority sends it to the
 * next members in the line of succession (`successionLine`), so that when the host dies one of
 * them can bring the room back (`RoomAuthority.restoreRoom`) with the same members, slots, tokens
 * and password: the members come back into their own slots with the tokens they already hold.
 */
export interface RoomHandover {
  /** The room as it is (phase 'lobby' or 'playing', never 'closed'; at least one member). */
  readonly state: RoomState;
  /** Present exactly when `state.hasPassword`: 1..MAX_ROOM_PASSWORD_LENGTH UTF-16 units, any characters. */
  readonly password?: string;
  /** One per member of `state`, by slot ascending; every token distinct. */
  readonly tokens: readonly MemberToken[];
  /**
   * The removed players of the running match who may come back (phase 'playing' only; absent when
   * none), by slot ascending: each a player of the match whose slot no member holds, with a token
   * distinct from every other.
   */
  readonly reserved?: readonly ReservedSeat[];
}

export type RoomHandoverResult = { readonly ok: true; readonly handover: RoomHandover } | { readonly ok: false; readonly reason: ControlDecodeError };

const HANDOVER_KEYS: readonly string[] = ['state', 'password', 'tokens', 'reserved'];

/**
 * Checks a handover that came from the network (parsed JSON, or any value) and builds a fresh one
 * of the checked values. Never throws. Beyond a valid room state (the same rules as a
 * `room-state` message) it must hold what an authority's own room always does, so that a room
 * restored from it keeps the authority's invariants: an open room (not closed, not empty), no
 * more players than `maxPlayers`, a match on the room's own settings; the password present exactly
 * when the state says there is one; exactly one well-formed token per member, for that member's
 * slot, none repeated (a repeat would let one token open two slots). A `reason` as the control
 * decoder gives: 'unknown-field', 'missing-field' or 'bad-field' (or 'not-object').
 */
export function parseRoomHandover(value: unknown): RoomHandoverResult {
  try {
    return check(value);
  } catch {
    // Not reachable with the checks below (a getter or a proxy could throw); never let it out.
    return fail(ControlDecodeError.BadField);
  }
}

function check(value: unknown): RoomHandoverResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(ControlDecodeError.NotObject);
  const obj = value as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(obj)) if (!HANDOVER_KEYS.includes(key)) return fail(ControlDecodeError.UnknownField);
  if (!Object.hasOwn(obj, 'state') || !Object.hasOwn(obj, 'tokens')) return fail(ControlDecodeError.MissingField);

  const parsed = parseRoomState(obj['state']);
  if (!parsed.ok) return parsed;
  const state = parsed.state;
  if (state.phase === 'closed' || state.members.length === 0) return fail(ControlDecodeError.BadField);
  if (state.members.filter((m) => m.role === 'player').length > state.settings.maxPlayers) return fail(ControlDecodeError.BadField);
  if (state.match !== undefined && !sameRoomSettings(state.match.settings, state.settings)) return fail(ControlDecodeError.BadField);

  const password = Object.hasOwn(obj, 'password') ? obj['password'] : undefined;
  if (Object.hasOwn(obj, 'password')) {
    if (typeof password !== 'string' || password.length < 1 || password.length > MAX_ROOM_PASSWORD_LENGTH || !state.hasPassword) {
      return fail(ControlDecodeError.BadField);
    }
  } else if (state.hasPassword) {
    return fail(ControlDecodeError.MissingField);
  }

  const raw = obj['tokens'];
  if (!Array.isArray(raw) || raw.length !== state.members.length || raw.length > ROOM_SLOTS) return fail(ControlDecodeError.BadField);
  const tokens: MemberToken[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i++) {
    const entry: unknown = raw[i];
    if (!Array.isArray(entry) || entry.length !== 2) return fail(ControlDecodeError.BadField);
    const [slot, token] = entry as unknown[];
    // Members are by slot ascending in a valid state, so pair i belongs to member i.
    if (slot !== state.members[i]!.slot || !isReconnectToken(token) || seen.has(token)) return fail(ControlDecodeError.BadField);
    seen.add(token);
    tokens.push(Object.freeze([state.members[i]!.slot, token] as const));
  }
  const reserved: ReservedSeat[] = [];
  if (Object.hasOwn(obj, 'reserved')) {
    const rawSeats = obj['reserved'];
    const match = state.match;
    if (match === undefined || !Array.isArray(rawSeats) || rawSeats.length < 1 || rawSeats.length > match.players.length) return fail(ControlDecodeError.BadField);
    for (const entry of rawSeats as unknown[]) {
      if (!Array.isArray(entry) || entry.length !== 3) return fail(ControlDecodeError.BadField);
      const [slot, token, name] = entry as unknown[];
      const previous = reserved.length > 0 ? reserved[reserved.length - 1]![0] : -1;
      // A player of the match, by slot ascending, whose slot no member holds: the seat is its way back.
      if (typeof slot !== 'number' || !match.players.includes(slot) || slot <= previous || state.members.some((m) => m.slot === slot)) return fail(ControlDecodeError.BadField);
      if (!isReconnectToken(token) || seen.has(token) || !isDisplayText(name, 1, MAX_MEMBER_NAME_LENGTH)) return fail(ControlDecodeError.BadField);
      seen.add(token);
      reserved.push(Object.freeze([slot, token, name] as const));
    }
  }
  const handover: RoomHandover = {
    state,
    ...(typeof password === 'string' ? { password } : {}),
    tokens: Object.freeze(tokens),
    ...(reserved.length > 0 ? { reserved: Object.freeze(reserved) } : {}),
  };
  return { ok: true, handover: Object.freeze(handover) };
}

function fail(reason: ControlDecodeError): { ok: false; reason: ControlDecodeError } {
  return { ok: false, reason };
}
