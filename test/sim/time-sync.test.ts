import { describe, expect, it } from 'vitest';
import { SimulatedMatch } from '../../sdk/src/sim/simulated-match.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';

const profiles = loadNetworkProfiles();

describe('time sync', () => {
  it('holds back a peer whose clock runs 3% fast, so nobody is forced into constant stalls', () => {
    const match = new SimulatedMatch({ players: 3, seed: 21, profile: getProfile(profiles, 'continental'), clockRates: [1.03, 1, 1] });
    match.runFrames(60, 30_000);
    match.runUntil(match.clock.now() + 60_000);
    const [fast, ...others] = match.peers;
    // Unchecked, the fast peer would be 108 frames ahead after a minute (3% of 3600).
    for (const other of others) expect(Math.abs(fast!.session.currentFrame - other.session.currentFrame)).toBeLessThanOrEqual(4);
    expect(fast!.session.framesAhead).toBeLessThan(4);
    // It gives the time up gently, by slowing down, rather than by hitting the prediction wall.
    expect(fast!.session.stats().stallFrames).toBeLessThan(150);
    expect(match.compareChecksums().mismatchedFrames).toEqual([]);
  });

  it('recommends waiting to a peer that runs ahead regardless', () => {
    const match = new SimulatedMatch({ players: 2, seed: 5, profile: getProfile(profiles, 'lan') });
    match.runFrames(120, 30_000);
    // Peer 0 ignores its pacer: an extra frame every 10 ticks, for 20 s.
    const peer = match.peers[0]!;
    for (let i = 0; i < 1200; i++) {
      match.runUntil(match.clock.now() + match.frameMs);
      if (i % 10 === 0) peer.session.advanceFrame(new Uint8Array(2));
      peer.events.push(...peer.session.events());
    }
    const waits = peer.events.filter((e) => e.type === 'wait-recommendation');
    expect(waits.length).toBeGreaterThan(0);
    for (const w of waits) if (w.type === 'wait-recommendation') expect(w.frames).toBeGreaterThanOrEqual(2);
    expect(match.peers[1]!.events.some((e) => e.type === 'wait-recommendation')).toBe(false);
  });
});

describe('per-peer stats', () => {
  it('track the real network: round trip, jitter, loss, bytes, advantage and rollbacks', () => {
    const profile = getProfile(profiles, 'intercontinental');
    const match = new SimulatedMatch({ players: 4, seed: 8, profile });
    match.runFrames(600, 30_000);
    // Loss over the last 8 s of play (~300 packets a link). 3% loss, 1% duplicates: the estimate
    // is loss net of duplication, ~2%. One link may read 0 by chance; the mean over links may not.
    const rates = match.peers.flatMap((peer) => peer.session.stats().peers.map((s) => s.lossRate));
    for (const rate of rates) expect(rate).toBeLessThan(0.08);
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    expect(mean).toBeGreaterThan(0.01);
    expect(mean).toBeLessThan(0.04);
    match.runUntil(match.clock.now() + 60_000);
    for (const peer of match.peers) {
      const stats = peer.session.stats();
      expect(stats.peers).toHaveLength(3);
      for (const s of stats.peers) {
        expect(s.connected).toBe(true);
        expect(s.rttMs).toBeGreaterThan(profile.rttMs - 2 * profile.jitterMs);
        expect(s.rttMs).toBeLessThan(profile.rttMs + 2 * profile.jitterMs);
        expect(s.jitterMs).toBeGreaterThan(0);
        expect(s.jitterMs).toBeLessThan(4 * profile.jitterMs);
        expect(s.sendBytesPerSecond).toBeGreaterThan(100);
        expect(s.sendBytesPerSecond).toBeLessThan(1000);
        expect(s.receiveBytesPerSecond).toBeGreaterThan(100);
        expect(Math.abs(s.localFrameAdvantage)).toBeLessThan(4);
        expect(Math.abs(s.remoteFrameAdvantage)).toBeLessThan(4);
        expect(s.packetsSent).toBeGreaterThan(1500);
      }
      expect(stats.peers.reduce((a, s) => a + s.rollbackFrames, 0)).toBe(stats.rollbackFrames);
      expect(stats.rollbackFrames).toBeGreaterThan(0);
    }
  });
});
