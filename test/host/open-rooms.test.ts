import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost } from '../../sdk/src/host/geckos-host.ts';
import type { RunningHost } from '../../sdk/src/host/geckos-host.ts';
import { OPEN_ROOMS_PATH, OpenRoomsEndpoint, openRooms } from '../../sdk/src/host/open-rooms.ts';
import type { OpenRoom } from '../../sdk/src/host/open-rooms.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';

const PASSWORD = 'hunter2-secret';

/** An authority with three rooms: an open lobby, a password room, and one playing a match. */
function threeRooms(authority: RoomAuthority): { lobby: string; locked: string; playing: string; tokens: string[] } {
  const t = 0;
  const lobby = authority.createRoom({ name: 'Łukasz', settings: { maxPlayers: 6 } }, t);
  const locked = authority.createRoom({ name: 'Ada', password: PASSWORD }, t);
  const playing = authority.createRoom({ name: 'Brook' }, t);
  if (!lobby.ok || !locked.ok || !playing.ok) throw new Error('rooms not created');
  const joined = authority.join({ code: lobby.code, name: '小明 🐉', role: 'player' }, t);
  const watcher = authority.join({ code: lobby.code, name: 'Eve', role: 'spectator' }, t);
  const second = authority.join({ code: playing.code, name: 'Cy', role: 'player' }, t);
  if (!joined.ok || !watcher.ok || !second.ok) throw new Error('joins failed');
  authority.setReady(playing.code, 0, true);
  authority.setReady(playing.code, second.slot, true);
  if (!authority.start(playing.code, 0, t).ok) throw new Error('no match');
  return { lobby: lobby.code, locked: locked.code, playing: playing.code, tokens: [lobby.token, locked.token, playing.token, joined.token, watcher.token, second.token] };
}

describe('the open room list', () => {
  it('lists each room with its owner, players, phase and whether it needs a password, and no secret', () => {
    const prng = new Prng(7);
    const authority = new RoomAuthority({ random: () => prng.nextU32() });
    const { lobby, locked, playing, tokens } = threeRooms(authority);
    const rooms = openRooms(authority);
    expect(rooms).toEqual<OpenRoom[]>([
      { code: lobby, owner: 'Łukasz', players: 2, maxPlayers: 6, spectators: 1, phase: 'lobby', hasPassword: false },
      { code: locked, owner: 'Ada', players: 1, maxPlayers: 4, spectators: 0, phase: 'lobby', hasPassword: true },
      { code: playing, owner: 'Brook', players: 2, maxPlayers: 4, spectators: 0, phase: 'playing', hasPassword: false },
    ]);
    const json = JSON.stringify(rooms);
    expect(json).not.toContain(PASSWORD);
    for (const token of tokens) expect(json).not.toContain(token);
    // A room that empties is gone from the list.
    authority.leave(locked, 0);
    expect(openRooms(authority).map((r) => r.code)).toEqual([lobby, playing]);
  });

  it('is built at most once per cacheMs whatever the requests, and limits each address', () => {
    let built = 0;
    const directory = {
      roomCodes: () => {
        built++;
        return [];
      },
      room: () => undefined,
    };
    const endpoint = new OpenRoomsEndpoint(directory, { cacheMs: 1000, perSecond: 2, burst: 3 });
    // Many addresses polling within a second: one build.
    for (let i = 0; i < 50; i++) expect(endpoint.answer(`10.0.0.${i}`, 100 + i)).toEqual({ status: 200, body: '{"rooms":[]}' });
    expect(built).toBe(1);
    expect(endpoint.answer('10.0.0.1', 1200).status).toBe(200);
    expect(built).toBe(2);
    // One address flooding: its burst, then 429 until its rate refills; the others are not affected.
    const flood = Array.from({ length: 6 }, () => endpoint.answer('10.9.9.9', 2000).status);
    expect(flood).toEqual([200, 200, 200, 429, 429, 429]);
    expect(endpoint.answer('10.0.0.2', 2000).status).toBe(200);
    expect(endpoint.answer('10.9.9.9', 2500).status).toBe(200);
    expect(() => new OpenRoomsEndpoint(directory, { perSecond: 0 })).toThrow(RangeError);
  });
});

describe('a host serving the open room list', () => {
  let host: RunningHost;
  let hidden: RunningHost;
  const get = (h: RunningHost, path = OPEN_ROOMS_PATH) => fetch(`http://127.0.0.1:${h.port}${path}`);

  beforeAll(async () => {
    host = await startHost({ port: 0, bindAddress: '127.0.0.1', roomList: { perSecond: 1, burst: 4 } });
    hidden = await startHost({ port: 0, bindAddress: '127.0.0.1', roomList: false });
  });
  afterAll(async () => {
    await host?.close();
    await hidden?.close();
  });

  it('answers GET with the rooms as JSON, no-store, without secrets; refuses a flood with 429; a host started with roomList false lists nothing', async () => {
    const { lobby, locked, playing, tokens } = threeRooms(host.relay.authority);
    const res = await get(host);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const body = JSON.parse(text) as { rooms: OpenRoom[] };
    expect(body.rooms.map((r) => [r.code, r.owner, r.phase, r.hasPassword])).toEqual([
      [lobby, 'Łukasz', 'lobby', false],
      [locked, 'Ada', 'lobby', true],
      [playing, 'Brook', 'playing', false],
    ]);
    expect(text).not.toContain(PASSWORD);
    for (const token of tokens) expect(text).not.toContain(token);
    // Other methods are not the list (no static folder here: 404).
    expect((await fetch(`http://127.0.0.1:${host.port}${OPEN_ROOMS_PATH}`, { method: 'POST', body: 'x' })).status).toBe(404);
    // The burst of 4 is spent (one GET above, three here), then refused and counted.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(host)).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(host.stats().refused['room-list-rate-limited']).toBe(2);
    expect((await get(hidden)).status).toBe(404);
  });
});
