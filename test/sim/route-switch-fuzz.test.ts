import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { StandardRoute } from '../../sdk/src/transport/routed-transport.ts';
import { RoutedMatch, randomSwitches } from '../helpers/routed-match.ts';

/**
 * Determinism under route switches, broad rather than deep: many short matches, each with its own
 * seed, network profile (every standard one), player count (2 to 8), start route and switch
 * pattern (frequent, with the two sides of a pair apart by up to a relay one-way delay). Every
 * match must agree on every checksum, raise no desync and drop nobody. route-switch.test.ts
 * checks fewer matches in depth (stalls against baselines).
 * BACKSPIN_ROUTE_SWITCH_FUZZ=N runs N matches (default 96).
 */
const profiles = loadNetworkProfiles();
const names = Object.keys(profiles.profiles);
const COUNT = Math.max(1, Number(process.env['BACKSPIN_ROUTE_SWITCH_FUZZ'] ?? 96));
/** Virtual time per match (ms): the start, then switches for most of the rest. */
const MATCH_MS = 9000;

describe('route switches, fuzzed over seeds, profiles and player counts', () => {
  const cases = Array.from({ length: COUNT }, (_, i) => {
    const rng = new Prng(0x5e1f + i * 7919);
    return { seed: i + 1, profileName: names[rng.nextInt(names.length)]!, players: 2 + rng.nextInt(7), direct: rng.nextInt(2) === 0, perPair: 2 + rng.nextInt(5) };
  });

  it.each(cases)('seed $seed: $players players on $profileName, $perPair switches per pair', ({ seed, profileName, players, direct, perPair }) => {
    const profile = getProfile(profiles, profileName);
    const startRoute = direct ? StandardRoute.Direct : StandardRoute.Relay;
    const fromMs = profileName === 'awful' ? 3000 : 1000;
    const switches = randomSwitches({ players, seed, perPair, fromMs, toMs: MATCH_MS - 500, skewMs: Math.max(1, Math.ceil(profile.rttMs)), startRoute });
    const routed = new RoutedMatch({ players, seed, profile, startRoute, switches, session: { checksumIntervalFrames: 10 } });
    const { match } = routed;
    match.runUntil(MATCH_MS);
    const context = `seed ${seed}, ${players} players on ${profileName}`;
    expect(routed.applied.length, context).toBe(switches.length);
    for (const peer of match.peers) {
      expect(peer.events.filter((e) => e.type === 'desync'), context).toEqual([]);
      expect(peer.events.filter((e) => e.type === 'disconnected' || e.type === 'ended'), context).toEqual([]);
    }
    const { mismatchedFrames, framesCompared } = match.compareChecksums();
    expect(mismatchedFrames, context).toEqual([]);
    // Awful's 20% burst loss and half-second relay may hold a start back; every other match compares many frames.
    expect(framesCompared, context).toBeGreaterThanOrEqual(profileName === 'awful' ? 1 : 20);
  });
});
