import { describe, expect, it } from 'vitest';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { PERFECT_NETWORK_PROFILE } from '../../sdk/src/sim/network-profile.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import { SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';
import { readIndex, runInVirtualTime, steadyStream } from './virtual-time-loop.ts';

const profiles = loadNetworkProfiles();
const PACKETS = 100_000;
const INTERVAL_MS = 1;
/** Tolerances are this many standard errors: generous enough for any seed, tight enough to catch a wrong model. */
const SIGMAS = 5;

interface Measurement {
  sent: number;
  lost: number;
  duplicated: number;
  delivered: number;
  /** One-way delay of every delivered copy (ms). */
  delays: Float64Array;
  /** Packets handed out after a packet sent later than them. */
  overtaken: number;
  /** Per packet index: copies received. */
  copies: Uint8Array;
}

/** Streams PACKETS packets a → b, one per INTERVAL_MS, observing each at its exact delivery time. */
function measure(profile: NetworkProfile, seed: number): Measurement {
  const clock = new VirtualClock();
  const network = new SimulatedNetwork({ seed, clock, profile });
  const a = network.endpoint('a');
  const b = network.endpoint('b');
  const delays: number[] = [];
  const copies = new Uint8Array(PACKETS);
  let newest = -1;
  let overtaken = 0;
  runInVirtualTime(clock, network, [b], steadyStream(a, 'b', PACKETS, INTERVAL_MS), (atMs, _b, datagram) => {
    const index = readIndex(datagram.data);
    delays.push(atMs - index * INTERVAL_MS);
    copies[index] = (copies[index] as number) + 1;
    if (index < newest) overtaken++;
    else newest = index;
  });
  const stats = network.linkStats('a', 'b');
  return { ...stats, delays: Float64Array.from(delays), overtaken, copies };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function minOf(values: Float64Array): number {
  let min = Infinity;
  for (const v of values) if (v < min) min = v;
  return min;
}

function maxOf(values: Float64Array): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}

function variance(values: Float64Array): number {
  const m = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - m) ** 2;
  return sum / (values.length - 1);
}

/**
 * Expected mean one-way delay (ms) of the model: E[max(0, rtt/2 + U(-j, j))], plus, for the
 * reordered fraction, the extra rtt/2 + U(0, 2j) whose mean is rtt/2 + j.
 */
function expectedMeanDelay(p: NetworkProfile): number {
  const half = p.rttMs / 2;
  const j = p.jitterMs;
  const base = j <= half ? half : (half + j) ** 2 / (4 * j);
  return base + p.reorder * (half + j);
}

/**
 * Stationary loss rate of the two-state chain: P(lost | previous kept) = loss, P(lost | previous
 * lost) = repeat, so π_lost = loss / (1 - repeat + loss). Its lag-1 correlation is repeat - loss.
 */
function expectedLoss(p: NetworkProfile): { rate: number; correlation: number } {
  const repeat = p.burstLoss?.repeat ?? p.loss;
  const denominator = 1 - repeat + p.loss;
  return { rate: denominator === 0 ? 1 : p.loss / denominator, correlation: repeat - p.loss };
}

/** Standard error of a rate estimated from n Bernoulli trials with lag-1 correlation ρ (Markov chain). */
function rateError(rate: number, n: number, correlation = 0): number {
  return Math.sqrt(((rate * (1 - rate)) / n) * ((1 + correlation) / (1 - correlation)));
}

// Freezes are measured in their own test; here they would only add a phase-dependent hold to the delays.
const cases = Object.entries(profiles.profiles).map(([name, profile], i) => {
  const { freezes: _freezes, ...rest } = profile;
  return [name, rest as NetworkProfile, 1000 + i] as const;
});

describe('SimulatedNetwork statistics over 100k packets', () => {
  it.each(cases)('%s matches its profile', (_name, profile, seed) => {
    const m = measure(profile, seed);
    expect(m.sent).toBe(PACKETS);

    // Loss, against the stationary rate of the burst-loss chain.
    const { rate, correlation } = expectedLoss(profile);
    const lossRate = m.lost / m.sent;
    expect(Math.abs(lossRate - rate)).toBeLessThanOrEqual(SIGMAS * rateError(rate, m.sent, correlation) + 1e-12);
    // The receiver agrees: a packet never seen is exactly a lost one.
    const neverSeen = m.copies.reduce((n, c) => n + (c === 0 ? 1 : 0), 0);
    expect(neverSeen).toBe(m.lost);

    // Burst loss: right after a loss, the next packet is lost with probability `repeat`.
    if (profile.burstLoss !== undefined) {
      let afterLoss = 0;
      let lostAfterLoss = 0;
      for (let i = 1; i < PACKETS; i++) {
        if (m.copies[i - 1] === 0) {
          afterLoss++;
          if (m.copies[i] === 0) lostAfterLoss++;
        }
      }
      const repeat = profile.burstLoss.repeat;
      expect(Math.abs(lostAfterLoss / afterLoss - repeat)).toBeLessThanOrEqual(SIGMAS * rateError(repeat, afterLoss));
    }

    // Duplicates: a fraction `duplicate` of the packets that survived loss arrive twice.
    const survived = m.sent - m.lost;
    const dupRate = m.duplicated / survived;
    expect(Math.abs(dupRate - profile.duplicate)).toBeLessThanOrEqual(SIGMAS * rateError(profile.duplicate, survived) + 1e-12);
    const twice = m.copies.reduce((n, c) => n + (c === 2 ? 1 : 0), 0);
    expect(twice).toBe(m.duplicated);
    expect(m.delivered).toBe(survived + m.duplicated);
    expect(m.delays.length).toBe(m.delivered);

    // Delay: mean ≈ rtt/2 (plus the reordered packets' extra), never below the jitter floor.
    const delayMean = mean(m.delays);
    const delayError = Math.sqrt(variance(m.delays) / m.delays.length);
    expect(Math.abs(delayMean - expectedMeanDelay(profile))).toBeLessThanOrEqual(SIGMAS * delayError + 1e-9);
    expect(minOf(m.delays)).toBeGreaterThanOrEqual(Math.max(0, profile.rttMs / 2 - profile.jitterMs));
    if (profile.reorder === 0) expect(maxOf(m.delays)).toBeLessThanOrEqual(profile.rttMs / 2 + profile.jitterMs);

    // Reordering happens where the profile asks for it.
    if (profile.reorder > 0) expect(m.overtaken).toBeGreaterThan(0);
  });

  it('delays a fraction `reorder` of packets by an extra rtt/2, so later packets overtake them', () => {
    const profile: NetworkProfile = { ...PERFECT_NETWORK_PROFILE, rttMs: 20, reorder: 0.05 };
    const m = measure(profile, 5);
    const late = m.delays.reduce((n, d) => n + (d === 20 ? 1 : 0), 0);
    const onTime = m.delays.reduce((n, d) => n + (d === 10 ? 1 : 0), 0);
    expect(late + onTime).toBe(PACKETS);
    expect(Math.abs(late / PACKETS - 0.05)).toBeLessThanOrEqual(SIGMAS * rateError(0.05, PACKETS));
    // Sent one per ms, a packet 10 ms late is overtaken by the ones sent in between.
    expect(m.overtaken).toBe(late);
  });

  it('spreads jitter uniformly over ±jitterMs', () => {
    const profile: NetworkProfile = { ...PERFECT_NETWORK_PROFILE, rttMs: 100, jitterMs: 30 };
    const m = measure(profile, 6);
    expect(Math.abs(mean(m.delays) - 50)).toBeLessThan(SIGMAS * (30 / Math.sqrt(3)) / Math.sqrt(PACKETS));
    // Uniform on [-j, j] has variance j²/3; each quarter of the range holds a quarter of the packets.
    expect(variance(m.delays) / (30 ** 2 / 3)).toBeCloseTo(1, 1);
    const quarters = [0, 0, 0, 0];
    for (const d of m.delays) quarters[Math.min(3, Math.floor((d - 20) / 15))]! += 1;
    for (const q of quarters) expect(Math.abs(q / PACKETS - 0.25)).toBeLessThan(SIGMAS * rateError(0.25, PACKETS));
    expect(m.overtaken).toBeGreaterThan(PACKETS / 10);
  });

  it('clamps delays at 0 when the jitter exceeds half the round trip', () => {
    const profile: NetworkProfile = { ...PERFECT_NETWORK_PROFILE, rttMs: 10, jitterMs: 20 };
    const m = measure(profile, 7);
    expect(minOf(m.delays)).toBe(0);
    const delayError = Math.sqrt(variance(m.delays) / m.delays.length);
    expect(Math.abs(mean(m.delays) - expectedMeanDelay(profile))).toBeLessThan(SIGMAS * delayError);
  });
});
