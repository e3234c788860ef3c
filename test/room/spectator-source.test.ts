import { describe, expect, it } from 'vitest';
import { spectatorSource } from '../../sdk/src/room/spectator-source.ts';
import type { RoomMember, RoomState } from '../../sdk/src/room/room-state.ts';
import { DEFAULT_ROOM_SETTINGS } from '../../sdk/src/room/room-settings.ts';

const member = (slot: number, connected = true): RoomMember => ({ slot, name: `m${slot}`, role: slot < 16 ? 'player' : 'spectator', ready: false, connected, owner: slot === 0 });

/** A room playing a match of `players`, with members `present` (connected unless in `down`). */
function room(players: number[], present: number[], down: number[] = [], rejoining: number[] = []): RoomState {
  return {
    code: 'ABCDEF',
    phase: 'playing',
    epoch: 1,
    ownerSlot: 0,
    settings: DEFAULT_ROOM_SETTINGS,
    hasPassword: false,
    members: present.map((s) => member(s, !down.includes(s))),
    match: { matchId: 7, epoch: 1, seed: 1, players, colors: players.map((_, i) => i), shapes: players.map((_, i) => i), settings: DEFAULT_ROOM_SETTINGS, startFrame: 0 },
    ...(rejoining.length > 0 ? { rejoining: rejoining.map((s, i) => [s, i] as const) } : {}),
  };
}

const spectators = [16, 17, 18, 19, 20, 21, 22, 23];

describe('spectatorSource: which player serves which spectator', () => {
  it('spreads the spectators over the match players, highest slot first, so none serves more than its share', () => {
    const r = room([0, 2, 5], [0, 2, 5, ...spectators]);
    expect(spectators.map((s) => spectatorSource(r, s))).toEqual([5, 2, 0, 5, 2, 0, 5, 2]);
    const two = room([0, 1], [0, 1, ...spectators]);
    const load = new Map<number, number>();
    for (const s of spectators) load.set(spectatorSource(two, s)!, (load.get(spectatorSource(two, s)!) ?? 0) + 1);
    expect([...load]).toEqual([[1, 4], [0, 4]]);
  });

  it("moves only the spectators of a player that lost its connection, left, or is coming back, and back when it returns", () => {
    const all = [0, 2, 5, ...spectators];
    const before = spectators.map((s) => spectatorSource(room([0, 2, 5], all), s));
    for (const change of [room([0, 2, 5], all, [5]), room([0, 2, 5], all.filter((s) => s !== 5)), room([0, 2, 5], all, [], [5])]) {
      const after = spectators.map((s) => spectatorSource(change, s));
      // Player 5's spectators go to the next one down (2); everyone else's stay.
      expect(after).toEqual(before.map((p) => (p === 5 ? 2 : p)));
    }
    // Two gone: everyone on the last one.
    expect(spectators.map((s) => spectatorSource(room([0, 2, 5], all, [0, 2]), s))).toEqual(spectators.map(() => 5));
  });

  it('names nobody without a match, a connected match player, or for a slot that is no spectator', () => {
    const r = room([0, 1], [0, 1, 16]);
    expect(spectatorSource(room([0, 1], [0, 1, 16], [0, 1]), 16)).toBeUndefined();
    expect(spectatorSource({ ...r, phase: 'lobby' }, 16)).toBeUndefined();
    const { match: _gone, ...noMatch } = r;
    expect(spectatorSource({ ...noMatch, phase: 'playing' }, 16)).toBeUndefined();
    for (const slot of [0, 15, 24, -1, 16.5, NaN]) expect(spectatorSource(r, slot)).toBeUndefined();
    // A member in the room that does not play this match never serves.
    expect(spectatorSource(room([0, 1], [0, 1, 3, 16], [0, 1]), 16)).toBeUndefined();
  });
});
