import { describe, expect, it } from 'vitest';
import { RoutedMatch, randomSwitches, relayProfile } from '../helpers/routed-match.ts';
import type { ScheduledSwitch } from '../helpers/routed-match.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import { StandardRoute } from '../../sdk/src/transport/routed-transport.ts';
import type { RouteId } from '../../sdk/src/transport/routed-transport.ts';

/**
 * Issue 9, direct links: a pair's route changes in the middle of a match (relay → direct, direct →
 * relay), below the `Transport`, with the peer keeping its address. Every peer talks through a
 * `RoutedTransport` over two simulated networks: the relay (twice the one-way delay) and direct
 * links (the profile's). Each pair switches 6 times at random moments, the two sides of a pair up
 * to one relay one-way delay apart, different pairs at different times; each session takes
 * the changes from its transport in `poll`.
 *
 * Asserted against the same seed without switches, on the relay and on direct links: no desync,
 * no drop, and no stall or hitch that the switches cause. A switch cannot make inputs arrive later
 * than the slower route does all along (packets on the old route still arrive; the new one
 * carries the next), so at every moment a peer is like one of the two baselines: on the relay's
 * while some peer sends to it over the relay, on the direct one's otherwise. Its stall frames may
 * not exceed that time-weighted mix of the two baselines' (per peer, once the start has settled)
 * by more than seed noise (15% + 10 frames per player; measured 0.91 to 1.12), and its pace may
 * not fall below the slower baseline's (by more than 1%). Where neither route ever stalls (no
 * jitter, no loss), the bound is exact: 0.
 *
 * Soak: at BACKSPIN_ROUTE_SWITCH_SCALE=6, 182 of 183 cases pass; the one left is awful, 8 players,
 * seed 6, whose relay baseline (no switch at all) never starts: one peer ends 'removed' before its
 * handshake with another completes, on a 500 ms round trip with 20% burst loss.
 */
const profiles = loadNetworkProfiles();
/**
 * Switches and stall counts start here (ms), once every session runs and time sync has levelled
 * the start (about 2 s after the last one starts: up to 1.8 s on intercontinental with 8 players,
 * up to 5.5 s on awful, whose relay has a 500 ms round trip and 20% loss).
 */
function settledMs(profileName: string): number {
  return profileName === 'awful' ? 8000 : 3000;
}
/** Virtual time with switches (ms): they fall in [settled, settled + SWITCHING_MS - 1000). */
const SWITCHING_MS = 19_000;
/** BACKSPIN_ROUTE_SWITCH_SCALE=N multiplies the seeds, for a longer soak. */
const scale = Math.max(1, Number(process.env['BACKSPIN_ROUTE_SWITCH_SCALE'] ?? 1));
const seedCount: Record<number, number> = { 2: 3 * scale, 4: 2 * scale, 8: scale };
const SEEDS: Record<number, number[]> = Object.fromEntries([2, 4, 8].map((players) => [players, Array.from({ length: seedCount[players]! }, (_, i) => i + 1)]));

interface Outcome {
  stalls: number;
  /** Stall frames of each peer once settled (`settledMs`). */
  peerStalls: number[];
  /** Lowest share of the frames real time allowed that any peer advanced. */
  pace: number;
  desyncs: number;
  mismatched: readonly number[];
  compared: number;
  confirmed: number;
  disconnects: number;
  packetsDropped: number;
  routeChanges: number;
}

function play(options: { players: number; seed: number; profile: NetworkProfile; relay?: NetworkProfile; startRoute?: RouteId; switches?: readonly ScheduledSwitch[]; fromMs: number }): Outcome {
  const { fromMs, ...rest } = options;
  const routed = new RoutedMatch({ ...rest, session: { checksumIntervalFrames: 10 } });
  const { match } = routed;
  expect(match.runFrames(1, fromMs)).toBe(true); // every session runs before the switches begin
  // Stalls from here on: at the start, the first peers to finish the handshake run ahead and wait
  // for the last until time sync levels them (about 2 s), with or without switches.
  match.runUntil(fromMs);
  const stallsBefore = match.peers.map((peer) => peer.session.stats().stallFrames);
  match.runUntil(fromMs + SWITCHING_MS);
  const peerStalls = match.peers.map((peer, p) => peer.session.stats().stallFrames - stallsBefore[p]!);
  const comparison = match.compareChecksums();
  let routeChanges = 0;
  for (let p = 0; p < options.players; p++) {
    for (let q = 0; q < options.players; q++) if (q !== p) routeChanges += routed.transports[p]!.peerStats(`peer-${q}`).changes;
  }
  return {
    stalls: peerStalls.reduce((a, b) => a + b, 0),
    peerStalls,
    pace: Math.min(...match.peers.map((peer) => peer.session.currentFrame / match.framesAllowed(peer))),
    desyncs: match.peers.reduce((sum, peer) => sum + peer.events.filter((e) => e.type === 'desync').length, 0),
    mismatched: comparison.mismatchedFrames,
    compared: comparison.framesCompared,
    confirmed: Math.min(...match.peers.map((peer) => peer.session.confirmedFrame)),
    disconnects: match.peers.reduce((sum, peer) => sum + peer.events.filter((e) => e.type === 'disconnected' || e.type === 'ended').length, 0),
    packetsDropped: match.peers.reduce((sum, peer) => sum + Object.values(peer.session.stats().dropped).reduce((a, b) => a + b, 0), 0),
    routeChanges,
  };
}

/**
 * For each receiving player, the time (ms, within [fromMs, toMs)) during which at least one other
 * player sent to it over the relay: the slower route holds its inputs back then, the faster one
 * at all other times. Sampled every 10 ms.
 */
function relayTimeByReceiver(switches: readonly ScheduledSwitch[], players: number, fromMs: number, toMs: number): number[] {
  const out = new Array<number>(players).fill(0);
  const STEP_MS = 10;
  const sorted = [...switches].sort((a, b) => a.atMs - b.atMs);
  // route[sender][receiver]: the route the sender sends to the receiver on.
  const route = Array.from({ length: players }, () => new Array<RouteId>(players).fill(StandardRoute.Relay));
  let next = 0;
  for (let t = 0; t < toMs; t += STEP_MS) {
    while (next < sorted.length && sorted[next]!.atMs <= t) {
      const change = sorted[next++]!;
      route[change.player]![change.peer] = change.route;
    }
    if (t < fromMs) continue;
    for (let receiver = 0; receiver < players; receiver++) {
      if (route.some((row, sender) => sender !== receiver && row[receiver] === StandardRoute.Relay)) out[receiver]! += STEP_MS;
    }
  }
  return out;
}

function expectClean(outcome: Outcome, context: string): void {
  expect(outcome.desyncs, context).toBe(0);
  expect(outcome.mismatched, context).toEqual([]);
  expect(outcome.compared, context).toBeGreaterThanOrEqual(Math.floor(outcome.confirmed / 10));
  expect(outcome.disconnects, context).toBe(0);
  expect(outcome.packetsDropped, context).toBe(0);
}

describe.each(Object.keys(profiles.profiles))('route switches on %s', (profileName) => {
  const profile = getProfile(profiles, profileName);
  const cases = [2, 4, 8].flatMap((players) => SEEDS[players]!.map((seed) => ({ players, seed })));
  it.each(cases)('$players players, seed $seed: no desync, no drop, no stall from the switches', ({ players, seed }) => {
    const fromMs = settledMs(profileName);
    const toMs = fromMs + SWITCHING_MS;
    const switches = randomSwitches({ players, seed, perPair: 6, fromMs, toMs: toMs - 1000, skewMs: Math.ceil(relayProfile(profile).rttMs / 2) });
    const switched = play({ players, seed, profile, switches, fromMs });
    const onRelay = play({ players, seed, profile, fromMs });
    const onDirect = play({ players, seed, profile, startRoute: StandardRoute.Direct, fromMs });
    const context = `switched ${JSON.stringify(switched)}; relay ${JSON.stringify(onRelay)}; direct ${JSON.stringify(onDirect)}`;

    // Every scheduled switch happened, on both sides of each pair.
    expect(switched.routeChanges, context).toBe(switches.length);
    expect(switches.length, context).toBe(6 * players * (players - 1));
    expectClean(switched, context);
    expectClean(onRelay, context);
    expectClean(onDirect, context);
    // Each peer stalls at its relay baseline's rate while some peer sends to it over the relay,
    // and at its direct baseline's rate otherwise; the switches may add nothing beyond seed noise.
    // Measured: 0.91 to 1.03 of this mix over these seeds; up to 1.12, or 13 frames more on one
    // peer, over 6 times as many (stalls come in bursts: a burst loss, a 400 ms freeze).
    const relayMs = relayTimeByReceiver(switches, players, fromMs, toMs);
    const expected = relayMs.reduce((sum, ms, p) => sum + (onRelay.peerStalls[p]! * ms + onDirect.peerStalls[p]! * (SWITCHING_MS - ms)) / SWITCHING_MS, 0);
    expect(switched.stalls, `${context}; expected ${expected}`).toBeLessThanOrEqual(Math.ceil(expected * 1.15) + 10 * players);
    expect(switched.pace, context).toBeGreaterThanOrEqual(Math.min(onRelay.pace, onDirect.pace) - 0.01);
  });
});

describe('route switches where neither route ever stalls', () => {
  // Direct 20 ms, relay 120 ms round trip (60 ms one way: under 4 frames, well inside input delay 2 +
  // prediction 8), no jitter or loss: the baselines stall 0 frames, so any stall is the switch's.
  const direct: NetworkProfile = { rttMs: 20, jitterMs: 0, loss: 0, duplicate: 0, reorder: 0 };
  const relay: NetworkProfile = { ...direct, rttMs: 120 };
  it.each([2, 4, 8])('%i players, 10 switches per pair: 0 stall frames, and every peer keeps pace', (players) => {
    const fromMs = 3000;
    const switches = randomSwitches({ players, seed: players, perPair: 10, fromMs, toMs: fromMs + SWITCHING_MS - 1000, skewMs: 100 });
    const switched = play({ players, seed: players, profile: direct, relay, switches, fromMs });
    const onRelay = play({ players, seed: players, profile: direct, relay, fromMs });
    const onDirect = play({ players, seed: players, profile: direct, relay, startRoute: StandardRoute.Direct, fromMs });
    const context = JSON.stringify({ switched, onRelay, onDirect });
    expect(switched.routeChanges).toBe(switches.length);
    expectClean(switched, context);
    expect(onRelay.stalls, context).toBe(0);
    expect(onDirect.stalls, context).toBe(0);
    expect(switched.stalls, context).toBe(0);
    expect(switched.pace, context).toBeGreaterThanOrEqual(Math.min(onRelay.pace, onDirect.pace) - 0.005);
  });
});

describe('a direct link that dies, then the relay', () => {
  // Every pair starts direct; at DIE_MS the link between players 0 and 1 loses everything, and a
  // second later (a direct link's liveness gives up after 1 s of silence) both sides fall back to
  // the relay, 30 ms apart. The packets lost meanwhile are ordinary loss: no desync, no drop (the
  // session waits 2 s before dropping anyone), and the stall lasts about as long as the detection
  // plus one relay trip, less the input delay and prediction window it can run ahead on.
  const DIE_MS = 8000;
  const DETECT_MS = 1000;
  const SKEW_MS = 30;
  const cases = ['lan', 'wifi', 'continental'].flatMap((name) => [2, 4].map((players) => ({ name, players })));
  it.each(cases)('on $name with $players players: no desync, no drop, a stall no longer than the detection', ({ name, players }) => {
    const profile = getProfile(profiles, name);
    const relay = relayProfile(profile);
    const routed = new RoutedMatch({
      players,
      seed: players,
      profile,
      startRoute: StandardRoute.Direct,
      switches: [
        { atMs: DIE_MS + DETECT_MS, player: 0, peer: 1, route: StandardRoute.Relay },
        { atMs: DIE_MS + DETECT_MS + SKEW_MS, player: 1, peer: 0, route: StandardRoute.Relay },
      ],
      session: { checksumIntervalFrames: 10 },
    });
    const { match } = routed;
    match.runUntil(DIE_MS);
    const before = match.peers.map((peer) => peer.session.stats().stallFrames);
    const dead: NetworkProfile = { rttMs: profile.rttMs, jitterMs: 0, loss: 1, duplicate: 0, reorder: 0 };
    match.network.setLinkProfile('peer-0', 'peer-1', dead);
    match.network.setLinkProfile('peer-1', 'peer-0', dead);
    match.runUntil(DIE_MS + 6000);
    const stalls = match.peers.map((peer, p) => peer.session.stats().stallFrames - before[p]!);
    const behind = match.peers.map((peer) => match.framesAllowed(peer) - peer.session.currentFrame);
    const context = `stalls ${stalls.join('/')}, frames behind real time ${behind.join('/')}`;
    expect(match.compareChecksums().mismatchedFrames, context).toEqual([]);
    for (const peer of match.peers) {
      expect(peer.session.state, context).toBe('running');
      expect(peer.events.filter((e) => e.type === 'desync' || e.type === 'disconnected'), context).toEqual([]);
    }
    // The pair on the dead link stalls for the detection and a relay trip at most; the others
    // wait for that pair's inputs, then for it to catch up. The match as a whole loses no more
    // than that: every peer is behind real time by at most the outage (measured 46 to 54 frames
    // for a limit of 64 to 74), since nobody runs ahead while the others wait.
    const limit = Math.ceil((DETECT_MS + SKEW_MS + relay.rttMs) / match.frameMs) + 2;
    stalls.forEach((s, p) => expect(s, context).toBeLessThanOrEqual(p < 2 ? limit : Math.ceil(1.5 * limit)));
    for (const b of behind) expect(b, context).toBeLessThanOrEqual(limit);
  });
});
