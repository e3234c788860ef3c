import { describe, expect, it } from 'vitest';
import { SimulatedMatch } from '../../sdk/src/sim/simulated-match.ts';
import type { SimulatedPeer } from '../../sdk/src/sim/simulated-match.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';

const profiles = loadNetworkProfiles();

function dropFrames(peers: readonly SimulatedPeer[], player: number): number[] {
  return peers.map((peer) => {
    const event = peer.events.find((e) => e.type === 'disconnected' && e.player === player);
    return event?.type === 'disconnected' ? event.frame : Number.NaN;
  });
}

describe('a player that vanishes', () => {
  it.each([
    ['wifi', 4, 1],
    ['continental', 4, 2],
    ['intercontinental', 4, 3],
    ['intercontinental', 8, 4],
    ['awful', 4, 5],
  ] as const)('on %s with %i players (seed %i) is dropped by every survivor at one frame, and the rest play on', (profileName, players, seed) => {
    const match = new SimulatedMatch({ players, seed, profile: getProfile(profiles, profileName), session: { checksumIntervalFrames: 10 } });
    match.runFrames(600, 60_000);
    const victim = players - 1;
    match.kill(victim);
    const killedAt = match.clock.now();
    match.runUntil(killedAt + 20_000);
    const survivors = match.peers.filter((p) => p.player !== victim);
    const frames = dropFrames(survivors, victim);
    expect(frames.every(Number.isFinite)).toBe(true);
    expect(new Set(frames).size).toBe(1);
    expect(frames[0]).toBeGreaterThan(500);
    // They went on: 20 s after the crash, well past the drop, all in agreement.
    for (const peer of survivors) {
      expect(peer.session.currentFrame).toBeGreaterThan(frames[0]! + 600);
      expect(peer.session.peerStats(victim).connected).toBe(false);
      expect(peer.events.some((e) => e.type === 'interrupted' && e.player === victim)).toBe(true);
    }
    const comparison = match.compareChecksums();
    expect(comparison.mismatchedFrames).toEqual([]);
    expect(comparison.framesCompared).toBeGreaterThan(100);
  });

  it('two crashes a few seconds apart are each agreed on, and the last two players go on', () => {
    const match = new SimulatedMatch({ players: 4, seed: 9, profile: getProfile(profiles, 'continental'), session: { checksumIntervalFrames: 10 } });
    match.runFrames(300, 60_000);
    match.kill(1);
    match.runUntil(match.clock.now() + 3_000);
    match.kill(3);
    match.runUntil(match.clock.now() + 15_000);
    const survivors = match.peers.filter((p) => p.alive);
    for (const player of [1, 3]) {
      const frames = dropFrames(survivors, player);
      expect(frames.every(Number.isFinite)).toBe(true);
      expect(new Set(frames).size).toBe(1);
    }
    expect(match.compareChecksums().mismatchedFrames).toEqual([]);
    for (const peer of survivors) expect(peer.session.currentFrame).toBeGreaterThan(1000);
  });

  it('in lockstep, survivors also agree and go on', () => {
    const match = new SimulatedMatch({
      players: 3,
      seed: 12,
      profile: getProfile(profiles, 'wifi'),
      session: { maxPrediction: 0, inputDelay: 3, checksumIntervalFrames: 10 },
    });
    match.runFrames(400, 60_000);
    match.kill(0);
    match.runUntil(match.clock.now() + 10_000);
    const survivors = match.peers.filter((p) => p.alive);
    const frames = dropFrames(survivors, 0);
    expect(new Set(frames).size).toBe(1);
    expect(frames.every(Number.isFinite)).toBe(true);
    for (const peer of survivors) expect(peer.session.currentFrame).toBeGreaterThan(frames[0]! + 300);
    expect(match.compareChecksums().mismatchedFrames).toEqual([]);
  });

  it('survivors that are all stalled, with every input acknowledged, still agree', () => {
    // A perfect network and a tiny prediction window: when a player vanishes, every survivor
    // stalls at once with nothing left to send but the news of the drop.
    const match = new SimulatedMatch({
      players: 3,
      seed: 3,
      profile: getProfile(profiles, 'lan'),
      inputChangeRate: 0,
      session: { maxPrediction: 1, disconnectTimeoutMs: 300, disconnectNotifyStartMs: 100 },
    });
    match.runFrames(120, 30_000);
    match.kill(2);
    match.runUntil(match.clock.now() + 3_000);
    const survivors = match.peers.filter((p) => p.alive);
    const frames = dropFrames(survivors, 2);
    expect(frames.every(Number.isFinite)).toBe(true);
    expect(new Set(frames).size).toBe(1);
    for (const peer of survivors) expect(peer.session.currentFrame).toBeGreaterThan(frames[0]! + 120);
  });

  const sweep: [string, number][] = [];
  for (const profile of ['lan', 'wifi', 'continental', 'intercontinental']) for (let seed = 100; seed < 108; seed++) sweep.push([profile, seed]);
  it.each(sweep)('on %s, seed %i: a crash at a random moment is agreed on and survived', (profileName, seed) => {
    const match = new SimulatedMatch({ players: 4, seed, profile: getProfile(profiles, profileName), session: { checksumIntervalFrames: 10 } });
    match.runFrames(100 + (seed % 7) * 37, 60_000);
    match.runUntil(match.clock.now() + (seed % 5) * 3.3);
    const victim = seed % 4;
    match.kill(victim);
    match.runUntil(match.clock.now() + 6_000);
    const survivors = match.peers.filter((p) => p.alive);
    const frames = dropFrames(survivors, victim);
    expect(frames.every(Number.isFinite)).toBe(true);
    expect(new Set(frames).size).toBe(1);
    for (const peer of survivors) expect(peer.session.currentFrame).toBeGreaterThan(frames[0]! + 150);
    expect(match.compareChecksums().mismatchedFrames).toEqual([]);
  });

  it('a player whose only opponent vanished does not play on alone: it is isolated, then ends', () => {
    // With 2 players no one can witness the other's silence: it may as well be our own link's.
    // (In a hosted match the room decides the crash, see test/sim/hosted-match.test.ts.)
    const match = new SimulatedMatch({ players: 2, seed: 4, profile: getProfile(profiles, 'lan') });
    match.runFrames(200, 30_000);
    match.kill(1);
    const killedAt = match.clock.now();
    match.runUntil(killedAt + 20_000);
    const [alone] = match.peers;
    expect(dropFrames([alone!], 1).every(Number.isNaN)).toBe(true);
    const types = alone!.events.map((e) => e.type);
    expect(types.indexOf('isolated')).toBeGreaterThan(types.indexOf('interrupted'));
    expect(alone!.events.at(-1)).toEqual({ type: 'ended', reason: 'isolated' });
    expect(alone!.session.endReason).toBe('isolated');
    // It stalled at its prediction limit meanwhile, and ended 15 s (isolationTimeoutMs) after the crash.
    expect(alone!.session.currentFrame).toBeLessThanOrEqual(alone!.session.confirmedFrame + 1 + 8);
    expect(alone!.session.currentFrame).toBeLessThan(300);
  });
});
