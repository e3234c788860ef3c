import { describe, expect, it } from 'vitest';
import { DirectLink } from '../../sdk/src/direct/direct-link.ts';
import type { DirectLinkState, PeerConnectionConstructor } from '../../sdk/src/direct/direct-link.ts';
import { DirectRoute } from '../../sdk/src/mesh/direct-route.ts';
import { PeerRelayRoute } from '../../sdk/src/mesh/peer-relay-route.ts';
import type { PeerRelayLink } from '../../sdk/src/mesh/peer-relay-route.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

/**
 * The peer relay with stand-in links (no WebRTC, no timers): announcements, the choice of relay
 * peer, the forwarder's stamping and refusals, its token bucket, and random frames that never
 * throw nor reach the session. The live test (peer-relay.test.ts) covers a real match.
 */
class FakeLink implements PeerRelayLink {
  state: DirectLinkState = 'open';
  alive = true;
  rttMs: number | undefined = 4;
  /** The other end's inbox, if wired; else frames go to `sent`. */
  peer: FakeLink | undefined;
  readonly sent: Uint8Array[] = [];
  frames: Uint8Array[] = [];
  sendFrame(frame: Uint8Array): void {
    if (this.state !== 'open') return;
    if (this.peer === undefined) this.sent.push(frame);
    else this.peer.frames.push(frame.slice());
  }
  receiveFrames(): Uint8Array[] {
    return this.frames.splice(0);
  }
}

/** Peer relays for `slots`, all in one match, with a wired link per pair in `pairs`. */
function meshOf(slots: number[], pairs: [number, number][]) {
  const routes = new Map(slots.map((s) => [s, new PeerRelayRoute({ slot: s })] as const));
  const links = new Map<string, FakeLink>();
  for (const r of routes.values()) r.setPlayers(slots);
  for (const [a, b] of pairs) {
    const ab = new FakeLink();
    const ba = new FakeLink();
    ab.peer = ba;
    ba.peer = ab;
    links.set(`${a}-${b}`, ab);
    links.set(`${b}-${a}`, ba);
    routes.get(a)!.setLink(b, ab);
    routes.get(b)!.setLink(a, ba);
  }
  const tick = (t: number) => {
    for (const r of routes.values()) r.tick(t);
    for (const r of routes.values()) r.tick(t); // a second pass takes what the first sent
  };
  return { route: (s: number) => routes.get(s)!, link: (a: number, b: number) => links.get(`${a}-${b}`)!, tick };
}

const packet = (n: number) => Uint8Array.of(0xb5, n, n + 1);

describe('PeerRelayRoute', () => {
  it('carries a packet from 0 to 1 through a player linked to both, stamped with its real origin', () => {
    // 0 and 1 have no link; 2 and 3 are linked to both.
    const m = meshOf([0, 1, 2, 3], [[0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    expect(m.route(0).canReach(1)).toBe(false); // no announcement yet
    m.tick(0);
    expect(m.route(0).relayFor(1)).toBe(2); // the lowest slot that reaches 1
    expect(m.route(1).relayFor(0)).toBe(2);
    expect(m.route(0).relayFor(2)).toBe(3); // a linked peer too, if asked: 3 reaches 2
    m.route(0).send('slot:1', packet(7));
    m.tick(10);
    expect(m.route(2).stats.forwarded).toBe(1);
    expect(m.route(1).receive().map((d) => [d.from, [...d.data]])).toEqual([['slot:0', [0xb5, 7, 8]]]);
    expect(m.route(0).peerRttMs('slot:1')).toBe(8);
  });

  it('keeps its relay while it stays valid, and moves when the relay stops announcing or its link dies', () => {
    const m = meshOf([0, 1, 2, 3], [[0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    m.tick(0);
    expect(m.route(0).relayFor(1)).toBe(2);
    m.link(0, 2).alive = false; // 0's link to 2 silent
    m.tick(10);
    expect(m.route(0).relayFor(1)).toBe(3);
    m.link(0, 2).alive = true;
    m.tick(300);
    expect(m.route(0).relayFor(1)).toBe(3); // 2 is valid again, but 3 still is: no flapping back
    // 3 loses its link to 1: its next announcement no longer names 1.
    m.link(3, 1).alive = false;
    m.tick(600);
    expect(m.route(0).relayFor(1)).toBe(2);
    // Announcements stop (2 gone quiet without its link noticing yet): stale after 1000 ms.
    m.link(2, 0).state = 'connecting';
    m.link(3, 0).state = 'connecting';
    m.tick(1500);
    expect(m.route(0).relayFor(1)).toBe(2);
    m.tick(1700);
    expect(m.route(0).canReach(1)).toBe(false);
    m.route(0).send('slot:1', packet(1));
    expect(m.route(0).stats.dropped.noRelay).toBe(1);
  });

  it('the forwarder refuses slots outside the match, to the source itself, links not open, and over the token bucket', () => {
    const c = new PeerRelayRoute({ slot: 2, forwardPerSecond: 100, forwardBurst: 3 });
    const fromA = new FakeLink();
    const toB = new FakeLink();
    const toD = new FakeLink();
    toD.state = 'connecting';
    c.setPlayers([0, 1, 2, 3, 4]);
    c.setLink(0, fromA);
    c.setLink(1, toB);
    c.setLink(3, toD);
    c.tick(0);
    toB.sent.length = 0;
    const forward = (to: number, n: number) => fromA.frames.push(Uint8Array.of(0xd2, to, 0xb5, n));
    forward(1, 1); // ok
    forward(7, 2); // not in the match
    forward(0, 3); // back to the source
    forward(2, 4); // to us
    forward(3, 5); // its link not open
    forward(4, 6); // no link at all
    c.tick(10);
    expect(toB.sent.map((f) => [...f])).toEqual([[0xd3, 0, 0xb5, 1]]); // from = 0: the link it came on
    expect(c.stats.dropped).toMatchObject({ notInMatch: 3, noLink: 2, rateLimited: 0 });
    for (let i = 0; i < 5; i++) forward(1, 10 + i);
    c.tick(10);
    expect(toB.sent).toHaveLength(3); // a burst of 3
    expect(c.stats.dropped.rateLimited).toBe(3);
    forward(1, 20);
    c.tick(30); // 20 ms at 100 a second: 2 tokens
    forward(1, 21);
    forward(1, 22);
    c.tick(30);
    expect(toB.sent).toHaveLength(5);
    expect(c.stats.dropped.rateLimited).toBe(4);

    // A Forward from a link of a player no longer in the match is not forwarded.
    c.setPlayers([1, 2, 3]);
    forward(1, 30);
    c.tick(2000);
    expect(toB.sent.filter((f) => f[0] === 0xd3)).toHaveLength(5);
    expect(c.stats.dropped.notInMatch).toBe(4);
  });

  it('a receiver accepts a Forwarded frame only from another player of the match, not itself nor the relay', () => {
    const b = new PeerRelayRoute({ slot: 1 });
    const viaC = new FakeLink();
    b.setPlayers([0, 1, 2, 4]);
    b.setLink(2, viaC);
    viaC.frames.push(
      Uint8Array.of(0xd3, 0, 0xb5, 1), // ok
      Uint8Array.of(0xd3, 1, 0xb5, 2), // ourselves
      Uint8Array.of(0xd3, 2, 0xb5, 3), // the relay's own slot
      Uint8Array.of(0xd3, 9, 0xb5, 4), // not in the match
      Uint8Array.of(0xd3, 4, 0x01, 5), // not a session packet
      Uint8Array.of(0xd3, 4), // no packet
    );
    expect(b.receive().map((d) => [d.from, [...d.data]])).toEqual([['slot:0', [0xb5, 1]]]);
    expect(b.stats.dropped).toMatchObject({ notInMatch: 3, malformed: 2 });
    // A link of someone outside the match: nothing it sends counts.
    const stranger = new FakeLink();
    b.setLink(7, stranger);
    stranger.frames.push(Uint8Array.of(0xd3, 0, 0xb5, 1), Uint8Array.of(0xd4, 0xff, 0xff, 1));
    expect(b.receive()).toEqual([]);
    expect(b.stats.dropped.notInMatch).toBe(5);
    expect(b.canReach(0)).toBe(false);
  });

  it('tells its peers whether it hears the host, and knows which of them still hear it (fresh for 1 s, match players only)', () => {
    const r = new PeerRelayRoute({ slot: 0 });
    const [one, two, stranger] = [new FakeLink(), new FakeLink(), new FakeLink()];
    r.setPlayers([0, 1, 2]);
    r.setLink(1, one);
    r.setLink(2, two);
    r.setLink(7, stranger);
    r.hearsHost = true;
    r.tick(0);
    expect([...one.sent[0]!]).toEqual([0xd4, 0b110, 0, 1]);
    one.frames.push(Uint8Array.of(0xd4, 0, 0, 1));
    two.frames.push(Uint8Array.of(0xd4, 0, 0, 0));
    stranger.frames.push(Uint8Array.of(0xd4, 0, 0, 1));
    r.tick(10);
    expect(r.peersHearingHost()).toEqual([1]);
    r.tick(1010);
    expect(r.peersHearingHost()).toEqual([1]);
    r.tick(1011); // its word is 1001 ms old: stale
    expect(r.peersHearingHost()).toEqual([]);
    two.frames.push(Uint8Array.of(0xd4, 0, 0, 1));
    r.tick(1020);
    expect(r.peersHearingHost()).toEqual([2]);
  });

  it('receive with nothing new hands out one shared empty array (it runs on every poll); a rate of 0 or less is refused', () => {
    const r = new PeerRelayRoute({ slot: 0 });
    expect(r.receive()).toBe(r.receive());
    expect(() => new PeerRelayRoute({ slot: 0, forwardPerSecond: 0 })).toThrow(RangeError);
  });

  it('announces every 250 ms on every open link the peers it has a live link to', () => {
    const r = new PeerRelayRoute({ slot: 0 });
    const [one, two, three] = [new FakeLink(), new FakeLink(), new FakeLink()];
    two.alive = false;
    three.state = 'connecting';
    r.setPlayers([0, 1, 2, 3]);
    r.setLink(1, one);
    r.setLink(2, two);
    r.setLink(3, three);
    r.tick(0);
    r.tick(100);
    r.tick(250);
    expect(one.sent.map((f) => [...f])).toEqual([[0xd4, 0b0010, 0, 0], [0xd4, 0b0010, 0, 0]]);
    expect(two.sent).toHaveLength(2); // open though silent: it may hear again
    expect(three.sent).toHaveLength(0);
  });

  it('fuzz: random, truncated, oversized and forged frames never throw, and only well-formed Forwarded ones from match players are delivered', () => {
    const rng = new Prng(42);
    const r = new PeerRelayRoute({ slot: 1 });
    const links = [0, 2, 3, 9].map((slot) => [slot, new FakeLink()] as const);
    r.setPlayers([0, 1, 2, 3]);
    for (const [slot, link] of links) r.setLink(slot, link);
    let expected = 0;
    for (let i = 0; i < 5000; i++) {
      const [via, link] = links[rng.nextInt(links.length)]!;
      const length = rng.nextInt(10) === 0 ? 1190 + rng.nextInt(20) : rng.nextInt(8);
      const frame = new Uint8Array(length);
      for (let j = 0; j < length; j++) frame[j] = rng.nextU32() & 0xff;
      if (length > 0 && rng.nextInt(2) === 0) frame[0] = 0xd2 + rng.nextInt(3);
      if (length > 1 && rng.nextInt(2) === 0) frame[1] = rng.nextInt(5);
      if (length > 2 && rng.nextInt(2) === 0) frame[2] = 0xb5;
      const from = frame[1]!;
      if (frame[0] === 0xd3 && length >= 3 && length <= 1202 && frame[2] === 0xb5 && via !== 9 && [0, 2, 3].includes(from) && from !== via) expected++;
      link.frames.push(frame);
      if (rng.nextInt(4) === 0) r.tick(i);
    }
    const delivered = r.receive();
    expect(delivered).toHaveLength(Math.min(expected, 256));
    for (const d of delivered) {
      expect(['slot:0', 'slot:2', 'slot:3']).toContain(d.from);
      expect(d.data[0]).toBe(0xb5);
      expect(d.data.length).toBeLessThanOrEqual(1200);
    }
  });
});

/** A stand-in peer connection whose one data channel a test opens and feeds by hand. */
function fakePeerConnection() {
  const channel = {
    readyState: 'connecting',
    bufferedAmount: 0,
    binaryType: 'blob',
    sent: [] as Uint8Array[],
    onopen: undefined as (() => void) | undefined,
    onmessage: undefined as ((event: { data: unknown }) => void) | undefined,
    onclose: undefined as (() => void) | undefined,
    onerror: undefined as (() => void) | undefined,
    send(data: Uint8Array) {
      this.sent.push(data.slice());
    },
    close() {},
  };
  class Pc {
    iceGatheringState = 'new';
    connectionState = 'new';
    createDataChannel() {
      return channel;
    }
    createOffer() {
      return Promise.resolve({ type: 'offer', sdp: 'v=0' });
    }
    setLocalDescription() {
      return Promise.resolve();
    }
    close() {}
  }
  return { channel, Pc: Pc as unknown as PeerConnectionConstructor };
}

describe('DirectLink and the peer relay frames', () => {
  it('hands peer-relay frames to receiveFrames, never to receive, drops unknown link kinds, and sends frames up to 1202 bytes', () => {
    const { channel, Pc } = fakePeerConnection();
    const link = new DirectLink({ role: 'offerer', link: 1, signal: () => undefined, peerConnection: Pc, tickMs: 60_000 });
    try {
      channel.readyState = 'open';
      channel.onopen!();
      expect(link.state).toBe('open');
      const route = new DirectRoute();
      route.set('slot:2', link);
      const feed = (...bytes: number[]) => channel.onmessage!({ data: Uint8Array.from(bytes).buffer });
      feed(0xb5, 1); // a session packet
      feed(0xd4, 3, 0, 0); // Reach
      feed(0xd3, 0, 0xb5, 2); // Forwarded
      feed(0xd2, 1, 0xb5, 3); // Forward
      feed(0xda, 1, 2); // an unknown link kind
      feed(0xd9, 1, 0xd7, 2); // host migration's (From): its own queue
      feed(0xd0, 1); // a truncated ping
      channel.onmessage!({ data: new Uint8Array(1203).fill(0xd3).buffer }); // oversized
      channel.onmessage!({ data: new Uint8Array(1202).fill(0xd3).buffer }); // the largest
      expect(route.receive().map((d) => [...d.data])).toEqual([[0xb5, 1]]);
      expect(link.receiveFrames().map((f) => f[0])).toEqual([0xd4, 0xd3, 0xd2, 0xd3]);
      expect(link.receiveAuthorityFrames().map((f) => [...f])).toEqual([[0xd9, 1, 0xd7, 2]]);
      expect(link.stats.receiveDropped).toMatchObject({ malformed: 2, oversized: 1 });

      channel.sent.length = 0;
      link.send(Uint8Array.of(0xd2, 1, 0xb5)); // the session's send never carries a link frame
      link.sendFrame(Uint8Array.of(0xb5, 1)); // nor sendFrame a session packet
      link.sendFrame(Uint8Array.of(0xd0, 1, 2, 3, 4)); // nor a ping
      link.sendFrame(new Uint8Array(1203).fill(0xd2));
      link.sendFrame(new Uint8Array(1202).fill(0xd2));
      expect(channel.sent.map((d) => d.length)).toEqual([1202]);
      expect(link.stats.sendDropped).toMatchObject({ reserved: 3, oversized: 1 });
    } finally {
      link.close();
    }
  });
});
