import { describe, expect, it } from 'vitest';
import { AUTO_INPUT_DELAY, AutoInputDelay, targetInputDelay } from '../../sdk/src/core/auto-input-delay.ts';
import { SimulatedMatch } from '../../sdk/src/sim/simulated-match.ts';
import { NETWORK_PRESETS } from '../../sdk/src/sim/network-presets.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';

const FRAME_MS = 1000 / 60;
const { minFrames, maxFrames } = AUTO_INPUT_DELAY;
const link = (rttMs: number, jitterMs: number) => ({ rttMs, jitterMs });

describe('targetInputDelay', () => {
  it('is the slowest link’s one-way trip plus jitter in frames, within 1..4', () => {
    // Round trips as the session measures them on the standard profiles (a little above the
    // profile's, since polling adds to them).
    expect(targetInputDelay([link(3, 0.5)], FRAME_MS, minFrames, maxFrames)).toBe(1); // lan: 2 ms of 16.7, still 1 frame
    expect(targetInputDelay([link(48, 8)], FRAME_MS, minFrames, maxFrames)).toBe(2); // wifi: 32 ms
    expect(targetInputDelay([link(90, 10)], FRAME_MS, minFrames, maxFrames)).toBe(3); // continental: 55 ms
    expect(targetInputDelay([link(170, 20)], FRAME_MS, minFrames, maxFrames)).toBe(4); // intercontinental: 105 ms, capped
    expect(targetInputDelay([link(3, 0.5), link(90, 10), link(48, 8)], FRAME_MS, minFrames, maxFrames)).toBe(3); // the slowest decides
  });

  it('leaves out links not measured yet, and has no target without any', () => {
    expect(targetInputDelay([], FRAME_MS, minFrames, maxFrames)).toBeUndefined();
    expect(targetInputDelay([link(0, 0), link(Number.NaN, 0)], FRAME_MS, minFrames, maxFrames)).toBeUndefined();
    expect(targetInputDelay([link(0, 0), link(90, 10)], FRAME_MS, minFrames, maxFrames)).toBe(3);
  });
});

describe('AutoInputDelay', () => {
  it('moves one frame only after the target has stayed above it for the hold (1 s)', () => {
    const auto = new AutoInputDelay(60, 2);
    const far = [link(90, 10)]; // target 3
    expect(auto.update(0, far, true)).toBe(2);
    expect(auto.update(999, far, true)).toBe(2);
    expect(auto.update(1000, far, true)).toBe(3);
    expect(auto.update(5000, far, true)).toBe(3); // there: it stays
    expect(auto.frames).toBe(3);
  });

  it('climbs one frame per hold toward a distant target, never jumping', () => {
    const auto = new AutoInputDelay(60, 1);
    const seen: number[] = [];
    for (let t = 0; t <= 4000; t += 100) seen.push(auto.update(t, [link(170, 20)], true));
    expect(seen[0]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(Math.abs(seen[i]! - seen[i - 1]!)).toBeLessThanOrEqual(1);
    expect(seen.at(-1)).toBe(4);
    expect(seen.indexOf(2) * 100).toBe(1000);
    expect(seen.indexOf(3) * 100).toBe(2000);
    expect(seen.indexOf(4) * 100).toBe(3000);
  });

  it('a target that flips back and forth moves nothing: the hold starts again each time', () => {
    const auto = new AutoInputDelay(60, 2);
    for (let t = 0; t < 10_000; t += 100) {
      const rtt = Math.floor(t / 600) % 2 === 0 ? 90 : 48; // target 3 for 600 ms, then 2 for 600 ms
      expect(auto.update(t, [link(rtt, rtt === 90 ? 10 : 8)], true)).toBe(2);
    }
  });

  it('keeps either delay near a half-way mark: a trip of 2.6 frames moves neither 2 up nor 3 down', () => {
    const trip = [link(2 * 2.6 * FRAME_MS, 0)];
    for (const start of [2, 3]) {
      const auto = new AutoInputDelay(60, start);
      for (let t = 0; t <= 5000; t += 100) expect(auto.update(t, trip, true)).toBe(start);
    }
  });

  it('lowers only while the player’s input is steady, so no press is dropped', () => {
    const auto = new AutoInputDelay(60, 3);
    const near = [link(48, 8)]; // target 2
    expect(auto.update(0, near, false)).toBe(3);
    expect(auto.update(1500, near, false)).toBe(3); // held long enough, but the player is pressing keys
    expect(auto.update(1516, near, true)).toBe(2);
  });

  it('keeps its delay while nothing is measured, and starts within its bounds', () => {
    const auto = new AutoInputDelay(60, 8);
    expect(auto.frames).toBe(maxFrames);
    expect(auto.update(10_000, [], true)).toBe(maxFrames);
    expect(new AutoInputDelay(60, 0).frames).toBe(minFrames);
  });

  it('refuses bounds and rates that make no sense', () => {
    expect(() => new AutoInputDelay(0, 2)).toThrow(RangeError);
    expect(() => new AutoInputDelay(60, 2, { minFrames: 3, maxFrames: 2 })).toThrow(/minFrames <= maxFrames/);
    expect(() => new AutoInputDelay(60, 2, { minFrames: 1.5 })).toThrow(RangeError);
    expect(() => new AutoInputDelay(60, 2, { holdMs: -1 })).toThrow(/holdMs/);
  });
});

describe("a session with inputDelay 'auto'", () => {
  /** One match on `profile`, every peer on 'auto', sampled each tick: each peer's delay over time and the checksums. */
  function play(profile: NetworkProfile, players: number, seed: number, ms: number) {
    const delays: number[][] = Array.from({ length: players }, () => []);
    const match: SimulatedMatch = new SimulatedMatch({
      players,
      seed,
      profile,
      session: { inputDelay: 'auto' },
      beforePoll: (player) => delays[player]!.push(match.peers[player]!.session.inputDelay),
    });
    match.runUntil(ms);
    return { match, delays, checks: match.compareChecksums() };
  }

  // The measured round trip includes the game loop's tick at both ends (about 18 ms here), so the
  // continental preset's one-way trip plus jitter measures 3.2 to 4.6 frames: 3 or 4 both fit.
  it.each([
    ['lan', [1]],
    ['wifi', [2]],
    ['continental', [3, 4]],
    ['intercontinental', [4]],
  ] as const)('on %s every peer settles on %j frames, one frame at a time, and the match stays in agreement', (name, expected) => {
    for (const seed of [1, 2]) {
      const { match, delays, checks } = play(NETWORK_PRESETS[name], 4, seed, 20_000);
      for (const [player, seen] of delays.entries()) {
        const session = match.peers[player]!.session;
        expect(session.autoInputDelay).toBe(true);
        expect(expected, `${name} seed ${seed} player ${player}: ${session.inputDelay} frames`).toContain(session.inputDelay);
        for (let i = 1; i < seen.length; i++) expect(Math.abs(seen[i]! - seen[i - 1]!)).toBeLessThanOrEqual(1);
        // It does not wander: after the first 8 s, at most one change back and forth.
        const late = seen.slice(Math.floor(seen.length * 0.4));
        expect(late.filter((d, i) => i > 0 && d !== late[i - 1]).length).toBeLessThanOrEqual(2);
      }
      expect(checks.mismatchedFrames, `${name} seed ${seed}`).toEqual([]);
      expect(checks.framesCompared).toBeGreaterThan(10); // one checksum a second
    }
  });

  it('a fixed delay set later stops it; setInputDelay("auto") starts it again from there', () => {
    const match = new SimulatedMatch({ players: 2, seed: 3, profile: NETWORK_PRESETS.continental, session: { inputDelay: 'auto' } });
    match.runUntil(8000);
    const session = match.peers[0]!.session;
    expect([3, 4]).toContain(session.inputDelay);
    session.setInputDelay(6);
    match.runUntil(12_000);
    expect([session.autoInputDelay, session.inputDelay]).toEqual([false, 6]);
    session.setInputDelay('auto');
    match.runUntil(20_000);
    expect(session.autoInputDelay).toBe(true);
    expect([3, 4]).toContain(session.inputDelay); // back down from 6, one frame a second
    expect(match.compareChecksums().mismatchedFrames).toEqual([]);
  });
});
