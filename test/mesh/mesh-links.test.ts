import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomConnectionOptions } from '../../sdk/src/client/geckos-room-connection.ts';
import { slotAddress } from '../../sdk/src/relay/relay-route.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { SignalKind } from '../../sdk/src/room/control-messages.ts';
import { StandardRoute } from '../../sdk/src/transport/routed-transport.ts';
import { sleep, startMatch, waitFor } from '../helpers/live-room.ts';
import type { LivePlayer } from '../helpers/live-room.ts';
import { LiveMesh } from '../helpers/live-mesh.ts';
import { tappedPeerConnection } from '../direct/signal-pipe.ts';

/**
 * Four players in a room on a loopback host, connected as a game connects (`connectToRoom`, direct
 * links on by default): each session's transport is the connection's, whose routes make a real
 * WebRTC link to every other player through signals relayed by the host, and switch each pair
 * between the link and the relay as links open, go silent, close or fail. Real time, real sockets.
 */

const mesh = new LiveMesh();
afterEach(() => mesh.stop());

const start = (options?: (member: number) => Pick<RoomConnectionOptions, 'direct'>) => mesh.start(4, options);
const routeOf = (p: LivePlayer, slot: number) => mesh.routeOf(p, slot);
const bySlot = (slot: number) => mesh.bySlot(slot);
const others = (p: LivePlayer) => mesh.others(p);
const isPair = (a: number, b: number, pair?: [number, number]) => pair !== undefined && ((a === pair[0] && b === pair[1]) || (a === pair[1] && b === pair[0]));
const allDirect = (except?: [number, number]) => mesh.everyRoute(StandardRoute.Direct, (a, b) => isPair(a, b, except), StandardRoute.Relay);
const routesText = () => mesh.routesText();
const waitUntil = (condition: () => boolean, timeoutMs: number, what: string) => mesh.waitUntil(condition, timeoutMs, what);
const relaySent = (p: LivePlayer, slot: number) => p.connection.routes.transport.peerStats(slotAddress(slot)).routes.find((r) => r.route === StandardRoute.Relay)!.packetsSent;
const framesRelayed = () => mesh.framesRelayed();
const checkHealthy = (minCompared: number) => mesh.checkHealthy(minCompared);

describe('connectToRoom: a 4-player match over direct links, the relay as fallback', () => {
  it('all six pairs go direct within seconds, and the host then relays no session packets', async () => {
    const t0 = performance.now();
    await start();
    await waitUntil(allDirect(), 8000, 'every pair direct');
    const directMs = performance.now() - t0;
    await sleep(300); // packets already on the relay when the last pair switched
    const before = framesRelayed();
    const sessionBefore = mesh.players.map((p) => p.session.currentFrame);
    await sleep(6000);
    const relayed = framesRelayed() - before;
    const frames = mesh.players.map((p, i) => p.session.currentFrame - sessionBefore[i]!);
    for (const p of mesh.players) for (const s of others(p)) expect(routeOf(p, s)).toBe(StandardRoute.Direct);
    expect(relayed).toBeLessThanOrEqual(5);
    for (const f of frames) expect(f).toBeGreaterThan(240); // 6 s at 60 fps is 360
    const { compared } = checkHealthy(15);
    console.info(`routes: ${routesText()}; stale signals ${mesh.players.map((p) => p.connection.routes.meshStats()!.staleSignals).join("/")}`);
    // Late signals of an attempt that was given up are stale, and only those.
    for (const p of mesh.players) {
      const mesh = p.connection.routes.meshStats()!;
      if (mesh.peers.every((s) => s.attempts === 1)) expect(mesh.staleSignals).toBe(0);
    }
    // What an overlay shows: the direct route active, with a round trip; the relay's own unmeasured.
    const view = mesh.players[0]!.connection.routes.peers((slot) => mesh.players[0]!.session.peerStats(mesh.players[0]!.match.handleOf(slot)).rttMs);
    expect(view.map((v) => [v.route, v.link])).toEqual([['direct', 'open'], ['direct', 'open'], ['direct', 'open']]);
    for (const v of view) expect(v.routes.find((r) => r.active)!.rttMs).toBeGreaterThan(0);
    console.info(`all pairs direct ${directMs.toFixed(0)} ms after the host started; host relayed ${relayed} frames in 6 s; frames ${frames.join('/')}; ${compared} checksummed frames agree; rtt ${mesh.players.map((p) => (p.connection.routes.meshStats()?.peers ?? []).map((s) => s.rttMs?.toFixed(1)).join('/')).join(' ')}`);
  });

  it('a pair that declines a direct link (directWith) stays on the relay while the other five go direct', async () => {
    const pair: [number, number] = [0, 1];
    await start((i) => (i === 0 ? { direct: { directWith: (slot) => slot !== 1 } } : i === 1 ? { direct: { directWith: (slot) => slot !== 0 } } : {}));
    await waitUntil(allDirect(pair), 8000, 'five pairs direct');
    await sleep(300);
    const before = framesRelayed();
    const pairBefore = relaySent(bySlot(0), 1) + relaySent(bySlot(1), 0);
    const othersBefore = mesh.players.map((p) => others(p).filter((s) => !isPair(p.connection.slot, s, pair)).map((s) => relaySent(p, s)));
    await sleep(6000);
    const relayed = framesRelayed() - before;
    const pairRelayed = relaySent(bySlot(0), 1) + relaySent(bySlot(1), 0) - pairBefore;
    mesh.players.forEach((p, i) => {
      const now = others(p).filter((s) => !isPair(p.connection.slot, s, pair)).map((s) => relaySent(p, s));
      expect(now).toEqual(othersBefore[i]);
    });
    expect(routeOf(bySlot(0), 1)).toBe(StandardRoute.Relay);
    expect(routeOf(bySlot(1), 0)).toBe(StandardRoute.Relay);
    expect(bySlot(0).connection.routes.linkTo(1)).toBeUndefined();
    expect(pairRelayed).toBeGreaterThan(300);
    // Everything the host relayed is that pair's session packets (and nothing else's).
    expect(relayed).toBeGreaterThanOrEqual(pairRelayed - 10);
    expect(relayed).toBeLessThanOrEqual(pairRelayed + 5);
    const { compared } = checkHealthy(15);
    console.info(`pair 0-1 on the relay: host relayed ${relayed} frames in 6 s, the pair sent ${pairRelayed} on it; ${compared} checksummed frames agree; ${routesText()}`);
  });

  it('a direct link closed mid-match falls back to the relay, then a new link takes the pair direct again', async () => {
    await start();
    await waitUntil(allDirect(), 8000, 'every pair direct');
    const p0 = bySlot(0);
    const p2 = bySlot(2);
    const first = p0.connection.routes.linkTo(2)!;
    const firstId = first.link;
    first.close('test');
    await waitUntil(() => routeOf(p0, 2) === StandardRoute.Relay && routeOf(p2, 0) === StandardRoute.Relay, 2000, 'pair 0-2 back on the relay');
    const fellBackAt = performance.now();
    await waitUntil(() => routeOf(p0, 2) === StandardRoute.Direct && routeOf(p2, 0) === StandardRoute.Direct, 8000, 'pair 0-2 direct again');
    const backMs = performance.now() - fellBackAt;
    expect(p0.connection.routes.linkTo(2)!.link).not.toBe(firstId);
    expect(p0.connection.routes.meshStats()!.peers.find((s) => s.slot === 2)!.attempts).toBe(2);
    await sleep(2000);
    const { compared } = checkHealthy(8);
    console.info(`pair 0-2 direct again ${backMs.toFixed(0)} ms after falling back; ${compared} checksummed frames agree`);
  });

  it('links that go silent (datagrams black-holed, nothing closed) fall back within about 1 s, long before any drop, and return once heard', async () => {
    // Slot 0's data channels pass through a tap that can swallow everything it sends, pings included.
    const tapped = tappedPeerConnection();
    await start((i) => (i === 0 ? { direct: { link: { peerConnection: tapped.ctor } } } : {}));
    await waitUntil(allDirect(), 8000, 'every pair direct');
    const p0 = bySlot(0);
    const mutedAt = performance.now();
    tapped.tap.muted = true;
    // Every other player's route to slot 0 must leave the dead links: they hear nothing on them.
    await waitUntil(() => mesh.players.filter((p) => p !== p0).every((p) => routeOf(p, 0) === StandardRoute.Relay), 3000, 'the others back on the relay to slot 0');
    const fallbackMs = performance.now() - mutedAt;
    // Slot 0 hears the others' pings but its answers are lost: its side falls back as well.
    await waitUntil(() => others(p0).every((s) => routeOf(p0, s) === StandardRoute.Relay), 3000, 'slot 0 back on the relay');
    await sleep(2000); // the match goes on over the relay
    tapped.tap.muted = false;
    const unmutedAt = performance.now();
    await waitUntil(allDirect(), 8000, 'every pair direct again');
    const returnMs = performance.now() - unmutedAt;
    // The hysteresis: a link that went silent is used again only after answering for 1 s.
    expect(returnMs).toBeGreaterThanOrEqual(900);
    expect(fallbackMs).toBeLessThan(2500); // the session's own drop would take 5 s
    await sleep(1000);
    const { compared } = checkHealthy(10);
    for (const p of mesh.players) expect(p.connection.routes.meshStats()!.peers.every((s) => s.link === 'open')).toBe(true); // the same links, never closed
    console.info(`silent links: the others fell back ${fallbackMs.toFixed(0)} ms after the mute, direct again ${returnMs.toFixed(0)} ms after it ended; ${compared} checksummed frames agree`);
  });

  it('the next match in the room reuses the open links: no new peer connection, direct from its first frame', async () => {
    await start();
    await waitUntil(allDirect(), 8000, 'every pair direct');
    const linkIds = () => mesh.players.map((p) => others(p).map((s) => p.connection.routes.linkTo(s)?.link));
    const first = linkIds();
    const firstPlayers = mesh.players;
    await sleep(500);
    await mesh.pause();
    for (const p of firstPlayers) p.session.leave();
    mesh.members[0]!.client.endMatch();
    await waitFor(() => mesh.members.every((c) => c.client.room?.phase === 'lobby'), 5000, 'back in the lobby');
    for (const c of mesh.members) c.client.setReady(true);
    await waitFor(() => mesh.members[0]!.client.room?.members.every((m) => m.ready) === true, 5000, 'everyone ready again');
    const previous = mesh.members[0]!.client.match?.matchId;
    mesh.members[0]!.client.startMatch();
    await waitFor(() => mesh.members.every((c) => c.client.match !== undefined && c.client.match.matchId !== previous), 5000, 'the second match at every member');
    mesh.players = (await startMatch(mesh.members, { started: true })).players;
    // Every pair is already direct when the second match's sessions start.
    expect(allDirect()()).toBe(true);
    mesh.resume(8);
    await sleep(3000);
    expect(linkIds()).toEqual(first);
    for (const p of mesh.players) expect(p.connection.routes.meshStats()!.peers.every((s) => s.attempts <= 1)).toBe(true);
    const { compared } = checkHealthy(5);
    console.info(`second match on the same ${first.flat().length / 2} links; ${compared} checksummed frames agree`);
  });

  it('a player that floods its peers with forged signals hurts none of the other pairs, and the match agrees', async () => {
    await start();
    await waitUntil(allDirect(), 8000, 'every pair direct');
    const hostile = bySlot(3);
    const rng = new Prng(0xbad5);
    const kinds = Object.values(SignalKind);
    const garbage = () => {
      switch (rng.nextInt(5)) {
        case 0:
          return 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\n'.padEnd(rng.nextInt(8000), 'a');
        case 1:
          return JSON.stringify({ candidate: 'candidate:1 1 udp 2122260223 10.9.9.9 9 typ host', sdpMid: '0' });
        case 2:
          return '';
        case 3:
          return 'x'.repeat(rng.nextInt(300));
        default:
          return '{"candidate":';
      }
    };
    // The real link ids of the victims' pairs with slot 3, so some forgeries hit a live link.
    const ids = [0, 1, 2].map((s) => hostile.connection.routes.linkTo(s)?.link ?? 0);
    let sent = 0;
    let offDirect = 0;
    const deadline = performance.now() + 5000;
    while (performance.now() < deadline) {
      for (let i = 0; i < 20; i++) {
        const to = rng.nextInt(3);
        const link = rng.nextInt(3) === 0 ? ids[to]! : rng.nextU32();
        try {
          if (hostile.connection.client.signal(to, kinds[rng.nextInt(kinds.length)]!, link, garbage())) sent++;
        } catch {
          // a payload the client refuses to send: fine, it is the host and peers we are testing
        }
      }
      // The pairs without slot 3 never leave their links.
      for (const p of mesh.players.filter((q) => q !== hostile)) for (const s of others(p).filter((t) => t !== 3)) if (routeOf(p, s) !== StandardRoute.Direct) offDirect++;
      await sleep(100);
    }
    expect(sent).toBeGreaterThan(100);
    expect(offDirect).toBe(0);
    const victims = mesh.players.filter((q) => q !== hostile);
    const refused = victims.map((p) => p.connection.routes.meshStats()!).map((m) => m.staleSignals + m.refusedSignals);
    expect(refused.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // The host limited the flood and kept every member; the match is whole and agrees.
    expect(mesh.host!.relay.stats().dropped['signal-rate-limited']).toBeGreaterThan(0);
    await waitUntil(allDirect(), 15_000, 'every pair direct again after the flood'); // the hostile pairs may have been reset
    await sleep(1000);
    const { compared } = checkHealthy(10);
    console.info(`forged signals: ${sent} sent, host dropped ${mesh.host!.relay.stats().dropped['signal-rate-limited']} over the rate; victims ignored ${refused.join('/')}; other pairs never left their links; ${compared} checksummed frames agree`);
  });
});
