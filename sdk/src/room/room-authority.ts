import { constantTimeEqual } from './constant-time-equal.ts';
import { generateJoinCode, normalizeJoinCode } from './join-code.ts';
import type { MatchDecision } from './match-decision.ts';
import { MEMBER_COLORS, MEMBER_SHAPES, lowestFreeColor } from './member-look.ts';
import { normalizeMemberName, uniqueMemberName } from './member-name.ts';
import { generateReconnectToken, isReconnectToken } from './reconnect-token.ts';
import { parseRoomHandover } from './room-handover.ts';
import type { MemberToken, ReservedSeat, RoomHandover } from './room-handover.ts';
import { RoomError } from './room-errors.ts';
import { MemberDropReason, RoomCloseReason } from './room-events.ts';
import type { RoomEvent } from './room-events.ts';
import { resolveRoomSettings, sameRoomSettings } from './room-settings.ts';
import type { RoomSettings } from './room-settings.ts';
import { FIRST_SPECTATOR_SLOT, NO_OWNER, PLAYER_SLOTS, ROOM_SLOTS } from './room-state.ts';
import type { MemberReturn, MemberRole, RoomMember, RoomState } from './room-state.ts';

/** The room authority's settings (`HostOptions.authority`): how many rooms, and how long a dropped member keeps its slot. */
export interface RoomAuthorityOptions {
  /**
   * Uniform u32 source for join codes, reconnect tokens, match ids and seeds. Must be
   * cryptographic in production (codes and tokens are only as unguessable as it is), e.g.
   * `crypto.getRandomValues`; a seeded `Prng` makes tests repeatable.
   */
  readonly random: () => number;
  /** Rooms open at once, most (1..65536). Default 64. */
  readonly maxRooms?: number;
  /**
   * Epoch of this authority (u32), stamped on every match decision and drop. A successor authority
   * (host migration) takes a higher one, so peers can tell its decisions from stale ones. Default 1.
   */
  readonly epoch?: number;
  /** How long a member whose connection dropped keeps its slot for a reconnect (ms). Default 5000. */
  readonly reconnectGraceMs?: number;
  /**
   * The same for a player of a running match (ms), capped at `reconnectGraceMs`. Shorter: the
   * other players stall while it is away, and the match sessions must hear of the drop before
   * their own timeout decides it (see `MATCH_DISCONNECT_TIMEOUT_MS` in relay/match-session.ts).
   * Default 2500.
   */
  readonly matchReconnectGraceMs?: number;
  /**
   * Colours a player may hold (1..MEMBER_COLORS): the size of the game's palette. A player asking
   * for one beyond is refused ('bad-look'); with every one taken, another player cannot join
   * ('full'). Default 16, one per player slot.
   */
  readonly colors?: number;
  /** Shapes a player may hold (1..MEMBER_SHAPES): how many the game draws. Default 16. */
  readonly shapes?: number;
}

/** Default `reconnectGraceMs` (ms): time to reconnect from the lobby, or as a spectator. */
export const DEFAULT_RECONNECT_GRACE_MS = 5000;
/**
 * Default `matchReconnectGraceMs` (ms). geckos reconnects a dropped channel in well under a second
 * on a LAN (`connectToRoom`: attempts 250 ms apart), so 2.5 s after the host noticed the loss
 * leaves several attempts, while the others, stalled at their prediction limit, wait at most
 * 1.5 s (the host's silence timeout) + 2.5 s = 4 s for the verdict.
 */
export const DEFAULT_MATCH_RECONNECT_GRACE_MS = 2500;

/** What a room's creator asks for. */
export interface CreateRoomRequest {
  /** The creator's display name (it becomes the owner, in slot 0). */
  readonly name: string;
  /** Needed to join; empty or absent: none. Up to 128 characters. */
  readonly password?: string;
  /** Settings other than the defaults. */
  readonly settings?: Partial<RoomSettings>;
}

/** What a joining (or returning) member asks for. Comes from the network: every field is checked. */
export interface JoinRequest {
  /** The join code as typed (case, spaces and dashes do not matter). */
  readonly code: string;
  readonly name: string;
  readonly password?: string;
  readonly role: MemberRole;
  /** The token from an earlier join: comes back into that member's slot (name, role and password are then not looked at). */
  readonly reconnectToken?: string;
}

export type CreateRoomResult =
  | { readonly ok: true; readonly code: string; readonly slot: 0; readonly token: string }
  | { readonly ok: false; readonly error: RoomError };
export type JoinResult =
  | { readonly ok: true; readonly code: string; readonly slot: number; readonly token: string; readonly reconnected: boolean }
  | { readonly ok: false; readonly error: RoomError };
export type StartResult = { readonly ok: true; readonly match: MatchDecision } | { readonly ok: false; readonly error: RoomError };
export type RoomResult = { readonly ok: true } | { readonly ok: false; readonly error: RoomError };

export interface RoomAuthorityStats {
  readonly rooms: number;
  readonly members: number;
  /** Refused calls by reason. */
  readonly rejected: Readonly<Record<RoomError, number>>;
  /** Events discarded because nobody drained them (the oldest go first). */
  readonly eventsDropped: number;
}

/** Members per room, most, players and spectators together. */
export const MAX_ROOM_MEMBERS = ROOM_SLOTS;
/** Longest room password (UTF-16 units). */
export const MAX_ROOM_PASSWORD_LENGTH = 128;
/** Undrained events kept, most; beyond it the oldest are dropped (counted). */
const MAX_PENDING_EVENTS = 4096;
/** Fresh codes tried before giving up when every one drawn is in use. */
const CODE_ATTEMPTS = 16;
const TWO_POW_32 = 0x100000000;

interface Member {
  readonly slot: number;
  readonly name: string;
  readonly role: MemberRole;
  readonly token: string;
  ready: boolean;
  connected: boolean;
  /** Players: colour and shape indices (member-look.ts); -1 for a spectator. */
  color: number;
  shape: number;
  /** When its connection dropped (ms); meaningful while `connected` is false. */
  lostAtMs: number;
  /**
   * It came back with its token (`join`) since its last `rejoinMatch`: it may ask once to rejoin
   * the running match with a new session. One request per return keeps a member from making the
   * others readmit it over and over.
   */
  mayRejoinMatch: boolean;
}

/** A removed player's way back into the running match: its token and name, until the match ends. */
interface Seat {
  readonly token: string;
  readonly name: string;
}

interface Room {
  readonly code: string;
  /**
   * The epoch of the room's decisions: the authority's for a room it created; for one it restored
   * (host migration), one above the epoch the room had, or the authority's if that is higher.
   */
  readonly epoch: number;
  /** Undefined: no password. */
  readonly password: string | undefined;
  phase: 'lobby' | 'playing';
  settings: RoomSettings;
  ownerSlot: number;
  /** Indexed by slot. */
  readonly members: (Member | undefined)[];
  memberCount: number;
  match: MatchDecision | undefined;
  /**
   * Slot → seat of each player of the running match that the room removed (its connection lost,
   * a timeout): joining with its token puts it back into its slot. Empty outside a match.
   */
  readonly reserved: Map<number, Seat>;
  /** Slot → return id of the match players coming back with a new session (`rejoinMatch`) and not yet back. */
  readonly rejoining: Map<number, number>;
}

/** Removals after which a match player keeps its way back: not leaving on purpose, a kick or abuse. */
const RESERVING_REASONS: readonly MemberDropReason[] = [MemberDropReason.ConnectionLost, MemberDropReason.Timeout];

const DROP_REASONS: readonly string[] = Object.values(MemberDropReason);

/**
 * The authority over rooms: who is in which room and slot, the settings, when a match starts and
 * with which decision, and who is dropped. Pure and synchronous: it owns no connection, timer or
 * clock (time and randomness are passed in), so the host's relay drives it today and any peer
 * can hold it after a host migration.
 *
 * Every call a remote member can cause answers a value (`{ ok: false, error }`, counted in
 * `stats()`), never an exception; exceptions are for the host's own mistakes (a bad option, a
 * non-finite time, a random source that returns no u32). Memory is bounded: `maxRooms` rooms of
 * at most 16 players and 8 spectators, and at most 4096 undrained events.
 */
export class RoomAuthority {
  /** Epoch stamped on every decision. */
  readonly epoch: number;
  private readonly random: () => number;
  private readonly maxRooms: number;
  private readonly graceMs: number;
  private readonly matchGraceMs: number;
  private readonly colors: number;
  private readonly shapes: number;
  private readonly rooms = new Map<string, Room>();
  private pending: RoomEvent[] = [];
  /** Rooms with a `room-changed` among the pending events (one is enough: it asks for a snapshot). */
  private readonly changed = new Set<string>();
  private eventsDropped = 0;
  private readonly rejected = Object.fromEntries(Object.values(RoomError).map((e) => [e, 0])) as Record<RoomError, number>;

  constructor(options: RoomAuthorityOptions) {
    if (typeof options.random !== 'function') throw new TypeError('RoomAuthority: random must be a function returning a u32');
    this.random = options.random;
    this.maxRooms = options.maxRooms ?? 64;
    if (!Number.isInteger(this.maxRooms) || this.maxRooms < 1 || this.maxRooms > 65536) {
      throw new RangeError(`RoomAuthority: maxRooms must be an integer in 1..65536, got ${String(options.maxRooms)}`);
    }
    this.epoch = options.epoch ?? 1;
    if (!Number.isInteger(this.epoch) || this.epoch < 0 || this.epoch >= TWO_POW_32) {
      throw new RangeError(`RoomAuthority: epoch must be a u32, got ${String(options.epoch)}`);
    }
    this.graceMs = options.reconnectGraceMs ?? DEFAULT_RECONNECT_GRACE_MS;
    if (typeof this.graceMs !== 'number' || !Number.isFinite(this.graceMs) || this.graceMs < 0) {
      throw new RangeError(`RoomAuthority: reconnectGraceMs must be a finite number >= 0, got ${String(options.reconnectGraceMs)}`);
    }
    const matchGraceMs = options.matchReconnectGraceMs ?? DEFAULT_MATCH_RECONNECT_GRACE_MS;
    if (typeof matchGraceMs !== 'number' || !Number.isFinite(matchGraceMs) || matchGraceMs < 0) {
      throw new RangeError(`RoomAuthority: matchReconnectGraceMs must be a finite number >= 0, got ${String(options.matchReconnectGraceMs)}`);
    }
    this.matchGraceMs = Math.min(matchGraceMs, this.graceMs);
    this.colors = lookCount('colors', options.colors, MEMBER_COLORS);
    this.shapes = lookCount('shapes', options.shapes, MEMBER_SHAPES);
  }

  /** Opens a room whose creator is its owner, a player in slot 0 (not yet ready). */
  createRoom(request: CreateRoomRequest, nowMs: number): CreateRoomResult {
    checkTime(nowMs);
    if (!isObject(request)) return this.fail(RoomError.BadRequest);
    const password = request.password;
    if (password !== undefined && (typeof password !== 'string' || password.length > MAX_ROOM_PASSWORD_LENGTH)) {
      return this.fail(RoomError.BadRequest);
    }
    const name = normalizeMemberName(request.name);
    if (name === undefined) return this.fail(RoomError.BadName);
    let settings: RoomSettings;
    try {
      settings = resolveRoomSettings(request.settings === undefined ? {} : request.settings);
    } catch {
      return this.fail(RoomError.BadSettings);
    }
    if (this.rooms.size >= this.maxRooms) return this.fail(RoomError.TooManyRooms);
    let code: string | undefined;
    for (let i = 0; i < CODE_ATTEMPTS && code === undefined; i++) {
      const candidate = generateJoinCode(this.random);
      if (!this.rooms.has(candidate)) code = candidate;
    }
    if (code === undefined) return this.fail(RoomError.NoFreeCode);
    const token = generateReconnectToken(this.random);
    const room: Room = {
      code,
      epoch: this.epoch,
      password: password === undefined || password === '' ? undefined : password,
      phase: 'lobby',
      settings,
      ownerSlot: 0,
      members: new Array<Member | undefined>(ROOM_SLOTS).fill(undefined),
      memberCount: 1,
      match: undefined,
      reserved: new Map(),
      rejoining: new Map(),
    };
    room.members[0] = { slot: 0, name, role: 'player', token, ready: false, connected: true, color: 0, shape: 0, lostAtMs: 0, mayRejoinMatch: false };
    this.rooms.set(code, room);
    this.roomChanged(code);
    return { ok: true, code, slot: 0, token };
  }

  /**
   * Lets a member in: a player into the lowest free slot below `maxPlayers` (refused during a
   * match), a spectator into the lowest free slot of 16..23. With `reconnectToken`, brings a member
   * back into its own slot instead, in any phase, as long as it has not been dropped; a player of
   * the running match that the room removed (connection lost, timeout) comes back with its token
   * into its slot, with its name, until the match ends (then `rejoinMatch`).
   */
  join(request: JoinRequest, nowMs: number): JoinResult {
    checkTime(nowMs);
    if (!isObject(request) || typeof request.code !== 'string') return this.fail(RoomError.BadRequest);
    const code = normalizeJoinCode(request.code);
    const room = code === undefined ? undefined : this.rooms.get(code);
    if (room === undefined) return this.fail(RoomError.NoSuchRoom);

    if (request.reconnectToken !== undefined) return this.rejoin(room, request.reconnectToken);

    if (request.role !== 'player' && request.role !== 'spectator') return this.fail(RoomError.BadRequest);
    const password = request.password;
    if (password !== undefined && typeof password !== 'string') return this.fail(RoomError.BadRequest);
    if (room.password !== undefined) {
      if (password === undefined || password.length > MAX_ROOM_PASSWORD_LENGTH || !constantTimeEqual(password, room.password)) {
        return this.fail(RoomError.BadPassword);
      }
    }
    const wanted = normalizeMemberName(request.name);
    if (wanted === undefined) return this.fail(RoomError.BadName);

    let slot = -1;
    if (request.role === 'player') {
      if (room.phase === 'playing') return this.fail(RoomError.InProgress);
      if (playerCount(room) >= room.settings.maxPlayers) return this.fail(RoomError.Full);
      slot = freeSlot(room, 0, PLAYER_SLOTS);
    } else {
      slot = freeSlot(room, FIRST_SPECTATOR_SLOT, ROOM_SLOTS);
    }
    if (slot < 0) return this.fail(RoomError.Full);
    // A new player takes the lowest free colour, and the shape of the same index (as the first
    // players of a game that gives each slot its colour and shape always had).
    const color = request.role === 'player' ? lowestFreeColor(heldColors(room), this.colors) : -1;
    if (request.role === 'player' && color < 0) return this.fail(RoomError.Full);
    const shape = color < 0 ? -1 : color % this.shapes;

    const names: string[] = [];
    for (const m of room.members) if (m !== undefined) names.push(m.name);
    for (const seat of room.reserved.values()) names.push(seat.name); // its player may come back
    const token = generateReconnectToken(this.random);
    room.members[slot] = { slot, name: uniqueMemberName(wanted, names), role: request.role, token, ready: false, connected: true, color, shape, lostAtMs: 0, mayRejoinMatch: false };
    room.memberCount++;
    this.roomChanged(room.code);
    return { ok: true, code: room.code, slot, token, reconnected: false };
  }

  /** A player says it is (not) ready. Lobby only; spectators have nothing to be ready for. */
  setReady(code: string, slot: number, ready: boolean): RoomResult {
    const found = this.find(code, slot);
    if (!found.ok) return found;
    const { room, member } = found;
    if (typeof ready !== 'boolean') return this.fail(RoomError.BadRequest);
    if (room.phase !== 'lobby') return this.fail(RoomError.NotInLobby);
    if (member.role !== 'player') return this.fail(RoomError.NotAPlayer);
    if (member.ready !== ready) {
      member.ready = ready;
      this.roomChanged(room.code);
    }
    return OK;
  }

  /**
   * A player picks its colour and shape (lobby only; indices into the game's palette and shapes).
   * Refused: 'bad-look' (beyond the authority's `colors` or `shapes`), 'color-taken' (another
   * player holds it; the player's own is fine), 'not-a-player', 'not-in-lobby'. Readiness stays:
   * a look changes nothing of the match's rules.
   */
  setLook(code: string, slot: number, color: number, shape: number): RoomResult {
    const found = this.find(code, slot);
    if (!found.ok) return found;
    const { room, member } = found;
    if (!isIndex(color, this.colors) || !isIndex(shape, this.shapes)) return this.fail(RoomError.BadLook);
    if (room.phase !== 'lobby') return this.fail(RoomError.NotInLobby);
    if (member.role !== 'player') return this.fail(RoomError.NotAPlayer);
    if (room.members.some((m) => m !== undefined && m !== member && m.color === color)) return this.fail(RoomError.ColorTaken);
    if (member.color !== color || member.shape !== shape) {
      member.color = color;
      member.shape = shape;
      this.roomChanged(room.code);
    }
    return OK;
  }

  /**
   * The owner changes settings (lobby only). `maxPlayers` may not go below the players present. A
   * change un-readies every player, so nobody starts a match on settings they have not seen.
   */
  updateSettings(code: string, slot: number, partial: Partial<RoomSettings>): RoomResult {
    const found = this.findOwner(code, slot);
    if (!found.ok) return found;
    const { room } = found;
    if (room.phase !== 'lobby') return this.fail(RoomError.NotInLobby);
    let settings: RoomSettings;
    try {
      settings = resolveRoomSettings(partial, room.settings);
    } catch {
      return this.fail(RoomError.BadSettings);
    }
    if (settings.maxPlayers < playerCount(room)) return this.fail(RoomError.MaxBelowPlayers);
    if (!sameRoomSettings(settings, room.settings)) {
      room.settings = settings;
      for (const m of room.members) if (m !== undefined) m.ready = false;
      this.roomChanged(room.code);
    }
    return OK;
  }

  /**
   * The owner starts a match: needs at least 2 players, every one ready and connected. Decides a
   * random match id and seed; the room enters phase 'playing'.
   */
  start(code: string, slot: number, nowMs: number): StartResult {
    checkTime(nowMs);
    const found = this.findOwner(code, slot);
    if (!found.ok) return found;
    const { room } = found;
    if (room.phase !== 'lobby') return this.fail(RoomError.NotInLobby);
    const players: number[] = [];
    const colors: number[] = [];
    const shapes: number[] = [];
    let notReady = false;
    let notConnected = false;
    for (let s = 0; s < PLAYER_SLOTS; s++) {
      const m = room.members[s];
      if (m === undefined) continue;
      players.push(s);
      colors.push(m.color);
      shapes.push(m.shape);
      if (!m.ready) notReady = true;
      if (!m.connected) notConnected = true;
    }
    if (players.length < 2) return this.fail(RoomError.TooFewPlayers);
    if (notConnected) return this.fail(RoomError.NotConnected);
    if (notReady) return this.fail(RoomError.NotReady);
    const match: MatchDecision = Object.freeze({
      matchId: this.nextU32(),
      epoch: room.epoch,
      seed: this.nextU32(),
      players: Object.freeze(players),
      colors: Object.freeze(colors),
      shapes: Object.freeze(shapes),
      settings: room.settings,
      startFrame: 0 as const,
    });
    room.phase = 'playing';
    room.match = match;
    this.push({ type: 'match-started', code: room.code, match });
    this.roomChanged(room.code);
    return { ok: true, match };
  }

  /** The owner ends the match: back to the lobby, every player un-readied. */
  endMatch(code: string, slot: number): RoomResult {
    const found = this.findOwner(code, slot);
    if (!found.ok) return found;
    const { room } = found;
    if (room.phase !== 'playing' || room.match === undefined) return this.fail(RoomError.NotPlaying);
    const matchId = room.match.matchId;
    room.phase = 'lobby';
    room.match = undefined;
    room.reserved.clear();
    room.rejoining.clear();
    for (const m of room.members) if (m !== undefined) m.ready = false;
    this.push({ type: 'match-ended', code: room.code, matchId });
    this.roomChanged(room.code);
    return OK;
  }

  /**
   * A player of the running match `matchId` came back into the room (`join` with its token) with a
   * new match session and asks the others to readmit it: queues a `member-rejoining` event (with a
   * fresh return id) and lists it in the room state's `rejoining` until `matchRejoined`. One
   * request per return: a repeat before the next `join` changes nothing (answers ok while the
   * return is under way, 'not-returning' after). Refused: 'not-playing', 'wrong-match' (not the
   * running match), 'not-a-player' (a spectator, or a player who does not play this match).
   */
  rejoinMatch(code: string, slot: number, matchId: number): RoomResult {
    const found = this.find(code, slot);
    if (!found.ok) return found;
    const { room, member } = found;
    if (room.phase !== 'playing' || room.match === undefined) return this.fail(RoomError.NotPlaying);
    if (matchId !== room.match.matchId) return this.fail(RoomError.WrongMatch);
    if (member.role !== 'player' || !room.match.players.includes(slot)) return this.fail(RoomError.NotAPlayer);
    if (!member.mayRejoinMatch) return room.rejoining.has(slot) ? OK : this.fail(RoomError.NotReturning);
    member.mayRejoinMatch = false;
    const returnId = this.nextU32();
    room.rejoining.set(slot, returnId);
    this.push({ type: 'member-rejoining', code: room.code, slot, matchId, returnId, epoch: room.epoch });
    this.roomChanged(room.code);
    return OK;
  }

  /**
   * The returning player's session is back in the match `matchId` (its `readmitted` event): it is
   * no longer listed as rejoining, so a session that starts later does not readmit it again.
   * Idempotent; refused as `rejoinMatch` is for a wrong match or member.
   */
  matchRejoined(code: string, slot: number, matchId: number): RoomResult {
    const found = this.find(code, slot);
    if (!found.ok) return found;
    const { room } = found;
    if (room.phase !== 'playing' || room.match === undefined) return this.fail(RoomError.NotPlaying);
    if (matchId !== room.match.matchId) return this.fail(RoomError.WrongMatch);
    if (room.rejoining.delete(slot)) this.roomChanged(room.code);
    return OK;
  }

  /** A member leaves on purpose: its slot is free at once (and it is dropped from a running match). */
  leave(code: string, slot: number): RoomResult {
    const found = this.find(code, slot);
    if (!found.ok) return found;
    this.remove(found.room, slot, MemberDropReason.Left);
    return OK;
  }

  /**
   * A member's connection dropped: it keeps its slot, shown as not connected, for
   * `reconnectGraceMs` (a player of a running match: `matchReconnectGraceMs`), then `tick` drops
   * it (at once with a grace of 0). A second call while it is already disconnected does not extend
   * the grace.
   */
  connectionLost(code: string, slot: number, nowMs: number): RoomResult {
    checkTime(nowMs);
    const found = this.find(code, slot);
    if (!found.ok) return found;
    const { room, member } = found;
    if (!member.connected) return OK;
    if (this.graceOf(room, slot) === 0) {
      this.remove(room, slot, MemberDropReason.ConnectionLost);
      return OK;
    }
    member.connected = false;
    member.lostAtMs = nowMs;
    this.roomChanged(room.code);
    return OK;
  }

  /** Drops every member whose reconnect grace is over (rooms left empty close). Call regularly. */
  tick(nowMs: number): void {
    checkTime(nowMs);
    for (const room of [...this.rooms.values()]) {
      for (let s = 0; s < ROOM_SLOTS && this.rooms.has(room.code); s++) {
        const m = room.members[s];
        if (m !== undefined && !m.connected && nowMs - m.lostAtMs >= this.graceOf(room, s)) this.remove(room, s, MemberDropReason.ConnectionLost);
      }
    }
  }

  /** The host decides a member is gone (heartbeat timeout, kick, protocol abuse): its slot is freed at once. */
  drop(code: string, slot: number, reason: MemberDropReason): RoomResult {
    const found = this.find(code, slot);
    if (!found.ok) return found;
    if (typeof reason !== 'string' || !DROP_REASONS.includes(reason)) return this.fail(RoomError.BadRequest);
    this.remove(found.room, slot, reason);
    return OK;
  }

  /** The host closes a room with everybody in it (e.g. it is shutting down). */
  closeRoom(code: string): RoomResult {
    const room = this.lookup(code);
    if (room === undefined) return this.fail(RoomError.NoSuchRoom);
    this.close(room, RoomCloseReason.Closed);
    return OK;
  }

  /**
   * An open room with its secrets (password, every member's token), for the next members in the
   * line of succession to hold, or undefined. Never send it to anyone else: a token lets its holder
   * take that member's slot.
   */
  exportRoom(code: string): RoomHandover | undefined {
    const room = this.lookup(code);
    if (room === undefined) return undefined;
    const tokens: MemberToken[] = [];
    for (const m of room.members) if (m !== undefined) tokens.push(Object.freeze([m.slot, m.token] as const));
    const reserved: ReservedSeat[] = [];
    for (const [slot, seat] of [...room.reserved].sort((a, b) => a[0] - b[0])) reserved.push(Object.freeze([slot, seat.token, seat.name] as const));
    const handover: RoomHandover = {
      state: snapshot(room, room.phase),
      ...(room.password !== undefined ? { password: room.password } : {}),
      tokens: Object.freeze(tokens),
      ...(reserved.length > 0 ? { reserved: Object.freeze(reserved) } : {}),
    };
    return Object.freeze(handover);
  }

  /**
   * Brings back a room another authority held (host migration): the same code, members (slots,
   * names, roles, ready, connected), owner, settings, password, tokens, phase and match decision,
   * at a higher epoch than the handover's: one above it, or this authority's own if that is
   * higher (a successor is made with the next epoch; a host that comes back re-homes a room its
   * successor held at a later epoch than its own). The match goes on with its decision as it was, old epoch included: it
   * is the old host's match that the players are playing. A member shown not connected keeps its
   * slot for its reconnect grace from `nowMs` (the successor cannot know how long it has been
   * away); a member shown connected stays so until its connection is found lost. Its members come
   * back with `join` and the token they hold, and so do the removed players of the running match
   * whose seats it carries (`reserved`), as do the returns under way (`rejoining`). Queues a 'room-changed' (the members should hear the
   * new epoch), nothing else. Refused with 'bad-handover' (checked as `parseRoomHandover` does,
   * whatever its type says), 'stale-epoch' (no higher epoch left), 'code-in-use' or 'too-many-rooms'.
   */
  restoreRoom(handover: RoomHandover, nowMs: number): RoomResult {
    checkTime(nowMs);
    const parsed = parseRoomHandover(handover);
    if (!parsed.ok) return this.fail(RoomError.BadHandover);
    const { state, password, tokens, reserved } = parsed.handover;
    // The match's epoch is at most the state's (parseRoomHandover), so it is older too.
    const epoch = Math.max(this.epoch, state.epoch + 1);
    if (epoch >= TWO_POW_32) return this.fail(RoomError.StaleEpoch);
    if (this.rooms.has(state.code)) return this.fail(RoomError.CodeInUse);
    if (this.rooms.size >= this.maxRooms) return this.fail(RoomError.TooManyRooms);
    const room: Room = {
      code: state.code,
      epoch,
      password,
      phase: state.phase === 'playing' ? 'playing' : 'lobby',
      settings: state.settings,
      ownerSlot: state.ownerSlot,
      members: new Array<Member | undefined>(ROOM_SLOTS).fill(undefined),
      memberCount: state.members.length,
      match: state.match,
      reserved: new Map((reserved ?? []).map(([slot, token, name]) => [slot, { token, name }] as const)),
      rejoining: new Map(state.rejoining ?? []),
    };
    state.members.forEach((m, i) => {
      room.members[m.slot] = {
        slot: m.slot,
        name: m.name,
        role: m.role,
        token: tokens[i]![1],
        ready: m.ready,
        connected: m.connected,
        color: m.color ?? -1,
        shape: m.shape ?? -1,
        lostAtMs: nowMs,
        mayRejoinMatch: false,
      };
    });
    this.rooms.set(room.code, room);
    this.roomChanged(room.code);
    return OK;
  }

  /** A snapshot of an open room for its members (no password, no token), or undefined. */
  room(code: string): RoomState | undefined {
    const room = this.lookup(code);
    return room === undefined ? undefined : snapshot(room, room.phase);
  }

  /** Codes of the open rooms, oldest first. */
  roomCodes(): string[] {
    return [...this.rooms.keys()];
  }

  /** What happened since the last call, in order. */
  events(): RoomEvent[] {
    const out = this.pending;
    this.pending = [];
    this.changed.clear();
    return out;
  }

  stats(): RoomAuthorityStats {
    let members = 0;
    for (const room of this.rooms.values()) members += room.memberCount;
    return { rooms: this.rooms.size, members, rejected: { ...this.rejected }, eventsDropped: this.eventsDropped };
  }

  // ---- internals ----------------------------------------------------------------------------

  /** How long the member in `slot` keeps it after its connection dropped (ms). */
  private graceOf(room: Room, slot: number): number {
    return room.phase === 'playing' && room.match !== undefined && room.match.players.includes(slot) ? this.matchGraceMs : this.graceMs;
  }

  private rejoin(room: Room, token: unknown): JoinResult {
    if (typeof token !== 'string') return this.fail(RoomError.BadRequest);
    if (!isReconnectToken(token)) return this.fail(RoomError.BadToken);
    let found: Member | undefined;
    let seatSlot = -1;
    // Compare with every member and seat, matched or not, so that timing says nothing about the slots.
    for (const m of room.members) if (m !== undefined && constantTimeEqual(token, m.token) && found === undefined) found = m;
    for (const [slot, seat] of room.reserved) if (constantTimeEqual(token, seat.token) && seatSlot < 0) seatSlot = slot;
    if (found === undefined && seatSlot >= 0) {
      // A removed player of the running match: back into its slot (nobody else can take a player
      // slot during a match), as a member again, with the look the match decided for it (a
      // colour nobody can have taken: looks change in the lobby only).
      const seat = room.reserved.get(seatSlot)!;
      room.reserved.delete(seatSlot);
      const handle = room.match!.players.indexOf(seatSlot);
      const color = room.match!.colors[handle]!;
      const shape = room.match!.shapes[handle]!;
      found = { slot: seatSlot, name: seat.name, role: 'player', token: seat.token, ready: false, connected: false, color, shape, lostAtMs: 0, mayRejoinMatch: false };
      room.members[seatSlot] = found;
      room.memberCount++;
    }
    if (found === undefined) return this.fail(RoomError.BadToken);
    if (!found.connected) {
      found.connected = true;
      this.roomChanged(room.code);
    }
    if (room.phase === 'playing' && room.match !== undefined && room.match.players.includes(found.slot)) found.mayRejoinMatch = true;
    return { ok: true, code: room.code, slot: found.slot, token: found.token, reconnected: true };
  }

  /** Takes a member out of its room; during a match that is a drop decision. */
  private remove(room: Room, slot: number, reason: MemberDropReason): void {
    const member = room.members[slot];
    room.members[slot] = undefined;
    room.memberCount--;
    room.rejoining.delete(slot);
    if (member !== undefined && room.phase === 'playing' && room.match?.players.includes(slot) === true && RESERVING_REASONS.includes(reason)) {
      room.reserved.set(slot, { token: member.token, name: member.name });
    }
    if (room.phase === 'playing') this.push({ type: 'member-dropped', code: room.code, slot, reason, epoch: room.epoch });
    if (room.memberCount === 0) {
      this.close(room, RoomCloseReason.Empty);
      return;
    }
    if (slot === room.ownerSlot) {
      room.ownerSlot = nextOwner(room);
      this.push({ type: 'owner-changed', code: room.code, ownerSlot: room.ownerSlot, previousOwnerSlot: slot });
    }
    this.roomChanged(room.code);
  }

  private close(room: Room, reason: RoomCloseReason): void {
    const state = snapshot(room, 'closed');
    this.rooms.delete(room.code);
    if (this.changed.delete(room.code)) {
      this.pending = this.pending.filter((e) => e.type !== 'room-changed' || e.code !== room.code);
    }
    this.push({ type: 'room-closed', code: room.code, reason, state });
  }

  private lookup(code: string): Room | undefined {
    return typeof code === 'string' ? this.rooms.get(code) : undefined;
  }

  private find(code: string, slot: number): { ok: true; room: Room; member: Member } | { ok: false; error: RoomError } {
    const room = this.lookup(code);
    if (room === undefined) return this.fail(RoomError.NoSuchRoom);
    const member = Number.isInteger(slot) && slot >= 0 && slot < ROOM_SLOTS ? room.members[slot] : undefined;
    if (member === undefined) return this.fail(RoomError.NoSuchMember);
    return { ok: true, room, member };
  }

  private findOwner(code: string, slot: number): { ok: true; room: Room; member: Member } | { ok: false; error: RoomError } {
    const found = this.find(code, slot);
    if (found.ok && found.room.ownerSlot !== slot) return this.fail(RoomError.NotOwner);
    return found;
  }

  private roomChanged(code: string): void {
    if (this.changed.has(code)) return;
    this.changed.add(code);
    this.push({ type: 'room-changed', code });
  }

  private push(event: RoomEvent): void {
    if (this.pending.length >= MAX_PENDING_EVENTS) {
      const dropped = this.pending.shift()!;
      if (dropped.type === 'room-changed') this.changed.delete(dropped.code);
      this.eventsDropped++;
    }
    this.pending.push(event);
  }

  private fail(error: RoomError): { ok: false; error: RoomError } {
    this.rejected[error]++;
    return { ok: false, error };
  }

  private nextU32(): number {
    const draw = this.random();
    if (!Number.isInteger(draw) || draw < 0 || draw >= TWO_POW_32) {
      throw new RangeError(`RoomAuthority: random() returned ${String(draw)}, not a u32`);
    }
    return draw;
  }
}

const OK: RoomResult = Object.freeze({ ok: true });

function checkTime(nowMs: number): void {
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw new RangeError(`RoomAuthority: nowMs must be a finite number, got ${String(nowMs)}`);
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}

function playerCount(room: Room): number {
  let n = 0;
  for (let s = 0; s < PLAYER_SLOTS; s++) if (room.members[s] !== undefined) n++;
  return n;
}

/** The colours the room's players hold, and those of the removed players of its match who may come back. */
function heldColors(room: Room): number[] {
  const held: number[] = [];
  for (const m of room.members) if (m !== undefined && m.role === 'player') held.push(m.color);
  if (room.match !== undefined) for (const slot of room.reserved.keys()) held.push(room.match.colors[room.match.players.indexOf(slot)]!);
  return held;
}

function isIndex(value: unknown, count: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < count;
}

function lookCount(name: string, value: number | undefined, most: number): number {
  const n = value ?? most;
  if (!Number.isInteger(n) || n < 1 || n > most) throw new RangeError(`RoomAuthority: ${name} must be an integer in 1..${most}, got ${String(value)}`);
  return n;
}

/** Lowest free slot in [from, to), or -1. */
function freeSlot(room: Room, from: number, to: number): number {
  for (let s = from; s < to; s++) if (room.members[s] === undefined) return s;
  return -1;
}

/** The lowest occupied slot: the lowest player slot, or with only spectators left the lowest of theirs; NO_OWNER if empty. */
function nextOwner(room: Room): number {
  for (let s = 0; s < ROOM_SLOTS; s++) if (room.members[s] !== undefined) return s;
  return NO_OWNER;
}

function snapshot(room: Room, phase: RoomState['phase']): RoomState {
  const members: RoomMember[] = [];
  for (const m of room.members) {
    if (m === undefined) continue;
    const look = m.role === 'player' ? { color: m.color, shape: m.shape } : {};
    members.push(Object.freeze({ slot: m.slot, name: m.name, role: m.role, ready: m.ready, connected: m.connected, owner: m.slot === room.ownerSlot, ...look }));
  }
  const rejoining: MemberReturn[] = [];
  for (const [slot, returnId] of [...room.rejoining].sort((a, b) => a[0] - b[0])) rejoining.push(Object.freeze([slot, returnId] as const));
  const state: RoomState = {
    code: room.code,
    phase,
    epoch: room.epoch,
    ownerSlot: members.length === 0 ? NO_OWNER : room.ownerSlot,
    settings: room.settings,
    hasPassword: room.password !== undefined,
    members: Object.freeze(members),
    ...(phase === 'playing' && room.match !== undefined ? { match: room.match } : {}),
    ...(phase === 'playing' && rejoining.length > 0 ? { rejoining: Object.freeze(rejoining) } : {}),
  };
  return Object.freeze(state);
}
