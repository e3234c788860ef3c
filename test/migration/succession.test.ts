import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { successionLine, successorOf } from '../../sdk/src/migration/succession.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';
import type { RoomState } from '../../sdk/src/room/room-state.ts';
import { FixtureRandom, randomRoomHandover } from '../room/control-fixtures.ts';

/** A room of a real authority: players in slots 0..3, spectators in 16 and 17. */
function room(): { a: RoomAuthority; code: string } {
  const prng = new Prng(3);
  const a = new RoomAuthority({ random: () => prng.nextU32() });
  const created = a.createRoom({ name: 'P0', settings: { maxPlayers: 8 } }, 0);
  if (!created.ok) throw new Error(created.error);
  const { code } = created;
  for (const [name, role] of [['S16', 'spectator'], ['P1', 'player'], ['P2', 'player'], ['S17', 'spectator'], ['P3', 'player']] as const) {
    if (!a.join({ code, name, role }, 0).ok) throw new Error(name);
  }
  return { a, code };
}

describe('successionLine', () => {
  it('is the connected players by slot, lowest first; spectators never', () => {
    const { a, code } = room();
    const state = a.room(code)!;
    expect(state.members.map((m) => m.slot)).toEqual([0, 1, 2, 3, 16, 17]);
    expect(successionLine(state)).toEqual([0, 1, 2, 3]);
    expect(successorOf(state)).toBe(0);
  });

  it('skips members the state shows disconnected and those `live` says are gone', () => {
    const { a, code } = room();
    a.connectionLost(code, 0, 0);
    a.connectionLost(code, 2, 0);
    const state = a.room(code)!;
    expect(state.ownerSlot).toBe(0); // still the owner, but not the one to take over
    expect(successionLine(state)).toEqual([1, 3]);
    expect(successorOf(state)).toBe(1);
    expect(successionLine(state, (slot) => slot !== 1)).toEqual([3]);
    expect(successorOf(state, (slot) => slot !== 1)).toBe(3);
    // `live` never brings back a member the state shows disconnected.
    expect(successionLine(state, () => true)).toEqual([1, 3]);
  });

  it('is empty when no player can take over: all dead, all disconnected, only spectators left', () => {
    const { a, code } = room();
    const state = a.room(code)!;
    expect(successionLine(state, () => false)).toEqual([]);
    expect(successorOf(state, () => false)).toBeUndefined();
    for (const s of [0, 1, 2, 3]) a.connectionLost(code, s, 0);
    expect(successionLine(a.room(code)!)).toEqual([]);
    for (const s of [0, 1, 2, 3]) a.leave(code, s);
    const spectators = a.room(code)!;
    expect(spectators.members.map((m) => m.slot)).toEqual([16, 17]);
    expect(spectators.ownerSlot).toBe(16); // a spectator may own the room, never take it over
    expect(successionLine(spectators)).toEqual([]);
    expect(successorOf(spectators)).toBeUndefined();
  });

  it('does not depend on the order members are listed in, and asks `live` about players only', () => {
    const { a, code } = room();
    const state = a.room(code)!;
    const shuffled: RoomState = { ...state, members: [...state.members].reverse() };
    expect(successionLine(shuffled)).toEqual([0, 1, 2, 3]);
    const asked: number[] = [];
    successionLine(state, (slot) => {
      asked.push(slot);
      return true;
    });
    expect(asked.sort((x, y) => x - y)).toEqual([0, 1, 2, 3]);
  });

  it('every member computes the same line from the same state (random rooms)', () => {
    const r = new FixtureRandom(0x5ecc);
    for (let i = 0; i < 300; i++) {
      const { state } = randomRoomHandover(r);
      const line = successionLine(state);
      // The same state, as another member decoded it: the same line.
      expect(successionLine(JSON.parse(JSON.stringify(state)) as RoomState)).toEqual(line);
      const expected = state.members.filter((m) => m.role === 'player' && m.connected).map((m) => m.slot);
      expect(line).toEqual(expected);
      expect(line.every((s, k) => s < 16 && (k === 0 || s > line[k - 1]!))).toBe(true);
      expect(successorOf(state)).toBe(line[0]);
    }
  });
});
