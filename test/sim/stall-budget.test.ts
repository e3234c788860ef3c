import { describe, expect, it } from 'vitest';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';
import { measurePlayFeel } from '../../sdk/bench/play-feel-probe.ts';

/**
 * Issue 12 ("play feel under light loss"): each standard profile × 4 and 8 players, seeds 1-3,
 * stays within a stall budget, in virtual time with the default session settings, measured as
 * `npm run bench`'s play-feel table does (sdk/bench/play-feel-probe.ts): a stall frame is a tick
 * on which a peer's FramePacer owed a frame and the session advanced none.
 *
 * The runs are 20 s of play after the last peer starts (the bench plays 60 s) so that the file
 * takes a few seconds. The start is counted in full, so a short run weighs it three times as
 * much per minute as the bench does: the budgets below are per minute of these short runs, about
 * twice the mean measured on them at 19f777e (lan 0, wifi 3 / 12.8, continental 0 / 0,
 * intercontinental 60.8 / 186.3 for 4 / 8 players), 10 or more where that was near 0. Before that
 * fix for start skew (at 3e65155) this file measured wifi 163 / 961, continental 111 / 729,
 * intercontinental 556 / 1324, and awful stalls of up to 1583 ms (4p) and 1800 ms (8p).
 *
 * awful cannot keep up by design (250 ms round trips against an 8-frame prediction window), so
 * its budget is the length of one stall instead: none longer than the profile's sender freeze
 * plus one round trip, the time a frozen sender's inputs need to arrive and be acknowledged.
 */
const profiles = loadNetworkProfiles();
const FRAMES = 1200;
const SEEDS = [1, 2, 3];

/** Stall frames per minute (all players summed, mean of seeds 1-3) allowed per profile and player count. */
const STALL_BUDGET_PER_MINUTE: Readonly<Record<string, Readonly<Record<number, number>>>> = {
  lan: { 4: 0, 8: 0 },
  wifi: { 4: 10, 8: 30 },
  continental: { 4: 10, 8: 20 },
  intercontinental: { 4: 120, 8: 350 },
};

describe.each(Object.keys(profiles.profiles))('stall budget on %s', (name) => {
  const profile = getProfile(profiles, name);
  it.each([4, 8])('%i players, seeds 1-3', (players) => {
    const runs = SEEDS.map((seed) => measurePlayFeel(profile, players, seed, FRAMES));
    const perMinute = runs.map((r) => Math.round(r.stallFramesPerMinute * 10) / 10);
    const longest = runs.map((r) => Math.round(r.longestStallMs));
    const budget = STALL_BUDGET_PER_MINUTE[name]?.[players];
    if (budget !== undefined) {
      const mean = perMinute.reduce((a, b) => a + b, 0) / runs.length;
      expect(mean, `stall frames/min by seed ${perMinute.join(', ')}; longest stalls ${longest.join(', ')} ms`).toBeLessThanOrEqual(budget);
    } else {
      const freezeMs = profile.freezes?.forMs ?? 0;
      const limitMs = freezeMs + profile.rttMs;
      for (const ms of longest) expect(ms, `longest stall by seed ${longest.join(', ')} ms (limit ${limitMs})`).toBeLessThanOrEqual(limitMs);
    }
  });
});

/**
 * The demo game's setting, `inputResendFrames: 1` (every input every frame; docs/main-loop.md):
 * what it pays for in bytes must buy no stall at all on wifi, continental and intercontinental at
 * 8 players, and on wifi and continental a confirmation median within one frame (16.7 ms) of the
 * limit (issue 12's latency target, which the default of 2 misses; docs/benchmarks.md). On
 * intercontinental 8p the bench's 60 s runs put the median 16.5 ms over the limit, too close to
 * the frame to assert on a 20 s run (17.9 there), so only its stalls are checked.
 */
describe('with inputResendFrames 1 (the demo game)', () => {
  it.each([
    ['wifi', true],
    ['continental', true],
    ['intercontinental', false],
  ] as const)('%s, 8 players, seed 1: no stall (confirmation within a frame of the limit: %s)', (name, checkLatency) => {
    const r = measurePlayFeel(getProfile(profiles, name), 8, 1, FRAMES, { inputResendFrames: 1 });
    expect(r.stallFrames).toBe(0);
    if (checkLatency) expect(r.confirmLatencyP50Ms - r.confirmLimitMs).toBeLessThanOrEqual(1000 / 60);
  });
});
