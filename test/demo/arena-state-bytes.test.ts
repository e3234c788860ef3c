import { describe, expect, it } from 'vitest';
import { ArenaGame } from '../../demo-game/src/sim/arena-game.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import { InputStatus } from '../../sdk/src/core/game.ts';
import { RandomInputs, stepWith } from './arena-helpers.ts';

/**
 * The optional `Game.encodeState` / `decodeState` (issue 13: a player who rejoins loads the match's
 * state from bytes another peer sent): a state that went through bytes must continue exactly as
 * the original, every word of it, including the PRNG's.
 */
describe('a game state as bytes', () => {
  it('the arena: a mid-match state sent as bytes plays on to the same checksums as the original', () => {
    for (const players of [2, 4, 8]) {
      const original = new ArenaGame({ players, seed: 7 });
      const inputs = new RandomInputs(99, players);
      for (let f = 0; f < 900; f++) stepWith(original, inputs.next());
      const bytes = original.encodeState(original.save());
      // A fresh game that never saw the match, as on the rejoining peer.
      const joiner = new ArenaGame({ players, seed: 1234 });
      joiner.load(joiner.decodeState(bytes));
      expect(joiner.checksum()).toBe(original.checksum());
      for (let f = 0; f < 600; f++) {
        const next = inputs.next();
        stepWith(original, next);
        stepWith(joiner, next);
        if (f % 60 === 0) expect(joiner.checksum(), `${players} players, frame ${f}`).toBe(original.checksum());
      }
      expect(Array.from(joiner.state.words)).toEqual(Array.from(original.state.words));
      // The demo's state is about 1.6 kB at 4 players.
      if (players === 4) expect(bytes.length).toBeLessThan(2048);
    }
  });

  it('the arena refuses bytes of another size, and a state for another player count', () => {
    const game = new ArenaGame({ players: 4, seed: 1 });
    const bytes = game.encodeState(game.save());
    expect(() => game.decodeState(bytes.subarray(0, bytes.length - 4))).toThrow(RangeError);
    expect(() => game.decodeState(bytes.subarray(0, bytes.length - 1))).toThrow(RangeError);
    const other = new ArenaGame({ players: 3, seed: 1 });
    expect(() => other.decodeState(bytes)).toThrow(/for 3 players/);
  });

  it("the SDK's TestGame does the same", () => {
    const game = new TestGame(3);
    const step = (g: TestGame, f: number) => g.step([0, 1, 2].map((p) => ({ input: Uint8Array.of((f * (p + 3)) & 15), status: InputStatus.Confirmed })));
    for (let f = 0; f < 100; f++) step(game, f);
    const copy = new TestGame(3);
    copy.load(copy.decodeState(game.encodeState(game.save())));
    for (let f = 100; f < 200; f++) {
      step(game, f);
      step(copy, f);
    }
    expect(copy.checksum()).toBe(game.checksum());
    expect(() => new TestGame(4).decodeState(game.encodeState(game.save()))).toThrow(RangeError);
  });
});
