import { describe, expect, it } from 'vitest';
import { SyncTestSession } from '../../sdk/src/core/sync-test-session.ts';
import { ArenaGame } from '../../demo-game/src/sim/arena-game.ts';
import { arenaInputCodec } from '../../demo-game/src/sim/arena-input.ts';
import type { ArenaInput } from '../../demo-game/src/sim/arena-input.ts';
import { botInput } from '../../demo-game/src/sim/arena-bot.ts';
import { ArenaPhase } from '../../demo-game/src/sim/arena-state.ts';
import { ArenaMode } from '../../demo-game/src/sim/arena-mode.ts';
import { RandomInputs } from './arena-helpers.ts';

/** Runs a SyncTest (every frame rolled back 8 frames and re-simulated) and returns the game. */
function syncTest(players: number, frames: number, inputsFor: (game: ArenaGame, frame: number) => ArenaInput[], mode: ArenaMode = ArenaMode.Classic): ArenaGame {
  const game = new ArenaGame({ players, seed: 1000 + players, mode });
  const session = new SyncTestSession({ game, players, input: arenaInputCodec, checkDistance: 8 });
  for (let f = 0; f < frames; f++) {
    const mismatch = session.advanceFrame(inputsFor(game, f));
    if (mismatch !== undefined) expect.fail(`mismatch at frame ${mismatch.frame}: ${JSON.stringify(mismatch)}`);
  }
  expect(session.currentFrame).toBe(frames);
  expect(game.frame).toBe(frames);
  return game;
}

function totalFalls(game: ArenaGame): number {
  let falls = 0;
  for (let p = 0; p < game.players; p++) falls += game.state.falls[p]!;
  return falls;
}

describe('ArenaGame under SyncTestSession (checkDistance 8)', () => {
  it.each([
    [2, 7000],
    [4, 7000],
    [8, 7000],
  ])('%i players, %i frames of random inputs: no mismatch, and the rounds actually play out', (players, frames) => {
    const random = new RandomInputs(players * 77, players);
    const game = syncTest(players, frames, () => random.next());
    // 7000 frames span two full rounds (3000 frames each): knock-outs happened and rounds advanced.
    expect(game.round).toBeGreaterThanOrEqual(3);
    expect(totalFalls(game)).toBeGreaterThan(0);
  });

  it.each([2, 4, 8])('shrinking ring, %i players: random inputs and bots through a whole closing round, no mismatch', (players) => {
    const random = new RandomInputs(players * 31, players);
    let smallest = Infinity;
    // 3400 frames: the countdown, a round whose ring closes fully, the round's end and the next countdown.
    const game = syncTest(
      players,
      3400,
      (g, f) => {
        smallest = Math.min(smallest, g.ringRadius);
        return f % 2 === 0 ? random.next() : Array.from({ length: players }, (_, p) => botInput(g.state, p, f));
      },
      ArenaMode.ShrinkingRing,
    );
    expect(smallest).toBeLessThanOrEqual(150);
    expect(game.round).toBeGreaterThanOrEqual(2);
    expect(totalFalls(game)).toBeGreaterThan(0);
  });

  it('bots playing each other (4 players, 9000 frames): no mismatch, knock-outs and round results', () => {
    const game = syncTest(4, 9000, (g, f) => [0, 1, 2, 3].map((p) => botInput(g.state, p, f)));
    expect(totalFalls(game)).toBeGreaterThan(0);
    let rounds = 0;
    for (let p = 0; p < 4; p++) rounds += game.playerScore(p);
    expect(rounds).toBeGreaterThan(0);
  });

  it('2 bots play a whole match to a winner without a mismatch', () => {
    const players = 2;
    const game = new ArenaGame({ players, seed: 5 });
    const session = new SyncTestSession({ game, players, input: arenaInputCodec, checkDistance: 8 });
    const inputs = new Array<ArenaInput>(players);
    let f = 0;
    while (game.phase !== ArenaPhase.MatchOver && f < 30_000) {
      for (let p = 0; p < players; p++) inputs[p] = botInput(game.state, p, f);
      expect(session.advanceFrame(inputs)).toBeUndefined();
      f++;
    }
    expect(game.phase).toBe(ArenaPhase.MatchOver);
    expect(game.matchWinner).toBeGreaterThanOrEqual(0);
    expect(game.playerScore(game.matchWinner)).toBe(3);
  });
});
