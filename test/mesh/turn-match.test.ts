import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DirectLinksOptions } from '../../sdk/src/client/room-routes.ts';
import { DirectLink } from '../../sdk/src/direct/direct-link.ts';
import { StandardRoute } from '../../sdk/src/transport/routed-transport.ts';
import { sleep } from '../helpers/live-room.ts';
import { LiveMesh } from '../helpers/live-mesh.ts';
import type { LivePlayer } from '../helpers/live-room.ts';
import { coturnOrSkip, startCoturn } from '../helpers/coturn.ts';
import type { Coturn } from '../helpers/coturn.ts';

/**
 * A 4-player match on a loopback host (`connectToRoom`, as a game connects) whose direct links may
 * only use TURN (`iceTransportPolicy: 'relay'`, a coturn this file starts on loopback: see
 * test/helpers/coturn.ts). Every pair must go direct through coturn, the host must then relay no
 * session packets, and the checksums must agree; `getStats()` on each link's peer connection shows
 * the selected candidate pair relay->relay, on coturn's relay ports. Then the same match with a
 * wrong TURN password: no link can open, and the match plays on over the host's relay.
 * Skipped loudly without coturn, failed under CI=true.
 */
const hasCoturn = coturnOrSkip('the TURN match test');

const PLAYERS = 4;
let coturn: Coturn | undefined;
const mesh = new LiveMesh();

beforeAll(async () => {
  // Relayed addresses on 127.0.0.2, not the mesh.players' 127.0.0.1: libjuice (under node-datachannel)
  // applies 'relay' to the candidates it offers, not to the pairs it checks, and with coturn's
  // permissions (per IP) covering the mesh.players' own address an end's socket can reach the other's
  // allocation directly; the pair then moves off TURN (srflx->prflx, seen mid-match). A browser
  // never sends from a non-relayed candidate under 'relay'.
  if (hasCoturn) coturn = await startCoturn({ relayIp: '127.0.0.2' });
});

afterAll(async () => {
  await coturn?.stop();
});

afterEach(() => mesh.stop());

/** Every peer connection member `i`'s links made, by link id (the ids are the pair's, so one map per member). */
let connections: Map<number, RTCPeerConnection>[] = [];

/** `direct` options for member `i`: `options`, and a link factory that keeps each link's peer connection. */
function capturing(i: number, options: DirectLinksOptions): DirectLinksOptions {
  const mine = new Map<number, RTCPeerConnection>();
  connections[i] = mine;
  const Base = (globalThis as unknown as { RTCPeerConnection: typeof RTCPeerConnection }).RTCPeerConnection;
  return {
    ...options,
    createLink: (linkOptions) => {
      class Captured extends Base {
        constructor(configuration: RTCConfiguration) {
          super(configuration);
          mine.set(linkOptions.link, this);
        }
      }
      return new DirectLink({ ...linkOptions, peerConnection: Captured });
    },
  };
}

/** A room of PLAYERS on a new loopback host with `direct` options, its match started, every game loop running. */
async function start(direct: DirectLinksOptions): Promise<void> {
  connections = [];
  await mesh.start(PLAYERS, (i) => ({ direct: capturing(i, direct) }), 11);
}

const others = (p: LivePlayer) => mesh.others(p);
const routeOf = (p: LivePlayer, slot: number) => mesh.routeOf(p, slot);
const everyRoute = (route: string) => mesh.everyRoute(route);
const routesText = () => mesh.routesText();
const framesRelayed = () => mesh.framesRelayed();
const checkHealthy = (minCompared: number) => mesh.checkHealthy(minCompared);
/** `waitFor`, with the routes and coturn's log tail added to the error at the timeout. */
const waitUntil = (condition: () => boolean, timeoutMs: number, what: string) => mesh.waitUntil(condition, timeoutMs, what, () => `\ncoturn log (tail):\n${coturn?.log().slice(-3000) ?? ''}`);

interface SelectedPair {
  readonly local: string;
  readonly remote: string;
  /** "ip:port" of each candidate. */
  readonly localAddress: string;
  readonly remoteAddress: string;
}

/** The selected candidate pair of `pc`, from its `getStats()` report (candidate-pair, local-candidate, remote-candidate). */
async function selectedPair(pc: RTCPeerConnection): Promise<SelectedPair | undefined> {
  const report = await pc.getStats();
  let pair: RTCIceCandidatePairStats | undefined;
  report.forEach((entry: RTCStats) => {
    const candidatePair = entry as RTCIceCandidatePairStats;
    if (entry.type === 'candidate-pair' && candidatePair.nominated === true) pair = candidatePair;
  });
  if (pair === undefined) return undefined;
  const local = report.get(pair.localCandidateId) as { candidateType: string; ip: string; port: number } | undefined;
  const remote = report.get(pair.remoteCandidateId) as { candidateType: string; ip: string; port: number } | undefined;
  if (local === undefined || remote === undefined) return undefined;
  return { local: local.candidateType, remote: remote.candidateType, localAddress: `${local.ip}:${local.port}`, remoteAddress: `${remote.ip}:${remote.port}` };
}

/** Each pair "a-b", with what each end's current link selected ("local->remote"), from a's and b's peer connections. */
async function pairsBySlots(): Promise<Map<string, { ends: (SelectedPair | undefined)[] }>> {
  const out = new Map<string, { ends: (SelectedPair | undefined)[] }>();
  for (const [i, p] of mesh.players.entries()) {
    for (const s of others(p)) {
      const key = [p.connection.slot, s].sort((x, y) => x - y).join('-');
      const link = p.connection.routes.linkTo(s);
      const pc = link === undefined ? undefined : connections[i]!.get(link.link);
      const selected = pc === undefined ? undefined : await selectedPair(pc);
      const entry = out.get(key) ?? { ends: [] };
      entry.ends.push(selected);
      out.set(key, entry);
    }
  }
  return out;
}

const pairText = (s: SelectedPair | undefined) => (s === undefined ? 'none' : `${s.local}->${s.remote}`);

describe.skipIf(!hasCoturn)('connectToRoom: a 4-player match whose direct links may only use TURN (coturn on loopback)', () => {
  it('every pair goes direct through coturn (relay->relay), the host relays no session packets, and every checksum agrees', async () => {
    const t0 = performance.now();
    await start({ iceServers: [coturn!.iceServer()], iceTransportPolicy: 'relay' });
    const matchAt = performance.now();
    await waitUntil(everyRoute(StandardRoute.Direct), 10_000, 'every pair direct over TURN');
    const directMs = performance.now() - matchAt;

    const pairs = await pairsBySlots();
    const linkIds = () => mesh.players.map((p) => others(p).map((s) => p.connection.routes.linkTo(s)?.link));
    const firstLinks = linkIds();

    // Proof that the packets went through coturn: both ends of every pair's link selected its own
    // relayed candidate and the other end's, and both are addresses coturn allocated (its log);
    // coturn granted an allocation to each end of each link.
    expect(pairs.size).toBe((PLAYERS * (PLAYERS - 1)) / 2);
    const allocated = new Set(coturn!.relayAddresses());
    for (const [key, { ends }] of pairs) {
      expect(ends.map(pairText), `pair ${key}`).toEqual(['relay->relay', 'relay->relay']);
      const [a, b] = ends as [SelectedPair, SelectedPair];
      expect(allocated.has(a.localAddress) && allocated.has(b.localAddress), `pair ${key}: ${a.localAddress} ${b.localAddress} allocated by coturn`).toBe(true);
      expect([a.remoteAddress, b.remoteAddress]).toEqual([b.localAddress, a.localAddress]); // each end sends to the other's relayed address
    }
    expect(coturn!.allocations()).toBeGreaterThanOrEqual(PLAYERS * (PLAYERS - 1));

    await sleep(300); // packets already on the relay when the last pair switched
    const before = framesRelayed();
    const sessionBefore = mesh.players.map((p) => p.session.currentFrame);
    await sleep(5000);
    const relayed = framesRelayed() - before;
    const frames = mesh.players.map((p, i) => p.session.currentFrame - sessionBefore[i]!);
    for (const p of mesh.players) for (const s of others(p)) expect(routeOf(p, s)).toBe(StandardRoute.Direct);
    expect(relayed).toBeLessThanOrEqual(5);
    for (const f of frames) expect(f).toBeGreaterThan(200); // 5 s at 60 fps is 300
    const { compared } = checkHealthy(12);
    // Still the same links, still through coturn.
    expect(linkIds()).toEqual(firstLinks);
    const after = await pairsBySlots();
    for (const [key, { ends }] of after) expect(ends.map(pairText), `pair ${key}`).toEqual(['relay->relay', 'relay->relay']);
    console.info(
      `TURN match: all ${pairs.size} pairs direct through coturn ${directMs.toFixed(0)} ms after the match started (${(matchAt - t0).toFixed(0)} ms to open the room); ` +
        `host relayed ${relayed} frames in 5 s; frames ${frames.join('/')} (total ${mesh.players.map((p) => p.session.currentFrame).join('/')}); ${compared} checksummed frames agree; ` +
        `candidate pairs ${[...pairs].map(([k, { ends }]) => `${k} ${ends.map(pairText).join(',')}`).join('; ')}; coturn allocations ${coturn!.allocations()}; ` +
        `rtt ${mesh.players.map((p) => (p.connection.routes.meshStats()?.peers ?? []).map((s) => s.rttMs?.toFixed(1)).join('/')).join(' ')}`,
    );
  }, 30_000);

  it('with a wrong TURN password no link opens, and once the attempts run out every pair plays on over the relay with agreeing checksums', async () => {
    const allocationsBefore = coturn!.allocations();
    const refusedBefore = coturn!.log().match(/credentials are incorrect/g)?.length ?? 0;
    const matchAt = performance.now();
    await start({ iceServers: [coturn!.iceServer('wrong-password')], iceTransportPolicy: 'relay', retryDelayMs: 300, link: { setupTimeoutMs: 1500 } });
    const exhausted = () => mesh.players.every((p) => (p.connection.routes.meshStats()?.peers ?? []).every((s) => s.attempts === 3 && s.link === 'none'));
    await waitUntil(exhausted, 15_000, 'every pair out of attempts');
    const exhaustedMs = performance.now() - matchAt;
    expect(everyRoute(StandardRoute.Relay)()).toBe(true);
    for (const p of mesh.players) for (const s of p.connection.routes.meshStats()!.peers) expect(s.lastEnd).toMatch(/^(failed|closed)/);
    // coturn refused the credential (its log), and granted nothing.
    expect(coturn!.log().match(/credentials are incorrect/g)?.length ?? 0).toBeGreaterThan(refusedBefore);
    expect(coturn!.allocations()).toBe(allocationsBefore);
    const before = framesRelayed();
    const sessionBefore = mesh.players.map((p) => p.session.currentFrame);
    await sleep(4000);
    const relayed = framesRelayed() - before;
    const frames = mesh.players.map((p, i) => p.session.currentFrame - sessionBefore[i]!);
    expect(everyRoute(StandardRoute.Relay)()).toBe(true);
    for (const f of frames) expect(f).toBeGreaterThan(170); // 4 s at 60 fps is 240
    expect(relayed).toBeGreaterThan(1000); // 12 directions of session packets, all through the host
    const { compared } = checkHealthy(15);
    console.info(`wrong TURN password: every pair out of attempts (${routesText()}) ${exhaustedMs.toFixed(0)} ms after the match started; host relayed ${relayed} frames in 4 s; frames ${frames.join('/')}; ${compared} checksummed frames agree`);
  }, 30_000);
});
