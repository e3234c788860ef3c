import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { DEFAULT_MATCH_RECONNECT_GRACE_MS, DEFAULT_RECONNECT_GRACE_MS, RoomAuthority } from '../../sdk/src/room/room-authority.ts';
import type { RoomAuthorityOptions } from '../../sdk/src/room/room-authority.ts';
import type { RoomEvent } from '../../sdk/src/room/room-events.ts';
import { isJoinCode } from '../../sdk/src/room/join-code.ts';
import { isReconnectToken } from '../../sdk/src/room/reconnect-token.ts';
import { DEFAULT_ROOM_SETTINGS } from '../../sdk/src/room/room-settings.ts';

function authority(options: Partial<RoomAuthorityOptions> = {}, seed = 42): RoomAuthority {
  const prng = new Prng(seed);
  return new RoomAuthority({ random: () => prng.nextU32(), ...options });
}

function ok<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}

/** A room with `players` players (slots 0..players-1) and `spectators` spectators; events drained. */
function lobby(a: RoomAuthority, players = 2, spectators = 0, password?: string) {
  const created = ok(a.createRoom({ name: 'Owner', ...(password !== undefined ? { password } : {}) }, 0));
  const tokens = [created.token];
  for (let i = 1; i < players; i++) tokens.push(ok(a.join({ code: created.code, name: `P${i}`, role: 'player', ...(password !== undefined ? { password } : {}) }, 0)).token);
  const spectatorTokens: string[] = [];
  for (let i = 0; i < spectators; i++) spectatorTokens.push(ok(a.join({ code: created.code, name: `S${i}`, role: 'spectator', ...(password !== undefined ? { password } : {}) }, 0)).token);
  a.events();
  return { code: created.code, tokens, spectatorTokens };
}

/** A lobby whose players are all ready, started; events drained. */
function playing(a: RoomAuthority, players = 2, spectators = 0) {
  const room = lobby(a, players, spectators);
  for (let s = 0; s < players; s++) ok(a.setReady(room.code, s, true));
  const match = ok(a.start(room.code, 0, 0)).match;
  a.events();
  return { ...room, match };
}

function types(events: RoomEvent[]): string[] {
  return events.map((e) => e.type);
}

describe('RoomAuthority: construction', () => {
  it('refuses bad options (the host own mistakes throw)', () => {
    const random = () => 1;
    expect(() => new RoomAuthority({ random: 5 as never })).toThrow(TypeError);
    expect(() => new RoomAuthority({ random, maxRooms: 0 })).toThrow(RangeError);
    expect(() => new RoomAuthority({ random, maxRooms: 1.5 })).toThrow(RangeError);
    expect(() => new RoomAuthority({ random, epoch: -1 })).toThrow(RangeError);
    expect(() => new RoomAuthority({ random, epoch: 2 ** 32 })).toThrow(RangeError);
    expect(() => new RoomAuthority({ random, reconnectGraceMs: -1 })).toThrow(RangeError);
    expect(() => new RoomAuthority({ random, reconnectGraceMs: Number.NaN })).toThrow(RangeError);
    expect(() => new RoomAuthority({ random, matchReconnectGraceMs: -1 })).toThrow(/matchReconnectGraceMs/);
    expect(() => new RoomAuthority({ random, matchReconnectGraceMs: Infinity })).toThrow(/matchReconnectGraceMs/);
    expect(new RoomAuthority({ random }).epoch).toBe(1);
  });

  it('throws on a non-finite time', () => {
    const a = authority();
    expect(() => a.createRoom({ name: 'x' }, Number.NaN)).toThrow(RangeError);
    expect(() => a.tick(Infinity)).toThrow(RangeError);
  });
});

describe('RoomAuthority: creating rooms', () => {
  it('makes the creator the owner in slot 0, a player not yet ready', () => {
    const a = authority();
    const created = ok(a.createRoom({ name: '  Ada ' }, 1000));
    expect(created.slot).toBe(0);
    expect(isJoinCode(created.code)).toBe(true);
    expect(isReconnectToken(created.token)).toBe(true);
    expect(a.room(created.code)).toEqual({
      code: created.code,
      phase: 'lobby',
      epoch: 1,
      ownerSlot: 0,
      settings: DEFAULT_ROOM_SETTINGS,
      hasPassword: false,
      members: [{ slot: 0, name: 'Ada', role: 'player', ready: false, connected: true, owner: true, color: 0, shape: 0 }],
    });
    expect(a.events()).toEqual([{ type: 'room-changed', code: created.code }]);
    expect(a.events()).toEqual([]);
  });

  it('applies settings and a password; an empty password is none', () => {
    const a = authority();
    const r = ok(a.createRoom({ name: 'A', password: 'pw', settings: { maxPlayers: 8, maxPrediction: 0 } }, 0));
    expect(a.room(r.code)!.settings).toEqual({ ...DEFAULT_ROOM_SETTINGS, maxPlayers: 8, maxPrediction: 0 });
    expect(a.room(r.code)!.hasPassword).toBe(true);
    const open = ok(a.createRoom({ name: 'B', password: '' }, 0));
    expect(a.room(open.code)!.hasPassword).toBe(false);
  });

  it('refuses bad names, settings and requests as values, and counts them', () => {
    const a = authority();
    expect(a.createRoom({ name: '' }, 0)).toEqual({ ok: false, error: 'bad-name' });
    expect(a.createRoom({ name: 'a\u0000' }, 0)).toEqual({ ok: false, error: 'bad-name' });
    expect(a.createRoom({ name: 'A', settings: { maxPlayers: 17 } }, 0)).toEqual({ ok: false, error: 'bad-settings' });
    expect(a.createRoom({ name: 'A', settings: { bogus: 1 } as never }, 0)).toEqual({ ok: false, error: 'bad-settings' });
    expect(a.createRoom({ name: 'A', settings: null as never }, 0)).toEqual({ ok: false, error: 'bad-settings' });
    expect(a.createRoom({ name: 'A', password: 'x'.repeat(129) }, 0)).toEqual({ ok: false, error: 'bad-request' });
    expect(a.createRoom({ name: 'A', password: 5 as never }, 0)).toEqual({ ok: false, error: 'bad-request' });
    expect(a.createRoom(null as never, 0)).toEqual({ ok: false, error: 'bad-request' });
    const stats = a.stats();
    expect(stats.rooms).toBe(0);
    expect(stats.rejected['bad-name']).toBe(2);
    expect(stats.rejected['bad-settings']).toBe(3);
    expect(stats.rejected['bad-request']).toBe(3);
  });

  it('holds at most maxRooms rooms, and a closed room frees its place', () => {
    const a = authority({ maxRooms: 3 });
    const codes = [0, 1, 2].map((i) => ok(a.createRoom({ name: `R${i}` }, 0)).code);
    expect(new Set(codes).size).toBe(3);
    expect(a.createRoom({ name: 'R3' }, 0)).toEqual({ ok: false, error: 'too-many-rooms' });
    ok(a.leave(codes[1]!, 0));
    ok(a.createRoom({ name: 'R3' }, 0));
    expect(a.roomCodes()).toHaveLength(3);
  });

  it('draws another code when one is in use, and gives up on a source that repeats itself', () => {
    // Draws: room 1 = code 0 + 4 token words; room 2 = code 0 (taken), code 1, 4 token words.
    const script = [0, 7, 7, 7, 7, 0, 1, 8, 8, 8, 8];
    let i = 0;
    const a = new RoomAuthority({ random: () => script[i++] ?? 0 });
    expect(ok(a.createRoom({ name: 'A' }, 0)).code).toBe('222222');
    expect(ok(a.createRoom({ name: 'B' }, 0)).code).toBe('322222');
    const stuck = new RoomAuthority({ random: () => 0 });
    ok(stuck.createRoom({ name: 'A' }, 0));
    expect(stuck.createRoom({ name: 'B' }, 0)).toEqual({ ok: false, error: 'no-free-code' });
  });
});

describe('RoomAuthority: joining', () => {
  it('seats players in the lowest free slot and spectators from slot 16', () => {
    const a = authority();
    const { code } = lobby(a, 1);
    expect(ok(a.join({ code, name: 'B', role: 'player' }, 0))).toMatchObject({ code, slot: 1, reconnected: false });
    expect(ok(a.join({ code, name: 'S', role: 'spectator' }, 0)).slot).toBe(16);
    expect(ok(a.join({ code, name: 'C', role: 'player' }, 0)).slot).toBe(2);
    expect(ok(a.join({ code, name: 'T', role: 'spectator' }, 0)).slot).toBe(17);
    ok(a.leave(code, 1));
    expect(ok(a.join({ code, name: 'D', role: 'player' }, 0)).slot).toBe(1);
    expect(a.room(code)!.members.map((m) => [m.slot, m.name, m.role])).toEqual([
      [0, 'Owner', 'player'],
      [1, 'D', 'player'],
      [2, 'C', 'player'],
      [16, 'S', 'spectator'],
      [17, 'T', 'spectator'],
    ]);
  });

  it('accepts the code as typed: lower case, spaces, dashes', () => {
    const a = authority();
    const { code } = lobby(a, 1);
    const typed = ` ${code.slice(0, 3).toLowerCase()}-${code.slice(3)} `;
    expect(ok(a.join({ code: typed, name: 'B', role: 'player' }, 0)).code).toBe(code);
  });

  it('refuses a wrong or malformed code', () => {
    const a = authority();
    const { code } = lobby(a, 1);
    const other = code === '222222' ? '333333' : '222222';
    expect(a.join({ code: other, name: 'B', role: 'player' }, 0)).toEqual({ ok: false, error: 'no-such-room' });
    expect(a.join({ code: 'nope', name: 'B', role: 'player' }, 0)).toEqual({ ok: false, error: 'no-such-room' });
    expect(a.join({ code: '__proto__', name: 'B', role: 'player' }, 0)).toEqual({ ok: false, error: 'no-such-room' });
    expect(a.join({ code: 7 as never, name: 'B', role: 'player' }, 0)).toEqual({ ok: false, error: 'bad-request' });
  });

  it('checks the password (missing or wrong: bad-password), and ignores one given to an open room', () => {
    const a = authority();
    const { code } = lobby(a, 1, 0, 'hunter2');
    expect(a.join({ code, name: 'B', role: 'player' }, 0)).toEqual({ ok: false, error: 'bad-password' });
    expect(a.join({ code, name: 'B', role: 'player', password: 'hunter3' }, 0)).toEqual({ ok: false, error: 'bad-password' });
    expect(a.join({ code, name: 'B', role: 'player', password: 'hunter2 ' }, 0)).toEqual({ ok: false, error: 'bad-password' });
    expect(a.join({ code, name: 'B', role: 'spectator', password: '' }, 0)).toEqual({ ok: false, error: 'bad-password' });
    expect(a.join({ code, name: 'B', role: 'player', password: 'x'.repeat(10_000) }, 0)).toEqual({ ok: false, error: 'bad-password' });
    expect(ok(a.join({ code, name: 'B', role: 'player', password: 'hunter2' }, 0)).slot).toBe(1);
    const open = lobby(a, 1);
    expect(ok(a.join({ code: open.code, name: 'C', role: 'player', password: 'whatever' }, 0)).slot).toBe(1);
  });

  it('refuses bad names and roles', () => {
    const a = authority();
    const { code } = lobby(a, 1);
    expect(a.join({ code, name: '   ', role: 'player' }, 0)).toEqual({ ok: false, error: 'bad-name' });
    expect(a.join({ code, name: 'x'.repeat(25), role: 'player' }, 0)).toEqual({ ok: false, error: 'bad-name' });
    expect(a.join({ code, name: 'a\u202eb', role: 'player' }, 0)).toEqual({ ok: false, error: 'bad-name' });
    expect(a.join({ code, name: 'B', role: 'owner' as never }, 0)).toEqual({ ok: false, error: 'bad-request' });
  });

  it('gives duplicate names a number', () => {
    const a = authority();
    const { code } = lobby(a, 1);
    ok(a.join({ code, name: 'owner', role: 'player' }, 0));
    ok(a.join({ code, name: 'OWNER', role: 'spectator' }, 0));
    expect(a.room(code)!.members.map((m) => m.name)).toEqual(['Owner', 'owner 2', 'OWNER 3']);
  });

  it('is full at maxPlayers players, and at 8 spectators', () => {
    const a = authority();
    const { code } = lobby(a, 4);
    expect(a.join({ code, name: 'X', role: 'player' }, 0)).toEqual({ ok: false, error: 'full' });
    for (let i = 0; i < 8; i++) expect(ok(a.join({ code, name: `S${i}`, role: 'spectator' }, 0)).slot).toBe(16 + i);
    expect(a.join({ code, name: 'S8', role: 'spectator' }, 0)).toEqual({ ok: false, error: 'full' });
    expect(a.room(code)!.members).toHaveLength(12);

    const big = authority();
    const created = ok(big.createRoom({ name: 'A', settings: { maxPlayers: 16 } }, 0));
    for (let i = 1; i < 16; i++) ok(big.join({ code: created.code, name: `P${i}`, role: 'player' }, 0));
    for (let i = 0; i < 8; i++) ok(big.join({ code: created.code, name: `S${i}`, role: 'spectator' }, 0));
    expect(big.join({ code: created.code, name: 'P', role: 'player' }, 0)).toEqual({ ok: false, error: 'full' });
    expect(big.join({ code: created.code, name: 'S', role: 'spectator' }, 0)).toEqual({ ok: false, error: 'full' });
    expect(big.room(created.code)!.members).toHaveLength(24);
    expect(big.stats().members).toBe(24);
  });

  it('refuses new players during a match but lets spectators in', () => {
    const a = authority();
    const { code } = playing(a);
    expect(a.join({ code, name: 'Late', role: 'player' }, 0)).toEqual({ ok: false, error: 'in-progress' });
    expect(ok(a.join({ code, name: 'Watcher', role: 'spectator' }, 0)).slot).toBe(16);
  });
});

describe('RoomAuthority: reconnecting', () => {
  it('keeps the slot within the grace, shown as disconnected, and takes the member back with its token', () => {
    const a = authority({ reconnectGraceMs: 5000 });
    const { code, tokens } = lobby(a, 3);
    ok(a.setReady(code, 1, true));
    ok(a.connectionLost(code, 1, 10_000));
    expect(a.room(code)!.members[1]).toMatchObject({ slot: 1, connected: false, ready: true });
    a.tick(14_999);
    expect(a.room(code)!.members).toHaveLength(3);
    // A new player cannot take the held slot.
    expect(ok(a.join({ code, name: 'New', role: 'player' }, 14_999)).slot).toBe(3);
    const back = ok(a.join({ code, name: 'ignored', role: 'spectator', reconnectToken: tokens[1]! }, 14_999));
    expect(back).toEqual({ ok: true, code, slot: 1, token: tokens[1], reconnected: true });
    expect(a.room(code)!.members[1]).toMatchObject({ slot: 1, name: 'P1', role: 'player', connected: true, ready: true });
    a.tick(100_000);
    expect(a.room(code)!.members).toHaveLength(4);
  });

  it('lets a player back into a running match with its token', () => {
    const a = authority();
    const { code, tokens } = playing(a, 3);
    ok(a.connectionLost(code, 2, 0));
    a.tick(2400);
    expect(ok(a.join({ code, name: 'P2', role: 'player', reconnectToken: tokens[2]! }, 2400))).toMatchObject({ slot: 2, reconnected: true });
    expect(a.room(code)!.phase).toBe('playing');
    expect(a.events().filter((e) => e.type === 'member-dropped')).toEqual([]);
  });

  it('drops the member when the grace is over: the token is dead, and the slot is free in the lobby', () => {
    const a = authority({ reconnectGraceMs: 5000 });
    const { code, tokens } = lobby(a, 3);
    ok(a.connectionLost(code, 1, 1000));
    a.tick(6000);
    expect(a.room(code)!.members.map((m) => m.slot)).toEqual([0, 2]);
    expect(types(a.events())).toEqual(['room-changed']); // in the lobby a drop just frees the slot
    expect(a.join({ code, name: 'P1', role: 'player', reconnectToken: tokens[1]! }, 6000)).toEqual({ ok: false, error: 'bad-token' });
    expect(ok(a.join({ code, name: 'P1', role: 'player' }, 6000)).slot).toBe(1);
  });

  it('during a match, a grace running out is a drop decision; the player comes back only with its token (issue 13), a newcomer not at all', () => {
    const a = authority({ reconnectGraceMs: 2000, epoch: 9 });
    const { code, tokens } = playing(a, 3);
    ok(a.connectionLost(code, 1, 500));
    a.tick(2499);
    expect(a.events()).toEqual([{ type: 'room-changed', code }]);
    a.tick(2500);
    expect(a.events()).toEqual([
      { type: 'member-dropped', code, slot: 1, reason: 'connection-lost', epoch: 9 },
      { type: 'room-changed', code },
    ]);
    expect(a.join({ code, name: 'P1', role: 'player' }, 3000)).toEqual({ ok: false, error: 'in-progress' });
    expect(a.join({ code, name: 'P1', role: 'player', reconnectToken: tokens[1]! }, 3000)).toMatchObject({ ok: true, slot: 1, reconnected: true });
  });

  it("gives a player of a running match the shorter match grace (2500 ms by default), others the room's 5000", () => {
    expect(DEFAULT_RECONNECT_GRACE_MS).toBe(5000);
    expect(DEFAULT_MATCH_RECONNECT_GRACE_MS).toBe(2500);
    const a = authority();
    const { code } = playing(a, 3, 1);
    ok(a.connectionLost(code, 1, 1000)); // a player of the match
    ok(a.connectionLost(code, 16, 1000)); // a spectator
    a.tick(1000 + 2499);
    expect(a.room(code)!.members.map((m) => m.slot)).toEqual([0, 1, 2, 16]);
    a.tick(1000 + 2500);
    expect(a.room(code)!.members.map((m) => m.slot)).toEqual([0, 2, 16]);
    expect(a.events().filter((e) => e.type === 'member-dropped')).toEqual([{ type: 'member-dropped', code, slot: 1, reason: 'connection-lost', epoch: 1 }]);
    a.tick(1000 + 4999);
    expect(a.room(code)!.members.map((m) => m.slot)).toEqual([0, 2, 16]);
    a.tick(1000 + 5000);
    expect(a.room(code)!.members.map((m) => m.slot)).toEqual([0, 2]);
    // Back in the lobby, players keep the long grace again.
    ok(a.endMatch(code, 0));
    ok(a.connectionLost(code, 2, 10_000));
    a.tick(10_000 + 4999);
    expect(a.room(code)!.members.map((m) => m.slot)).toEqual([0, 2]);
  });

  it('caps the match grace at reconnectGraceMs, and takes its own setting', () => {
    const short = authority({ reconnectGraceMs: 1000 });
    const s = playing(short, 2);
    ok(short.connectionLost(s.code, 1, 0));
    short.tick(1000);
    expect(short.room(s.code)!.members).toHaveLength(1);
    const custom = authority({ matchReconnectGraceMs: 0 });
    const c = playing(custom, 3);
    ok(custom.connectionLost(c.code, 2, 0)); // a grace of 0: dropped at once
    expect(custom.room(c.code)!.members.map((m) => m.slot)).toEqual([0, 1]);
  });

  it('refuses a wrong token, or one of another room, without any other effect', () => {
    const a = authority();
    const { code, tokens } = lobby(a, 2);
    const other = lobby(a, 2);
    ok(a.connectionLost(code, 1, 0));
    const wrong = tokens[1]!.slice(0, 31) + (tokens[1]!.endsWith('0') ? '1' : '0');
    expect(a.join({ code, name: 'P1', role: 'player', reconnectToken: wrong }, 0)).toEqual({ ok: false, error: 'bad-token' });
    expect(a.join({ code, name: 'P1', role: 'player', reconnectToken: other.tokens[1]! }, 0)).toEqual({ ok: false, error: 'bad-token' });
    expect(a.join({ code, name: 'P1', role: 'player', reconnectToken: 'nope' }, 0)).toEqual({ ok: false, error: 'bad-token' });
    expect(a.join({ code, name: 'P1', role: 'player', reconnectToken: tokens[1]!.toUpperCase() }, 0)).toEqual({ ok: false, error: 'bad-token' });
    expect(a.join({ code, name: 'P1', role: 'player', reconnectToken: 5 as never }, 0)).toEqual({ ok: false, error: 'bad-request' });
    expect(a.room(code)!.members[1]!.connected).toBe(false);
    expect(a.stats().rejected['bad-token']).toBe(4);
  });

  it('does not extend the grace on a second connectionLost; a grace of 0 drops at once', () => {
    const a = authority({ reconnectGraceMs: 1000 });
    const { code } = lobby(a, 3);
    ok(a.connectionLost(code, 2, 0));
    ok(a.connectionLost(code, 2, 900));
    a.tick(1000);
    expect(a.room(code)!.members).toHaveLength(2);

    const b = authority({ reconnectGraceMs: 0 });
    const r = lobby(b, 2);
    ok(b.connectionLost(r.code, 1, 0));
    expect(b.room(r.code)!.members).toHaveLength(1);
  });

  it('a reconnect while still connected (a half-open old channel) is accepted without a change', () => {
    const a = authority();
    const { code, tokens } = lobby(a, 2);
    expect(ok(a.join({ code, name: 'x', role: 'player', reconnectToken: tokens[0]! }, 0))).toMatchObject({ slot: 0, reconnected: true });
    expect(a.events()).toEqual([]);
  });
});

describe('RoomAuthority: ownership', () => {
  it('passes to the lowest remaining player slot when the owner leaves', () => {
    const a = authority();
    const { code } = lobby(a, 4, 1);
    ok(a.leave(code, 1));
    a.events();
    ok(a.leave(code, 0));
    expect(a.events()).toEqual([
      { type: 'owner-changed', code, ownerSlot: 2, previousOwnerSlot: 0 },
      { type: 'room-changed', code },
    ]);
    const state = a.room(code)!;
    expect(state.ownerSlot).toBe(2);
    expect(state.members.filter((m) => m.owner).map((m) => m.slot)).toEqual([2]);
    // The new owner may now do what only the owner may.
    ok(a.updateSettings(code, 2, { inputDelay: 4 }));
    expect(a.updateSettings(code, 3, { inputDelay: 5 })).toEqual({ ok: false, error: 'not-owner' });
  });

  it('passes to a spectator when no player is left, and stays while the owner only lost its connection', () => {
    const a = authority({ reconnectGraceMs: 1000 });
    const { code } = lobby(a, 1, 2);
    ok(a.connectionLost(code, 0, 0));
    expect(a.room(code)!.ownerSlot).toBe(0);
    a.tick(1000);
    expect(a.room(code)!.ownerSlot).toBe(16);
    expect(a.events().find((e) => e.type === 'owner-changed')).toEqual({ type: 'owner-changed', code, ownerSlot: 16, previousOwnerSlot: 0 });
  });

  it('passes on when the owner is dropped during a match, with the drop first', () => {
    const a = authority();
    const { code } = playing(a, 3);
    ok(a.drop(code, 0, 'timeout'));
    expect(a.events()).toEqual([
      { type: 'member-dropped', code, slot: 0, reason: 'timeout', epoch: 1 },
      { type: 'owner-changed', code, ownerSlot: 1, previousOwnerSlot: 0 },
      { type: 'room-changed', code },
    ]);
  });
});

describe('RoomAuthority: ready, settings and start', () => {
  it('setReady: players in the lobby only', () => {
    const a = authority();
    const { code } = lobby(a, 2, 1);
    ok(a.setReady(code, 1, true));
    expect(a.room(code)!.members[1]!.ready).toBe(true);
    expect(types(a.events())).toEqual(['room-changed']);
    ok(a.setReady(code, 1, true)); // no change, no event
    expect(a.events()).toEqual([]);
    expect(a.setReady(code, 16, true)).toEqual({ ok: false, error: 'not-a-player' });
    expect(a.setReady(code, 5, true)).toEqual({ ok: false, error: 'no-such-member' });
    expect(a.setReady(code, 1, 'yes' as never)).toEqual({ ok: false, error: 'bad-request' });
    expect(a.setReady('ZZZZZZ', 1, true)).toEqual({ ok: false, error: 'no-such-room' });
  });

  it('updateSettings: owner only, lobby only, in range, not below the players present', () => {
    const a = authority();
    const { code } = lobby(a, 3);
    expect(a.updateSettings(code, 1, { fps: 30 })).toEqual({ ok: false, error: 'not-owner' });
    expect(a.updateSettings(code, 0, { fps: 0 })).toEqual({ ok: false, error: 'bad-settings' });
    expect(a.updateSettings(code, 0, { fps: '30' } as never)).toEqual({ ok: false, error: 'bad-settings' });
    expect(a.updateSettings(code, 0, { speed: 1 } as never)).toEqual({ ok: false, error: 'bad-settings' });
    expect(a.updateSettings(code, 0, null as never)).toEqual({ ok: false, error: 'bad-settings' });
    expect(a.updateSettings(code, 0, { maxPlayers: 2 })).toEqual({ ok: false, error: 'max-below-players' });
    expect(a.updateSettings(code, 0, { gameMode: 256 })).toEqual({ ok: false, error: 'bad-settings' });
    expect(a.updateSettings(code, 0, { gameMode: -1 })).toEqual({ ok: false, error: 'bad-settings' });
    ok(a.updateSettings(code, 0, { maxPlayers: 3, fps: 30, gameMode: 1 }));
    expect(a.room(code)!.settings).toEqual({ maxPlayers: 3, inputDelay: 2, maxPrediction: 8, fps: 30, gameMode: 1 });
    expect(a.join({ code, name: 'X', role: 'player' }, 0)).toEqual({ ok: false, error: 'full' });
  });

  it('a settings change un-readies everyone; an unchanged one does nothing', () => {
    const a = authority();
    const { code } = lobby(a, 2);
    ok(a.setReady(code, 0, true));
    ok(a.setReady(code, 1, true));
    a.events();
    ok(a.updateSettings(code, 0, { inputDelay: 2 }));
    expect(a.events()).toEqual([]);
    expect(a.room(code)!.members.every((m) => m.ready)).toBe(true);
    ok(a.updateSettings(code, 0, { inputDelay: 3 }));
    expect(a.room(code)!.members.some((m) => m.ready)).toBe(false);
    expect(types(a.events())).toEqual(['room-changed']);
  });

  it('start: owner only, 2+ players, every player ready (owner too) and connected; spectators need not be ready', () => {
    const a = authority();
    const { code } = lobby(a, 1, 1);
    expect(a.start(code, 0, 0)).toEqual({ ok: false, error: 'too-few-players' });
    ok(a.join({ code, name: 'B', role: 'player' }, 0));
    const c = ok(a.join({ code, name: 'C', role: 'player' }, 0));
    expect(a.start(code, 1, 0)).toEqual({ ok: false, error: 'not-owner' });
    expect(a.start(code, 16, 0)).toEqual({ ok: false, error: 'not-owner' });
    ok(a.setReady(code, 1, true));
    ok(a.setReady(code, 2, true));
    expect(a.start(code, 0, 0)).toEqual({ ok: false, error: 'not-ready' });
    ok(a.setReady(code, 0, true));
    ok(a.connectionLost(code, 2, 0));
    expect(a.start(code, 0, 0)).toEqual({ ok: false, error: 'not-connected' });
    ok(a.join({ code, name: 'C', role: 'player', reconnectToken: c.token }, 0));
    a.events();
    const match = ok(a.start(code, 0, 0)).match;
    expect(match).toMatchObject({ epoch: 1, players: [0, 1, 2], settings: DEFAULT_ROOM_SETTINGS, startFrame: 0 });
    for (const n of [match.matchId, match.seed]) expect(Number.isInteger(n) && n >= 0 && n < 2 ** 32).toBe(true);
    expect(Object.isFrozen(match) && Object.isFrozen(match.players)).toBe(true);
    expect(a.events()).toEqual([
      { type: 'match-started', code, match },
      { type: 'room-changed', code },
    ]);
    const state = a.room(code)!;
    expect(state.phase).toBe('playing');
    expect(state.match).toEqual(match);
    expect(a.start(code, 0, 0)).toEqual({ ok: false, error: 'not-in-lobby' });
    expect(a.setReady(code, 1, false)).toEqual({ ok: false, error: 'not-in-lobby' });
    expect(a.updateSettings(code, 0, { fps: 30 })).toEqual({ ok: false, error: 'not-in-lobby' });
  });

  it('lists the players slots in order, with gaps, and decides fresh ids each match', () => {
    const a = authority();
    const { code } = lobby(a, 4);
    ok(a.leave(code, 2));
    for (const s of [0, 1, 3]) ok(a.setReady(code, s, true));
    const first = ok(a.start(code, 0, 0)).match;
    expect(first.players).toEqual([0, 1, 3]);
    ok(a.endMatch(code, 0));
    for (const s of [0, 1, 3]) ok(a.setReady(code, s, true));
    const second = ok(a.start(code, 0, 0)).match;
    expect(second.matchId).not.toBe(first.matchId);
    expect(second.seed).not.toBe(first.seed);
  });

  it('endMatch: owner only, during a match; back to the lobby with everyone un-readied', () => {
    const a = authority();
    const { code, match } = playing(a, 2);
    expect(a.endMatch(code, 1)).toEqual({ ok: false, error: 'not-owner' });
    ok(a.endMatch(code, 0));
    expect(a.events()).toEqual([
      { type: 'match-ended', code, matchId: match.matchId },
      { type: 'room-changed', code },
    ]);
    const state = a.room(code)!;
    expect(state.phase).toBe('lobby');
    expect(state.match).toBeUndefined();
    expect('match' in state).toBe(false);
    expect(state.members.some((m) => m.ready)).toBe(false);
    expect(a.endMatch(code, 0)).toEqual({ ok: false, error: 'not-playing' });
    expect(ok(a.join({ code, name: 'Late', role: 'player' }, 0)).slot).toBe(2);
  });
});

describe('RoomAuthority: looks (colour and shape)', () => {
  const looks = (a: RoomAuthority, code: string) => a.room(code)!.members.map((m) => [m.slot, m.color, m.shape]);

  it('gives each new player the lowest free colour (and the shape of that index), a spectator none', () => {
    const a = authority();
    const { code } = lobby(a, 3, 1);
    expect(looks(a, code)).toEqual([[0, 0, 0], [1, 1, 1], [2, 2, 2], [16, undefined, undefined]]);
    ok(a.setLook(code, 0, 5, 7));
    ok(a.leave(code, 1));
    // Colours 1 and 0 are free now: the newcomer takes slot 1 and colour 0, the next colour 1.
    ok(a.join({ code, name: 'N', role: 'player' }, 0));
    ok(a.join({ code, name: 'M', role: 'player' }, 0));
    expect(looks(a, code)).toEqual([[0, 5, 7], [1, 0, 0], [2, 2, 2], [3, 1, 1], [16, undefined, undefined]]);
  });

  it('setLook: refuses a colour another player holds, in plain error codes; shapes may repeat; lobby and players only', () => {
    const a = authority();
    const { code } = lobby(a, 2, 1);
    a.events();
    expect(a.setLook(code, 1, 0, 3)).toEqual({ ok: false, error: 'color-taken' });
    expect(a.setLook(code, 1, 1, 0)).toEqual({ ok: true }); // its own colour, another's shape
    expect(a.setLook(code, 0, 15, 15)).toEqual({ ok: true });
    expect(types(a.events())).toEqual(['room-changed']);
    expect(a.setLook(code, 0, 15, 15)).toEqual({ ok: true });
    expect(a.events()).toEqual([]); // no change, no news
    expect(a.setLook(code, 1, 16, 0)).toEqual({ ok: false, error: 'bad-look' });
    expect(a.setLook(code, 1, 0, 16)).toEqual({ ok: false, error: 'bad-look' });
    expect(a.setLook(code, 1, 1.5, 0)).toEqual({ ok: false, error: 'bad-look' });
    expect(a.setLook(code, 16, 3, 0)).toEqual({ ok: false, error: 'not-a-player' });
    expect(a.setLook(code, 5, 3, 0)).toEqual({ ok: false, error: 'no-such-member' });
    expect(looks(a, code)).toEqual([[0, 15, 15], [1, 1, 0], [16, undefined, undefined]]);
    for (let s = 0; s < 2; s++) ok(a.setReady(code, s, true));
    ok(a.start(code, 0, 0));
    expect(a.setLook(code, 1, 4, 4)).toEqual({ ok: false, error: 'not-in-lobby' });
    expect(a.stats().rejected['color-taken']).toBe(1);
  });

  it('a smaller palette: only its colours and shapes, and no more players than colours', () => {
    const a = authority({ colors: 2, shapes: 3 });
    const { code } = lobby(a, 2);
    expect(a.setLook(code, 0, 2, 0)).toEqual({ ok: false, error: 'bad-look' });
    expect(a.setLook(code, 0, 0, 3)).toEqual({ ok: false, error: 'bad-look' });
    expect(a.join({ code, name: 'C', role: 'player' }, 0)).toEqual({ ok: false, error: 'full' });
    expect(a.join({ code, name: 'S', role: 'spectator' }, 0).ok).toBe(true);
    expect(() => authority({ colors: 0 })).toThrow(RangeError);
    expect(() => authority({ shapes: 17 })).toThrow(RangeError);
  });

  it("the match decision carries every player's look by handle; a removed player comes back with its own", () => {
    const a = authority();
    const { code, tokens } = lobby(a, 3);
    ok(a.setLook(code, 1, 9, 4));
    ok(a.setLook(code, 2, 1, 4));
    for (let s = 0; s < 3; s++) ok(a.setReady(code, s, true));
    const match = ok(a.start(code, 0, 0)).match;
    expect(match.colors).toEqual([0, 9, 1]);
    expect(match.shapes).toEqual([0, 4, 4]);
    ok(a.drop(code, 1, 'timeout'));
    ok(a.join({ code, name: 'x', role: 'player', reconnectToken: tokens[1]! }, 0));
    expect(looks(a, code)).toEqual([[0, 0, 0], [1, 9, 4], [2, 1, 4]]);
  });
});

describe('RoomAuthority: leaving and drops', () => {
  it('in the lobby, leaving just frees the slot', () => {
    const a = authority();
    const { code } = lobby(a, 3);
    ok(a.leave(code, 1));
    expect(a.events()).toEqual([{ type: 'room-changed', code }]);
    expect(a.leave(code, 1)).toEqual({ ok: false, error: 'no-such-member' });
  });

  it('during a match, leaving and drops are decisions carrying the epoch', () => {
    const a = authority({ epoch: 77 });
    const { code } = playing(a, 4, 1);
    ok(a.leave(code, 3));
    ok(a.drop(code, 2, 'kicked'));
    ok(a.drop(code, 16, 'protocol-error'));
    expect(a.events()).toEqual([
      { type: 'member-dropped', code, slot: 3, reason: 'left', epoch: 77 },
      { type: 'room-changed', code },
      { type: 'member-dropped', code, slot: 2, reason: 'kicked', epoch: 77 },
      { type: 'member-dropped', code, slot: 16, reason: 'protocol-error', epoch: 77 },
    ]);
    const state = a.room(code)!;
    expect(state.members.map((m) => m.slot)).toEqual([0, 1]);
    expect(state.match!.players).toEqual([0, 1, 2, 3]); // the decision does not change
    expect(a.drop(code, 1, 'bored' as never)).toEqual({ ok: false, error: 'bad-request' });
    expect(a.room(code)!.members).toHaveLength(2);
  });

  it('closes a room when its last member goes, and forgets it', () => {
    const a = authority({ reconnectGraceMs: 100 });
    const { code, tokens } = lobby(a, 2);
    ok(a.leave(code, 1));
    ok(a.connectionLost(code, 0, 0));
    a.events();
    a.tick(100);
    const events = a.events();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'room-closed', code, reason: 'empty', state: { code, phase: 'closed', ownerSlot: -1, members: [] } });
    expect(a.room(code)).toBeUndefined();
    expect(a.join({ code, name: 'B', role: 'player' }, 0)).toEqual({ ok: false, error: 'no-such-room' });
    expect(a.join({ code, name: 'B', role: 'player', reconnectToken: tokens[0]! }, 0)).toEqual({ ok: false, error: 'no-such-room' });
    expect(a.stats()).toMatchObject({ rooms: 0, members: 0 });
  });

  it('a match room closes too when everyone is dropped', () => {
    const a = authority();
    const { code } = playing(a, 2);
    ok(a.leave(code, 0));
    ok(a.leave(code, 1));
    expect(types(a.events())).toEqual(['member-dropped', 'owner-changed', 'member-dropped', 'room-closed']);
  });

  it('closeRoom: the last state lists who was in it, and no room-changed of the room is left pending', () => {
    const a = authority();
    const { code } = lobby(a, 2, 1);
    ok(a.setReady(code, 1, true));
    ok(a.closeRoom(code));
    const events = a.events();
    expect(types(events)).toEqual(['room-closed']);
    const closed = events[0] as Extract<RoomEvent, { type: 'room-closed' }>;
    expect(closed.reason).toBe('closed');
    expect(closed.state.phase).toBe('closed');
    expect(closed.state.members.map((m) => m.slot)).toEqual([0, 1, 16]);
    expect(a.closeRoom(code)).toEqual({ ok: false, error: 'no-such-room' });
  });
});

describe('RoomAuthority: snapshots and events', () => {
  it('a snapshot holds no password and no token, and is frozen', () => {
    const a = authority();
    const password = 'correct horse battery staple';
    const { code, tokens, spectatorTokens } = lobby(a, 3, 2, password);
    const state = a.room(code)!;
    const json = JSON.stringify(state);
    expect(json).not.toContain(password);
    for (const t of [...tokens, ...spectatorTokens]) expect(json).not.toContain(t);
    expect(Object.keys(state).sort()).toEqual(['code', 'epoch', 'hasPassword', 'members', 'ownerSlot', 'phase', 'settings']);
    for (const m of state.members) {
      const look = m.role === 'player' ? ['color', 'shape'] : [];
      expect(Object.keys(m).sort()).toEqual([...look, 'connected', 'name', 'owner', 'ready', 'role', 'slot'].sort());
    }
    expect(state.hasPassword).toBe(true);
    expect(Object.isFrozen(state) && Object.isFrozen(state.members) && Object.isFrozen(state.members[0])).toBe(true);
    // The same holds for the final state in a room-closed event.
    ok(a.closeRoom(code));
    const closedJson = JSON.stringify(a.events());
    expect(closedJson).not.toContain(password);
    for (const t of tokens) expect(closedJson).not.toContain(t);
  });

  it('one room-changed per room between drains', () => {
    const a = authority();
    const { code } = lobby(a, 1);
    const other = lobby(a, 1).code;
    ok(a.join({ code, name: 'B', role: 'player' }, 0));
    ok(a.setReady(code, 1, true));
    ok(a.join({ code: other, name: 'B', role: 'player' }, 0));
    ok(a.setReady(code, 0, true));
    expect(a.events()).toEqual([
      { type: 'room-changed', code },
      { type: 'room-changed', code: other },
    ]);
    ok(a.setReady(code, 0, false));
    expect(a.events()).toEqual([{ type: 'room-changed', code }]);
  });

  it('keeps at most 4096 undrained events, dropping the oldest (counted)', () => {
    const a = authority({ maxRooms: 5000 });
    for (let i = 0; i < 4200; i++) ok(a.createRoom({ name: 'A' }, 0));
    const events = a.events();
    expect(events).toHaveLength(4096);
    expect(a.stats().eventsDropped).toBe(104);
    expect(events[0]).toEqual({ type: 'room-changed', code: a.roomCodes()[104] });
  });
});

describe('RoomAuthority: garbage from the network', () => {
  it('never throws on anything a remote member can send, and counts every refusal', () => {
    const a = authority();
    const { code } = playing(a, 3, 1);
    const prng = new Prng(99);
    const junk: unknown[] = [undefined, null, -1, 24, 1.5, Number.NaN, 1e300, '', 'x', code, code.toLowerCase(), '__proto__', 'constructor', true, {}, [], [1], { code }, () => 1];
    const pick = () => junk[prng.nextInt(junk.length)];
    let refusals = 0;
    for (let i = 0; i < 3000; i++) {
      const results = [
        a.join({ code: pick(), name: pick(), role: pick(), password: pick(), reconnectToken: pick() } as never, 0),
        a.join(pick() as never, 0),
        a.setReady(pick() as never, pick() as never, pick() as never),
        a.setLook(pick() as never, pick() as never, pick() as never, pick() as never),
        a.setLook(code, 1, pick() as never, pick() as never),
        a.updateSettings(code, 0, pick() as never),
        a.updateSettings(pick() as never, pick() as never, { fps: pick() } as never),
        a.start(pick() as never, pick() as never, 0),
        a.endMatch(pick() as never, pick() as never),
        a.drop(code, 1, pick() as never),
        a.leave(pick() as never, pick() as never),
        a.connectionLost(pick() as never, pick() as never, 0),
      ];
      for (const r of results) if (!r.ok) refusals++;
    }
    expect(refusals).toBeGreaterThan(20_000);
    const rejected = Object.values(a.stats().rejected).reduce((s, n) => s + n, 0);
    expect(rejected).toBe(refusals);
    // The real members are all still there: junk never hit a real slot.
    expect(a.room(code)!.members.map((m) => m.slot)).toEqual([0, 1, 2, 16]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
