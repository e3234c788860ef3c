import { describe, expect, it } from 'vitest';
import { RelayRig } from '../helpers/relay-rig.ts';
import type { RigMember } from '../helpers/relay-rig.ts';
import { HandMember, advanceWith } from './hand-member.ts';
import { RawControlMember, advanceRaw, signalEvents } from './raw-control-member.ts';
import type { SignalKind } from '../../sdk/src/room/control-messages.ts';
import type { RelayDropReason, RelayHostStats } from '../../sdk/src/relay/relay-host.ts';

/**
 * Signaling for direct links through the host (issue 9): a member's `signal` reaches only the
 * player it names in the sender's own room, stamped with the sender's slot by the host; anything
 * else is dropped and counted. Parts of a long SDP are joined back by the receiving RoomClient.
 */

const events = RelayRig.eventsOf;

/** A room for 16 players, with `players` in it so far. */
function lobby(rig: RelayRig, players: number, address = '10.0.1'): RigMember[] {
  const owner = rig.create('p0', { settings: { maxPlayers: 16 } });
  const all = [owner];
  for (let i = 1; i < players; i++) all.push(rig.join(owner.binding.code, `p${i}`, 'player', { address: `${address}.${i}` }));
  rig.advance(50);
  return all;
}

function droppedSince(before: RelayHostStats, after: RelayHostStats): Partial<Record<RelayDropReason, number>> {
  const out: Partial<Record<RelayDropReason, number>> = {};
  for (const [reason, n] of Object.entries(after.dropped) as [RelayDropReason, number][]) if (n !== before.dropped[reason]) out[reason] = n - before.dropped[reason];
  return out;
}

/** An SDP of about `bytes` bytes: lines of printable ASCII ending in CRLF, with characters JSON escapes. */
function sdp(bytes: number, seed = 0): string {
  let out = 'v=0\r\n';
  for (let i = 0; out.length < bytes; i++) out += `a=candidate:${seed}-${i} 1 udp 2122260223 192.168.1.${i % 250} ${50000 + i} typ host "x\\y"\r\n`;
  return out.slice(0, bytes);
}

function signalJson(fields: Record<string, unknown>): string {
  return JSON.stringify({ type: 'signal', to: 1, kind: 'offer', link: 1, part: 0, parts: 1, payload: 'v=0', ...fields });
}

describe('signals through the host', () => {
  it('reach the named player of the room, whole and stamped with the sender, and no one else', () => {
    const rig = new RelayRig();
    const [a0, a1, a2] = lobby(rig, 3);
    const watcher = rig.join(a0!.binding.code, 'watcher', 'spectator', { address: '10.0.2.1' });
    rig.advance(50);
    const offer = sdp(2500); // three parts
    expect(a0!.client!.signal(1, 'offer', 77, offer)).toBe(true);
    a0!.client!.signal(1, 'candidate', 77, 'candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host');
    a0!.client!.signal(1, 'end-of-candidates', 77, '');
    rig.advance(50);
    expect(signalEvents(a1!)).toEqual([
      { type: 'signal', from: 0, kind: 'offer', link: 77, payload: offer },
      { type: 'signal', from: 0, kind: 'candidate', link: 77, payload: 'candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host' },
      { type: 'signal', from: 0, kind: 'end-of-candidates', link: 77, payload: '' },
    ]);
    for (const m of [a0!, a2!, watcher]) expect(signalEvents(m)).toEqual([]);
    // The answer goes back the same way.
    a1!.client!.signal(0, 'answer', 77, sdp(900, 1));
    a1!.client!.signal(0, 'close', 77, 'ice failed');
    rig.advance(50);
    expect(signalEvents(a0!)).toEqual([
      { type: 'signal', from: 1, kind: 'answer', link: 77, payload: sdp(900, 1) },
      { type: 'signal', from: 1, kind: 'close', link: 77, payload: 'ice failed' },
    ]);
    expect(Object.values(rig.host.stats().dropped).every((n) => n === 0)).toBe(true);
    for (const m of [a0!, a1!]) expect(m.client!.stats).toMatchObject({ signalsDropped: 0, signalCharsHeld: 0, malformed: 0 });
  });

  it('never cross into another room, even to a slot number that exists there', () => {
    const rig = new RelayRig();
    const [a0, a1] = lobby(rig, 2, '10.0.1');
    const [b0, b1, b2] = lobby(rig, 3, '10.0.5');
    const before = rig.host.stats();
    a0!.client!.signal(2, 'offer', 1, 'v=0 for slot 2'); // room A has no slot 2; room B has
    a0!.client!.signal(1, 'offer', 2, 'v=0 for slot 1'); // both rooms have a slot 1
    rig.advance(50);
    expect(signalEvents(a1!)).toEqual([{ type: 'signal', from: 0, kind: 'offer', link: 2, payload: 'v=0 for slot 1' }]);
    for (const m of [b0!, b1!, b2!]) expect(signalEvents(m)).toEqual([]);
    expect(droppedSince(before, rig.host.stats())).toEqual({ 'bad-signal': 1 });
  });

  it('spectators can neither send nor receive them', () => {
    const rig = new RelayRig();
    const [a0, a1] = lobby(rig, 2);
    const watcher = RawControlMember.join(rig, a0!.binding.code, 'watcher', 'spectator', '10.0.2.1');
    const player = RawControlMember.join(rig, a0!.binding.code, 'raw', 'player', '10.0.2.2');
    advanceRaw(rig, [watcher, player], 50);
    const before = rig.host.stats();
    for (let i = 0; i < 200; i++) watcher.sendText(signalJson({ to: i % 2, link: i }));
    player.sendText(signalJson({ to: watcher.slot }));
    advanceRaw(rig, [watcher, player], 100);
    for (const m of [a0!, a1!]) expect(signalEvents(m)).toEqual([]);
    expect(watcher.received.filter((m) => m.type === 'signal')).toEqual([]);
    // Refused before the rate limit: no flood notice to a spectator, every one counted.
    expect(droppedSince(before, rig.host.stats())).toEqual({ 'bad-signal': 201 });
    expect(watcher.received.filter((m) => m.type === 'error')).toEqual([]);
    // And a RoomClient will not even try.
    expect(() => a0!.client!.signal(16, 'offer', 1, 'v=0')).toThrow(RangeError);
  });

  it('a sender cannot name itself the sender, nor send to itself, to nobody, or to one not connected', () => {
    const rig = new RelayRig();
    const [a0, a1, a2] = lobby(rig, 3);
    const raw = RawControlMember.join(rig, a0!.binding.code, 'raw', 'player', '10.0.2.2');
    advanceRaw(rig, [raw], 50);
    const before = rig.host.stats();
    // The forged sender: refused whole, whatever the `from` says.
    raw.sendText(signalJson({ to: 1, from: 2 }));
    raw.sendText(JSON.stringify({ type: 'signal', from: 2, kind: 'offer', link: 1, part: 0, parts: 1, payload: 'v=0' }));
    // To itself, to a free slot, to a spectator slot no one holds.
    raw.sendText(signalJson({ to: raw.slot }));
    raw.sendText(signalJson({ to: 9 }));
    raw.sendText(signalJson({ to: 20 }));
    advanceRaw(rig, [raw], 50);
    expect(droppedSince(before, rig.host.stats())).toEqual({ 'bad-control': 2, 'bad-signal': 3 });
    // A valid one is stamped with the raw member's own slot, never another.
    raw.sendText(signalJson({ to: 1, payload: 'honest?' }));
    advanceRaw(rig, [raw], 50);
    expect(signalEvents(a1!)).toEqual([{ type: 'signal', from: raw.slot, kind: 'offer', link: 1, payload: 'honest?' }]);
    for (const m of [a0!, a2!]) expect(signalEvents(m)).toEqual([]);
    // A member whose connection is down gets nothing (and nothing waits for it).
    a2!.cut = true;
    rig.host.closeMember(a0!.binding.code, 2, rig.nowMs);
    const mid = rig.host.stats();
    a0!.client!.signal(2, 'offer', 3, 'v=0');
    rig.advance(50);
    expect(droppedSince(mid, rig.host.stats())).toEqual({ 'bad-signal': 1 });
    // A RoomClient refuses to address itself, a non-player slot, a bad link or payload.
    expect(() => a0!.client!.signal(0, 'offer', 1, 'v=0')).toThrow(RangeError);
    expect(() => a0!.client!.signal(1, 'pranswer' as SignalKind, 1, 'v=0')).toThrow(RangeError);
    expect(() => a0!.client!.signal(1, 'offer', -1, 'v=0')).toThrow(RangeError);
    expect(() => a0!.client!.signal(1, 'offer', 1, 'caf\u00e9')).toThrow(RangeError);
    expect(() => a0!.client!.signal(1, 'offer', 1, '')).toThrow(RangeError);
    expect(() => a0!.client!.signal(1, 'end-of-candidates', 1, 'x')).toThrow(RangeError);
  });

  it('refuses a payload over 8 KiB with an error event, and sends nothing of it', () => {
    const rig = new RelayRig();
    const [a0, a1] = lobby(rig, 2);
    rig.advance(20);
    expect(a0!.client!.signal(1, 'offer', 1, 'a'.repeat(8193))).toBe(false);
    expect(a0!.client!.signal(1, 'offer', 1, '\r\n'.repeat(4096))).toBe(false); // 8 KiB, but 17 parts written in JSON
    rig.advance(50);
    expect(events(a0!, 'error').map((e) => e.code)).toEqual(['too-large', 'too-large']);
    expect(signalEvents(a1!)).toEqual([]);
    expect(a0!.client!.signal(1, 'offer', 2, 'a'.repeat(8192))).toBe(true);
    rig.advance(50);
    expect(signalEvents(a1!).map((e) => e.payload.length)).toEqual([8192]);
  });

  it('rate limit: a burst passes, the rest is dropped and counted, the sender told once per flood', () => {
    const rig = new RelayRig({ relay: { signalsPerSecond: 2, signalBurst: 5 } });
    const [a0, a1] = lobby(rig, 2);
    for (let i = 0; i < 50; i++) a0!.client!.signal(1, 'candidate', i, `candidate:${i}`);
    rig.advance(50);
    expect(signalEvents(a1!).map((e) => e.link)).toEqual([0, 1, 2, 3, 4]);
    expect(rig.host.stats().dropped['signal-rate-limited']).toBe(45);
    const told = () => events(a0!, 'error').filter((e) => e.code === 'rate-limited');
    expect(told()).toEqual([{ type: 'error', code: 'rate-limited', message: 'too many signals: dropped until you slow down' }]);
    rig.advance(1000);
    for (let i = 50; i < 60; i++) a0!.client!.signal(1, 'candidate', i, `candidate:${i}`);
    rig.advance(50);
    expect(signalEvents(a1!).map((e) => e.link).slice(5)).toEqual([50, 51]);
    expect(told()).toHaveLength(1);
    rig.advance(3000);
    for (let i = 60; i < 70; i++) a0!.client!.signal(1, 'candidate', i, `candidate:${i}`);
    rig.advance(50);
    expect(told()).toHaveLength(2);
    // Chat and other requests have buckets of their own.
    a0!.client!.chat('still talking');
    rig.advance(50);
    expect(events(a1!, 'chat').map((e) => e.text)).toEqual(['still talking']);
    expect(() => new RelayRig({ relay: { signalsPerSecond: 0 } })).toThrow(RangeError);
    expect(() => new RelayRig({ relay: { signalBurst: 0.5 } })).toThrow(RangeError);
  });

  it('a 16-player mesh setting up all at once passes the default limits whole', () => {
    const rig = new RelayRig();
    const players = lobby(rig, 16);
    rig.advance(1000);
    const before = rig.host.stats();
    const expected = new Map<number, { from: number; kind: SignalKind; link: number; payload: string }[]>();
    for (const p of players) expected.set(p.binding.slot, []);
    // Each pair: the lower slot offers (a 1,500-byte SDP: two parts), the higher answers; each
    // side sends 6 candidates and an end-of-candidates: 9 messages per peer, 135 per member.
    for (const p of players) {
      const me = p.binding.slot;
      for (const q of players) {
        const peer = q.binding.slot;
        if (peer === me) continue;
        const link = Math.min(me, peer) * 100 + Math.max(me, peer);
        const sent: [SignalKind, string][] = [[me < peer ? 'offer' : 'answer', sdp(1500, me)]];
        for (let c = 0; c < 6; c++) sent.push(['candidate', `candidate:${c} 1 udp 2122260223 10.0.${me}.${c} ${40000 + peer} typ host`]);
        sent.push(['end-of-candidates', '']);
        for (const [kind, payload] of sent) {
          expect(p.client!.signal(peer, kind, link, payload)).toBe(true);
          expected.get(peer)!.push({ from: me, kind, link, payload });
        }
      }
    }
    rig.advance(500);
    expect(droppedSince(before, rig.host.stats())).toEqual({});
    for (const p of players) {
      const got = signalEvents(p).map(({ from, kind, link, payload }) => ({ from, kind, link, payload }));
      // In order per sender; senders interleave as the host received them.
      const bySender = (list: typeof got) => Array.from({ length: 16 }, (_, from) => list.filter((s) => s.from === from));
      expect(bySender(got)).toEqual(bySender(expected.get(p.binding.slot)!));
      expect(p.client!.stats.signalsDropped).toBe(0);
      expect(p.link.closed).toBe(false);
    }
  });

  it('a flood from others cannot crowd out a sender: each sender has its own share of the backlog', () => {
    const rig = new RelayRig({ relay: { signalBurst: 10_000, signalsPerSecond: 10_000 } });
    const [a0, a1] = lobby(rig, 2);
    const floods = [0, 1, 2].map((i) => RawControlMember.join(rig, a0!.binding.code, `flood${i}`, 'player', `10.0.3.${i}`));
    advanceRaw(rig, floods, 50);
    const before = rig.host.stats();
    // Each flooder queues 200 signals to a1 in one go; a1 is slow to acknowledge (cut for a while).
    a1!.cut = true;
    for (const f of floods) for (let i = 0; i < 200; i++) f.sendText(signalJson({ to: 1, kind: 'candidate', link: i, payload: `flood ${f.slot} ${i}` }));
    advanceRaw(rig, floods, 100);
    a0!.client!.signal(1, 'offer', 5, sdp(3000)); // the honest one, while the flood is held
    advanceRaw(rig, floods, 100);
    a1!.cut = false;
    advanceRaw(rig, floods, 1000);
    const got = signalEvents(a1!);
    expect(got.filter((e) => e.from === 0)).toEqual([{ type: 'signal', from: 0, kind: 'offer', link: 5, payload: sdp(3000) }]);
    // Each flooder got its share through, no more, and a1 was never closed for it.
    for (const f of floods) expect(got.filter((e) => e.from === f.slot).length).toBe(12);
    expect(droppedSince(before, rig.host.stats())).toEqual({ 'signal-backlog': 3 * (200 - 12) });
    expect(a1!.link.closed).toBe(false);
  });
});

describe('signal parts over lossy links', () => {
  it('a long SDP arrives whole through loss on the sender uplink and the receiver downlink', () => {
    const rig = new RelayRig();
    const ann = rig.create('ann');
    const bo = HandMember.connect(rig, { action: 'join', code: ann.binding.code, name: 'bo', role: 'player' }, '10.0.9.1');
    const cy = HandMember.connect(rig, { action: 'join', code: ann.binding.code, name: 'cy', role: 'player' }, '10.0.9.2');
    advanceWith(rig, [bo, cy], 100);
    // An 8 KiB offer (9 parts), a candidate and the end of them: 11 messages, all at once.
    const offer = sdp(8192, 2);
    bo.dropNextUplink = 3; // the first frames of the burst are lost
    cy.dropDownlink = true;
    bo.client.signal(cy.binding.slot, 'offer', 4, offer);
    bo.client.signal(cy.binding.slot, 'candidate', 4, 'candidate:1 1 udp 1 10.0.0.1 1 typ host');
    bo.client.signal(cy.binding.slot, 'end-of-candidates', 4, '');
    advanceWith(rig, [bo, cy], 300);
    cy.dropDownlink = false;
    // Ann chats meanwhile: her messages come between bo's parts on cy's channel.
    ann.client!.chat('hello');
    advanceWith(rig, [bo, cy], 3000);
    const from = bo.binding.slot;
    expect(cy.eventsOf('signal')).toEqual([
      { type: 'signal', from, kind: 'offer', link: 4, payload: offer },
      { type: 'signal', from, kind: 'candidate', link: 4, payload: 'candidate:1 1 udp 1 10.0.0.1 1 typ host' },
      { type: 'signal', from, kind: 'end-of-candidates', link: 4, payload: '' },
    ]);
    expect(cy.eventsOf('chat').map((e) => e.text)).toEqual(['hello']);
    expect(cy.client.stats).toMatchObject({ signalsDropped: 0, signalCharsHeld: 0 });
  });

  it('reordered and lost frames both ways: the control channel puts the parts back in order', () => {
    const rig = new RelayRig();
    const [a0, a1] = lobby(rig, 2);
    // a1's frames move only by hand here: shuffled, a third of them lost, both ways.
    a1!.cut = true;
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const shuffle = <T>(items: T[]) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    };
    const offers = Array.from({ length: 6 }, (_, i) => sdp(1000 + i * 1300, i));
    for (let t = 0; t < 600; t++) {
      if (t % 60 === 0 && t / 60 < offers.length) a0!.client!.signal(1, 'offer', t / 60, offers[t / 60]!);
      rig.advance(10);
      const down = shuffle(a1!.link.pending.splice(0));
      for (const f of down) if (random() > 0.33) a1!.client!.receive(f, rig.nowMs);
      a1!.client!.tick(rig.nowMs);
      a1!.events.push(...a1!.client!.events());
      const up = shuffle(a1!.outbox.splice(0));
      for (const f of up) if (random() > 0.33) rig.host.receive(a1!.id, f, rig.nowMs);
    }
    expect(signalEvents(a1!)).toEqual(offers.map((payload, link) => ({ type: 'signal', from: 0, kind: 'offer', link, payload })));
    expect(a1!.client!.stats.signalsDropped).toBe(0);
  });

  it('a part lost with a replaced connection drops that signal (counted); the next one arrives', () => {
    const rig = new RelayRig();
    const ann = rig.create('ann');
    const bo = HandMember.connect(rig, { action: 'join', code: ann.binding.code, name: 'bo', role: 'player' }, '10.0.9.1');
    const raw = RawControlMember.join(rig, ann.binding.code, 'raw', 'player', '10.0.9.2');
    const step = (ms: number) => {
      for (let t = 0; t < ms; t += 10) {
        advanceWith(rig, [bo], 10);
        raw.sync();
      }
    };
    step(100);
    const to = bo.binding.slot;
    const part = (index: number, payload: string) => signalJson({ to, link: 3, part: index, parts: 3, payload });
    // Part 0 reaches bo; part 1 is on its way when his connection dies; part 2 comes on the new one.
    raw.sendText(part(0, 'v=0 part 0 '));
    step(50);
    expect(bo.client.stats.signalCharsHeld).toBe(11);
    bo.dropDownlink = true;
    raw.sendText(part(1, 'part 1 '));
    step(50);
    bo.lose();
    bo.dropDownlink = false;
    bo.reconnect();
    raw.sendText(part(2, 'part 2'));
    step(100);
    expect(bo.eventsOf('signal')).toEqual([]);
    expect(bo.client.stats).toMatchObject({ signalsDropped: 2, signalCharsHeld: 0 }); // the held part 0, and part 2
    // The sender's next attempt comes through.
    raw.sendText(signalJson({ to, link: 4, payload: 'v=0 again' }));
    step(100);
    expect(bo.eventsOf('signal')).toEqual([{ type: 'signal', from: raw.slot, kind: 'offer', link: 4, payload: 'v=0 again' }]);
  });
});
