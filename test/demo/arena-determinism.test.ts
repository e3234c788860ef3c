import { describe, expect, it } from 'vitest';
import { InputStatus } from '../../sdk/src/core/game.ts';
import { ArenaGame } from '../../demo-game/src/sim/arena-game.ts';
import { ArenaConfig } from '../../demo-game/src/sim/arena-config.ts';
import { ArenaButton, arenaInput } from '../../demo-game/src/sim/arena-input.ts';
import type { ArenaInput } from '../../demo-game/src/sim/arena-input.ts';
import { ArenaState } from '../../demo-game/src/sim/arena-state.ts';
import { ArenaMode } from '../../demo-game/src/sim/arena-mode.ts';
import { RandomInputs, stepWith } from './arena-helpers.ts';
import { fullArena } from '../../demo-game/bench/full-arena.ts';

function runScript(seed: number, players: number, frames: number, tweak?: (frame: number, inputs: ArenaInput[]) => void, mode: ArenaMode = ArenaMode.Classic): ArenaGame {
  const game = new ArenaGame({ players, seed, mode });
  const random = new RandomInputs(seed, players);
  for (let f = 0; f < frames; f++) {
    const inputs = random.next();
    tweak?.(f, inputs);
    stepWith(game, inputs);
  }
  return game;
}

describe('ArenaGame determinism', () => {
  it('two instances fed the same inputs agree after 10,000 frames; one different input changes the result', () => {
    const a = runScript(42, 4, 10_000);
    const b = runScript(42, 4, 10_000);
    expect(b.checksum()).toBe(a.checksum());
    expect(Array.from(b.state.words)).toEqual(Array.from(a.state.words));
    // At one frame of the first round, player 2 steers right (or left, if the script already had it
    // steer right) instead of its scripted input, while it is alive and in control.
    expect(a.state.frame).toBe(10_000);
    const c = runScript(42, 4, 10_000, (f, inputs) => {
      if (f === 1500) inputs[2] = arenaInput(inputs[2]! & ArenaButton.Right ? ArenaButton.Left : ArenaButton.Right);
    });
    const probe = runScript(42, 4, 1500);
    expect(probe.isAlive(2) && !probe.isStunned(2) && !probe.isDashing(2)).toBe(true);
    expect(c.checksum()).not.toBe(a.checksum());
  });

  it('a different seed gives a different match from the same inputs', () => {
    expect(runScript(42, 4, 500).checksum()).not.toBe(new ArenaGame({ players: 4, seed: 43 }).checksum());
    const a = new ArenaGame({ players: 4, seed: 1 });
    const b = new ArenaGame({ players: 4, seed: 2 });
    expect(a.checksum()).not.toBe(b.checksum()); // spawn ring rotation comes from the seed
  });

  it('the result does not depend on Confirmed vs Predicted status', () => {
    const a = new ArenaGame({ players: 3, seed: 9 });
    const b = new ArenaGame({ players: 3, seed: 9 });
    const random = new RandomInputs(9, 3);
    for (let f = 0; f < 3000; f++) {
      const inputs = random.next();
      stepWith(a, inputs);
      stepWith(b, inputs, f % 3 === 0 ? [InputStatus.Predicted, InputStatus.Confirmed, InputStatus.Predicted] : undefined);
    }
    expect(b.checksum()).toBe(a.checksum());
  });

  it('save → step → load → step gives the same checksums, across a disconnect and a round change', () => {
    const players = 4;
    const game = runScript(3, players, 2900); // near the end of round 1
    const random = new RandomInputs(77, players);
    const script = Array.from({ length: 300 }, () => random.next());
    const statuses = (f: number): InputStatus[] =>
      [0, 1, 2, 3].map((p) => (p === 3 && f >= 40 ? InputStatus.Disconnected : InputStatus.Confirmed));
    const saved = game.save();
    const first: number[] = [];
    for (let f = 0; f < script.length; f++) {
      stepWith(game, f >= 40 ? script[f]!.map((x, p) => (p === 3 ? 0 : x)) : script[f]!, statuses(f));
      first.push(game.checksum());
    }
    const round = game.round;
    expect(game.isRemoved(3)).toBe(true);
    game.load(saved);
    expect(game.isRemoved(3)).toBe(false);
    for (let f = 0; f < script.length; f++) {
      stepWith(game, f >= 40 ? script[f]!.map((x, p) => (p === 3 ? 0 : x)) : script[f]!, statuses(f));
      expect(game.checksum()).toBe(first[f]);
    }
    expect(game.round).toBe(round);
  });

  it('save(reuse) writes into the given state and returns it; a saved state does not alias the live one', () => {
    const game = runScript(5, 8, 400);
    const old = game.save();
    const words = Array.from(old.words);
    stepWith(game, new Array<ArenaInput>(8).fill(arenaInput(ArenaButton.Fire | ArenaButton.Up)));
    expect(Array.from(old.words)).toEqual(words); // stepping did not touch the save
    const again = game.save(old);
    expect(again).toBe(old);
    expect(again.words).toBe(old.words);
    game.load(again);
    expect(game.save().words).toEqual(again.words);
    // A state for another player count is not reused.
    expect(game.save(new ArenaState(2)).players).toBe(8);
  });

  it('golden checksum after a fixed seeded script (changes whenever a rule or tunable changes)', () => {
    const game = runScript(2024, 3, 4000);
    // Sanity: the script reaches the second round with knock-outs, so the golden value covers them.
    expect(game.round).toBe(2);
    let falls = 0;
    for (let p = 0; p < 3; p++) falls += game.state.falls[p]!;
    expect(falls).toBeGreaterThan(0);
    expect(game.checksum()).toBe(2010101169);
  });

  it.each([
    [2, 3446425199],
    [4, 1400109186],
    [8, 1527667409],
  ])('shrinking ring: golden checksum with %i players after a fixed seeded script', (players, golden) => {
    const game = new ArenaGame({ players, seed: 2024, mode: ArenaMode.ShrinkingRing });
    const random = new RandomInputs(2024, players);
    let smallest = Infinity;
    let fallsWhileClosed = 0;
    for (let f = 0; f < 4000; f++) {
      const falls = Array.from(game.state.falls);
      stepWith(game, random.next());
      smallest = Math.min(smallest, game.ringRadius);
      for (let p = 0; p < players; p++) if (game.ringRadius < 300 && game.state.falls[p]! > falls[p]!) fallsWhileClosed++;
    }
    // Sanity: the script reaches the second round, the ring really closed and players fell out of it.
    expect(game.round).toBe(2);
    expect(smallest).toBeLessThanOrEqual(150);
    expect(fallsWhileClosed).toBeGreaterThan(0);
    expect(game.checksum() >>> 0).toBe(golden);
    // The same script in Classic is another match.
    expect(runScript(2024, players, 4000).checksum()).not.toBe(game.checksum());
  });

  it('a rollback over a full arena (8 players firing, whole bullet pool live) re-simulates to the same states', () => {
    // The worst case of the rollback benchmark (npm run bench:demo), checked for correctness here.
    const arena = fullArena(8, 11);
    const { game } = arena;
    expect(Array.from({ length: ArenaConfig.BULLET_CAPACITY }, (_, b) => game.isBulletActive(b)).every(Boolean)).toBe(true);
    const saved = game.save();
    const first: number[] = [];
    for (let f = 0; f < 8; f++) {
      arena.step();
      first.push(game.checksum());
    }
    const spare = game.save();
    for (let r = 0; r < 3; r++) {
      game.save(spare);
      game.load(saved);
      const again: number[] = [];
      for (let f = 0; f < 8; f++) {
        arena.step();
        again.push(game.checksum());
      }
      expect(again).toEqual(first);
    }
    expect(game.frame).toBe(saved.frame + 8);
    expect(new Set(first).size).toBe(8); // the frames really differ: bullets moved
  });
});
