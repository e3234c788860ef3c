import { describe, expect, it } from 'vitest';
import { RoutedMatch } from '../helpers/routed-match.ts';
import type { ScheduledSwitch } from '../helpers/routed-match.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import { StandardRoute } from '../../sdk/src/transport/routed-transport.ts';
import type { RouteId } from '../../sdk/src/transport/routed-transport.ts';
import { routeRtts } from '../../sdk/src/transport/route-rtts.ts';

/**
 * After a route change, the session's round trip for that peer is the new route's within two
 * quality-report intervals (2 s), because the game loop tells it (`routeChanged`): without that,
 * smoothing at gain 1/8 with one sample a second keeps the old route's figure for about 10 s.
 *
 * The session measures a round trip from its own polls: a reply waits for the peer's next poll
 * and is read at ours, which adds about one frame (16.7 ms at 60 Hz) to the route's figure.
 */
const profiles = loadNetworkProfiles();
const QUALITY_REPORT_MS = 1000;
const SWITCH_MS = 8000;
/** The second side of the pair learns of the switch this much later (ms). */
const SKEW_MS = 40;

/** The two sides of a 2-player match switch their pair to `route`. */
function switchTo(route: RouteId): ScheduledSwitch[] {
  return [
    { atMs: SWITCH_MS, player: 0, peer: 1, route },
    { atMs: SWITCH_MS + SKEW_MS, player: 1, peer: 0, route },
  ];
}

/** Each session's RTT (ms) for the other, every 50 ms from the switch to `untilMs` after it. */
function rttTrace(options: { profile: NetworkProfile; relay: NetworkProfile; startRoute: RouteId; to: RouteId; notify: boolean; untilMs: number; seed?: number }): { atMs: number; rtt: [number, number] }[] {
  const routed = new RoutedMatch({
    players: 2,
    seed: options.seed ?? 3,
    profile: options.profile,
    relay: options.relay,
    startRoute: options.startRoute,
    switches: switchTo(options.to),
    notifySession: options.notify,
  });
  const [a, b] = routed.match.peers;
  const trace: { atMs: number; rtt: [number, number] }[] = [];
  for (let t = SWITCH_MS - 100; t <= SWITCH_MS + options.untilMs; t += 50) {
    routed.match.runUntil(t);
    trace.push({ atMs: t - SWITCH_MS, rtt: [a!.session.peerStats(1).rttMs, b!.session.peerStats(0).rttMs] });
  }
  return trace;
}

/** From when on (ms after the switch) both sessions' RTTs stay within `toleranceMs` of `targetMs`; Infinity if never. */
function settledAfter(trace: { atMs: number; rtt: [number, number] }[], targetMs: number, toleranceMs: number): number {
  let since = Infinity;
  for (const { atMs, rtt } of trace) {
    const inside = atMs > 0 && rtt.every((r) => Math.abs(r - targetMs) <= toleranceMs);
    if (!inside) since = Infinity;
    else if (since === Infinity) since = atMs;
  }
  return since;
}

describe('the session RTT after a route change', () => {
  // Jitter-free routes far apart: direct 20 ms, relay 200 ms round trip.
  const direct: NetworkProfile = { rttMs: 20, jitterMs: 1, loss: 0, duplicate: 0, reorder: 0 };
  const relay: NetworkProfile = { ...direct, rttMs: 200 };
  const frameMs = 1000 / 60;
  const TOLERANCE_MS = 10;

  it('relay → direct: the new route within 2 report intervals with the reset, about 10 s and more without', () => {
    const target = direct.rttMs + frameMs;
    const withReset = rttTrace({ profile: direct, relay, startRoute: StandardRoute.Relay, to: StandardRoute.Direct, notify: true, untilMs: 20_000 });
    const without = rttTrace({ profile: direct, relay, startRoute: StandardRoute.Relay, to: StandardRoute.Direct, notify: false, untilMs: 20_000 });
    // Before the switch both measure the relay.
    for (const r of withReset[0]!.rtt) expect(Math.abs(r - (relay.rttMs + frameMs))).toBeLessThanOrEqual(TOLERANCE_MS);
    const fast = settledAfter(withReset, target, TOLERANCE_MS);
    const slow = settledAfter(without, target, TOLERANCE_MS);
    expect(fast).toBeLessThanOrEqual(2 * QUALITY_REPORT_MS);
    // In fact within the 6 route probes (100 ms apart) and a round trip.
    expect(fast).toBeLessThanOrEqual(500);
    // Without it, the relay's figure lingers: still over 100 ms off 2 s later, and not settled for 10 s.
    const at2s = without.find((s) => s.atMs === 2 * QUALITY_REPORT_MS)!;
    for (const r of at2s.rtt) expect(r - target).toBeGreaterThan(100);
    expect(slow).toBeGreaterThan(10_000);
  });

  it('direct → relay: the slower route within 2 report intervals', () => {
    const target = relay.rttMs + frameMs;
    const withReset = rttTrace({ profile: direct, relay, startRoute: StandardRoute.Direct, to: StandardRoute.Relay, notify: true, untilMs: 6000 });
    const without = rttTrace({ profile: direct, relay, startRoute: StandardRoute.Direct, to: StandardRoute.Relay, notify: false, untilMs: 6000 });
    expect(settledAfter(withReset, target, TOLERANCE_MS)).toBeLessThanOrEqual(2 * QUALITY_REPORT_MS);
    expect(settledAfter(without, target, TOLERANCE_MS)).toBe(Infinity);
  });

  const profileCases = Object.keys(profiles.profiles).flatMap((name) => [1, 2, 3].map((seed) => [name, seed] as const));
  it.each(profileCases)('on %s, seed %i: relay → direct, the direct RTT (within twice the jitter) 2 s after the switch', (name, seed) => {
    const profile = getProfile(profiles, name);
    const trace = rttTrace({ profile, relay: { ...profile, rttMs: 2 * profile.rttMs }, startRoute: StandardRoute.Relay, to: StandardRoute.Direct, notify: true, untilMs: 2 * QUALITY_REPORT_MS, seed });
    const last = trace[trace.length - 1]!;
    // A fresh estimate is the median of 6 samples, each off by up to the jitter of both directions
    // and by up to a frame of polling: a reply is read at our next poll, so where the two peers'
    // ticks are about a one-way trip apart (lan, seed 1: 1 ms) each sample is one frame or two,
    // as the jitter falls, and so may the median be.
    for (const r of last.rtt) expect(Math.abs(r - (profile.rttMs + frameMs)), `${name}: ${last.rtt.join(', ')}`).toBeLessThanOrEqual(2 * profile.jitterMs + frameMs);
  });
});

describe('per-route RTT for an overlay', () => {
  it('shows the active route from the session and the inactive one from its own measurement', () => {
    const direct: NetworkProfile = { rttMs: 20, jitterMs: 0, loss: 0, duplicate: 0, reorder: 0 };
    const relay: NetworkProfile = { ...direct, rttMs: 200 };
    const routed = new RoutedMatch({ players: 2, seed: 1, profile: direct, relay, switches: switchTo(StandardRoute.Direct) });
    const session = routed.match.peers[0]!.session;
    routed.match.runUntil(SWITCH_MS - 100);
    let view = routeRtts(routed.transports[0]!.peerStats('peer-1'), session.peerStats(1));
    expect(view.map((r) => [r.route, r.active])).toEqual([
      [StandardRoute.Relay, true],
      [StandardRoute.Direct, false],
    ]);
    expect(view[0]!.rttMs).toBe(session.peerStats(1).rttMs);
    expect(view[1]!.rttMs).toBe(20); // the direct route's own measurement (the test's routes report the profile's)
    routed.match.runUntil(SWITCH_MS + 1000);
    const stats = routed.transports[0]!.peerStats('peer-1');
    expect(stats.active).toBe(StandardRoute.Direct);
    expect(stats.sinceMs).toBeGreaterThanOrEqual(SWITCH_MS);
    expect(stats.changes).toBe(1);
    view = routeRtts(stats, session.peerStats(1));
    expect(view[1]).toEqual({ route: StandardRoute.Direct, active: true, rttMs: session.peerStats(1).rttMs });
    expect(view[1]!.rttMs!).toBeLessThan(40);
    expect(view[0]).toEqual({ route: StandardRoute.Relay, active: false, rttMs: 200 });
    // Both routes carried traffic, each way.
    for (const traffic of stats.routes) {
      expect(traffic.packetsSent).toBeGreaterThan(0);
      expect(traffic.packetsReceived).toBeGreaterThan(0);
      expect(traffic.bytesSent).toBeGreaterThan(traffic.packetsSent);
    }
  });
});
