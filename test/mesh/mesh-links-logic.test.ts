import { describe, expect, it } from 'vitest';
import type { DirectLinkOptions, DirectLinkState } from '../../sdk/src/direct/direct-link.ts';
import type { SignalRefusal } from '../../sdk/src/direct/direct-signal.ts';
import { DirectRoute } from '../../sdk/src/mesh/direct-route.ts';
import { MeshLinks } from '../../sdk/src/mesh/mesh-links.ts';
import { PeerRelayRoute } from '../../sdk/src/mesh/peer-relay-route.ts';
import type { MeshLink, MeshLinksOptions } from '../../sdk/src/mesh/mesh-links.ts';
import { RoutedTransport, StandardRoute } from '../../sdk/src/transport/routed-transport.ts';

/**
 * MeshLinks' decisions with stand-in links (no WebRTC, no timers): who offers, which signals
 * reach which link, when a peer's route changes, retries and their bound, and links kept or
 * closed across matches. The live test (mesh-links.test.ts) covers real links.
 */
class FakeLink implements MeshLink {
  readonly role: 'offerer' | 'answerer';
  readonly link: number;
  state: DirectLinkState = 'connecting';
  alive = false;
  rttMs: number | undefined;
  readonly sent: Uint8Array[] = [];
  inbox: Uint8Array[] = [];
  /** Peer-relay frames received, for `receiveFrames`. */
  frames: Uint8Array[] = [];
  readonly framesSent: Uint8Array[] = [];
  readonly handled: [unknown, unknown][] = [];
  closedWith: string | undefined;
  readonly options: DirectLinkOptions;

  constructor(options: DirectLinkOptions) {
    this.options = options;
    this.role = options.role;
    this.link = options.link;
  }
  open(): void {
    this.state = 'open';
    this.alive = true;
  }
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  receive(): Uint8Array[] {
    const out = this.inbox;
    this.inbox = [];
    return out;
  }
  sendFrame(frame: Uint8Array): void {
    this.framesSent.push(frame);
  }
  receiveFrames(): Uint8Array[] {
    return this.frames.splice(0);
  }
  handleSignal(kind: unknown, payload: unknown): SignalRefusal | undefined {
    this.handled.push([kind, payload]);
    return kind === 'bad' ? 'malformed' : undefined;
  }
  close(reason = 'closed'): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.closedWith = reason;
    this.state = 'closed';
    this.alive = false;
    this.options.signal('close', reason);
  }
}

function rig(slot: number, extra: Partial<MeshLinksOptions> = {}) {
  const links: FakeLink[] = [];
  const signals: [number, string, number, string][] = [];
  const route = new DirectRoute();
  const peerRelay = new PeerRelayRoute({ slot });
  const routed = new RoutedTransport({ routes: { [StandardRoute.Relay]: { send: () => undefined, receive: () => [] }, [StandardRoute.Direct]: route, 'peer-relay': peerRelay }, defaultRoute: StandardRoute.Relay });
  let nextId = 100;
  const mesh = new MeshLinks({
    slot,
    transport: routed,
    route,
    sendSignal: (to, kind, link, payload) => signals.push([to, kind, link, payload]),
    createLink: (o) => {
      const l = new FakeLink(o);
      links.push(l);
      return l;
    },
    random: () => nextId++,
    retryDelayMs: 1000,
    peerRelay,
    ...extra,
  });
  const linkTo = (s: number) => mesh.linkTo(s) as FakeLink | undefined;
  return { mesh, links, signals, route, routed, linkTo, peerRelay };
}

describe('MeshLinks decisions', () => {
  it('offers to higher slots only, answers an offer from a lower one, and routes by link state', () => {
    const { mesh, links, signals, routed, linkTo } = rig(1);
    mesh.setPeers([0, 1, 2, 3]);
    expect(links.map((l) => [l.role, l.link])).toEqual([['offerer', 100], ['offerer', 101]]);
    expect(mesh.linkTo(0)).toBeUndefined();
    mesh.handleSignal({ from: 0, kind: 'offer', link: 7, payload: 'sdp' });
    expect(linkTo(0)!.role).toBe('answerer');
    expect(linkTo(0)!.handled).toEqual([['offer', 'sdp']]);
    linkTo(0)!.options.signal('answer', 'a');
    expect(signals).toEqual([[0, 'answer', 7, 'a']]);

    mesh.tick(0);
    expect(routed.routeOf('slot:0')).toBe('relay');
    linkTo(0)!.open();
    linkTo(2)!.open();
    mesh.tick(10);
    expect(['slot:0', 'slot:2', 'slot:3'].map((p) => routed.routeOf(p))).toEqual(['direct', 'direct', 'relay']);
    linkTo(2)!.alive = false; // open, its pings unanswered
    mesh.tick(20);
    expect(routed.routeOf('slot:2')).toBe('relay');
    expect(routed.drainRouteChanges().map((c) => [c.peer, c.to, c.atMs])).toEqual([['slot:0', 'direct', 10], ['slot:2', 'direct', 10], ['slot:2', 'relay', 20]]);
    expect(mesh.stats().faults).toBe(0);
  });

  it('a link that went silent carries the pair again only after answering for 1 s, then 2 s, 4 s (at most 8 s)', () => {
    const { mesh, routed, linkTo } = rig(0);
    mesh.setPeers([0, 1]);
    const link = linkTo(1)!;
    link.open();
    mesh.tick(0);
    expect(routed.routeOf('slot:1')).toBe('direct'); // a first opening is taken at once
    const routeAt = (t: number) => {
      mesh.tick(t);
      return routed.routeOf('slot:1');
    };
    let t = 0;
    for (const waitMs of [1000, 2000, 4000, 8000, 8000]) {
      link.alive = false;
      expect(routeAt((t += 100))).toBe('relay');
      expect(routeAt((t += 500))).toBe('relay');
      link.alive = true;
      const back = (t += 100);
      expect(routeAt(back)).toBe('relay');
      expect(routeAt(back + waitMs - 1)).toBe('relay');
      link.alive = false; // a blip during the wait starts it again, and is no new silence
      expect(routeAt(back + waitMs)).toBe('relay');
      link.alive = true;
      t = back + waitMs + 10;
      expect(routeAt(t)).toBe('relay');
      expect(routeAt(t + waitMs - 1)).toBe('relay');
      expect(routeAt((t += waitMs))).toBe('direct');
    }
    expect(mesh.stats().peers[0]!.silences).toBe(5);
    // 2 route changes per silence, not one per blip
    expect(routed.drainRouteChanges()).toHaveLength(1 + 2 * 5);
    // A new link starts over: taken at once.
    link.close('test');
    mesh.tick((t += 10));
    mesh.tick((t += 1000));
    linkTo(1)!.open();
    expect(routeAt((t += 10))).toBe('direct');
    expect(mesh.stats().peers[0]!.silences).toBe(0);
  });

  it('ignores and counts stale and stranger signals; a new offer replaces the answerer link', () => {
    const { mesh, signals, linkTo } = rig(2);
    mesh.setPeers([0, 2]);
    mesh.handleSignal({ from: 0, kind: 'offer', link: 5, payload: 'one' });
    const first = linkTo(0)!;
    mesh.handleSignal({ from: 0, kind: 'candidate', link: 4, payload: 'c' }); // an older attempt's
    mesh.handleSignal({ from: 3, kind: 'offer', link: 9, payload: 'x' }); // not a peer
    mesh.handleSignal({ from: 0, kind: 'bad', link: 5, payload: '' });
    expect(first.handled).toEqual([['offer', 'one'], ['bad', '']]);
    mesh.handleSignal({ from: 0, kind: 'offer', link: 6, payload: 'two' });
    expect(first.closedWith).toBe('superseded');
    expect(signals).toContainEqual([0, 'close', 5, 'superseded']);
    expect(linkTo(0)!.link).toBe(6);
    mesh.handleSignal({ from: 0, kind: 'offer', link: 5, payload: 'late' }); // the retired id again
    expect(linkTo(0)!.link).toBe(6);
    expect(mesh.stats()).toMatchObject({ staleSignals: 2, strangerSignals: 1, refusedSignals: 1, faults: 0 });
  });

  it('directWith: no offer to a declined player, its offers refused; the pair stays on the relay', () => {
    const low = rig(0, { directWith: (slot) => slot !== 2 });
    low.mesh.setPeers([0, 1, 2]);
    expect(low.links.map((l) => l.link)).toEqual([100]); // to slot 1 only
    const high = rig(3, { directWith: (slot) => slot !== 1 });
    high.mesh.setPeers([1, 2, 3]);
    high.mesh.handleSignal({ from: 1, kind: 'offer', link: 5, payload: 'sdp' });
    high.mesh.handleSignal({ from: 2, kind: 'offer', link: 6, payload: 'sdp' });
    expect(high.links.map((l) => [l.link, l.role])).toEqual([[6, 'answerer']]);
    high.mesh.tick(10);
    expect(high.routed.routeOf('slot:1')).toBe('relay');
    expect(high.mesh.stats()).toMatchObject({ refusedSignals: 1, faults: 0 });
    const throwing = rig(0, { directWith: () => { throw new Error('bug'); } });
    throwing.mesh.setPeers([0, 1]);
    expect(throwing.links).toEqual([]);
    expect(throwing.mesh.stats().faults).toBe(1);
  });

  it('without the host, a pair with no usable link goes through a player linked to both (peer-relay); with the host, the relay as before', () => {
    const { mesh, routed, linkTo, peerRelay } = rig(0, { directWith: (slot) => slot !== 1 });
    mesh.setPeers([0, 1, 2, 3]);
    expect(linkTo(1)).toBeUndefined();
    linkTo(2)!.open();
    linkTo(3)!.open();
    linkTo(3)!.frames.push(Uint8Array.of(0xd4, 0b0101, 0, 0)); // 3 reaches 0 and 2
    linkTo(2)!.frames.push(Uint8Array.of(0xd4, 0b1011, 0, 0)); // 2 reaches 0, 1 and 3
    const routes = () => ['slot:1', 'slot:2', 'slot:3'].map((p) => routed.routeOf(p));
    mesh.tick(0);
    expect(routes()).toEqual(['relay', 'direct', 'direct']); // the host is up: as ever
    expect(linkTo(2)!.framesSent.map((f) => [...f])).toEqual([[0xd4, 0b1100, 0, 0]]); // we announce 2 and 3
    mesh.hostReachable(false);
    mesh.tick(10);
    expect(routes()).toEqual(['peer-relay', 'direct', 'direct']);
    expect(peerRelay.relayFor(1)).toBe(2);
    // 3's link goes silent: 2 reaches it, so it goes through 2 too; 2's own link stays direct.
    linkTo(3)!.alive = false;
    mesh.tick(20);
    expect(routes()).toEqual(['peer-relay', 'direct', 'peer-relay']);
    // 2's link ends: no one else reaches 1, and the relay is all that is left (lost, but a route).
    linkTo(2)!.state = 'failed';
    mesh.tick(30);
    expect(routes()).toEqual(['relay', 'relay', 'relay']);
    // The host back: the relay for every pair without a usable link, peer relay or not.
    mesh.hostReachable(true);
    linkTo(3)!.alive = true;
    mesh.tick(40);
    expect(routes()).toEqual(['relay', 'relay', 'relay']); // 3 waits returnAfterMs after its silence
    expect(mesh.stats().faults).toBe(0);
  });

  it('the offerer retries a failed link after the delay with a fresh id, at most 3 times a match', () => {
    const { mesh, links, routed, linkTo } = rig(0);
    mesh.setPeers([0, 1]);
    linkTo(1)!.open();
    mesh.tick(0);
    expect(routed.routeOf('slot:1')).toBe('direct');
    linkTo(1)!.state = 'failed';
    mesh.tick(100);
    expect(routed.routeOf('slot:1')).toBe('relay');
    expect(mesh.linkTo(1)).toBeUndefined();
    mesh.tick(1099);
    expect(links).toHaveLength(1);
    mesh.tick(1100);
    expect(links.map((l) => l.link)).toEqual([100, 101]);
    linkTo(1)!.state = 'failed';
    mesh.tick(1200);
    mesh.tick(2200);
    linkTo(1)!.state = 'failed';
    mesh.tick(2300);
    mesh.tick(9999);
    expect(links).toHaveLength(3);
    expect(mesh.stats().peers).toEqual([{ slot: 1, role: 'offerer', route: 'relay', link: 'none', attempts: 3, silences: 0, lastEnd: 'failed' }]);
    // The next match gives the pair its attempts again.
    mesh.setPeers([0, 1]);
    expect(links).toHaveLength(4);
  });

  it('keeps an open link to a peer still playing in the next match, and closes links to players gone', () => {
    const { mesh, links, routed, linkTo } = rig(0);
    mesh.setPeers([0, 1, 2]);
    linkTo(1)!.open();
    linkTo(2)!.open();
    mesh.tick(0);
    const kept = linkTo(1);
    const gone = linkTo(2)!;
    mesh.setPeers([0, 1, 3]);
    expect(linkTo(1)).toBe(kept);
    expect(gone.closedWith).toBe('peer-left');
    expect(routed.routeOf('slot:2')).toBe('relay');
    expect(links).toHaveLength(3); // one new offer, to slot 3
    mesh.tick(10);
    expect(routed.routeOf('slot:1')).toBe('direct');
    mesh.close();
    expect(kept!.closedWith).toBe('closed');
    expect(routed.routeOf('slot:1')).toBe('relay');
    mesh.tick(20);
    mesh.handleSignal({ from: 1, kind: 'answer', link: 1, payload: '' });
    expect(mesh.stats().peers).toEqual([]);
  });

  it('never throws from a throwing sendSignal or link factory: counts faults and stays on the relay', () => {
    const { mesh, routed } = rig(0, {
      sendSignal: () => {
        throw new RangeError('bug');
      },
      createLink: () => {
        throw new Error('no WebRTC');
      },
    });
    expect(() => mesh.setPeers([0, 1])).not.toThrow();
    mesh.tick(0);
    expect(routed.routeOf('slot:1')).toBe('relay');
    expect(mesh.stats().faults).toBe(1);

    const other = rig(1, { sendSignal: () => { throw new RangeError('bug'); } });
    other.mesh.setPeers([0, 1]);
    other.mesh.handleSignal({ from: 0, kind: 'offer', link: 3, payload: 's' });
    expect(() => other.linkTo(0)!.options.signal('answer', 'a')).not.toThrow();
    expect(other.mesh.stats().faults).toBe(1);
  });
});

describe('DirectRoute', () => {
  it('DirectRoute.receive with nothing new hands out one shared empty array (it runs on every poll)', () => {
    const route = new DirectRoute();
    const link = new FakeLink({ role: 'offerer', link: 1, signal: () => undefined });
    route.set('slot:1', link);
    const first = route.receive();
    expect(first).toEqual([]);
    expect(route.receive()).toBe(first);
    link.inbox.push(Uint8Array.of(0xb5));
    expect(route.receive()).toHaveLength(1);
  });

  it('sends only on an open link, drains every link, and keeps what a deleted link still held', () => {
    const route = new DirectRoute();
    const a = new FakeLink({ role: 'offerer', link: 1, signal: () => undefined });
    const b = new FakeLink({ role: 'answerer', link: 2, signal: () => undefined });
    route.set('slot:1', a);
    route.set('slot:2', b);
    a.open();
    a.rttMs = 3;
    route.send('slot:1', Uint8Array.of(1));
    route.send('slot:2', Uint8Array.of(2));
    route.send('slot:9', Uint8Array.of(3));
    expect(a.sent).toEqual([Uint8Array.of(1)]);
    expect(b.sent).toEqual([]);
    expect(route.dropped).toBe(2);
    a.inbox.push(Uint8Array.of(4));
    b.inbox.push(Uint8Array.of(5));
    expect(route.receive()).toEqual([{ from: 'slot:1', data: Uint8Array.of(4) }, { from: 'slot:2', data: Uint8Array.of(5) }]);
    expect(route.receive()).toEqual([]);
    b.inbox.push(Uint8Array.of(6));
    route.delete('slot:2');
    expect(route.receive()).toEqual([{ from: 'slot:2', data: Uint8Array.of(6) }]);
    expect(route.peerRttMs('slot:1')).toBe(3);
    expect(route.peerRttMs('slot:2')).toBeUndefined();
  });
});
