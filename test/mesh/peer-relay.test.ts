import { afterEach, describe, expect, it } from 'vitest';
import { PEER_RELAY_ROUTE } from '../../sdk/src/mesh/peer-relay-route.ts';
import { StandardRoute } from '../../sdk/src/transport/routed-transport.ts';
import { sleep } from '../helpers/live-room.ts';
import { LiveMesh } from '../helpers/live-mesh.ts';

/**
 * A pair that plays over the host's relay (it declined a direct link) when the host process dies
 * mid-match (Node members, real WebRTC on loopback, a real `backspin-host` process SIGKILLed): the
 * pair goes through a third player linked to both (`'peer-relay'`) within about 2 s, nobody is
 * dropped, and every checksum agrees.
 */
const mesh = new LiveMesh();
afterEach(() => mesh.stop());

const isPair = (a: number, b: number) => (a === 0 && b === 1) || (a === 1 && b === 0);

describe('peer relay', () => {
  it('a pair on the host relay goes through a third player when the host is SIGKILLed, and the match plays on', async () => {
    await mesh.startOnHostProcess(4, (i) => (i === 0 ? { direct: { directWith: (s) => s !== 1 } } : i === 1 ? { direct: { directWith: (s) => s !== 0 } } : {}));
    await mesh.waitUntil(mesh.everyRoute(StandardRoute.Direct, isPair, StandardRoute.Relay), 8000, 'five pairs direct, the pair on the relay');
    await sleep(500);
    const zero = mesh.bySlot(0);
    const one = mesh.bySlot(1);
    const stallsBefore = mesh.players.map((p) => p.session.stats().stallFrames);
    const framesAtKill = mesh.players.map((p) => p.session.currentFrame);

    const killedAt = performance.now();
    mesh.hostProcess!.kill('SIGKILL');
    let onPeerRelayMs = Number.NaN;
    await mesh.waitUntil(
      () => {
        const both = mesh.routeOf(zero, 1) === PEER_RELAY_ROUTE && mesh.routeOf(one, 0) === PEER_RELAY_ROUTE;
        if (both) onPeerRelayMs = performance.now() - killedAt;
        return both;
      },
      3000,
      'the pair on peer-relay within about 2 s of the kill',
    );
    expect(onPeerRelayMs).toBeLessThan(2500);

    const before = mesh.players.map((p) => p.session.currentFrame);
    // Frames played between the kill and the switch, against the ~60 a second due: the stall the gap cost.
    const inGap = before.map((f, i) => f - framesAtKill[i]!);
    await sleep(4000);
    const gained = mesh.players.map((p, i) => p.session.currentFrame - before[i]!);
    for (const g of gained) expect(g).toBeGreaterThan(200); // 4 s at 60 fps is 240
    const { compared } = mesh.checkHealthy(10);
    // Every other pair stays direct, the pair stays on the peer relay.
    expect(mesh.everyRoute(StandardRoute.Direct, isPair, PEER_RELAY_ROUTE)()).toBe(true);
    const relayStats = mesh.players.map((p) => p.connection.routes.peerRelayStats()!);
    expect(relayStats[0]!.sent).toBeGreaterThan(80);
    expect(relayStats[1]!.delivered).toBeGreaterThan(80);
    expect(relayStats[2]!.forwarded + relayStats[3]!.forwarded).toBeGreaterThan(160);
    for (const s of relayStats) expect(s.dropped.notInMatch + s.dropped.malformed + s.dropped.rateLimited).toBe(0);
    const stalls = mesh.players.map((p, i) => p.session.stats().stallFrames - stallsBefore[i]!);
    console.info(
      `peer relay: the pair on peer-relay ${onPeerRelayMs.toFixed(0)} ms after the SIGKILL (via ${relayStats.map((s) => s.forwarded).join('/')} forwarded); ` +
        `frames played in that gap ${inGap.join('/')} (~${Math.round((onPeerRelayMs * 60) / 1000)} due); frames gained in the next 4 s ${gained.join('/')}; ` +
        `stalled advances (session stallFrames) since the kill ${stalls.join('/')}; ${compared} checksummed frames agree; ` +
        `sent ${relayStats.map((s) => s.sent).join('/')}, delivered ${relayStats.map((s) => s.delivered).join('/')}`,
    );
  }, 60_000);
});
