import { describe, expect, it } from 'vitest';
import { RoutedTransport, StandardRoute } from '../../sdk/src/transport/routed-transport.ts';
import type { Route } from '../../sdk/src/transport/routed-transport.ts';
import { routeRtts } from '../../sdk/src/transport/route-rtts.ts';
import type { Datagram, PeerAddress } from '../../sdk/src/transport/transport.ts';

/** A route that records what it was asked to send and hands out what a test queues. */
class FakeRoute implements Route {
  readonly sent: { to: PeerAddress; data: Uint8Array }[] = [];
  inbox: Datagram[] = [];
  rtt: number | undefined = undefined;
  send(to: PeerAddress, data: Uint8Array): void {
    this.sent.push({ to, data: data.slice() });
  }
  receive(): readonly Datagram[] {
    const out = this.inbox;
    this.inbox = [];
    return out;
  }
  peerRttMs(): number | undefined {
    return this.rtt;
  }
}

function setup(): { relay: FakeRoute; direct: FakeRoute; routed: RoutedTransport } {
  const relay = new FakeRoute();
  const direct = new FakeRoute();
  const routed = new RoutedTransport({ routes: { [StandardRoute.Relay]: relay, [StandardRoute.Direct]: direct }, defaultRoute: StandardRoute.Relay });
  return { relay, direct, routed };
}

describe('RoutedTransport', () => {
  it('sends on the peer’s active route only, with the same address', () => {
    const { relay, direct, routed } = setup();
    routed.send('slot:1', Uint8Array.of(1));
    routed.setRoute('slot:1', StandardRoute.Direct, 500);
    routed.send('slot:1', Uint8Array.of(2, 2));
    routed.send('slot:2', Uint8Array.of(3)); // another peer keeps the default
    expect(relay.sent.map((s) => [s.to, [...s.data]])).toEqual([
      ['slot:1', [1]],
      ['slot:2', [3]],
    ]);
    expect(direct.sent.map((s) => [s.to, [...s.data]])).toEqual([['slot:1', [2, 2]]]);
    expect(routed.routeOf('slot:1')).toBe(StandardRoute.Direct);
    expect(routed.routeOf('slot:2')).toBe(StandardRoute.Relay);
  });

  it('delivers from every route, the inactive one too (packets in flight during a switch), without deduplicating', () => {
    const { relay, direct, routed } = setup();
    routed.setRoute('slot:1', StandardRoute.Direct, 0);
    const same = Uint8Array.of(9);
    relay.inbox.push({ from: 'slot:1', data: same }, { from: 'slot:2', data: Uint8Array.of(4) });
    direct.inbox.push({ from: 'slot:1', data: same.slice() });
    const got = routed.receive();
    expect(got.map((d) => [d.from, [...d.data]])).toEqual([
      ['slot:1', [9]],
      ['slot:2', [4]],
      ['slot:1', [9]],
    ]);
    expect(routed.receive()).toEqual([]);
    // One route with traffic: its array is handed on as it is (no copy per poll).
    const only: Datagram[] = [{ from: 'slot:1', data: Uint8Array.of(1) }];
    direct.inbox = only;
    expect(routed.receive()).toBe(only);
  });

  it('records each change with its time, once; the same route again is no change', () => {
    const { routed } = setup();
    routed.setRoute('slot:1', StandardRoute.Direct, 1000);
    routed.setRoute('slot:1', StandardRoute.Direct, 1100);
    routed.setRoute('slot:3', StandardRoute.Relay, 1200); // already the default
    routed.setRoute('slot:1', StandardRoute.Relay, 5000);
    expect(routed.drainRouteChanges()).toEqual([
      { peer: 'slot:1', from: 'relay', to: 'direct', atMs: 1000 },
      { peer: 'slot:1', from: 'direct', to: 'relay', atMs: 5000 },
    ]);
    expect(routed.drainRouteChanges()).toEqual([]);
    expect(routed.peerStats('slot:1')).toMatchObject({ active: 'relay', sinceMs: 5000, changes: 2 });
    expect(routed.peerStats('slot:9')).toMatchObject({ active: 'relay', sinceMs: -Infinity, changes: 0 });
  });

  it('refuses an unknown route or default, and a route id twice; accepts a route added later', () => {
    const { routed } = setup();
    expect(() => routed.setRoute('slot:1', 'peer-relay', 0)).toThrow(RangeError);
    expect(() => new RoutedTransport({ routes: { relay: new FakeRoute() }, defaultRoute: 'direct' })).toThrow(RangeError);
    expect(() => routed.addRoute(StandardRoute.Direct, new FakeRoute())).toThrow(RangeError);
    const peerRelay = new FakeRoute();
    routed.addRoute('peer-relay', peerRelay);
    routed.setRoute('slot:1', 'peer-relay', 10);
    routed.send('slot:1', Uint8Array.of(5));
    expect(peerRelay.sent).toHaveLength(1);
  });

  it('counts packets and bytes per peer and route, and reports a route’s own RTT', () => {
    const { relay, direct, routed } = setup();
    direct.rtt = 12;
    routed.send('slot:1', new Uint8Array(10));
    routed.setRoute('slot:1', StandardRoute.Direct, 0);
    routed.send('slot:1', new Uint8Array(20));
    routed.send('slot:1', new Uint8Array(30));
    relay.inbox.push({ from: 'slot:1', data: new Uint8Array(7) }, { from: 'stranger', data: new Uint8Array(3) });
    direct.inbox.push({ from: 'slot:1', data: new Uint8Array(5) });
    expect(routed.receive()).toHaveLength(3); // the stranger's packet is delivered (the session judges it), not counted
    const stats = routed.peerStats('slot:1');
    expect(stats.routes).toEqual([
      { route: 'relay', packetsSent: 1, bytesSent: 10, packetsReceived: 1, bytesReceived: 7 },
      { route: 'direct', packetsSent: 2, bytesSent: 50, packetsReceived: 1, bytesReceived: 5, rttMs: 12 },
    ]);
    expect(routed.peerStats('stranger').routes.every((r) => r.packetsReceived === 0)).toBe(true);
    // The overlay's view: the active route's RTT is the session's; while the session has none
    // (just after a change), the route's own stands in.
    expect(routeRtts(stats, { rttMs: 15 })).toEqual([
      { route: 'relay', active: false, rttMs: undefined },
      { route: 'direct', active: true, rttMs: 15 },
    ]);
    expect(routeRtts(stats, { rttMs: 0 })[1]).toEqual({ route: 'direct', active: true, rttMs: 12 });
  });

  it('keeps at most 256 undrained changes, the newest', () => {
    const { routed } = setup();
    for (let i = 0; i < 300; i++) routed.setRoute('slot:1', i % 2 === 0 ? StandardRoute.Direct : StandardRoute.Relay, i);
    const changes = routed.drainRouteChanges();
    expect(changes).toHaveLength(256);
    expect(changes[255]!.atMs).toBe(299);
  });
});
