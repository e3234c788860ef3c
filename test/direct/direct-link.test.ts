import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installNodeWebRTC } from '../../sdk/src/node/node-webrtc.ts';
import { DirectLink } from '../../sdk/src/direct/direct-link.ts';
import type { DirectLinkEvent, PeerConnectionConstructor } from '../../sdk/src/direct/direct-link.ts';
import { MAX_SIGNAL_PAYLOAD } from '../../sdk/src/direct/direct-signal.ts';
import { SignalPipe, datagram, datagramNumber, tappedPeerConnection, waitFor } from './signal-pipe.ts';

/**
 * Real WebRTC (node-datachannel's polyfill as globals, as installNodeWebRTC() makes it) between
 * DirectLinks in one Node process, over loopback, with their signals carried by an in-memory queue
 * that delays each one by a random 0..30 ms, so they arrive reordered (candidates before the
 * offer, the answer before the last candidates).
 */
beforeAll(() => installNodeWebRTC());

let pipes: SignalPipe[] = [];
const loose: DirectLink[] = [];
afterEach(() => {
  for (const p of pipes) p.close();
  pipes = [];
  for (const l of loose.splice(0)) l.close();
});

function pipe(options: ConstructorParameters<typeof SignalPipe>[0] = {}): SignalPipe {
  const p = new SignalPipe(options);
  pipes.push(p);
  return p;
}

const bothOpen = (p: SignalPipe) => () => p.a.state === 'open' && p.b.state === 'open';
const states = (p: SignalPipe) => `a ${p.a.state} (${p.a.reason}, setup ${p.a.setupMs?.toFixed(0)} ms), b ${p.b.state} (${p.b.reason}, setup ${p.b.setupMs?.toFixed(0)} ms), close payloads ${p.sent.filter((r) => r.kind === "close").map((r) => r.payload).join("/")}; signals ${p.sent.map((r) => `${r.from}:${r.kind}`).join(' ')}`;

/** Sends `count` datagrams each way and waits until each end has every one (none expected lost on loopback). */
async function exchange(p: SignalPipe, count: number, base: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    p.a.send(datagram(base + i));
    p.b.send(datagram(base + 10_000 + i));
  }
  const atA: number[] = [];
  const atB: number[] = [];
  await waitFor(
    () => {
      atA.push(...p.a.receive().map(datagramNumber));
      atB.push(...p.b.receive().map(datagramNumber));
      return atA.length >= count && atB.length >= count;
    },
    3000,
    `${count} datagrams each way`,
  );
  expect(atB.sort((x, y) => x - y)).toEqual([...Array(count).keys()].map((i) => base + i));
  expect(atA.sort((x, y) => x - y)).toEqual([...Array(count).keys()].map((i) => base + 10_000 + i));
}

/**
 * Whether a link's RTT is the median of 5 pongs after the first one, which answered a ping sent
 * as the channel opened, while SCTP and the other end were still settling.
 */
const settled = (link: DirectLink) => link.stats.pongsReceived >= 6;
const RTT_BOUND_MS = 100;

function noFaults(...links: DirectLink[]): void {
  for (const l of links) expect(l.stats.faults).toBe(0);
}

describe('DirectLink over real WebRTC on loopback', () => {
  it('two ends open with reordered signals, carry datagrams both ways, and measure a small RTT', async () => {
    const p = pipe({ seed: 3 });
    const ms = await waitFor(bothOpen(p), 5500, 'both open', () => states(p));
    expect(p.a.alive && p.b.alive).toBe(true);
    await exchange(p, 200, 0);
    await waitFor(() => settled(p.a) && settled(p.b), 2500, 'settled round trips at both ends');
    // Loopback: about a millisecond. The bound leaves room for a loaded machine's event loop,
    // which adds its delays to every sample, and is still a tenth of the liveness window.
    expect(p.a.rttMs!).toBeLessThan(RTT_BOUND_MS);
    expect(p.b.rttMs!).toBeLessThan(RTT_BOUND_MS);
    expect(p.refused).toEqual([]);
    expect(p.a.events()).toEqual([{ type: 'state', state: 'open' }]);
    expect(p.b.events()).toEqual([{ type: 'state', state: 'open' }]);
    noFaults(p.a, p.b);
    console.info(`pair open in ${ms.toFixed(0)} ms (setup ${p.a.setupMs?.toFixed(0)} / ${p.b.setupMs?.toFixed(0)} ms), rtt ${p.a.rttMs?.toFixed(2)} / ${p.b.rttMs?.toFixed(2)} ms`);
  });

  it('a mesh of 4 players (6 links) opens and every pair exchanges datagrams', async () => {
    const links: SignalPipe[] = [];
    for (let lo = 0; lo < 4; lo++) for (let hi = lo + 1; hi < 4; hi++) links.push(pipe({ seed: 10 + lo * 4 + hi, link: lo * 16 + hi }));
    await waitFor(() => links.every((p) => bothOpen(p)()), 6000, 'all 6 links open', () => links.map(states).join(' | '));
    await Promise.all(links.map((p, i) => exchange(p, 100, i * 100_000)));
    await waitFor(() => links.every((p) => settled(p.a) && settled(p.b)), 2500, 'settled round trips');
    const rtts = links.flatMap((p) => [p.a.rttMs!, p.b.rttMs!]);
    expect(Math.max(...rtts)).toBeLessThan(RTT_BOUND_MS);
    for (const p of links) {
      expect(p.refused).toEqual([]);
      noFaults(p.a, p.b);
    }
    console.info(`mesh rtts (ms): ${rtts.map((r) => r.toFixed(1)).join(' ')}`);
  });

  it('opens on trickled candidates alone (every candidate stripped from the SDPs)', async () => {
    const p = pipe({ seed: 5 });
    let stripped = 0;
    p.rewrite = (r) => {
      if (r.kind !== 'offer' && r.kind !== 'answer') return r.payload;
      const lines = r.payload.split('\r\n');
      const kept = lines.filter((line) => !line.startsWith('a=candidate:') && line !== 'a=end-of-candidates');
      stripped += lines.length - kept.length;
      return kept.join('\r\n');
    };
    await waitFor(bothOpen(p), 5500, 'both open', () => states(p));
    const trickled = (from: 'a' | 'b') => p.sent.filter((r) => r.from === from && r.kind === 'candidate').length;
    expect(trickled('a')).toBeGreaterThanOrEqual(1);
    expect(trickled('b')).toBeGreaterThanOrEqual(1);
    // Each side's end-of-candidates follows all of its candidates. Gathering may finish after the
    // channel opened (under load it does): wait for it first.
    const gathered = (from: 'a' | 'b') => p.sent.some((r) => r.from === from && r.kind === 'end-of-candidates');
    await waitFor(() => gathered('a') && gathered('b'), 3000, 'end-of-candidates from both ends');
    for (const from of ['a', 'b'] as const) {
      const mine = p.sent.filter((r) => r.from === from);
      const end = mine.findIndex((r) => r.kind === 'end-of-candidates');
      const lastCandidate = mine.map((r) => r.kind).lastIndexOf('candidate');
      expect(end).toBeGreaterThan(lastCandidate);
    }
    await exchange(p, 20, 0);
    noFaults(p.a, p.b);
    console.info(`trickled ${trickled('a')} + ${trickled('b')} candidates; ${stripped} candidate lines stripped from the SDPs`);
  });

  it('candidates that arrive before their description wait for it', async () => {
    const p = pipe({ seed: 14, descriptionDelayMs: 150 });
    await waitFor(bothOpen(p), 5500, 'both open', () => states(p));
    const before = (from: 'a' | 'b') => {
      const mine = p.sent.filter((r) => r.from === from);
      return mine.findIndex((r) => r.kind === 'offer' || r.kind === 'answer');
    };
    // The offer and answer were sent before (or among) the candidates, yet delivered 150 ms after them.
    expect(before('a')).toBeGreaterThanOrEqual(0);
    expect(before('b')).toBeGreaterThanOrEqual(0);
    expect(p.refused).toEqual([]);
    await exchange(p, 20, 0);
    noFaults(p.a, p.b);
  });

  it('a closed end is seen by the other as closed at once (close signal), and without the signal within the liveness window', async () => {
    const p = pipe({ seed: 6 });
    await waitFor(bothOpen(p), 5500, 'both open', () => states(p));
    p.a.close('bye');
    const told = await waitFor(() => p.b.state === 'closed', 1000, 'b closed');
    expect(told).toBeLessThan(200);
    // Whichever comes first: the close signal, or SCTP's own close of the data channel.
    expect(['remote-closed', 'channel-closed']).toContain(p.b.reason);
    if (p.b.reason === 'remote-closed') expect(p.b.remoteReason).toBe('bye');
    expect(p.a.reason).toBe('local');
    expect(p.b.alive).toBe(false);

    const q = pipe({ seed: 7 });
    await waitFor(bothOpen(q), 5500, 'both open', () => states(q));
    q.cut = true; // the close signal is lost: only the data channel or liveness can tell
    q.a.close();
    const seen = await waitFor(() => !q.b.alive, 1200, 'b sees a dead');
    expect(seen).toBeLessThan(1100);
    console.info(`closed end seen: ${told.toFixed(0)} ms with the close signal, ${seen.toFixed(0)} ms without (b: ${q.b.state}, ${q.b.reason})`);
    noFaults(p.a, p.b, q.a, q.b);
  });

  it('a link that stops working, without closing, is declared dead at both ends after 1000 ms without a round trip, and alive again after', async () => {
    const { ctor, tap } = tappedPeerConnection();
    const p = pipe({ seed: 8, a: { peerConnection: ctor } });
    await waitFor(bothOpen(p), 5500, 'both open', () => states(p));
    await waitFor(() => settled(p.a) && settled(p.b), 2500, 'round trips');
    p.a.events();
    p.b.events();
    // a's datagrams are lost from now on, b's still arrive: a hears b's pings, but no pong
    // answers its own, and b hears nothing. Both must stop trusting the link.
    tap.muted = true;
    const deadAtB = waitFor(() => !p.b.alive, 1500, 'b declares the link dead');
    const deadAtA = waitFor(() => !p.a.alive, 1500, 'a declares the link dead');
    const [b, a] = await Promise.all([deadAtB, deadAtA]);
    // Silence counts from the last answered ping (pings go every 200 ms, so up to 200 ms before
    // muting); the check runs every 25 ms.
    for (const ms of [a, b]) {
      expect(ms).toBeGreaterThan(750);
      expect(ms).toBeLessThan(1100);
    }
    expect(p.a.state).toBe('open');
    expect(p.b.state).toBe('open');
    expect(p.a.events()).toEqual([{ type: 'silent' }]);
    expect(p.b.events()).toEqual([{ type: 'silent' }]);
    tap.muted = false;
    const back = await waitFor(() => p.a.alive && p.b.alive, 1000, 'both alive again');
    expect(p.a.events()).toEqual([{ type: 'heard' }]);
    expect(p.b.events()).toEqual([{ type: 'heard' }]);
    await exchange(p, 10, 0);
    console.info(`one-way failure declared dead after ${a.toFixed(0)} ms at the end whose datagrams are lost, ${b.toFixed(0)} ms at the other; alive again ${back.toFixed(0)} ms after it healed`);
    noFaults(p.a, p.b);
  });

  it('a link silent for the give-up time fails (silent) and tells the other end', async () => {
    const { ctor, tap } = tappedPeerConnection();
    const liveness = { pingIntervalMs: 100, silenceMs: 300, giveUpMs: 800 };
    const p = pipe({ seed: 15, a: { peerConnection: ctor, liveness }, b: { liveness } });
    await waitFor(bothOpen(p), 5500, 'both open', () => states(p));
    await waitFor(() => p.a.stats.pongsReceived >= 1 && p.b.stats.pongsReceived >= 1, 1000, 'round trips');
    tap.muted = true;
    const failed = await waitFor(() => p.a.state === 'failed' || p.b.state === 'failed', 2000, 'one end gives up');
    expect(failed).toBeGreaterThan(500);
    expect(failed).toBeLessThan(950);
    const first = p.a.state === 'failed' ? p.a : p.b;
    expect(first.reason).toBe('silent');
    // The other end is told (the close signal), or gives up by itself at about the same time.
    await waitFor(() => p.a.state !== 'open' && p.b.state !== 'open', 500, 'both ends done');
    expect(p.sent.some((r) => r.kind === 'close' && r.payload === 'silent')).toBe(true);
    noFaults(p.a, p.b);
  });

  it('a link whose signaling is cut reports failed (setup-timeout) after the default 5 s, and never earlier', async () => {
    const p = pipe({ seed: 9 });
    p.cut = true;
    await waitFor(() => p.a.state === 'connecting', 10, 'connecting');
    await new Promise((resolve) => setTimeout(resolve, 4800));
    expect(p.a.state).toBe('connecting');
    expect(p.b.state).toBe('connecting');
    await waitFor(() => p.a.state === 'failed' && p.b.state === 'failed', 500, 'both failed');
    expect(p.a.reason).toBe('setup-timeout');
    expect(p.b.reason).toBe('setup-timeout');
    expect(p.a.events().at(-1)).toEqual({ type: 'state', state: 'failed', reason: 'setup-timeout' });
    // Each end tells the other to stay on the relay.
    expect(p.sent.filter((r) => r.kind === 'close').map((r) => r.payload)).toEqual(['setup-timeout', 'setup-timeout']);
    // Nothing may be sent, nothing throws.
    p.a.send(datagram(1));
    expect(p.a.stats.sendDropped.notOpen).toBe(1);
    noFaults(p.a, p.b);
  }, 10_000);

  it('refuses garbage signals without a throw', async () => {
    const events: DirectLinkEvent[] = [];
    const signals: string[] = [];
    const answerer = new DirectLink({ role: 'answerer', link: 1, signal: (kind) => signals.push(kind) });
    loose.push(answerer);
    expect(answerer.handleSignal('hello', 'x')).toBe('unknown-kind');
    expect(answerer.handleSignal(7, 'x')).toBe('unknown-kind');
    expect(answerer.handleSignal('offer', { sdp: 'x' })).toBe('unknown-kind');
    expect(answerer.handleSignal('offer', 'v=0'.padEnd(MAX_SIGNAL_PAYLOAD + 1, 'x'))).toBe('oversized');
    expect(answerer.handleSignal('answer', 'v=0\r\n')).toBe('unexpected'); // an answer to the answerer
    expect(answerer.handleSignal('offer', '')).toBe('malformed');
    expect(answerer.handleSignal('candidate', 'not json')).toBe('malformed');
    expect(answerer.handleSignal('candidate', '[1,2]')).toBe('malformed');
    expect(answerer.handleSignal('candidate', JSON.stringify({ candidate: 5, sdpMid: '0' }))).toBe('malformed');
    expect(answerer.handleSignal('candidate', JSON.stringify({ candidate: 'a=candidate:'.padEnd(2000, '1'), sdpMid: '0' }))).toBe('malformed');
    // A candidate before the offer is legitimate (signals are reordered): it waits, up to 32.
    const garbageCandidate = JSON.stringify({ candidate: 'a=candidate:1 1 UDP 1 not-an-address 1 typ host', sdpMid: '0' });
    for (let i = 0; i < 32; i++) expect(answerer.handleSignal('candidate', garbageCandidate)).toBeUndefined();
    expect(answerer.handleSignal('candidate', garbageCandidate)).toBe('too-many-candidates');
    expect(answerer.handleSignal('end-of-candidates', '')).toBeUndefined();
    // A bad SDP is taken, then refused by the WebRTC stack: the link fails, nothing throws.
    expect(answerer.handleSignal('offer', 'v=0\r\nthis is not sdp\r\n')).toBeUndefined();
    expect(answerer.handleSignal('offer', 'v=0\r\n')).toBe('unexpected'); // a second offer
    await waitFor(() => answerer.state === 'failed', 2000, 'answerer failed');
    events.push(...answerer.events());
    expect(answerer.reason).toBe('bad-description');
    expect(events).toEqual([{ type: 'state', state: 'failed', reason: 'bad-description' }]);
    expect(signals).toEqual(['close']);
    expect(answerer.handleSignal('candidate', garbageCandidate)).toBe('late');
    expect(answerer.stats.signalsRefused).toEqual({ 'unknown-kind': 3, oversized: 1, unexpected: 2, malformed: 5, 'too-many-candidates': 1, late: 1 });

    // An offerer: an offer to it is unexpected, a garbage answer fails it; garbage candidates after
    // a good description are counted by the stack's refusal, and the link goes on.
    const offerer = new DirectLink({ role: 'offerer', link: 2, signal: () => undefined });
    loose.push(offerer);
    expect(offerer.handleSignal('offer', 'v=0\r\n')).toBe('unexpected');
    expect(offerer.handleSignal('answer', '\u0000\u0001garbage')).toBeUndefined();
    await waitFor(() => offerer.state === 'failed', 2000, 'offerer failed');
    expect(offerer.reason).toBe('bad-description');
    noFaults(answerer, offerer);

    const p = pipe({ seed: 11 });
    await waitFor(bothOpen(p), 5500, 'both open', () => states(p));
    // Candidates the stack refuses once the link is open: taken (their form is right), refused by
    // the stack (installNodeWebRTC's peer connection swallows that rejection; a browser's is
    // counted in badCandidates), and the link goes on.
    expect(p.b.handleSignal('candidate', garbageCandidate)).toBeUndefined();
    expect(p.b.handleSignal('candidate', JSON.stringify({ candidate: 'a=candidate:x', sdpMid: '999999' }))).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(p.b.state).toBe('open');
    await exchange(p, 10, 0);
    noFaults(p.a, p.b);
  });

  it('an exception thrown by the signal callback is caught and counted, never thrown into WebRTC', async () => {
    const p = pipe({ seed: 13, signalThrows: true });
    await waitFor(bothOpen(p), 5500, 'both open', () => states(p));
    await exchange(p, 10, 0);
    expect(p.b.stats.faults).toBeGreaterThanOrEqual(3); // answer, candidates, end-of-candidates
    expect(p.a.stats.faults).toBeGreaterThanOrEqual(3); // offer, candidates, end-of-candidates
  });

  it('fails as unsupported, without a throw, with no usable RTCPeerConnection or a configuration it refuses', () => {
    const signals: string[] = [];
    const signal = (kind: string) => void signals.push(kind);
    class Missing {
      constructor() {
        throw new ReferenceError('RTCPeerConnection is not defined');
      }
    }
    const none = new DirectLink({ role: 'offerer', link: 3, signal, peerConnection: Missing as unknown as PeerConnectionConstructor });
    const badServer = new DirectLink({ role: 'answerer', link: 4, signal, iceServers: [{ urls: 'http://not-a-turn-server' }] });
    for (const link of [none, badServer]) {
      expect(link.state).toBe('failed');
      expect(link.reason).toBe('unsupported');
      expect(link.events()).toEqual([{ type: 'state', state: 'failed', reason: 'unsupported' }]);
      link.send(datagram(1));
      expect(link.handleSignal('offer', 'v=0')).toBe('late');
      link.close();
      noFaults(link);
    }
    expect(signals).toEqual([]); // nothing was ever negotiated: nothing to tell
  });

  it('counts and drops text messages, bad sends, and overflow of the receive queue', async () => {
    const { ctor, tap } = tappedPeerConnection();
    const p = pipe({ seed: 12, a: { peerConnection: ctor }, b: { receiveQueue: 8 } });
    const early = datagram(1);
    p.a.send(early); // not open yet
    expect(p.a.stats.sendDropped.notOpen).toBe(1);
    await waitFor(bothOpen(p), 5500, 'both open', () => states(p));
    const channel = tap.channels[0]!;
    channel.send('hello');
    channel.send('{"type":"chat"}');
    p.a.send(Uint8Array.of(0xd0, 1, 0, 0, 0)); // would read as a ping: refused
    p.a.send(new Uint8Array(0));
    p.a.send(datagram(2, 1201));
    expect(p.a.stats.sendDropped).toMatchObject({ reserved: 2, oversized: 1 });
    for (let i = 0; i < 50; i++) p.a.send(datagram(100 + i));
    await waitFor(() => p.b.stats.received >= 50 && p.b.stats.receiveDropped.text >= 2, 2000, 'all arrived');
    const got = p.b.receive().map(datagramNumber);
    expect(got).toHaveLength(8);
    expect(p.b.stats.receiveDropped.queueFull).toBe(42);
    expect(p.b.stats.receiveDropped.text).toBe(2);
    // The oldest were dropped: what is left is from the end of the burst.
    expect(Math.min(...got)).toBeGreaterThanOrEqual(120);
    // Malformed link frames from the other end (a 3-byte ping) are dropped and counted.
    channel.send(Uint8Array.of(0xd0, 1, 2));
    await waitFor(() => p.b.stats.receiveDropped.malformed === 1, 1000, 'malformed ping counted');
    p.b.close();
    p.b.send(datagram(3)); // after close: dropped, no throw
    expect(p.b.handleSignal('offer', 'v=0')).toBe('late');
    noFaults(p.a, p.b);
  });
});
