import { afterAll, describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { ReliableChannel } from '../../sdk/src/relay/reliable-channel.ts';
import type { ReliableChannelStats } from '../../sdk/src/relay/reliable-channel.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';
import { SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import type { SimulatedEndpoint } from '../../sdk/src/sim/simulated-network.ts';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';

const profiles = loadNetworkProfiles();
const PROFILE_NAMES = ['lan', 'wifi', 'continental', 'intercontinental', 'awful'] as const;
const SEEDS = [1, 2, 3] as const;
/** Messages each side sends per run. */
const MESSAGES = 2000;
/** A run that has not settled this long (virtual ms) after its last send is stuck. */
const SETTLE_LIMIT_MS = 120_000;

/** Message `index` of a side: its index (u32 LE) then 0..59 bytes derived from it, so content errors show. */
function messageBytes(side: number, index: number): Uint8Array {
  const length = 4 + ((index * 7919 + side * 31) % 60);
  const out = new Uint8Array(length);
  out[0] = index;
  out[1] = index >>> 8;
  out[2] = index >>> 16;
  out[3] = index >>> 24;
  for (let i = 4; i < length; i++) out[i] = (index * 13 + i * 7 + side) & 0xff;
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Side {
  readonly id: number;
  readonly endpoint: SimulatedEndpoint;
  readonly peer: string;
  readonly channel: ReliableChannel;
  readonly traffic: Prng;
  /** Next message index to hand to `send`. */
  nextIndex: number;
  /** When the application next wants to send (ms). */
  nextSendAt: number;
  /** Messages still to hand over in the current burst. */
  burstLeft: number;
  sentAt: Float64Array;
  /** Next index expected from the peer. */
  expected: number;
  refused: number;
  payloadBytesSent: number;
  segmentBytesSent: number;
  maxLatencyMs: number;
  latencySumMs: number;
}

interface RunResult {
  messages: number;
  resends: number;
  segments: number;
  overheadBytes: number;
  refused: number;
  maxLatencyMs: number;
  meanLatencyMs: number;
  outOfWindow: number;
  duplicatesDropped: number;
  endMs: number;
}

/**
 * Two channels over a simulated network, both sending `MESSAGES` messages: mostly one every
 * 0..20 ms, and now and then a burst of 300 (more than the send window, so `send` refuses some and
 * the application retries). Time advances event by event, or in game-loop ticks of `tickMs`.
 */
function run(profileName: string, seed: number, tickMs = 0): RunResult {
  const clock = new VirtualClock();
  const network = new SimulatedNetwork({ seed, clock, profile: getProfile(profiles, profileName) });
  const sides: Side[] = ['a', 'b'].map((address, id) => ({
    id,
    endpoint: network.endpoint(address),
    peer: address === 'a' ? 'b' : 'a',
    channel: new ReliableChannel(),
    traffic: new Prng(seed * 10 + id),
    nextIndex: 0,
    nextSendAt: 0,
    burstLeft: 0,
    sentAt: new Float64Array(MESSAGES),
    expected: 0,
    refused: 0,
    payloadBytesSent: 0,
    segmentBytesSent: 0,
    maxLatencyMs: 0,
    latencySumMs: 0,
  }));
  const [a, b] = sides as [Side, Side];
  let lastSendAt = 0;

  for (;;) {
    const now = clock.now();
    let at = network.nextDeliveryTime();
    for (const side of sides) {
      if (side.nextIndex < MESSAGES) at = Math.min(at, side.nextSendAt);
      at = Math.min(at, now + side.channel.nextPollInMs(now));
    }
    if (at === Infinity) break;
    if (tickMs > 0) at = Math.max(now + tickMs, Math.ceil(at / tickMs) * tickMs);
    if (at > lastSendAt + SETTLE_LIMIT_MS) break; // stuck: the assertions below will say so
    clock.set(at);

    for (const side of sides) {
      const other = side === a ? b : a;
      for (const datagram of side.endpoint.receive()) {
        for (const message of side.channel.receive(datagram.data, at)) {
          const index = side.expected++;
          if (!sameBytes(message, messageBytes(other.id, index))) {
            throw new Error(`${profileName}/${seed}: side ${side.id} got a wrong message at index ${index}`);
          }
          const latency = at - (other.sentAt[index] as number);
          side.latencySumMs += latency;
          if (latency > side.maxLatencyMs) side.maxLatencyMs = latency;
        }
      }
    }
    for (const side of sides) {
      while (side.nextIndex < MESSAGES && side.nextSendAt <= at) {
        const message = messageBytes(side.id, side.nextIndex);
        if (!side.channel.send(message)) {
          side.refused++;
          side.nextSendAt = at + 5; // window full: try again a little later
          break;
        }
        side.sentAt[side.nextIndex] = at;
        side.payloadBytesSent += message.length;
        side.nextIndex++;
        lastSendAt = at;
        if (side.burstLeft > 0) {
          side.burstLeft--;
        } else if (side.traffic.nextInt(500) === 0) {
          side.burstLeft = 300;
        } else {
          side.nextSendAt = at + side.traffic.nextInt(21);
        }
      }
    }
    for (const side of sides) {
      for (const segment of side.channel.poll(at)) {
        side.segmentBytesSent += segment.length;
        side.endpoint.send(side.peer, segment);
      }
    }
  }

  for (const side of sides) {
    expect(side.nextIndex, `${profileName}/${seed}: side ${side.id} sent everything`).toBe(MESSAGES);
    expect(side.expected, `${profileName}/${seed}: side ${side.id} received everything`).toBe(MESSAGES);
    expect(side.channel.inFlight, `${profileName}/${seed}: side ${side.id} all acknowledged`).toBe(0);
    expect(side.channel.nextPollInMs(clock.now())).toBe(Infinity);
    expect(side.channel.heldOutOfOrder).toBe(0);
    expect(side.channel.stats.messagesDelivered).toBe(MESSAGES);
    expect(side.channel.stats.malformed).toBe(0);
  }
  expect(network.stats().total.inFlight).toBe(0);

  const sum = (f: (side: Side) => number) => f(a) + f(b);
  const stat = (name: keyof ReliableChannelStats) => sum((side) => side.channel.stats[name]);
  return {
    messages: 2 * MESSAGES,
    resends: stat('resends'),
    segments: stat('segmentsSent'),
    overheadBytes: sum((side) => side.segmentBytesSent - side.payloadBytesSent),
    refused: sum((side) => side.refused),
    maxLatencyMs: Math.max(a.maxLatencyMs, b.maxLatencyMs),
    meanLatencyMs: sum((side) => side.latencySumMs) / (2 * MESSAGES),
    outOfWindow: stat('outOfWindow'),
    duplicatesDropped: stat('duplicatesDropped'),
    endMs: clock.now(),
  };
}

/** Long-run loss rate of a profile, burst loss included (see BurstLoss). */
function lossRate(name: string): number {
  const profile = getProfile(profiles, name);
  const repeat = profile.burstLoss?.repeat ?? profile.loss;
  return profile.loss / (1 - repeat + profile.loss);
}

const report: string[] = [];

afterAll(() => {
  if (report.length > 0) console.log(['ReliableChannel over the simulated network (both directions, per run):', ...report].join('\n'));
});

describe('ReliableChannel over the simulated network', () => {
  for (const name of PROFILE_NAMES) {
    it(`delivers thousands of messages each way exactly once, in order, on "${name}"`, () => {
      const totals = { messages: 0, resends: 0, segments: 0, overheadBytes: 0, refused: 0, maxLatencyMs: 0, latency: 0 };
      for (const seed of SEEDS) {
        const result = run(name, seed);
        totals.messages += result.messages;
        totals.resends += result.resends;
        totals.segments += result.segments;
        totals.overheadBytes += result.overheadBytes;
        totals.refused += result.refused;
        totals.maxLatencyMs = Math.max(totals.maxLatencyMs, result.maxLatencyMs);
        totals.latency += result.meanLatencyMs * result.messages;
        expect(result.refused, 'the bursts fill the send window').toBeGreaterThan(0);
        expect(result.outOfWindow, 'the sender keeps to the receive window').toBe(0);
      }
      const loss = lossRate(name);
      const resendRatio = totals.resends / totals.messages;
      // Each loss of a data segment costs one resend of what it carried, and a lost ack about one
      // more; the rest are spurious resends (freezes, reordering, jitter spikes). Bounded well below
      // what a naive fixed-interval repeater would send.
      expect(resendRatio).toBeLessThanOrEqual(2 * (loss / (1 - loss)) + 0.02);
      if (loss === 0) expect(totals.resends).toBe(0);
      report.push(
        `  ${name.padEnd(16)} loss ${(loss * 100).toFixed(1).padStart(4)}%  resends/message ${resendRatio.toFixed(3)}` +
          `  transmissions/message ${(1 + resendRatio).toFixed(3)}  overhead ${(totals.overheadBytes / totals.messages).toFixed(1)} B/message` +
          `  segments/message ${(totals.segments / totals.messages).toFixed(2)}  latency mean ${(totals.latency / totals.messages).toFixed(0)} ms` +
          ` max ${totals.maxLatencyMs.toFixed(0)} ms`,
      );
    });
  }

  it('works the same when polled in 60 fps game-loop ticks', () => {
    for (const name of ['wifi', 'awful'] as const) {
      const result = run(name, 7, 1000 / 60);
      const resendRatio = result.resends / result.messages;
      expect(resendRatio).toBeLessThanOrEqual(2 * (lossRate(name) / (1 - lossRate(name))) + 0.02);
      report.push(`  ${`${name} @60fps`.padEnd(16)} resends/message ${resendRatio.toFixed(3)}  overhead ${(result.overheadBytes / result.messages).toFixed(1)} B/message`);
    }
  });

  it('is deterministic: the same seed gives the same run', () => {
    expect(run('awful', 9)).toEqual(run('awful', 9));
  });
});
