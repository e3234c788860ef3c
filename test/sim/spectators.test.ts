import { describe, expect, it } from 'vitest';
import { SpectatedMatch } from '../../sdk/src/sim/spectated-match.ts';
import type { SimulatedSpectator } from '../../sdk/src/sim/spectated-match.ts';
import { SimulatedMatch } from '../../sdk/src/sim/simulated-match.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { sessionFingerprint } from '../../sdk/src/core/session-fingerprint.ts';
import { SpectatorMessageType, decodeSpectatorPacket, encodeSpectatorPacket } from '../../sdk/src/protocol/spectator-message-codec.ts';
import { MAX_PACKET_BYTES } from '../../sdk/src/protocol/messages.ts';

/**
 * Issue 13, part 2, in virtual time: spectators watch a match through a player's `SpectatorFeed`
 * (`SpectatedMatch`: feeds on players 0 and 1, spectators ticking at 60 Hz). Every checksum a
 * spectator takes must equal the players' confirmed checksum of that frame.
 */
const profiles = loadNetworkProfiles();
const profileNames = Object.keys(profiles.profiles);

const SPECTATOR = { checksumIntervalFrames: 30, sourceTimeoutMs: 1500 } as const;
const DELAY = 6;
const CATCH_UP_AFTER = 6;

/** The players' prediction window (frames): after a stall, up to this many frames confirm at once. */
const PREDICTION = 8;

/**
 * Most frames a caught-up spectator may show behind the players' newest confirmed frame: its
 * delay and catch-up threshold, a burst of frames confirmed at once, plus the way there in frames
 * (a one-way trip, four deviations, a resend after a loss (100 ms) and the feed's batching (33 ms)).
 */
function lagBound(profile: NetworkProfile, frameMs: number): number {
  return DELAY + CATCH_UP_AFTER + PREDICTION + Math.ceil((profile.rttMs / 2 + 4 * profile.jitterMs + 133) / frameMs);
}

/** Spectators whose source was lost since `sinceEvent` (an index into their events) switch to `to`. */
function switchOnLoss(spectators: readonly SimulatedSpectator[], sinceEvent: readonly number[], to: string): void {
  spectators.forEach((s, i) => {
    if (s.session.source !== to && s.events.slice(sinceEvent[i]).some((e) => e.type === 'source-lost')) s.session.switchSource(to);
  });
}

/**
 * Samples of `spectators` between `fromMs` and `toMs`, each within the bounds of a caught-up
 * spectator: its lag behind the players' newest confirmed frame within `bound`, and its buffer at
 * its target, beyond target + threshold only while a burst is caught up. On a lossy network the
 * players themselves confirm frames in bursts (they stall at their prediction limit, then many
 * frames confirm at once), so bursts are more frequent there.
 */
function expectCaughtUp(spectators: readonly SimulatedSpectator[], fromMs: number, toMs: number, bound: number, profile: NetworkProfile, context: string): void {
  const burstShare = profile.loss >= 0.1 ? 0.35 : 0.1;
  for (const s of spectators) {
    const samples = s.samples.filter((x) => x.atMs >= fromMs && x.atMs < toMs);
    expect(samples.length, `${context}: ${s.address} watched`).toBeGreaterThan(0);
    const worst = Math.max(...samples.map((x) => x.lagFrames));
    expect(worst, `${context}: ${s.address} lag`).toBeLessThanOrEqual(bound);
    const buffers = samples.map((x) => x.bufferFrames).sort((a, b) => a - b);
    expect(buffers[buffers.length >> 1], `${context}: ${s.address} median buffer`).toBeLessThanOrEqual(DELAY + 3);
    const over = samples.filter((x) => x.bufferFrames > DELAY + CATCH_UP_AFTER).length;
    expect(over / samples.length, `${context}: ${s.address} buffer over its bound`).toBeLessThan(burstShare);
  }
}

function expectInSync(m: SpectatedMatch, minCompared: number, context: string): void {
  const { compared, mismatches } = m.compareWithPlayers();
  expect(mismatches, context).toEqual([]);
  for (const s of m.spectators) {
    expect(s.session.stats().desyncs, `${context}: ${s.address}`).toBe(0);
    expect(s.events.filter((e) => e.type === 'desync'), context).toEqual([]);
  }
  expect(Math.min(...compared), context).toBeGreaterThanOrEqual(minCompared);
}

describe('spectators watch a match live', () => {
  const cases: [string, number, number][] = [];
  for (const profile of profileNames) for (const players of [2, 4, 8]) for (const seed of [1, 2]) cases.push([profile, players, seed]);

  it.each(cases)('on %s with %i players (seed %i): 32 on one feed, from frame 0 and mid-match; their source drops and they switch', (profileName, players, seed) => {
    const profile = getProfile(profiles, profileName);
    const m = new SpectatedMatch({ players, seed, profile, feeds: [0, 1], session: { checksumIntervalFrames: 30 }, feed: { maxCatchUpFrames: 60 } });
    const bound = lagBound(profile, m.match.frameMs);
    const context = `${profileName} ${players}p seed ${seed}`;
    const early = Array.from({ length: 16 }, () => m.addSpectator(0, SPECTATOR));
    // Mid-match: from frame 150 on, beyond the 60 frames the feed sends rather than a state.
    let joinAt = 2500;
    m.runUntil(joinAt);
    while (m.confirmedFrame() < 150) m.runUntil((joinAt += 100));
    const late = Array.from({ length: 16 }, () => m.addSpectator(0, SPECTATOR));
    m.runUntil(joinAt + 2500);
    expect(m.feeds[0]!.spectatorCount, context).toBe(32);
    for (const s of late) expect(s.session.stats().statesLoaded, `${context}: ${s.address}`).toBeGreaterThanOrEqual(1);
    for (const s of early) expect(s.session.stats().statesLoaded, `${context}: ${s.address}`).toBe(0);
    expectCaughtUp(early, 1500, joinAt + 2500, bound, profile, context);
    expectCaughtUp(late, joinAt + 1500, joinAt + 2500, bound, profile, context);

    // The feed's player vanishes: every spectator hears nothing, and moves to player 1's feed.
    m.match.kill(0);
    const since = m.spectators.map((s) => s.events.length);
    const killedAt = joinAt + 2500;
    for (let t = killedAt + 100; t <= killedAt + 4500; t += 100) {
      m.runUntil(t);
      switchOnLoss(m.spectators, since, 'peer-1');
    }
    for (const s of m.spectators) expect(s.session.source, `${context}: ${s.address}`).toBe('peer-1');
    expect(m.feeds[1]!.spectatorCount, context).toBe(32);
    // Watching again where the match is (with 2 players the survivor has no one to play with:
    // the match stands still, and so do they, level with it).
    expectCaughtUp(m.spectators, killedAt + 3500, killedAt + 4500, bound, profile, context);
    expectInSync(m, players === 2 ? 3 : 4, context);
  });

  it.each(profileNames)('on %s: the players play exactly as without spectators', (profileName) => {
    const profile = getProfile(profiles, profileName);
    const plain = new SimulatedMatch({ players: 4, seed: 11, profile });
    plain.runUntil(6000);
    const watched = new SpectatedMatch({ players: 4, seed: 11, profile, feeds: [0, 2] });
    for (let i = 0; i < 32; i++) watched.addSpectator(i % 2 === 0 ? 0 : 2, SPECTATOR);
    watched.runUntil(3000);
    for (let i = 0; i < 8; i++) watched.addSpectator(0, SPECTATOR);
    watched.runUntil(6000);
    expect(watched.feeds[0]!.stats().bytesSent).toBeGreaterThan(0);
    for (let p = 0; p < 4; p++) {
      const a = plain.peers[p]!.session.stats();
      const b = watched.match.peers[p]!.session.stats();
      expect({ frame: b.currentFrame, stalls: b.stallFrames, rollbacks: b.rollbackFrames, maxRollback: b.maxRollbackFrames }, `player ${p}`).toEqual({
        frame: a.currentFrame,
        stalls: a.stallFrames,
        rollbacks: a.rollbackFrames,
        maxRollback: a.maxRollbackFrames,
      });
      expect([...watched.match.peers[p]!.checksums], `player ${p}`).toEqual([...plain.peers[p]!.checksums]);
    }
  });

  it.each(profileNames)('on %s: a spectator that stalls catches up, by inputs or, further behind, by a state', (profileName) => {
    const profile = getProfile(profiles, profileName);
    const m = new SpectatedMatch({ players: 4, seed: 5, profile, feeds: [1], session: { checksumIntervalFrames: 30 }, feed: { maxCatchUpFrames: 90 } });
    const bound = lagBound(profile, m.match.frameMs);
    const short = m.addSpectator(1, SPECTATOR);
    const long = m.addSpectator(1, SPECTATOR);
    m.runUntil(2000);
    // A tab in the background: 1 s (60 frames at most: the feed sends the inputs) and 6 s (on
    // every profile more than the 90 frames beyond which the feed sends a state).
    short.frozenUntilMs = 3000;
    long.frozenUntilMs = 8000;
    m.runUntil(5000);
    const shortStats = short.session.stats();
    expect(shortStats.catchUpFrames, profileName).toBeGreaterThanOrEqual(20);
    expect(shortStats.statesLoaded, profileName).toBe(0);
    expectCaughtUp([short], 4500, 5000, bound, profile, `${profileName} short stall`);
    m.runUntil(10_000);
    // (A state the feed started while it was still heard may wait in its inbox: then two.)
    expect(long.session.stats().statesLoaded, profileName).toBeGreaterThanOrEqual(1);
    expectCaughtUp([long], 9500, 10_000, bound, profile, `${profileName} long stall`);
    expectInSync(m, 3, profileName);
  });

  it("a feed whose player leaves goes quiet, and its spectators move to another player's", () => {
    const m = new SpectatedMatch({ players: 3, seed: 4, profile: getProfile(profiles, 'wifi'), feeds: [0, 2], session: { checksumIntervalFrames: 30 } });
    const spectators = Array.from({ length: 4 }, () => m.addSpectator(0, SPECTATOR));
    m.runUntil(3000);
    // It leaves, but its page goes on (and polls the feed): the feed must not keep them waiting.
    m.match.peers[0]!.session.leave();
    const since = spectators.map((s) => s.events.length);
    for (let t = 3100; t <= 7000; t += 100) {
      m.runUntil(t);
      switchOnLoss(spectators, since, 'peer-2');
    }
    expect(m.feeds[0]!.spectatorCount).toBe(0);
    for (const s of spectators) expect(s.session.source).toBe('peer-2');
    expectCaughtUp(spectators, 6000, 7000, lagBound(getProfile(profiles, 'wifi'), m.match.frameMs), getProfile(profiles, 'wifi'), 'after a leave');
    expectInSync(m, 8, 'after a leave');
  });

  it('a spectator fed a wrong input says so (desync), from the checksums its feed sends', () => {
    const ctx = { playerCount: 3, inputSize: 2 };
    const out = new Uint8Array(MAX_PACKET_BYTES);
    const m = new SpectatedMatch({
      players: 3,
      seed: 8,
      profile: getProfile(profiles, 'wifi'),
      feeds: [0],
      session: { checksumIntervalFrames: 30 },
      // Player 0's peer flips a bit of frame 100's inputs in every packet to spectators.
      transport: (player, inner) =>
        player !== 0
          ? inner
          : {
              receive: () => inner.receive(),
              send: (to, data) => {
                const decoded = decodeSpectatorPacket(data, ctx);
                if (!to.startsWith('spectator') || !decoded.ok || decoded.packet.message.type !== SpectatorMessageType.SpectatorInputs) return inner.send(to, data);
                const message = decoded.packet.message;
                const at = (100 - message.startFrame) * 6;
                if (at >= 0 && at < message.inputs.length) message.inputs[at]! ^= 1;
                inner.send(to, encodeSpectatorPacket(out, decoded.packet.token, message, ctx)!);
              },
            },
    });
    const spectator = m.addSpectator(0, SPECTATOR);
    m.runUntil(4000);
    const desyncs = spectator.events.filter((e) => e.type === 'desync');
    expect(desyncs.length).toBeGreaterThan(0);
    expect(desyncs[0]).toMatchObject({ type: 'desync', frame: 120, source: 'peer-0' });
    expect(spectator.session.stats().desyncs).toBe(desyncs.length);
    // Until frame 100 it agreed.
    expect(spectator.session.stats().checksumsVerified).toBeGreaterThan(desyncs.length);
  });

  it('in lockstep (no prediction), a spectator joins mid-match too', () => {
    const m = new SpectatedMatch({ players: 3, seed: 3, profile: getProfile(profiles, 'wifi'), feeds: [2], session: { maxPrediction: 0, checksumIntervalFrames: 30 }, feed: { maxCatchUpFrames: 60 } });
    m.addSpectator(2, SPECTATOR);
    m.runUntil(3000);
    const late = m.addSpectator(2, SPECTATOR);
    m.runUntil(6000);
    expect(late.session.stats().statesLoaded).toBe(1);
    expectInSync(m, 5, 'lockstep');
  });
});

describe('spectator traffic that is malformed, forged or a flood', () => {
  it('is counted and dropped: the feed stays within its limit, the spectators and the match carry on', () => {
    const m = new SpectatedMatch({ players: 4, seed: 7, profile: getProfile(profiles, 'wifi'), feeds: [0], session: { checksumIntervalFrames: 30 }, feed: { maxSpectators: 8 } });
    const honest = Array.from({ length: 4 }, () => m.addSpectator(0, SPECTATOR));
    const mallory = m.match.network.endpoint('mallory');
    const rng = new Prng(99);
    const out = new Uint8Array(MAX_PACKET_BYTES);
    const ctx = { playerCount: 4, inputSize: 2 };
    const fingerprint = sessionFingerprint(4, 2, 0);
    m.runUntil(1000);
    const sybils = Array.from({ length: 40 }, (_, i) => m.match.network.endpoint(`sybil-${i}`));
    let forged = 0;
    for (let t = 1000; t < 4000; t += 50) {
      // Garbage, a Spectate of another match, inputs forged towards a spectator (from the wrong
      // address), and joins from many addresses at once.
      const garbage = new Uint8Array(1 + rng.nextInt(60));
      for (let i = 0; i < garbage.length; i++) garbage[i] = rng.nextU32() & 0xff;
      if (rng.nextInt(2) === 0) garbage[0] = 0xb5;
      if (garbage.length > 1) garbage[1] = 1;
      mallory.send('peer-0', garbage);
      mallory.send('peer-0', encodeSpectatorPacket(out, 1, { type: SpectatorMessageType.Spectate, fingerprint: (fingerprint ^ 1) >>> 0, next: 0, checksumThrough: -1, leaving: false }, ctx)!.slice());
      mallory.send(honest[0]!.address, encodeSpectatorPacket(out, 1, { type: SpectatorMessageType.SpectatorInputs, startFrame: 0, liveFrame: 5000, absent: 0, checksums: [{ frame: 60, checksum: 1 }], inputs: new Uint8Array(8 * 5).fill(3) }, ctx)!.slice());
      const sybil = sybils[forged++ % sybils.length]!;
      sybil.send('peer-0', encodeSpectatorPacket(out, 2, { type: SpectatorMessageType.Spectate, fingerprint, next: 0, checksumThrough: -1, leaving: false }, ctx)!.slice());
      m.runUntil(t + 50);
    }
    const feed = m.feeds[0]!.stats();
    expect(feed.spectators).toBeLessThanOrEqual(8);
    expect(feed.dropped.full).toBeGreaterThan(0);
    expect(feed.dropped.incompatible).toBeGreaterThan(0);
    expect(feed.dropped.magic + feed.dropped.version + feed.dropped.truncated + feed.dropped.malformed + feed.dropped['unknown-type']).toBeGreaterThan(0);
    expect(honest[0]!.session.stats().dropped['unknown-sender']).toBeGreaterThan(0);
    for (const s of honest) expect(s.session.state, s.address).toBe('watching');
    // The honest ones that got in before the flood watch on, in sync.
    expectInSync(m, 5, 'under a flood');
    expect(m.match.compareChecksums().mismatchedFrames).toEqual([]);
  });
});
