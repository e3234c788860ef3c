import { describe, expect, it } from 'vitest';
import { roomChanges } from '../../sdk/src/host/room-log.ts';
import { lanUrls } from '../../sdk/src/host/lan-urls.ts';
import { DEFAULT_ROOM_SETTINGS } from '../../sdk/src/room/room-settings.ts';
import type { RoomMember, RoomState } from '../../sdk/src/room/room-state.ts';

const member = (slot: number, name: string, extra: Partial<RoomMember> = {}): RoomMember => ({ slot, name, role: 'player', ready: false, connected: true, owner: slot === 0, ...extra });
const room = (members: RoomMember[], extra: Partial<RoomState> = {}): RoomState => ({
  code: 'K7QM2P',
  phase: 'lobby',
  epoch: 1,
  ownerSlot: 0,
  settings: DEFAULT_ROOM_SETTINGS,
  hasPassword: false,
  members,
  ...extra,
});
const rooms = (...states: RoomState[]) => new Map(states.map((s) => [s.code, s]));

describe('the host terminal log', () => {
  it('says who created, joined, dropped, came back and left, and when matches start and end', () => {
    const seen = new Set<string>();
    // A new member's connection opens just after it joined: part of joining, not a return.
    const opening = room([member(0, 'Łukasz', { connected: false })]);
    expect(roomChanges(rooms(), rooms(opening), seen)).toEqual(['Łukasz created room K7QM2P.']);
    const created = room([member(0, 'Łukasz')]);
    expect(roomChanges(rooms(opening), rooms(created), seen)).toEqual([]);
    const joined = room([member(0, 'Łukasz'), member(1, '小明 🐉'), member(16, 'Eve', { role: 'spectator' })]);
    expect(roomChanges(rooms(created), rooms(joined), seen)).toEqual(['小明 🐉 joined room K7QM2P.', 'Eve joined room K7QM2P to watch.']);
    const playing = room([member(0, 'Łukasz'), member(1, '小明 🐉', { connected: false })], {
      phase: 'playing',
      match: { matchId: 1, epoch: 1, seed: 7, players: [0, 1], colors: [0, 1], shapes: [0, 1], settings: DEFAULT_ROOM_SETTINGS, startFrame: 0 },
    });
    expect(roomChanges(rooms(joined), rooms(playing), seen)).toEqual([
      '小明 🐉 lost the connection to room K7QM2P (their seat is kept for a while).',
      'Eve left room K7QM2P.',
      'Match started in room K7QM2P: Łukasz, 小明 🐉.',
    ]);
    const back = room([member(0, 'Łukasz'), member(1, '小明 🐉')]);
    expect(roomChanges(rooms(playing), rooms(back), seen)).toEqual(['小明 🐉 is back in room K7QM2P.', 'Match ended in room K7QM2P.']);
    expect(roomChanges(rooms(back), rooms())).toEqual(['Room K7QM2P closed.']);
    expect(roomChanges(rooms(), rooms(back))).toEqual(['Room K7QM2P is on this host (again): Łukasz, 小明 🐉.']);
  });
});

describe('the LAN addresses a host gives its pages', () => {
  it('lists every LAN address on 0.0.0.0, none on loopback, the bound one otherwise', () => {
    const found = () => ['192.168.1.20', '10.0.0.5'];
    expect(lanUrls('0.0.0.0', 8080, found)).toEqual(['http://192.168.1.20:8080/', 'http://10.0.0.5:8080/']);
    expect(lanUrls('127.0.0.1', 8080, found)).toEqual([]);
    expect(lanUrls('localhost', 8080, found)).toEqual([]);
    expect(lanUrls('192.168.1.20', 9000, found)).toEqual(['http://192.168.1.20:9000/']);
    expect(lanUrls('fd00::2', 9000, found)).toEqual(['http://[fd00::2]:9000/']);
  });
});
