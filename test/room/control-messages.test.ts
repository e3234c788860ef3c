import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import {
  MAX_CONTROL_MESSAGE_BYTES,
  MAX_ROOM_STATE_MESSAGE_BYTES,
  decodeControlMessage,
  encodeControlMessage,
} from '../../sdk/src/room/control-messages.ts';
import type { ControlMessage, HostControlMessage } from '../../sdk/src/room/control-messages.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';
import type { RoomState } from '../../sdk/src/room/room-state.ts';
import { FixtureRandom, canonicalJson, randomControlMessage, randomRoomState, utf8 } from './control-fixtures.ts';

const TOKEN = '0123456789abcdef0123456789abcdef';

function decodeText(text: string, from?: 'client' | 'host') {
  return from === undefined ? decodeControlMessage(utf8(text)) : decodeControlMessage(utf8(text), from);
}

function reason(text: string, from?: 'client' | 'host'): string {
  const r = decodeText(text, from);
  return r.ok ? 'ok' : r.reason;
}

/** A room from a real authority: 16 players and 8 spectators with 24-emoji names, in a match. */
function worstCaseRoom(): RoomState {
  const prng = new Prng(5);
  const a = new RoomAuthority({ random: () => prng.nextU32(), epoch: 0xffffffff });
  const name = '😀'.repeat(24);
  const created = a.createRoom({ name, password: 'pw', settings: { maxPlayers: 16, inputDelay: 30, maxPrediction: 30, fps: 240 } }, 0);
  if (!created.ok) throw new Error('create');
  for (let i = 1; i < 24; i++) a.join({ code: created.code, name, password: 'pw', role: i < 16 ? 'player' : 'spectator' }, 0);
  for (let s = 0; s < 16; s++) a.setReady(created.code, s, true);
  if (!a.start(created.code, 0, 0).ok) throw new Error('start');
  return a.room(created.code)!;
}

describe('control messages: round trips', () => {
  it('encodes as plain UTF-8 JSON', () => {
    expect(new TextDecoder().decode(encodeControlMessage({ type: 'leave' }))).toBe('{"type":"leave"}');
    expect(new TextDecoder().decode(encodeControlMessage({ type: 'chat', slot: 3, text: 'gg 🎮' }))).toBe('{"type":"chat","slot":3,"text":"gg 🎮"}');
  });

  it('every message type survives encode → decode, with and without the direction (2,000 random messages)', () => {
    const r = new FixtureRandom(1);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const { message, from } = randomControlMessage(r);
      seen.add(`${from}:${message.type}`);
      const bytes = encodeControlMessage(message);
      const typed = decodeControlMessage(bytes, from);
      const untyped = decodeControlMessage(bytes);
      if (!typed.ok || !untyped.ok) throw new Error(`refused ${JSON.stringify(message)}: ${JSON.stringify(typed)}`);
      expect(typed.message).toEqual(message);
      expect(untyped.message).toEqual(message);
      expect(encodeControlMessage(typed.message)).toEqual(bytes);
    }
    expect(seen.size).toBe(19);
  });

  it('room states of a real authority round trip: lobby, playing, closed', () => {
    const prng = new Prng(8);
    const a = new RoomAuthority({ random: () => prng.nextU32() });
    const created = a.createRoom({ name: 'Ada "the" \\ Lovelace', password: 'p' }, 0);
    if (!created.ok) throw new Error('create');
    const { code } = created;
    a.join({ code, name: 'Bob', role: 'player', password: 'p' }, 0);
    a.join({ code, name: 'Watcher', role: 'spectator', password: 'p' }, 0);
    const states: RoomState[] = [a.room(code)!];
    a.setReady(code, 0, true);
    a.setReady(code, 1, true);
    a.start(code, 0, 0);
    states.push(a.room(code)!);
    a.events();
    a.closeRoom(code);
    const closed = a.events().find((e) => e.type === 'room-closed');
    if (closed?.type !== 'room-closed') throw new Error('closed');
    states.push(closed.state);
    expect(states.map((s) => s.phase)).toEqual(['lobby', 'playing', 'closed']);
    for (const state of states) {
      const decoded = decodeControlMessage(encodeControlMessage({ type: 'room-state', state }), 'host');
      expect(decoded).toEqual({ ok: true, message: { type: 'room-state', state } });
    }
  });

  it('decoded messages are fresh, frozen where nested, and carry nothing but their fields', () => {
    const text = '{"type":"room-state","state":' + JSON.stringify(randomRoomState(new FixtureRandom(3))) + '}';
    const decoded = decodeText(text, 'host');
    if (!decoded.ok || decoded.message.type !== 'room-state') throw new Error('refused');
    expect(Object.isFrozen(decoded.message.state)).toBe(true);
    expect(Object.isFrozen(decoded.message.state.members)).toBe(true);
    expect(canonicalJson(decoded.message)).toBe(canonicalJson(JSON.parse(text)));
  });

  it('an update-settings may name any subset of the settings, even none', () => {
    expect(decodeText('{"type":"update-settings","settings":{}}', 'client')).toEqual({ ok: true, message: { type: 'update-settings', settings: {} } });
    expect(decodeText('{"type":"update-settings","settings":{"fps":30}}', 'client')).toEqual({
      ok: true,
      message: { type: 'update-settings', settings: { fps: 30 } },
    });
    expect(decodeText('{"type":"update-settings","settings":{"inputDelay":"auto"}}', 'client')).toEqual({
      ok: true,
      message: { type: 'update-settings', settings: { inputDelay: 'auto' } },
    });
  });
});

describe('control messages: strict decoding', () => {
  it('refuses what is not one JSON object in UTF-8', () => {
    expect(decodeControlMessage('{"type":"leave"}' as never)).toEqual({ ok: false, reason: 'not-bytes' });
    expect(decodeControlMessage(Uint8Array.of(0x7b, 0xff, 0x7d))).toEqual({ ok: false, reason: 'not-utf8' });
    expect(decodeControlMessage(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8('{"type":"leave"}')))).toEqual({ ok: false, reason: 'not-json' });
    expect(reason('')).toBe('not-json');
    expect(reason('{"type":"leave"')).toBe('not-json');
    expect(reason("{'type':'leave'}")).toBe('not-json');
    for (const t of ['null', '[]', '"leave"', '5', 'true', '[{"type":"leave"}]']) expect(reason(t)).toBe('not-object');
  });

  it('refuses unknown types, fields, and missing fields', () => {
    expect(reason('{}')).toBe('unknown-type');
    expect(reason('{"type":"kick"}')).toBe('unknown-type');
    expect(reason('{"type":"LEAVE"}')).toBe('unknown-type');
    expect(reason('{"type":5}')).toBe('unknown-type');
    expect(reason('{"type":"toString"}')).toBe('unknown-type');
    expect(reason('{"type":"leave","x":1}')).toBe('unknown-field');
    expect(reason('{"type":"set-ready","ready":true,"slot":1}')).toBe('unknown-field');
    expect(reason('{"type":"hello"}')).toBe('missing-field');
    expect(reason('{"type":"welcome","slot":1,"code":"ABCDEF","token":"' + TOKEN + '"}')).toBe('missing-field');
  });

  it('checks every field type and range exactly', () => {
    expect(reason('{"type":"set-ready","ready":1}')).toBe('bad-field');
    expect(reason('{"type":"set-ready","ready":"true"}')).toBe('bad-field');
    expect(reason('{"type":"set-ready","ready":null}')).toBe('bad-field');
    expect(reason(`{"type":"hello","token":"${TOKEN.toUpperCase()}"}`)).toBe('bad-field');
    expect(reason(`{"type":"hello","token":"${TOKEN}0"}`)).toBe('bad-field');
    expect(reason('{"type":"update-settings","settings":{"maxPlayers":17}}')).toBe('bad-field');
    expect(reason('{"type":"update-settings","settings":{"fps":30.5}}')).toBe('bad-field');
    expect(reason('{"type":"update-settings","settings":{"fps":"30"}}')).toBe('bad-field');
    expect(reason('{"type":"update-settings","settings":{"fps":"auto"}}')).toBe('bad-field');
    expect(reason('{"type":"update-settings","settings":{"inputDelay":"Auto"}}')).toBe('bad-field');
    expect(reason('{"type":"update-settings","settings":{"speed":3}}')).toBe('unknown-field');
    expect(reason('{"type":"update-settings","settings":[]}')).toBe('bad-field');
    expect(reason('{"type":"chat","text":""}')).toBe('bad-field');
    expect(reason(`{"type":"chat","text":"${'x'.repeat(201)}"}`)).toBe('bad-field');
    expect(reason(`{"type":"chat","text":"${'😀'.repeat(200)}"}`)).toBe('ok');
    expect(reason('{"type":"chat","text":"line\\nbreak"}')).toBe('bad-field');
    expect(reason('{"type":"chat","text":"\\u202egnp.exe"}')).toBe('bad-field');
    expect(reason('{"type":"chat","text":"\\ud800"}')).toBe('bad-field');
    expect(reason(`{"type":"welcome","slot":24,"code":"ABCDEF","token":"${TOKEN}","epoch":1}`)).toBe('bad-field');
    expect(reason(`{"type":"welcome","slot":1,"code":"abcdef","token":"${TOKEN}","epoch":1}`)).toBe('bad-field');
    expect(reason(`{"type":"welcome","slot":1,"code":"ABCDEF","token":"${TOKEN}","epoch":4294967296}`)).toBe('bad-field');
    expect(reason(`{"type":"welcome","slot":1,"code":"ABCDEF","token":"${TOKEN}","epoch":-1}`)).toBe('bad-field');
    expect(reason(`{"type":"welcome","slot":1,"code":"ABCDEF","token":"${TOKEN}","epoch":4294967295}`)).toBe('ok');
    expect(reason('{"type":"member-dropped","slot":1,"reason":"bored","epoch":1}')).toBe('bad-field');
    expect(reason('{"type":"error","code":"Not Owner","message":"x"}')).toBe('bad-field');
    expect(reason('{"type":"error","code":"not-owner","message":""}')).toBe('ok');
    expect(reason('{"type":"host-closing","reason":""}')).toBe('bad-field');
  });

  it('checks a room state for consistency: roles by slot, one owner, ascending slots, a match exactly while playing, of no later epoch', () => {
    const base = randomRoomState(new FixtureRandom(11));
    const state: RoomState = {
      ...base,
      phase: 'lobby',
      ownerSlot: 1,
      members: [
        { slot: 1, name: 'A', role: 'player', ready: false, connected: true, owner: true, color: 3, shape: 0 },
        { slot: 17, name: 'B', role: 'spectator', ready: false, connected: true, owner: false },
      ],
    };
    delete (state as { match?: unknown }).match;
    const check = (s: unknown) => reason(JSON.stringify({ type: 'room-state', state: s }), 'host');
    const m = state.members;
    expect(check(state)).toBe('ok');
    expect(check({ ...state, members: [{ ...m[0], role: 'spectator' }, m[1]] })).toBe('bad-field');
    expect(check({ ...state, members: [m[0], { ...m[1], owner: true }] })).toBe('bad-field');
    expect(check({ ...state, ownerSlot: 2 })).toBe('bad-field');
    expect(check({ ...state, ownerSlot: -1 })).toBe('bad-field');
    expect(check({ ...state, members: [m[1], m[0]] })).toBe('bad-field');
    expect(check({ ...state, members: [m[0], m[0]] })).toBe('bad-field');
    expect(check({ ...state, members: [], ownerSlot: -1, phase: 'closed' })).toBe('ok');
    expect(check({ ...state, phase: 'playing' })).toBe('missing-field');
    const match = { matchId: 1, epoch: state.epoch, seed: 2, players: [1, 3], colors: [3, 0], shapes: [0, 0], settings: state.settings, startFrame: 0 };
    expect(check({ ...state, settings: { ...state.settings, maxPlayers: 4 }, phase: 'playing', match: { ...match, settings: { ...state.settings, maxPlayers: 4 } } })).toBe('ok');
    expect(check({ ...state, phase: 'lobby', match })).toBe('bad-field');
    // Decided by this room's authority, or by an earlier one (a successor goes on with the old host's match); never a later one.
    expect(check({ ...state, epoch: 7, phase: 'playing', match: { ...match, epoch: 7 } })).toBe('ok');
    expect(check({ ...state, epoch: 7, phase: 'playing', match: { ...match, epoch: 6 } })).toBe('ok');
    expect(check({ ...state, epoch: 7, phase: 'playing', match: { ...match, epoch: 0 } })).toBe('ok');
    expect(check({ ...state, epoch: 7, phase: 'playing', match: { ...match, epoch: 8 } })).toBe('bad-field');
    expect(check({ ...state, epoch: 0, phase: 'playing', match: { ...match, epoch: 0xffffffff } })).toBe('bad-field');
    expect(check({ ...state, phase: 'playing', match: { ...match, players: [3, 1] } })).toBe('bad-field');
    expect(check({ ...state, phase: 'playing', match: { ...match, players: [1] } })).toBe('bad-field');
    expect(check({ ...state, phase: 'playing', match: { ...match, players: [1, 16] } })).toBe('bad-field');
    expect(check({ ...state, phase: 'playing', match: { ...match, startFrame: 1 } })).toBe('bad-field');
    expect(check({ ...state, phase: 'paused' })).toBe('bad-field');
  });

  it('looks: every player has a colour and a shape in range, no two players the same colour, a spectator none; a match decision one per player', () => {
    const base = randomRoomState(new FixtureRandom(11));
    const a = { slot: 0, name: 'A', role: 'player', ready: false, connected: true, owner: true, color: 15, shape: 15 };
    const b = { slot: 1, name: 'B', role: 'player', ready: false, connected: true, owner: false, color: 0, shape: 15 };
    const watcher = { slot: 16, name: 'W', role: 'spectator', ready: false, connected: true, owner: false };
    const state = { ...base, phase: 'lobby', ownerSlot: 0, members: [a, b, watcher] };
    delete (state as { match?: unknown }).match;
    const check = (s: unknown) => reason(JSON.stringify({ type: 'room-state', state: s }), 'host');
    expect(check(state)).toBe('ok');
    expect(check({ ...state, members: [a, { ...b, color: 15 }, watcher] })).toBe('bad-field'); // two alike
    expect(check({ ...state, members: [a, { ...b, shape: 15 }, watcher] })).toBe('ok'); // shapes may repeat
    for (const bad of [16, -1, 1.5, '1', null]) {
      expect(check({ ...state, members: [{ ...a, color: bad }, b, watcher] })).toBe('bad-field');
      expect(check({ ...state, members: [{ ...a, shape: bad }, b, watcher] })).toBe('bad-field');
    }
    const { color: _c, ...noColor } = a;
    expect(check({ ...state, members: [noColor, b, watcher] })).toBe('missing-field');
    expect(check({ ...state, members: [a, b, { ...watcher, color: 1, shape: 1 }] })).toBe('unknown-field');

    const match = { matchId: 1, epoch: 5, seed: 2, players: [0, 1], colors: [4, 9], shapes: [2, 2], settings: { maxPlayers: 2, inputDelay: 2, maxPrediction: 8, fps: 60, gameMode: 0 }, startFrame: 0 };
    const start = (m: unknown) => reason(JSON.stringify({ type: 'match-start', match: m, epoch: 5 }), 'host');
    expect(start(match)).toBe('ok');
    expect(start({ ...match, colors: [4, 4] })).toBe('bad-field');
    expect(start({ ...match, colors: [4] })).toBe('bad-field');
    expect(start({ ...match, shapes: [2, 2, 2] })).toBe('bad-field');
    expect(start({ ...match, colors: [4, 16] })).toBe('bad-field');
    const { shapes: _s, ...noShapes } = match;
    expect(start(noShapes)).toBe('missing-field');

    expect(decodeText('{"type":"set-look","color":15,"shape":0}', 'client')).toEqual({ ok: true, message: { type: 'set-look', color: 15, shape: 0 } });
    expect(reason('{"type":"set-look","color":16,"shape":0}', 'client')).toBe('bad-field');
    expect(reason('{"type":"set-look","color":2,"shape":-1}', 'client')).toBe('bad-field');
    expect(reason('{"type":"set-look","color":2}', 'client')).toBe('missing-field');
    expect(reason('{"type":"set-look","color":2,"shape":1,"slot":3}', 'client')).toBe('unknown-field');
    expect(reason('{"type":"set-look","color":2,"shape":1}', 'host')).toBe('wrong-direction');
  });

  it('a pings message: 1..24 [slot, ms] pairs, slots ascending and in range, whole ms within 0..60000', () => {
    const check = (pings: unknown) => reason(JSON.stringify({ type: 'pings', pings }), 'host');
    expect(decodeText('{"type":"pings","pings":[[0,12],[3,1],[17,60000]]}', 'host')).toEqual({
      ok: true,
      message: { type: 'pings', pings: [[0, 12], [3, 1], [17, 60000]] },
    });
    expect(check([[5, 0]])).toBe('ok');
    expect(check(Array.from({ length: 24 }, (_, slot) => [slot, slot * 10]))).toBe('ok');
    expect(check([])).toBe('bad-field'); // the host sends none rather than an empty one
    expect(check(Array.from({ length: 25 }, (_, slot) => [slot, 1]))).toBe('bad-field');
    expect(check([[24, 5]])).toBe('bad-field');
    expect(check([[-1, 5]])).toBe('bad-field');
    expect(check([[1.5, 5]])).toBe('bad-field');
    expect(check([[1, 5.5]])).toBe('bad-field');
    expect(check([[1, -1]])).toBe('bad-field');
    expect(check([[1, 60001]])).toBe('bad-field');
    expect(check([[1, '5']])).toBe('bad-field');
    expect(check([[1, null]])).toBe('bad-field');
    expect(check([[3, 5], [1, 5]])).toBe('bad-field'); // descending
    expect(check([[1, 5], [1, 6]])).toBe('bad-field'); // one entry per slot
    expect(check([[1]])).toBe('bad-field');
    expect(check([[1, 5, 0]])).toBe('bad-field');
    expect(check([{ slot: 1, ms: 5 }])).toBe('bad-field');
    expect(check({ 1: 5 })).toBe('bad-field');
    expect(reason('{"type":"pings"}', 'host')).toBe('missing-field');
    expect(reason('{"type":"pings","pings":[[1,5]],"epoch":1}', 'host')).toBe('unknown-field');
    expect(reason('{"type":"pings","pings":[[1,5]]}', 'client')).toBe('wrong-direction'); // a member cannot report pings
    const decoded = decodeText('{"type":"pings","pings":[[0,12]]}', 'host');
    if (!decoded.ok || decoded.message.type !== 'pings') throw new Error('refused');
    expect(Object.isFrozen(decoded.message.pings)).toBe(true);
    expect(Object.isFrozen(decoded.message.pings[0])).toBe(true);
  });

  it('a match-start must agree with its decision on the epoch', () => {
    const match = { matchId: 1, epoch: 5, seed: 2, players: [0, 1], colors: [0, 1], shapes: [0, 1], settings: { maxPlayers: 2, inputDelay: 2, maxPrediction: 8, fps: 60, gameMode: 1 }, startFrame: 0 };
    expect(reason(JSON.stringify({ type: 'match-start', match, epoch: 5 }), 'host')).toBe('ok');
    expect(reason(JSON.stringify({ type: 'match-start', match, epoch: 6 }), 'host')).toBe('bad-field');
  });

  it('refuses a message of the other side when told who sent it', () => {
    expect(reason(`{"type":"welcome","slot":1,"code":"ABCDEF","token":"${TOKEN}","epoch":1}`, 'client')).toBe('wrong-direction');
    expect(reason('{"type":"error","code":"x","message":"y"}', 'client')).toBe('wrong-direction');
    expect(reason('{"type":"leave"}', 'host')).toBe('wrong-direction');
    expect(reason('{"type":"chat","text":"hi"}', 'client')).toBe('ok');
    expect(reason('{"type":"chat","slot":2,"text":"hi"}', 'client')).toBe('unknown-field'); // a member cannot speak for a slot
    expect(reason('{"type":"chat","text":"hi"}', 'host')).toBe('missing-field');
    expect(decodeText('{"type":"chat","slot":2,"text":"hi"}')).toEqual({ ok: true, message: { type: 'chat', slot: 2, text: 'hi' } });
  });

  it('keeps prototype pollution out', () => {
    const attempts = [
      '{"type":"leave","__proto__":{"polluted":1}}',
      '{"__proto__":{"polluted":1},"type":"leave"}',
      '{"type":"update-settings","settings":{"__proto__":{"polluted":1}}}',
      '{"type":"update-settings","settings":{"constructor":{"prototype":{"polluted":1}}}}',
      '{"type":"room-state","state":{"__proto__":{"polluted":1}}}',
    ];
    for (const text of attempts) expect(reason(text)).toBe('unknown-field');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('size limits: 4096 bytes, 8192 for a room state, whose worst case needs more than 4096', () => {
    const leave = '{"type":"leave"}';
    expect(reason(leave + ' '.repeat(MAX_CONTROL_MESSAGE_BYTES - leave.length))).toBe('ok');
    expect(reason(leave + ' '.repeat(MAX_CONTROL_MESSAGE_BYTES - leave.length + 1))).toBe('too-large');
    const state = worstCaseRoom();
    const bytes = encodeControlMessage({ type: 'room-state', state });
    expect(bytes.length).toBeGreaterThan(MAX_CONTROL_MESSAGE_BYTES);
    expect(bytes.length).toBeLessThan(MAX_ROOM_STATE_MESSAGE_BYTES * 0.65); // about 5 KB with the players' looks
    expect(decodeControlMessage(bytes, 'host').ok).toBe(true);
    const text = new TextDecoder().decode(bytes);
    expect(reason(text + ' '.repeat(MAX_ROOM_STATE_MESSAGE_BYTES - bytes.length), 'host')).toBe('ok');
    expect(reason(text + ' '.repeat(MAX_ROOM_STATE_MESSAGE_BYTES - bytes.length + 1), 'host')).toBe('too-large');
    expect(decodeControlMessage(new Uint8Array(1_000_000))).toEqual({ ok: false, reason: 'too-large' });
  });
});

describe('control messages: the encoder refuses what a peer would refuse', () => {
  it('throws a RangeError for an invalid message', () => {
    const bad: unknown[] = [
      { type: 'chat', text: 'x'.repeat(201) },
      { type: 'chat', text: '' },
      { type: 'host-closing', reason: '' },
      { type: 'welcome', slot: 24, code: 'ABCDEF', token: TOKEN, epoch: 1 },
      { type: 'leave', extra: true },
      { type: 'set-ready', ready: 'yes' },
      { type: 'set-look', color: 16, shape: 0 },
      { type: 'update-settings', settings: { fps: 0 } },
      { type: 'member-dropped', slot: 1, reason: 'bored', epoch: 1 },
      { type: 'pings', pings: [] },
      { type: 'pings', pings: [[1, 0.5]] },
      { type: 'nope' },
      null,
    ];
    for (const message of bad) expect(() => encodeControlMessage(message as ControlMessage), JSON.stringify(message)).toThrow(RangeError);
  });

  it('does not send fields a value carries beyond its type', () => {
    const sneaky = { type: 'error', code: 'x', message: 'y', secret: 'token' } as unknown as HostControlMessage;
    expect(() => encodeControlMessage(sneaky)).toThrow(RangeError);
  });
});
