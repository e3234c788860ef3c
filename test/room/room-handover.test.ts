import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { MAX_HANDOVER_MESSAGE_BYTES, MAX_ROOM_STATE_MESSAGE_BYTES, decodeControlMessage, encodeControlMessage } from '../../sdk/src/room/control-messages.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';
import { parseRoomHandover } from '../../sdk/src/room/room-handover.ts';
import type { RoomHandover } from '../../sdk/src/room/room-handover.ts';
import { FixtureRandom, canonicalJson, randomRoomHandover } from './control-fixtures.ts';

const TOKEN = '0123456789abcdef0123456789abcdef';

function authority(epoch: number, seed = epoch, maxRooms?: number): RoomAuthority {
  const prng = new Prng(seed);
  return new RoomAuthority({ random: () => prng.nextU32(), epoch, ...(maxRooms !== undefined ? { maxRooms } : {}) });
}

/** A lobby with a password: Ann (owner, ready), Bo (connection lost), Cy, a spectator; tokens by slot. */
function lobby(a: RoomAuthority): { code: string; tokens: Map<number, string> } {
  const created = a.createRoom({ name: 'Ann', password: 'pässwörd 😀', settings: { maxPlayers: 6, fps: 30 } }, 0);
  if (!created.ok) throw new Error(created.error);
  const { code } = created;
  const tokens = new Map<number, string>([[0, created.token]]);
  for (const [name, role] of [['Bo', 'player'], ['Cy', 'player'], ['Sy', 'spectator']] as const) {
    const joined = a.join({ code, name, role, password: 'pässwörd 😀' }, 0);
    if (!joined.ok) throw new Error(joined.error);
    tokens.set(joined.slot, joined.token);
  }
  a.setReady(code, 0, true);
  a.setLook(code, 0, 7, 2); // Ann takes colour 7 ...
  a.setLook(code, 2, 0, 6); // ... and Cy the 0 Ann gave up
  a.connectionLost(code, 1, 500);
  a.events();
  return { code, tokens };
}

/** Export → JSON → parse: what a member in line receives and keeps. */
function overTheWire(handover: RoomHandover): RoomHandover {
  const parsed = parseRoomHandover(JSON.parse(JSON.stringify(handover)));
  if (!parsed.ok) throw new Error(`refused: ${parsed.reason}`);
  return parsed.handover;
}

describe('room handover: export → JSON → parse → restore', () => {
  it('a lobby comes back the same but for the epoch; the old tokens rejoin; the password still holds; a lost member keeps its grace from the restore', () => {
    const old = authority(5);
    const { code, tokens } = lobby(old);
    const exported = old.exportRoom(code)!;
    expect(Object.isFrozen(exported)).toBe(true);
    expect(exported.password).toBe('pässwörd 😀');
    expect(exported.tokens).toEqual([...tokens].sort((x, y) => x[0] - y[0]));
    expect(old.exportRoom('ZZZZZZ')).toBeUndefined();

    const next = authority(6);
    expect(next.restoreRoom(overTheWire(exported), 10_000)).toEqual({ ok: true });
    expect(next.room(code)).toEqual({ ...old.room(code)!, epoch: 6 });
    expect(next.roomCodes()).toEqual([code]);
    expect(next.events()).toEqual([{ type: 'room-changed', code }]);
    expect(next.exportRoom(code)).toEqual({ ...exported, state: { ...exported.state, epoch: 6 } });

    // Everybody comes back into its own slot with the token it holds; a wrong one does not.
    for (const [slot, token] of tokens) {
      expect(next.join({ code, name: '', role: 'player', reconnectToken: token }, 10_001)).toEqual({ ok: true, code, slot, token, reconnected: true });
    }
    expect(next.join({ code, name: '', role: 'player', reconnectToken: TOKEN }, 10_001)).toEqual({ ok: false, error: 'bad-token' });
    expect(next.room(code)!.members.every((m) => m.connected)).toBe(true);
    // The password is the same, and still needed.
    expect(next.join({ code, name: 'Dee', role: 'player' }, 10_002)).toEqual({ ok: false, error: 'bad-password' });
    expect(next.join({ code, name: 'Dee', role: 'player', password: 'password' }, 10_002)).toEqual({ ok: false, error: 'bad-password' });
    expect(next.join({ code, name: 'Dee', role: 'player', password: 'pässwörd 😀' }, 10_002)).toMatchObject({ ok: true, slot: 3 });
    // The looks came along: Dee gets the lowest colour nobody holds, and Ann's 7 stays Ann's.
    expect(next.room(code)!.members.map((m) => [m.name, m.color, m.shape])).toEqual([['Ann', 7, 2], ['Bo', 1, 1], ['Cy', 0, 6], ['Dee', 2, 2], ['Sy', undefined, undefined]]);
    expect(next.setLook(code, 3, 7, 0)).toEqual({ ok: false, error: 'color-taken' });
    // The owner is the same and may still start once everyone is ready.
    for (const s of [1, 2, 3]) next.setReady(code, s, true);
    expect(next.start(code, 1, 10_003)).toEqual({ ok: false, error: 'not-owner' });
    const started = next.start(code, 0, 10_003);
    if (!started.ok) throw new Error(started.error);
    expect(started.match.epoch).toBe(6);
  });

  it('a member shown not connected keeps its slot for its grace counted from the restore', () => {
    const old = authority(5);
    const { code } = lobby(old); // Bo lost at 500 ms on the old host
    const next = authority(6);
    expect(next.restoreRoom(overTheWire(old.exportRoom(code)!), 100_000)).toEqual({ ok: true });
    next.tick(104_999); // the default lobby grace is 5000 ms
    expect(next.room(code)!.members.map((m) => m.slot)).toEqual([0, 1, 2, 16]);
    next.tick(105_000);
    expect(next.room(code)!.members.map((m) => m.slot)).toEqual([0, 2, 16]);
  });

  it('a room mid-match goes on with the old host’s match; the successor decides its drops under its own epoch', () => {
    const old = authority(41);
    const { code, tokens } = lobby(old);
    old.join({ code, name: '', role: 'player', reconnectToken: tokens.get(1)! }, 600);
    for (const s of [0, 1, 2]) old.setReady(code, s, true);
    const started = old.start(code, 0, 700);
    if (!started.ok) throw new Error(started.error);
    old.connectionLost(code, 2, 800);
    const exported = old.exportRoom(code)!;
    expect(exported.state.phase).toBe('playing');

    const next = authority(42);
    expect(next.restoreRoom(overTheWire(exported), 2000)).toEqual({ ok: true });
    const state = next.room(code)!;
    expect(state).toEqual({ ...old.room(code)!, epoch: 42 });
    expect(state.match).toEqual(started.match);
    expect(state.match!.epoch).toBe(41);
    // Members are told the room under the new epoch: a valid room-state (the match of an earlier epoch).
    const decoded = decodeControlMessage(encodeControlMessage({ type: 'room-state', state }), 'host');
    expect(decoded).toEqual({ ok: true, message: { type: 'room-state', state } });
    // No new player during the match, as before.
    expect(next.join({ code, name: 'Dee', role: 'player', password: 'pässwörd 😀' }, 2000)).toEqual({ ok: false, error: 'in-progress' });
    // Cy, lost on the old host, gets the match grace (2500 ms by default) from the restore, then is dropped by the successor.
    next.events();
    next.tick(4499);
    expect(next.events()).toEqual([]);
    next.tick(4500);
    expect(next.events()).toContainEqual({ type: 'member-dropped', code, slot: 2, reason: 'connection-lost', epoch: 42 });
    expect(next.endMatch(code, 0)).toEqual({ ok: true });
    expect(next.room(code)!.phase).toBe('lobby');
  });

  it('also through a handover control message (host to member only), whose worst case fits one room-state’s channel', () => {
    const prng = new Prng(5);
    const old = new RoomAuthority({ random: () => prng.nextU32(), epoch: 0xfffffffe });
    const name = '😀'.repeat(24);
    // A password whose every unit JSON writes as \uXXXX (6 bytes): the longest a password gets.
    const password = '\u0001'.repeat(128);
    const created = old.createRoom({ name, password, settings: { maxPlayers: 16, inputDelay: 30, maxPrediction: 30, fps: 240 } }, 0);
    if (!created.ok) throw new Error('create');
    const tokens = [created.token];
    for (let i = 1; i < 24; i++) {
      const joined = old.join({ code: created.code, name, password, role: i < 16 ? 'player' : 'spectator' }, 0);
      if (joined.ok) tokens.push(joined.token);
    }
    for (let s = 0; s < 16; s++) old.setReady(created.code, s, true);
    if (!old.start(created.code, 0, 0).ok) throw new Error('start');
    // Every player returning with a new session at once (issue 13): the longest list of returns.
    for (let s = 0; s < 16; s++) {
      old.join({ code: created.code, name: '', role: 'player', reconnectToken: tokens[s]! }, 0);
      if (!old.rejoinMatch(created.code, s, old.room(created.code)!.match!.matchId).ok) throw new Error('rejoin-match');
    }
    const handover = old.exportRoom(created.code)!;
    expect(handover.state.rejoining).toHaveLength(16);
    expect(handover.tokens).toHaveLength(24);
    const bytes = encodeControlMessage({ type: 'handover', handover });
    // Today's control channels carry up to MAX_ROOM_STATE_MESSAGE_BYTES per message: the worst handover fits.
    expect(bytes.length).toBeLessThan(MAX_ROOM_STATE_MESSAGE_BYTES);
    const decoded = decodeControlMessage(bytes, 'host');
    if (!decoded.ok || decoded.message.type !== 'handover') throw new Error('refused');
    expect(decoded.message.handover).toEqual(handover);
    const next = new RoomAuthority({ random: () => prng.nextU32(), epoch: 0xffffffff });
    expect(next.restoreRoom(decoded.message.handover, 0)).toEqual({ ok: true });
    expect(next.room(created.code)).toEqual({ ...old.room(created.code)!, epoch: 0xffffffff });

    expect(decodeControlMessage(bytes, 'client')).toEqual({ ok: false, reason: 'wrong-direction' });
    const text = new TextDecoder().decode(bytes);
    const padded = (n: number) => decodeControlMessage(new TextEncoder().encode(text + ' '.repeat(n)), 'host');
    expect(padded(MAX_HANDOVER_MESSAGE_BYTES - bytes.length).ok).toBe(true);
    expect(padded(MAX_HANDOVER_MESSAGE_BYTES - bytes.length + 1)).toEqual({ ok: false, reason: 'too-large' });
    const bad = (handover: unknown) => {
      const r = decodeControlMessage(new TextEncoder().encode(JSON.stringify({ type: 'handover', handover })), 'host');
      return r.ok ? 'ok' : r.reason;
    };
    expect(bad('x')).toBe('bad-field');
    expect(bad({ ...handover, extra: 1 })).toBe('unknown-field');
    expect(bad({ ...handover, tokens: handover.tokens.slice(1) })).toBe('bad-field');
    expect(() => encodeControlMessage({ type: 'handover', handover: { ...handover, password: undefined } as never })).toThrow(RangeError);
  });
});

describe('room handover: restore refusals', () => {
  it('refuses a code in use, too many rooms, a handover at the last epoch, a bad handover: a value, counted, nothing changed', () => {
    const old = authority(5);
    const { code } = lobby(old);
    const handover = old.exportRoom(code)!;

    // A restored room takes the epoch above its own, or the authority's if that is higher: a host
    // that comes back (epoch 1 again) re-homes a room its successor held at a later epoch.
    for (const [own, expected] of [[5, 6], [4, 6], [9, 9]] as const) {
      const a = authority(own, 9);
      expect(a.restoreRoom(handover, 0)).toEqual({ ok: true });
      expect(a.room(code)!.epoch).toBe(expected);
    }
    const last = { ...handover, state: { ...handover.state, epoch: 0xffffffff } };
    expect(authority(1, 9).restoreRoom(last, 0)).toEqual({ ok: false, error: 'stale-epoch' });

    const next = authority(6);
    expect(next.restoreRoom(handover, 0)).toEqual({ ok: true });
    next.events();
    expect(next.restoreRoom(handover, 0)).toEqual({ ok: false, error: 'code-in-use' });

    const full = authority(6, 9, 1);
    const mine = full.createRoom({ name: 'Mine' }, 0);
    expect(mine.ok).toBe(true);
    full.events();
    expect(full.restoreRoom(handover, 0)).toEqual({ ok: false, error: 'too-many-rooms' });
    expect(full.roomCodes()).toHaveLength(1);

    const forged: unknown[] = [
      { ...handover, tokens: handover.tokens.slice(1) },
      { ...handover, password: undefined },
      { ...handover, password: 'x'.repeat(129) },
      { ...handover, state: { ...handover.state, phase: 'closed' } },
      null,
      'handover',
    ];
    for (const h of forged) expect(next.restoreRoom(h as RoomHandover, 0)).toEqual({ ok: false, error: 'bad-handover' });
    expect(() => next.restoreRoom(handover, NaN)).toThrow(RangeError); // the host's own mistake
    expect(next.events()).toEqual([]);
    expect(next.stats().rejected).toMatchObject({ 'code-in-use': 1, 'bad-handover': forged.length });
    expect(full.stats().rejected).toMatchObject({ 'too-many-rooms': 1 });
  });
});

type Json = Record<string, unknown>;
type Mutation = (h: Json, r: FixtureRandom) => string;

const state = (h: Json) => h['state'] as Json;
const tokens = (h: Json) => h['tokens'] as [unknown, unknown][];
const members = (h: Json) => state(h)['members'] as Json[];

/** Ways to forge or break a valid handover so that it must be refused, whatever it was. */
const MUTATIONS: Mutation[] = [
  (h, r) => {
    tokens(h).push([tokens(h).length > 0 ? r.pick([23, 15, 0]) : 0, 'f'.repeat(32)]);
    return 'an extra token';
  },
  (h, r) => {
    tokens(h).splice(r.below(tokens(h).length), 1);
    return 'a token missing';
  },
  (h, r) => {
    const pair = r.pick(tokens(h));
    const taken = new Set(tokens(h).map((t) => t[0]));
    let other = r.below(24);
    while (taken.has(other)) other = (other + 1) % 24;
    pair[0] = other;
    return 'a token for a slot nobody holds';
  },
  (h) => {
    if (tokens(h).length < 2) {
      tokens(h)[0]![0] = (tokens(h)[0]![0] as number) + 1;
      return 'a token for another slot';
    }
    const [a, b] = [tokens(h)[0]!, tokens(h)[1]!];
    [a[0], b[0]] = [b[0], a[0]];
    return 'tokens swapped between slots';
  },
  (h, r) => {
    r.pick(tokens(h))[1] = r.pick([TOKEN.toUpperCase(), TOKEN.slice(1), `${TOKEN}0`, ' '.repeat(32), 'g'.repeat(32), 7, null, '']);
    return 'a token of the wrong form';
  },
  (h) => {
    if (tokens(h).length < 2) {
      tokens(h).push(tokens(h)[0]!);
      return 'a token twice';
    }
    tokens(h)[1]![1] = tokens(h)[0]![1];
    return 'one token for two members';
  },
  (h, r) => {
    const pair = r.pick(tokens(h)) as unknown[];
    pair.push(r.pick([0, 'x', TOKEN]));
    return 'a token entry of three';
  },
  (h, r) => {
    h['password'] = r.pick(['x'.repeat(129), 'y'.repeat(1_000_000), '', 5, null, ['pw'], { pw: 1 }]);
    return 'a bad password';
  },
  (h) => {
    if (Object.hasOwn(h, 'password')) delete h['password'];
    else h['password'] = 'sneaky';
    return 'a password that disagrees with hasPassword';
  },
  (h, r) => {
    r.pick(members(h))['name'] = r.pick(['n'.repeat(1_000_000), '', 'a\u0000b', 5]);
    return 'a huge or bad name';
  },
  (h, r) => {
    r.pick(tokens(h))[1] = 'a'.repeat(r.pick([1000, 1_000_000]));
    return 'a huge token';
  },
  (h, r) => {
    const key = r.pick(['state', 'tokens']);
    h[key] = r.pick([null, 5, 'x', [], {}, true]);
    return `${key} of the wrong type`;
  },
  (h, r) => {
    delete h[r.pick(['state', 'tokens'])];
    return 'a field missing';
  },
  (h, r) => {
    h[r.pick(['extra', '__proto__', 'constructor', 'epoch'])] = 1;
    Object.defineProperty(h, '__proto__', { value: { polluted: true }, enumerable: true, writable: true, configurable: true });
    return 'an unknown field';
  },
  (h) => {
    state(h)['phase'] = 'closed';
    delete state(h)['match'];
    return 'a closed room';
  },
  (h) => {
    Object.assign(state(h), { members: [], ownerSlot: -1 });
    h['tokens'] = [];
    return 'an empty room';
  },
  (h) => {
    const players = members(h).filter((m) => (m['slot'] as number) < 16).length;
    if (players < 2) {
      state(h)['settings'] = 'none';
      return 'bad settings';
    }
    (state(h)['settings'] as Json)['maxPlayers'] = players - 1;
    const match = state(h)['match'] as Json | undefined;
    if (match !== undefined) (match['settings'] as Json)['maxPlayers'] = players - 1;
    return 'more players than maxPlayers';
  },
  (h) => {
    const match = state(h)['match'] as Json | undefined;
    if (match === undefined) {
      state(h)['match'] = { matchId: 1, epoch: 0, seed: 1, players: [0, 1], settings: state(h)['settings'], startFrame: 0 };
      return 'a match in the lobby';
    }
    (match['settings'] as Json)['fps'] = ((match['settings'] as Json)['fps'] as number) === 60 ? 61 : 60;
    return 'a match on other settings than the room';
  },
  (h) => {
    const match = state(h)['match'] as Json | undefined;
    if (match === undefined) {
      state(h)['epoch'] = -1;
      return 'a negative epoch';
    }
    match['epoch'] = (state(h)['epoch'] as number) + 1;
    return 'a match of a later epoch';
  },
];

describe('parseRoomHandover fuzz', () => {
  it('accepts real handovers exactly; refuses every forged or broken one and random values, never throwing', () => {
    const r = new FixtureRandom(0x4a4d);
    const counts = new Map<string, number>();
    let valid = 0;
    const parse = (value: unknown, what: string) => {
      try {
        return parseRoomHandover(value);
      } catch (e) {
        throw new Error(`parseRoomHandover threw ${String(e)} on ${what}`);
      }
    };
    for (let i = 0; i < 1500; i++) {
      const handover = randomRoomHandover(r);
      const json = JSON.parse(JSON.stringify(handover)) as Json;
      const ok = parse(json, 'a real handover');
      if (!ok.ok) throw new Error(`refused a real handover (${ok.reason}): ${JSON.stringify(json)}`);
      expect(canonicalJson(ok.handover)).toBe(canonicalJson(json));
      valid++;
      const what = r.pick(MUTATIONS)(json, r);
      counts.set(what, (counts.get(what) ?? 0) + 1);
      const result = parse(json, what);
      if (result.ok) throw new Error(`accepted a handover with ${what}: ${JSON.stringify(json).slice(0, 2000)}`);
      expect(['not-object', 'unknown-field', 'missing-field', 'bad-field']).toContain(result.reason);
    }
    const junk: unknown[] = [undefined, null, 0, 'x', [], [[0, TOKEN]], {}, { state: null, tokens: null }, { state: {}, tokens: [] }, new Proxy({}, { ownKeys: () => { throw new Error('trap'); } })];
    for (const value of junk) expect(parse(value, String(value)).ok).toBe(false);
    expect(valid).toBe(1500);
    expect(counts.size).toBeGreaterThanOrEqual(MUTATIONS.length - 1);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
