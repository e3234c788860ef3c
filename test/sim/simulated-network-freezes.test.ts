import { describe, expect, it } from 'vitest';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { PERFECT_NETWORK_PROFILE } from '../../sdk/src/sim/network-profile.ts';
import type { FreezeSchedule, NetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import { SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';
import { readIndex, runInVirtualTime, steadyStream } from './virtual-time-loop.ts';

const profiles = loadNetworkProfiles();
const withFreezes = Object.entries(profiles.profiles).filter(([, p]) => p.freezes !== undefined);
const ONE_WAY_MS = 20;

interface HeldRun {
  firstSendMs: number;
  lastSendMs: number;
  releaseMs: number;
}

/**
 * Streams one packet per ms from each sender to a sink over a jitter-free, loss-free link with the
 * given freezes, and returns, per sender, the runs of packets that were held (arrived later than
 * the plain one-way delay), plus every arrival time.
 */
function observe(freezes: FreezeSchedule, senders: readonly string[], durationMs: number, seed = 3) {
  const profile: NetworkProfile = { ...PERFECT_NETWORK_PROFILE, rttMs: 2 * ONE_WAY_MS, freezes };
  const clock = new VirtualClock();
  const network = new SimulatedNetwork({ seed, clock, profile });
  const sink = network.endpoint('sink');
  const streams = senders.map((name) => steadyStream(network.endpoint(name), 'sink', durationMs, 1));
  const schedule = {
    nextAt: () => Math.min(...streams.map((s) => s.nextAt())),
    fire: () => {
      const at = Math.min(...streams.map((s) => s.nextAt()));
      for (const s of streams) if (s.nextAt() === at) s.fire();
    },
  };
  const arrivals = new Map<string, { sentMs: number; atMs: number }[]>(senders.map((name) => [name, []]));
  runInVirtualTime(clock, network, [sink], schedule, (atMs, _sink, d) => {
    arrivals.get(d.from)?.push({ sentMs: readIndex(d.data), atMs });
  });
  const held = new Map<string, HeldRun[]>();
  for (const [name, list] of arrivals) {
    const runs: HeldRun[] = [];
    for (const { sentMs, atMs } of list) {
      if (atMs === sentMs + ONE_WAY_MS) continue;
      const run = runs.at(-1);
      if (run !== undefined && sentMs === run.lastSendMs + 1) {
        run.lastSendMs = sentMs;
        expect(atMs - ONE_WAY_MS).toBe(run.releaseMs); // one window releases everything at once
      } else {
        runs.push({ firstSendMs: sentMs, lastSendMs: sentMs, releaseMs: atMs - ONE_WAY_MS });
      }
    }
    held.set(name, runs);
  }
  return { held, arrivals, stats: network.stats() };
}

describe('SimulatedNetwork freezes', () => {
  it('the shared file has a profile with freezes to test', () => {
    expect(withFreezes.length).toBeGreaterThan(0);
  });

  it.each(withFreezes)('%s: a frozen sender delivers nothing during the window, then everything', (_name, profile) => {
    const freezes = profile.freezes as FreezeSchedule;
    const periods = 3;
    const { held, arrivals, stats } = observe(freezes, ['a'], periods * freezes.everyMs);
    // Held, not dropped: every packet arrives exactly once, in send order.
    const list = arrivals.get('a') ?? [];
    expect(list.map((x) => x.sentMs)).toEqual(Array.from({ length: periods * freezes.everyMs }, (_, i) => i));
    expect(stats.total.dropped + stats.total.lost).toBe(0);

    const runs = held.get('a') ?? [];
    expect(runs.length).toBeGreaterThanOrEqual(periods - 1);
    for (const run of runs) {
      // A window holds sends for forMs (sent once per ms, so forMs or forMs - 1 of them)...
      expect(run.lastSendMs - run.firstSendMs).toBeGreaterThanOrEqual(freezes.forMs - 2);
      expect(run.lastSendMs - run.firstSendMs).toBeLessThan(freezes.forMs);
      // ... and releases them within a ms after the last one.
      expect(run.releaseMs).toBeGreaterThan(run.lastSendMs);
      expect(run.releaseMs).toBeLessThanOrEqual(run.lastSendMs + 1);
      // Nothing from the sender arrives between the window's start and its release.
      const silent = list.filter((x) => x.atMs > run.firstSendMs - 1 + ONE_WAY_MS && x.atMs < run.releaseMs + ONE_WAY_MS);
      expect(silent).toEqual([]);
    }
    for (let i = 1; i < runs.length; i++) {
      const gap = (runs[i]?.releaseMs ?? 0) - (runs[i - 1]?.releaseMs ?? 0);
      expect(gap).toBeCloseTo(freezes.everyMs, 6);
    }
  });

  it('staggers freezes between peers, deterministically from the seed', () => {
    const freezes: FreezeSchedule = { everyMs: 1000, forMs: 100 };
    const firstWindow = (seed: number) => {
      const { held } = observe(freezes, ['a', 'b', 'c', 'd'], 1000 + freezes.forMs, seed);
      return [...held.values()].map((runs) => runs[0]?.releaseMs);
    };
    const releases = firstWindow(11);
    expect(releases.every((t) => t !== undefined)).toBe(true);
    expect(new Set(releases.map((t) => Math.floor(t ?? 0))).size).toBe(4);
    expect(firstWindow(11)).toEqual(releases);
    expect(firstWindow(12)).not.toEqual(releases);
  });
});

describe('a network-wide outage', () => {
  function run(drop: boolean) {
    const clock = new VirtualClock();
    const network = new SimulatedNetwork({ seed: 5, clock, profile: { ...PERFECT_NETWORK_PROFILE, rttMs: 2 * ONE_WAY_MS } });
    const sink = network.endpoint('sink');
    const a = network.endpoint('a');
    const b = network.endpoint('b');
    const streams = [steadyStream(a, 'sink', 300, 1), steadyStream(b, 'sink', 300, 1)];
    let outageStarted = false;
    const schedule = {
      nextAt: () => Math.min(...streams.map((s) => s.nextAt())),
      fire: () => {
        if (!outageStarted && clock.now() >= 100) {
          outageStarted = true;
          network.outage(50, { drop });
        }
        const at = Math.min(...streams.map((s) => s.nextAt()));
        for (const s of streams) if (s.nextAt() === at) s.fire();
      },
    };
    const arrivals: { from: string; sentMs: number; atMs: number }[] = [];
    runInVirtualTime(clock, network, [sink], schedule, (atMs, _sink, d) => arrivals.push({ from: d.from, sentMs: readIndex(d.data), atMs }));
    return { arrivals, stats: network.stats().total };
  }

  it("holds every link's packets sent during it until it ends, then they take their usual delay", () => {
    const { arrivals, stats } = run(false);
    expect(arrivals).toHaveLength(600);
    for (const { sentMs, atMs } of arrivals) {
      if (sentMs >= 100 && sentMs < 150) expect(atMs).toBe(150 + ONE_WAY_MS);
      else expect(atMs).toBe(sentMs + ONE_WAY_MS);
    }
    expect(stats.dropped).toBe(0);
  });

  it('or drops them, counted as dropped', () => {
    const { arrivals, stats } = run(true);
    expect(arrivals.filter((x) => x.sentMs >= 100 && x.sentMs < 150)).toEqual([]);
    expect(arrivals).toHaveLength(600 - 2 * 50);
    expect(stats.dropped).toBe(100);
  });

  it('refuses a bad length', () => {
    const network = new SimulatedNetwork({ seed: 1, clock: new VirtualClock() });
    expect(() => network.outage(-1)).toThrow(RangeError);
    expect(() => network.outage(Number.NaN)).toThrow(RangeError);
  });
});
