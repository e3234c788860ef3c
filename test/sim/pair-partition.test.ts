import { afterAll, describe, expect, it } from 'vitest';
import { SimulatedMatch } from '../../sdk/src/sim/simulated-match.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

/**
 * Two players who can no longer reach each other while both still reach everyone else: what a
 * pair that talked through the host's relay is left with when the host dies (docs/host-migration.md).
 * The sessions must not split into two matches: every session that plays on drops the same
 * players at the same frames, those are one or both of the pair (no one else), they end
 * ('removed'), and the others agree on every checksum. Dropping only one would be kinder; today
 * both go in about a quarter of the cases (printed), which peer relay will make moot. Hosted-match timeouts (5 s drop), every standard profile but awful (whose 20%
 * burst loss cuts other pairs at random too), 3 to 8 players, random pair and moment, many seeds.
 */
const profiles = loadNetworkProfiles();
const NAMES = Object.keys(profiles.profiles).filter((n) => n !== 'awful');
const CASES = 48;
/** How often one or both of the pair were dropped (printed at the end: see docs/host-migration.md). */
const outcomes = { one: 0, both: 0 };

describe('a pair cut off from each other, everyone else still linked', () => {
  afterAll(() => console.info(`pair partitions: one of the pair dropped in ${outcomes.one} cases, both in ${outcomes.both}`));
  // Indexes 219 and 291 of the same generator: the dropped peer once took checksums of frames
  // built on its own inputs that no survivor ever received (fixed in issue 12).
  const indexes = [...Array.from({ length: CASES }, (_, i) => i), 219, 291];
  const cases = indexes.map((i) => {
    const rng = new Prng(0xc07 + i * 104729);
    const players = 3 + rng.nextInt(6);
    const a = rng.nextInt(players);
    const b = (a + 1 + rng.nextInt(players - 1)) % players;
    return { seed: i + 1, profileName: NAMES[i % NAMES.length]!, players, a, b, cutAtMs: 3000 + rng.nextInt(4000) };
  });

  it.each(cases)('seed $seed: $players players on $profileName, $a and $b cut at $cutAtMs ms', ({ seed, profileName, players, a, b, cutAtMs }) => {
    const profile = getProfile(profiles, profileName);
    const m = new SimulatedMatch({ players, seed, profile, session: { disconnectTimeoutMs: 5000, checksumIntervalFrames: 10 } });
    m.runUntil(cutAtMs);
    const cut: NetworkProfile = { rttMs: profile.rttMs, jitterMs: 0, loss: 1, duplicate: 0, reorder: 0 };
    const [pa, pb] = [m.peers[a]!, m.peers[b]!];
    m.network.setLinkProfile(pa.address, pb.address, cut);
    m.network.setLinkProfile(pb.address, pa.address, cut);
    m.runUntil(cutAtMs + 20_000);

    // No split: every session still running has dropped the same players at the same frames,
    // and they are exactly the ones that ended ('removed'): one of the pair, or both.
    const running = m.peers.filter((p) => p.session.state === 'running');
    const ended = m.peers.filter((p) => p.session.state !== 'running');
    const dropsOf = (p: (typeof m.peers)[number]) => p.events.flatMap((e) => (e.type === 'disconnected' ? [`${e.player}@${e.frame}`] : [])).sort();
    const drops = dropsOf(running[0]!);
    for (const p of running) expect(dropsOf(p), `player ${p.player}`).toEqual(drops);
    expect(ended.length).toBeGreaterThanOrEqual(1);
    expect(ended.length).toBeLessThanOrEqual(2);
    for (const p of ended) {
      expect([a, b]).toContain(p.player);
      expect(p.events.some((e) => e.type === 'ended' && e.reason === 'removed'), `player ${p.player} ends as removed`).toBe(true);
    }
    expect(drops.map((d) => Number(d.split('@')[0])).sort()).toEqual(ended.map((p) => p.player).sort());
    // A dropped peer took no checksum of a frame past its agreed last input: the state at the
    // start of frame f rests on inputs through f - 1, and the survivors have its inputs only
    // through the agreed frame.
    for (const p of ended) {
      const agreed = Number(drops.find((d) => d.startsWith(`${p.player}@`))!.split('@')[1]);
      const past = [...p.checksums.keys()].filter((f) => f - 1 > agreed);
      expect(past, `player ${p.player}, agreed last frame ${agreed}`).toEqual([]);
    }
    outcomes[ended.length === 1 ? 'one' : 'both']++;
    for (const p of m.peers) expect(p.events.filter((e) => e.type === 'desync')).toEqual([]);
    const { mismatchedFrames, framesCompared } = m.compareChecksums();
    expect(mismatchedFrames).toEqual([]);
    expect(framesCompared).toBeGreaterThan(20);
  });
});
