import { describe, expect, it } from 'vitest';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';
import { BotRunner } from '../../demo-game/src/match/bot-runner.ts';
import { SimulatorRunner } from '../../demo-game/src/match/simulator-runner.ts';
import { MatchOverWatch } from '../../demo-game/src/match/match-over-watch.ts';
import type { MatchRunner } from '../../demo-game/src/match/match-runner.ts';
import { debugHooks } from '../../demo-game/src/app/debug-hooks.ts';
import { ArenaGame, ArenaPhase, botInput } from '../../demo-game/src/sim/index.ts';

const profiles = loadNetworkProfiles();

/** Ticks a runner every `stepMs` of virtual time, the local player driven by the bot, until it finishes. */
function playOut(runner: MatchRunner, stepMs: number, limitMs: number): { ms: number; notices: string[] } {
  const notices: string[] = [];
  let now = 1000;
  const sample = () => botInput(runner.game.state, runner.localPlayer, runner.game.frame);
  while (!runner.finished && now < 1000 + limitMs) {
    runner.tick(now, sample);
    for (const n of runner.drainNotices()) notices.push(`${n.kind}: ${n.text}`);
    now += stepMs;
  }
  return { ms: now - 1000, notices };
}

describe("the demo's match runners, in virtual time", () => {
  it('vs bots: a whole match under SyncTest, with no mismatch, ends with a winner', () => {
    const runner = new BotRunner({ bots: 3, seed: 5, playerName: 'me', syncTest: true });
    const { notices } = playOut(runner, 4, 15 * 60_000);
    expect(runner.finished).toBe(true);
    expect(runner.game.phase).toBe(ArenaPhase.MatchOver);
    expect(runner.game.matchWinner).toBeGreaterThanOrEqual(0);
    expect(notices.filter((n) => n.startsWith('desync'))).toEqual([]);
  });

  it('network simulator on the awful profile: 4 sessions play a whole match to the end, with no desync', () => {
    const runner = new SimulatorRunner({ players: 4, profileName: 'awful', profile: getProfile(profiles, 'awful'), seed: 9, playerName: 'me' });
    const { notices } = playOut(runner, 5, 20 * 60_000);
    expect(runner.finished).toBe(true);
    expect(runner.game.matchWinner).toBeGreaterThanOrEqual(0);
    expect(notices.filter((n) => n.startsWith('desync') || n.startsWith('drop'))).toEqual([]);
    // The sessions really exchanged checksums all along, and really rolled back.
    expect(Object.keys(debugHooks.checksums).length).toBeGreaterThan(50);
    expect(runner.desyncFrames).toEqual([]);
    expect(runner.droppedNames).toEqual([]);
    expect(runner.summary().maxRollbackFrames).toBeGreaterThan(0);
    runner.dispose();
  });

  it('lockstep over the simulator ends too (everything confirmed before it is shown)', () => {
    const runner = new SimulatorRunner({ players: 2, profileName: 'continental', profile: getProfile(profiles, 'continental'), seed: 3, playerName: 'me', maxPrediction: 0 });
    playOut(runner, 5, 20 * 60_000);
    expect(runner.finished).toBe(true);
    expect(runner.summary().maxRollbackFrames).toBe(0);
    runner.dispose();
  });
});

describe('MatchOverWatch', () => {
  it('waits for the frame where the match was decided to be confirmed, and forgets a predicted end that a rollback undid', () => {
    const game = new ArenaGame({ players: 2, seed: 1 });
    const watch = new MatchOverWatch();
    const state = game.state as unknown as { phase: number; frame: number };
    state.frame = 500;
    state.phase = ArenaPhase.MatchOver;
    watch.update(game);
    expect(watch.decided(480)).toBe(false); // confirmation trails the present (a slow link)
    state.frame = 520;
    watch.update(game);
    expect(watch.decided(500)).toBe(true);
    state.phase = ArenaPhase.Playing; // rolled back: the end was only predicted
    watch.update(game);
    expect(watch.decided(10_000)).toBe(false);
  });
});
