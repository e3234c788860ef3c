import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningHost } from '../../sdk/src/host/geckos-host.ts';
import type { RoomConnection } from '../../sdk/src/client/geckos-room-connection.ts';
import { createMatchSession } from '../../sdk/src/relay/match-session.ts';
import type { MatchSession } from '../../sdk/src/relay/match-session.ts';
import { slotAddress } from '../../sdk/src/relay/room-client.ts';
import { FramePacer } from '../../sdk/src/core/frame-pacer.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import type { SessionEvent } from '../../sdk/src/core/session-events.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { compareChecksums } from '../../sdk/src/sim/compare-checksums.ts';
import { RoutedTransport, StandardRoute } from '../../sdk/src/transport/routed-transport.ts';
import { DirectRoute } from '../../sdk/src/mesh/direct-route.ts';
import { MeshLinks } from '../../sdk/src/mesh/mesh-links.ts';
import { openRoom, sleep, startLoopbackHost, waitFor } from '../helpers/live-room.ts';

/** `waitFor`, with what `detail` says at the timeout added to the error. */
async function waitUntil(condition: () => boolean, timeoutMs: number, what: string, detail: () => string): Promise<void> {
  try {
    await waitFor(condition, timeoutMs, what);
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${detail()}`);
  }
}

/**
 * Four players in a room on a loopback host, each session over a RoutedTransport (the host's
 * relay, and a DirectRoute of real WebRTC links in this process), wired by MeshLinks: signals
 * through the host, routes switched as links open, stall or fail. Real time, real sockets.
 */

interface MeshPlayer {
  readonly connection: RoomConnection;
  readonly match: MatchSession<Uint8Array, Int32Array>;
  readonly routed: RoutedTransport;
  readonly mesh: MeshLinks;
  readonly checksums: Map<number, number>;
  readonly events: SessionEvent[];
  readonly pacer: FramePacer;
  input: Uint8Array;
}

/** A test switch between the room and the links: drops every signal between two slots. */
interface SignalGate {
  refused: [number, number] | undefined;
  dropped: number;
}

let host: RunningHost | undefined;
let members: RoomConnection[] = [];
let players: MeshPlayer[] = [];
let running = false;
let loop: Promise<void> | undefined;

afterEach(async () => {
  running = false;
  await loop;
  loop = undefined;
  for (const p of players) p.mesh.close();
  players = [];
  for (const m of members) m.close();
  members = [];
  await host?.close();
  host = undefined;
});

/** Starts the match and builds every member's session over a routed transport with its own MeshLinks. */
async function startMeshMatch(gate: SignalGate): Promise<MeshPlayer[]> {
  members[0]!.client.startMatch();
  await waitFor(() => members.every((c) => c.client.match !== undefined), 5000, 'match-start at every member');
  const decision = members[0]!.client.match!;
  return members.map((connection, i) => {
    const route = new DirectRoute();
    const routed = new RoutedTransport({ routes: { [StandardRoute.Relay]: connection.transport, [StandardRoute.Direct]: route }, defaultRoute: StandardRoute.Relay });
    const mesh = new MeshLinks({
      slot: connection.slot,
      transport: routed,
      route,
      sendSignal: (to, kind, link, payload) => {
        const r = gate.refused;
        if (r !== undefined && ((connection.slot === r[0] && to === r[1]) || (connection.slot === r[1] && to === r[0]))) {
          gate.dropped++;
          return false;
        }
        return connection.client.signal(to, kind, link, payload);
      },
    });
    mesh.setPeers(decision.players);
    const checksums = new Map<number, number>();
    const match = createMatchSession({
      transport: routed,
      slot: connection.slot,
      match: decision,
      game: new TestGame(decision.players.length),
      input: bytesInputCodec(2),
      seed: 1000 + i,
      session: { checksumIntervalFrames: 20, onChecksum: (f: number, c: number) => checksums.set(f, c) },
    });
    return { connection, match, routed, mesh, checksums, events: [], pacer: new FramePacer(decision.settings.fps), input: new Uint8Array(2) };
  });
}

/** The game loop of every player, in real time, until `running` goes false: signals to the mesh, route changes to the session. */
async function drive(all: MeshPlayer[], seed: number): Promise<void> {
  const rng = new Prng(seed);
  while (running) {
    const now = performance.now();
    for (const p of all) {
      for (const e of p.connection.events()) {
        if (e.type === 'signal') p.mesh.handleSignal(e);
        else if (e.type !== 'connection') p.match.applyRoomEvent(e);
      }
      p.mesh.tick(now);
      const session = p.match.session;
      session.poll(now);
      for (const e of session.events()) p.events.push(e);
      if (session.state !== 'running') continue;
      for (let due = p.pacer.framesDue(now, session.framesAhead); due > 0; due--) {
        if (rng.nextInt(10) === 0) p.input = Uint8Array.of(rng.nextU32() & 0x0f, rng.nextU32() & 0xff);
        if (session.advanceFrame(p.input) !== 'advanced') break;
        p.pacer.frameDone();
      }
    }
    await sleep(1);
  }
}

function start(gate: SignalGate = { refused: undefined, dropped: 0 }): Promise<MeshPlayer[]> {
  return (async () => {
    host = await startLoopbackHost();
    members = await openRoom(host, 4);
    players = await startMeshMatch(gate);
    running = true;
    loop = drive(players, 7);
    return players;
  })();
}

const routeOf = (p: MeshPlayer, slot: number) => p.routed.routeOf(slotAddress(slot));
const others = (p: MeshPlayer) => players.filter((q) => q !== p).map((q) => q.connection.slot);
/** Whether a pair is exempt (its signals refused): it stays on the relay. */
const exempt = (a: number, b: number, gate?: [number, number]) => gate !== undefined && ((a === gate[0] && b === gate[1]) || (a === gate[1] && b === gate[0]));
const routesText = () => players.map((p) => `${p.connection.slot}: ${p.mesh.stats().peers.map((s) => `${s.slot} ${s.route}/${s.link}#${s.attempts}`).join(', ')}`).join(' | ');
const relaySent = (p: MeshPlayer, slot: number) => p.routed.peerStats(slotAddress(slot)).routes.find((r) => r.route === StandardRoute.Relay)!.packetsSent;
const framesRelayed = () => host!.relay.stats().framesRelayed;

/** No mismatch, desync, drop or fault; at least `minCompared` frames checksummed by two players or more (one every 20 frames). */
function checkHealthy(minCompared: number): { compared: number } {
  const { framesCompared, mismatchedFrames } = compareChecksums(players.map((p) => p.checksums));
  expect(mismatchedFrames).toEqual([]);
  expect(framesCompared).toBeGreaterThanOrEqual(minCompared);
  for (const p of players) {
    expect(p.events.filter((e) => e.type === 'desync' || e.type === 'disconnected' || e.type === 'ended')).toEqual([]);
    expect(p.match.session.state).toBe('running');
    expect(p.mesh.stats().faults).toBe(0);
  }
  return { compared: framesCompared };
}

describe('MeshLinks: a 4-player match over direct links, the relay as fallback', () => {
  it('all six pairs go direct within seconds, and the host then relays no session packets', async () => {
    const t0 = performance.now();
    await start();
    await waitUntil(() => players.every((p) => others(p).every((s) => routeOf(p, s) === StandardRoute.Direct)), 8000, 'every pair direct', routesText);
    const directMs = performance.now() - t0;
    await sleep(300); // packets already on the relay when the last pair switched
    const before = framesRelayed();
    const sessionBefore = players.map((p) => p.match.session.currentFrame);
    await sleep(10_000);
    const relayed = framesRelayed() - before;
    const frames = players.map((p, i) => p.match.session.currentFrame - sessionBefore[i]!);
    for (const p of players) for (const s of others(p)) expect(routeOf(p, s)).toBe(StandardRoute.Direct);
    expect(relayed).toBeLessThanOrEqual(5);
    for (const f of frames) expect(f).toBeGreaterThan(400); // 10 s at 60 fps is 600
    const { compared } = checkHealthy(25);
    for (const p of players) expect(p.mesh.stats().staleSignals).toBe(0);
    console.info(`all pairs direct ${directMs.toFixed(0)} ms after the host started; host relayed ${relayed} frames in 10 s; frames ${frames.join('/')}; ${compared} checksummed frames agree; rtt ${players.map((p) => p.mesh.stats().peers.map((s) => s.rttMs?.toFixed(1)).join('/')).join(' ')}`);
  });

  it('a pair whose signals are refused stays on the relay while the other five go direct', async () => {
    const gate: SignalGate = { refused: [0, 1], dropped: 0 };
    await start(gate);
    const pair = gate.refused!;
    const bySlot = (slot: number) => players.find((p) => p.connection.slot === slot)!;
    await waitUntil(() => players.every((p) => others(p).every((s) => routeOf(p, s) === (exempt(p.connection.slot, s, pair) ? StandardRoute.Relay : StandardRoute.Direct))), 8000, 'five pairs direct', routesText);
    await sleep(300);
    const before = framesRelayed();
    const pairBefore = relaySent(bySlot(0), 1) + relaySent(bySlot(1), 0);
    const othersBefore = players.map((p) => others(p).filter((s) => !exempt(p.connection.slot, s, pair)).map((s) => relaySent(p, s)));
    await sleep(6000);
    const relayed = framesRelayed() - before;
    const pairRelayed = relaySent(bySlot(0), 1) + relaySent(bySlot(1), 0) - pairBefore;
    players.forEach((p, i) => {
      const now = others(p).filter((s) => !exempt(p.connection.slot, s, pair)).map((s) => relaySent(p, s));
      expect(now).toEqual(othersBefore[i]);
    });
    expect(routeOf(bySlot(0), 1)).toBe(StandardRoute.Relay);
    expect(routeOf(bySlot(1), 0)).toBe(StandardRoute.Relay);
    expect(pairRelayed).toBeGreaterThan(300);
    // Everything the host relayed is that pair's session packets (and nothing else's).
    expect(relayed).toBeGreaterThanOrEqual(pairRelayed - 10);
    expect(relayed).toBeLessThanOrEqual(pairRelayed + 5);
    expect(gate.dropped).toBeGreaterThan(0);
    const { compared } = checkHealthy(15);
    console.info(`pair 0-1 on the relay: host relayed ${relayed} frames in 6 s, the pair sent ${pairRelayed} on it; ${gate.dropped} signals refused; ${compared} checksummed frames agree; ${routesText()}`);
  });

  it('a direct link closed mid-match falls back to the relay, then a new link takes the pair direct again', async () => {
    await start();
    await waitUntil(() => players.every((p) => others(p).every((s) => routeOf(p, s) === StandardRoute.Direct)), 8000, 'every pair direct', routesText);
    const p0 = players.find((p) => p.connection.slot === 0)!;
    const p2 = players.find((p) => p.connection.slot === 2)!;
    const first = p0.mesh.linkTo(2)!;
    const firstId = first.link;
    first.close('test');
    await waitUntil(() => routeOf(p0, 2) === StandardRoute.Relay && routeOf(p2, 0) === StandardRoute.Relay, 2000, 'pair 0-2 back on the relay', routesText);
    const fellBackAt = performance.now();
    await waitUntil(() => routeOf(p0, 2) === StandardRoute.Direct && routeOf(p2, 0) === StandardRoute.Direct, 8000, 'pair 0-2 direct again', routesText);
    const backMs = performance.now() - fellBackAt;
    expect(p0.mesh.linkTo(2)!.link).not.toBe(firstId);
    expect(p0.mesh.stats().peers.find((s) => s.slot === 2)!.attempts).toBe(2);
    await sleep(2000);
    const { compared } = checkHealthy(8);
    console.info(`pair 0-2 direct again ${backMs.toFixed(0)} ms after falling back; ${compared} checksummed frames agree`);
  });
});
