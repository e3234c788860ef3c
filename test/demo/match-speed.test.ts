import { describe, expect, it } from 'vitest';
import { MAX_MATCH_SPEED, matchSpeedFromLink } from '../../demo-game/src/app/match-speed.ts';
import { BotRunner } from '../../demo-game/src/match/bot-runner.ts';
import { NEUTRAL_INPUT } from '../../demo-game/src/sim/index.ts';

describe('?speed= for bot matches', () => {
  it('reads a whole number from 1 to the maximum, and real time otherwise', () => {
    expect(matchSpeedFromLink('?speed=8')).toBe(8);
    expect(matchSpeedFromLink(`?speed=${MAX_MATCH_SPEED}`)).toBe(MAX_MATCH_SPEED);
    for (const bad of ['', '?speed=0', '?speed=-2', '?speed=2.5', `?speed=${MAX_MATCH_SPEED + 1}`, '?speed=fast']) expect(matchSpeedFromLink(bad), bad).toBe(1);
  });

  it('steps a bot match that many frames per 60 Hz frame', () => {
    const normal = new BotRunner({ bots: 1, seed: 1, playerName: 'me', syncTest: false });
    const fast = new BotRunner({ bots: 1, seed: 1, playerName: 'me', syncTest: false, speed: 8 });
    for (let now = 0; now <= 1000; now += 10) {
      normal.tick(now, () => NEUTRAL_INPUT);
      fast.tick(now, () => NEUTRAL_INPUT);
    }
    expect(normal.frame).toBeGreaterThanOrEqual(59);
    expect(normal.frame).toBeLessThanOrEqual(62);
    expect(fast.frame / normal.frame).toBeCloseTo(8, 0);
  });
});
