import { describe, expect, it } from 'vitest';
import { SimulatedMatch } from '../../sdk/src/sim/simulated-match.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';

/**
 * Every standard profile × 2, 4 and 8 players × many seeds, thousands of frames of random input
 * each: all peers agree on every compared confirmed checksum, keep up with real time (up to the
 * intercontinental profile) and never deadlock (the awful profile too).
 *
 * BACKSPIN_CONVERGENCE_SCALE=N multiplies the seeds for a longer soak.
 */
const profiles = loadNetworkProfiles();
const scale = Math.max(1, Number(process.env['BACKSPIN_CONVERGENCE_SCALE'] ?? 1));
const FRAMES = 2400; // 40 s of play per match
const SEEDS: Record<number, number> = { 2: 12 * scale, 4: 5 * scale, 8: 2 * scale };
/** Profiles on which each peer must advance at least 95% of the frames real time allows. */
const KEEPS_UP = new Set(['lan', 'wifi', 'continental', 'intercontinental']);

interface Case {
  profile: string;
  players: number;
  seed: number;
  changeRate: number;
}

const cases: Case[] = [];
for (const profile of Object.keys(profiles.profiles)) {
  for (const players of [2, 4, 8]) {
    for (let i = 0; i < SEEDS[players]!; i++) {
      // Alternate a person-like input stream with the worst case: a new random input every frame.
      cases.push({ profile, players, seed: 1 + i + players * 1000, changeRate: i % 2 === 0 ? 0.1 : 1 });
    }
  }
}

describe.each(Object.keys(profiles.profiles))('convergence on %s', (profileName) => {
  const profile = getProfile(profiles, profileName);
  it.each(cases.filter((c) => c.profile === profileName))('$players players, seed $seed, input change rate $changeRate', ({ players, seed, changeRate }) => {
    const match = new SimulatedMatch({
      players,
      seed,
      profile,
      inputChangeRate: changeRate,
      session: { checksumIntervalFrames: 10 },
    });
    const started = match.runFrames(1, 10_000);
    expect(started).toBe(true);
    const lastStart = Math.max(...match.peers.map((p) => p.runningAtMs));
    match.runUntil(lastStart + FRAMES * match.frameMs);

    // 1. Determinism: every compared confirmed frame agrees, and there was plenty to compare
    //    (a checksum every 10 frames, up to the newest frame every peer has confirmed).
    const comparison = match.compareChecksums();
    const confirmed = Math.min(...match.peers.map((p) => p.session.confirmedFrame));
    expect(comparison.mismatchedFrames).toEqual([]);
    expect(comparison.framesCompared).toBeGreaterThanOrEqual(Math.floor(confirmed / 10));
    for (const peer of match.peers) {
      expect(peer.events.filter((e) => e.type === 'desync')).toEqual([]);
      expect(peer.events.filter((e) => e.type === 'disconnected')).toEqual([]);
    }

    // 2. Keeping up with real time.
    if (KEEPS_UP.has(profileName)) {
      for (const peer of match.peers) {
        expect(peer.session.currentFrame / match.framesAllowed(peer)).toBeGreaterThanOrEqual(0.95);
      }
    }

    // 3. No deadlock: soon every frame any peer reached is confirmed everywhere.
    const reached = Math.min(...match.peers.map((p) => p.session.currentFrame));
    expect(reached).toBeGreaterThan(profileName === 'awful' ? FRAMES / 3 : FRAMES * 0.95);
    match.runUntil(match.clock.now() + 15_000);
    for (const peer of match.peers) expect(peer.session.confirmedFrame).toBeGreaterThanOrEqual(reached);
    expect(match.compareChecksums().mismatchedFrames).toEqual([]);
  });
});
