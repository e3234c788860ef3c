import { describe, expect, it } from 'vitest';
import { hashBytes } from '../../sdk/src/kit/hash.ts';
import { RelayRig } from '../helpers/relay-rig.ts';
import type { RigMember } from '../helpers/relay-rig.ts';
import { ReliableChannel } from '../../sdk/src/relay/reliable-channel.ts';
import { MAX_RELAY_FRAME_BYTES, RelayFrameKind, decodeRelayFrame, encodeControlFrame, encodeDataFrame, encodePingFrame } from '../../sdk/src/relay/relay-frame.ts';
import { MAX_ROOM_STATE_MESSAGE_BYTES, decodeControlMessage, encodeControlMessage } from '../../sdk/src/room/control-messages.ts';
import type { HostControlMessage } from '../../sdk/src/room/control-messages.ts';
import { slotAddress } from '../../sdk/src/relay/room-client.ts';
import type { RelayDropReason, RelayHostStats } from '../../sdk/src/relay/relay-host.ts';
import { mayRelayBetween } from '../../sdk/src/relay/relay-rule.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);
const events = RelayRig.eventsOf;

/** A room of `players` players, every one ready, idle for a second so every rate bucket is full again. */
function lobby(rig: RelayRig, players: number, settings: Record<string, number> = {}): RigMember[] {
  const owner = rig.create('p0', { settings });
  const all = [owner];
  for (let i = 1; i < players; i++) all.push(rig.join(owner.binding.code, `p${i}`));
  rig.advance(50);
  for (const m of all) m.client!.setReady(true);
  rig.advance(1000);
  return all;
}

function started(rig: RelayRig, players: number): RigMember[] {
  const all = lobby(rig, players);
  all[0]!.client!.startMatch();
  rig.advance(50);
  return all;
}

/** Session packets the member's transport has received, as [from, first byte]. */
function received(member: RigMember): [string, number][] {
  return member.route!.receive().map((d) => [d.from, d.data[0]!]);
}

/** Drop counters that changed since `before`, and by how much. */
function droppedSince(before: RelayHostStats, after: RelayHostStats): Partial<Record<RelayDropReason, number>> {
  const out: Partial<Record<RelayDropReason, number>> = {};
  for (const [reason, n] of Object.entries(after.dropped) as [RelayDropReason, number][]) if (n !== before.dropped[reason]) out[reason] = n - before.dropped[reason];
  return out;
}

/** A reliable-channel segment built by hand (format version 1, no SACK), as a hostile client would. */
function segment(ack: number, records: readonly [number, Uint8Array][]): Uint8Array {
  const body: number[] = [0x10, ack & 0xff, (ack >>> 8) & 0xff, (ack >>> 16) & 0xff, ack >>> 24];
  for (const [seq, message] of records) {
    body.push(seq & 0xff, (seq >>> 8) & 0xff, (seq >>> 16) & 0xff, seq >>> 24, message.length & 0xff, message.length >>> 8, ...message);
  }
  const check = hashBytes(Uint8Array.from(body), 0x42535243);
  body.push(check & 0xff, (check >>> 8) & 0xff, (check >>> 16) & 0xff, check >>> 24);
  return Uint8Array.from(body);
}

/** Host control messages in the frames sent to a raw member, decoded through its own reliable channel. */
function controlMessages(link: { sent: Uint8Array[] }, channel: ReliableChannel, nowMs: number, from = 0): HostControlMessage[] {
  const out: HostControlMessage[] = [];
  for (const frame of link.sent.slice(from)) {
    const decoded = decodeRelayFrame(frame);
    if (!decoded.ok || decoded.frame.kind !== RelayFrameKind.Control) continue;
    for (const m of channel.receive(decoded.frame.segment, nowMs)) {
      const message = decodeControlMessage(m, 'host');
      if (message.ok) out.push(message.message);
    }
  }
  return out;
}

describe('RelayHost: rooms', () => {
  it('create, join, ready, start: every member learns its slot, the room and the match', () => {
    const rig = new RelayRig();
    const owner = rig.create('ann');
    const bo = rig.join(owner.binding.code, 'bo');
    const cy = rig.join(owner.binding.code, 'cy');
    rig.advance(50);
    expect([owner, bo, cy].map((m) => m.client!.slot)).toEqual([0, 1, 2]);
    expect(events(bo, 'welcome')).toEqual([{ type: 'welcome', slot: 1, code: owner.binding.code, epoch: 1 }]);
    for (const m of [owner, bo, cy]) {
      expect(m.client!.code).toBe(owner.binding.code);
      expect(m.client!.room?.members.map((x) => [x.slot, x.name, x.connected])).toEqual([
        [0, 'ann', true],
        [1, 'bo', true],
        [2, 'cy', true],
      ]);
    }
    // Only the owner may start, and only once everyone is ready.
    bo.client!.startMatch();
    owner.client!.startMatch();
    rig.advance(50);
    expect(events(bo, 'error').map((e) => e.code)).toEqual(['not-owner']);
    expect(events(owner, 'error').map((e) => e.code)).toEqual(['not-ready']);
    expect(rig.host.stats().dropped['not-permitted']).toBe(2);
    for (const m of [owner, bo, cy]) m.client!.setReady(true);
    rig.advance(50);
    expect(owner.client!.room?.members.every((m) => m.ready)).toBe(true);
    owner.client!.startMatch();
    rig.advance(50);
    for (const m of [owner, bo, cy]) {
      expect(events(m, 'match-start')).toHaveLength(1);
      expect(m.client!.match?.players).toEqual([0, 1, 2]);
      expect(m.client!.room?.phase).toBe('playing');
    }
    // A player cannot join a running match; a spectator can, and hears of the match at once.
    expect(rig.authorize({ action: 'join', code: owner.binding.code, name: 'late', role: 'player' })).toEqual({ ok: false, error: 'in-progress' });
    const watcher = rig.join(owner.binding.code, 'watcher', 'spectator');
    rig.advance(50);
    expect(watcher.client!.slot).toBe(16);
    expect(watcher.client!.match?.matchId).toBe(owner.client!.match!.matchId);
    expect(rig.host.stats()).toMatchObject({ connections: 4, rooms: 1, joinsRefused: 1 });
  });

  it('refuses joins with the authority reason, and counts them', () => {
    const rig = new RelayRig();
    const owner = rig.create('ann', { password: 'sesame' });
    const code = owner.binding.code;
    expect(rig.authorize({ action: 'join', code: 'ZZZZZZ', name: 'x', role: 'player' })).toEqual({ ok: false, error: 'no-such-room' });
    expect(rig.authorize({ action: 'join', code, name: 'x', role: 'player' })).toEqual({ ok: false, error: 'bad-password' });
    expect(rig.authorize({ action: 'join', code, name: 'x', role: 'player', password: 'wrong' })).toEqual({ ok: false, error: 'bad-password' });
    expect(rig.authorize({ action: 'join', code, name: 'x', role: 'player', token: 'A'.repeat(32) })).toEqual({ ok: false, error: 'bad-token' });
    expect(rig.authorize({ action: 'join', code, name: '\u0000', role: 'player', password: 'sesame' })).toEqual({ ok: false, error: 'bad-name' });
    expect(rig.authorize('{"action":"join"')).toEqual({ ok: false, error: 'bad-request' });
    expect(rig.authorize('x'.repeat(100_000))).toEqual({ ok: false, error: 'bad-request' });
    expect(rig.authorize({ action: 'join', code, name: 'x', role: 'player', password: 'sesame' }).ok).toBe(true);
    expect(rig.host.stats().joinsRefused).toBe(7);
  });

  it('chat reaches every member of the room and no one else; leave frees the slot at once', () => {
    const rig = new RelayRig();
    const [a0, a1] = lobby(rig, 2);
    const b0 = rig.create('other');
    rig.advance(20);
    a1!.client!.chat('hello');
    rig.advance(20);
    expect(events(a0!, 'chat')).toEqual([{ type: 'chat', slot: 1, text: 'hello' }]);
    expect(events(a1!, 'chat')).toHaveLength(1);
    expect(events(b0, 'chat')).toEqual([]);
    a1!.client!.leave();
    rig.advance(20);
    expect(a1!.link.closed).toBe(true);
    expect(a0!.client!.room?.members.map((m) => m.slot)).toEqual([0]);
    expect(rig.host.stats().connections).toBe(2);
  });

  it('a room whose state outgrows one datagram still reaches every member (16 players, 8 spectators, longest names)', () => {
    const rig = new RelayRig();
    // 24 code points of 4-byte characters: the worst case the control messages allow.
    const name = (i: number) => String.fromCodePoint(0x1f600 + i).repeat(24);
    const owner = rig.create(name(0), { settings: { maxPlayers: 16 } });
    const all = [owner];
    // From as many addresses (one address may try 10 joins a minute).
    for (let i = 1; i < 16; i++) all.push(rig.join(owner.binding.code, name(i), 'player', { address: `10.0.1.${i}` }));
    for (let i = 16; i < 24; i++) all.push(rig.join(owner.binding.code, name(i), 'spectator', { address: `10.0.1.${i}` }));
    rig.advance(200);
    const size = encodeControlMessage({ type: 'room-state', state: rig.authority.room(owner.binding.code)! }).length;
    expect(size).toBeGreaterThan(4000);
    for (const m of all) {
      expect(m.client!.room?.members).toHaveLength(24);
      expect(m.client!.stats.malformed).toBe(0);
    }
  });
});

describe('RelayHost: relaying session packets', () => {
  it('forwards Data only to the addressed member of the same room (a player, or a spectator from a player), stamped with the sender slot whatever it wrote', () => {
    const rig = new RelayRig();
    const [a0, a1, a2] = lobby(rig, 3);
    const spectator = rig.join(a0!.binding.code, 'watcher', 'spectator');
    const [b0, b1] = lobby(rig, 2);
    rig.advance(1000);
    const before = rig.host.stats();
    // Through the transport: a0 to slot 1.
    a0!.route!.send(slotAddress(1), bytes(0xb5, 1, 2, 3));
    rig.pump();
    expect(received(a1!)).toEqual([['slot:0', 0xb5]]);
    // Raw: a2 writes every slot number there is.
    for (let slot = 0; slot <= 31; slot++) rig.sendRaw(a2!, encodeDataFrame(slot, bytes(0x40 + slot)));
    rig.pump();
    const lastData = (m: RigMember) => m.link.framesOfKind(RelayFrameKind.Data).at(-1)!;
    expect(received(a0!)).toEqual([['slot:2', 0x40]]);
    expect(received(a1!)).toEqual([['slot:2', 0x41]]);
    expect(lastData(a0!)[1]).toBe(2);
    expect(lastData(a1!)[1]).toBe(2);
    // The spectator (slot 16) hears a player: the player's spectator feed serves it.
    expect(received(spectator)).toEqual([['slot:2', 0x50]]);
    expect(lastData(spectator)[1]).toBe(2);
    // Nothing for the sender itself or the other room (whose slots 0 and 1 exist).
    for (const m of [a2!, b0!, b1!]) expect(received(m)).toEqual([]);
    for (const m of [b0!, b1!]) expect(m.link.framesOfKind(RelayFrameKind.Data)).toEqual([]);
    const after = rig.host.stats();
    expect(after.framesRelayed - before.framesRelayed).toBe(4);
    expect(after.bytesRelayed - before.bytesRelayed).toBe(6 + 3 + 3 + 3);
    // 32 slots written: 3 relayed, 29 refused (itself, 28 empty or out of range).
    expect(droppedSince(before, after)).toEqual({ 'bad-destination': 29 });
  });

  it('a sender cannot name itself, whatever slot it claims; a reply goes back to the true sender', () => {
    const rig = new RelayRig();
    const [a0, a1] = lobby(rig, 2);
    // a1 tries to make a0 believe a packet came from a0 itself, or from a slot that does not exist.
    rig.sendRaw(a1!, encodeDataFrame(0, bytes(7)));
    rig.pump();
    const [datagram] = a0!.route!.receive();
    expect(datagram?.from).toBe('slot:1');
    a0!.route!.send(datagram!.from, bytes(8));
    rig.pump();
    expect(received(a1!)).toEqual([['slot:0', 8]]);
  });

  it('the rule: players to players, spectators to and from players, never spectator to spectator', () => {
    expect(mayRelayBetween('player', 'player')).toBe(true);
    expect(mayRelayBetween('player', 'spectator')).toBe(true);
    expect(mayRelayBetween('spectator', 'player')).toBe(true);
    expect(mayRelayBetween('spectator', 'spectator')).toBe(false);
  });

  it("carries a spectator's packets to the players of its room, stamped, and limits its rate like anyone's", () => {
    const rig = new RelayRig({ relay: { framesPerSecond: 100, frameBurst: 10 } });
    const [a0, a1] = started(rig, 2);
    const spectator = rig.join(a0!.binding.code, 'watcher', 'spectator');
    rig.advance(1000);
    const before = rig.host.stats();
    spectator.route!.send(slotAddress(1), bytes(0x0d, 1)); // a Spectate's first byte is its type
    spectator.route!.send(slotAddress(0), bytes(0x0d, 2));
    rig.pump();
    expect(received(a1!)).toEqual([['slot:16', 0x0d]]);
    expect(received(a0!)).toEqual([['slot:16', 0x0d]]);
    // A flood from the spectator: its own bucket (10 at once) stops it, the players' are untouched.
    for (let i = 0; i < 40; i++) rig.sendRaw(spectator, encodeDataFrame(0, bytes(0x0d)));
    a1!.route!.send(slotAddress(0), bytes(0x01));
    rig.pump();
    const got = received(a0!);
    expect(got.filter(([from]) => from === 'slot:16').length).toBeLessThanOrEqual(10);
    expect(got).toContainEqual(['slot:1', 0x01]);
    expect(droppedSince(before, rig.host.stats())['rate-limited']).toBeGreaterThanOrEqual(30);
  });

  it('a spectator that reconnects with its token naming itself a player is still bound as a spectator', () => {
    const rig = new RelayRig();
    const [a0] = started(rig, 2);
    const code = a0!.binding.code;
    const spectator = rig.join(code, 'watcher', 'spectator');
    rig.join(code, 'watcher2', 'spectator');
    rig.host.closeMember(code, spectator.binding.slot, rig.nowMs);
    const back = rig.authorize({ action: 'join', code, name: 'x', role: 'player', token: spectator.binding.token }, '5.5.5.5');
    expect(back.ok && back.binding).toMatchObject({ slot: 16, role: 'spectator' });
  });

  it("drops a spectator's Data to a spectator, Data to a missing or disconnected slot, oversized and malformed frames", () => {
    const rig = new RelayRig();
    const [a0, a1, a2] = lobby(rig, 3);
    const spectator = rig.join(a0!.binding.code, 'watcher', 'spectator');
    const other = rig.join(a0!.binding.code, 'watcher2', 'spectator');
    rig.advance(1000);
    const before = rig.host.stats();
    // Spectator to spectator, both ways, and to itself: never.
    rig.sendRaw(spectator, encodeDataFrame(17, bytes(1)));
    rig.sendRaw(other, encodeDataFrame(16, bytes(1)));
    rig.sendRaw(spectator, encodeDataFrame(16, bytes(1)));
    rig.sendRaw(spectator, bytes(RelayFrameKind.Data, 0)); // no packet
    rig.sendRaw(a0!, encodeDataFrame(9, bytes(1)));
    rig.host.disconnect(a2!.id, rig.nowMs);
    rig.sendRaw(a0!, encodeDataFrame(2, bytes(1)));
    const oversized = new Uint8Array(MAX_RELAY_FRAME_BYTES + 1);
    oversized[0] = RelayFrameKind.Data;
    oversized[1] = 1;
    rig.sendRaw(a0!, oversized);
    rig.sendRaw(a0!, new Uint8Array(100_000).fill(RelayFrameKind.Data));
    const largest = oversized.subarray(0, MAX_RELAY_FRAME_BYTES);
    rig.sendRaw(a0!, largest); // exactly the limit: relayed
    rig.sendRaw(a0!, bytes(RelayFrameKind.Data, 1)); // no packet
    rig.sendRaw(a0!, new Uint8Array(0));
    rig.sendRaw(a0!, bytes(RelayFrameKind.Ping, 1, 2, 3));
    rig.sendRaw(a0!, bytes(RelayFrameKind.Pong, 1, 2, 3, 4, 5));
    rig.sendRaw(a0!, bytes(0));
    rig.sendRaw(a0!, bytes(0xff, 1, 2));
    rig.pump();
    expect(a1!.route!.receive().map((d) => d.data.length)).toEqual([MAX_RELAY_FRAME_BYTES - 2]);
    for (const m of [a0!, a2!, spectator, other]) expect(m.link.framesOfKind(RelayFrameKind.Data)).toEqual([]);
    expect(droppedSince(before, rig.host.stats())).toEqual({
      'spectator-data': 2,
      'bad-destination': 3,
      oversized: 2,
      malformed: 5,
      'unknown-kind': 2,
    });
  });

  it('rate-limits each connection: the burst passes, the rest is dropped, the rate comes back; others are unaffected', () => {
    const rig = new RelayRig(); // 1000 frames/s, bursts of 500
    const [a0, a1] = lobby(rig, 2);
    const before = rig.host.stats();
    for (let i = 0; i < 700; i++) rig.sendRaw(a0!, encodeDataFrame(1, bytes(i & 0xff)));
    expect(rig.host.stats().framesRelayed - before.framesRelayed).toBe(500);
    expect(droppedSince(before, rig.host.stats())).toEqual({ 'rate-limited': 200 });
    // The other member is not limited by a0's flood.
    for (let i = 0; i < 50; i++) rig.sendRaw(a1!, encodeDataFrame(0, bytes(1)));
    expect(rig.host.stats().framesRelayed - before.framesRelayed).toBe(550);
    // 100 ms later: 100 more frames' worth.
    rig.nowMs += 100;
    for (let i = 0; i < 150; i++) rig.sendRaw(a0!, encodeDataFrame(1, bytes(1)));
    expect(rig.host.stats().framesRelayed - before.framesRelayed).toBe(650);
    expect(droppedSince(before, rig.host.stats())).toEqual({ 'rate-limited': 250 });
    // A sustained flood of 10 000 frames/s gets through at the rate, no faster.
    const mid = rig.host.stats();
    for (let t = 1; t <= 1000; t++) {
      rig.nowMs += 1;
      for (let i = 0; i < 10; i++) rig.sendRaw(a0!, encodeDataFrame(1, bytes(1)));
    }
    const relayed = rig.host.stats().framesRelayed - mid.framesRelayed;
    expect(relayed).toBeGreaterThanOrEqual(999);
    expect(relayed).toBeLessThanOrEqual(1001);
    expect(droppedSince(mid, rig.host.stats())).toEqual({ 'rate-limited': 10_000 - relayed });
    rig.pump();
  });

  it('limits with the configured rate and burst', () => {
    const rig = new RelayRig({ relay: { framesPerSecond: 400, frameBurst: 200 } });
    const [a0] = lobby(rig, 2);
    const before = rig.host.stats();
    for (let i = 0; i < 300; i++) rig.sendRaw(a0!, encodeDataFrame(1, bytes(1)));
    rig.nowMs += 250;
    for (let i = 0; i < 300; i++) rig.sendRaw(a0!, encodeDataFrame(1, bytes(1)));
    expect(rig.host.stats().framesRelayed - before.framesRelayed).toBe(200 + 100);
    expect(droppedSince(before, rig.host.stats())).toEqual({ 'rate-limited': 300 });
  });

  it('rate-limits bytes as well as frames', () => {
    const rig = new RelayRig({ relay: { framesPerSecond: 1e6, frameBurst: 1e6, bytesPerSecond: 12_020, byteBurst: 12_020 } });
    const [a0] = lobby(rig, 2);
    const before = rig.host.stats();
    const big = encodeDataFrame(1, new Uint8Array(1200));
    for (let i = 0; i < 15; i++) rig.sendRaw(a0!, big.slice());
    expect(rig.host.stats().framesRelayed - before.framesRelayed).toBe(10);
    expect(droppedSince(before, rig.host.stats())).toEqual({ 'rate-limited': 5 });
  });

  it('limits failed join attempts per address (10 a minute); successful ones are free; other addresses are unaffected', () => {
    const rig = new RelayRig();
    const owner = rig.create('ann', { settings: {} });
    const code = owner.binding.code;
    const attacker = '6.6.6.6';
    const results: string[] = [];
    for (let i = 0; i < 24; i++) {
      // Two wrong codes for every right one: 16 failures, 8 successes.
      const r = rig.authorize({ action: 'join', code: i % 3 === 2 ? code : 'WRONG1', name: `x${i}`, role: 'spectator' }, attacker);
      results.push(r.ok ? 'ok' : r.error);
    }
    const failedBeforeLimit = results.slice(0, results.indexOf('rate-limited')).filter((r) => r === 'no-such-room').length;
    expect(failedBeforeLimit).toBe(10);
    expect(results.slice(0, 15)).toEqual(['no-such-room', 'no-such-room', 'ok', 'no-such-room', 'no-such-room', 'ok', 'no-such-room', 'no-such-room', 'ok', 'no-such-room', 'no-such-room', 'ok', 'no-such-room', 'no-such-room', 'rate-limited']);
    expect(results.slice(15).every((r) => r === 'rate-limited')).toBe(true);
    // Even a well-formed request from that address waits now; another address does not.
    expect(rig.authorize({ action: 'create', name: 'again' }, attacker)).toEqual({ ok: false, error: 'rate-limited' });
    expect(rig.authorize({ action: 'join', code, name: 'friend', role: 'spectator' }, '7.7.7.7').ok).toBe(true);
    // One failure's worth comes back every 6 s.
    rig.nowMs += 5_900;
    expect(rig.authorize({ action: 'create', name: 'again' }, attacker)).toEqual({ ok: false, error: 'rate-limited' });
    rig.nowMs += 200;
    expect(rig.authorize({ action: 'create', name: 'again' }, attacker).ok).toBe(true);
    expect(rig.authorize({ action: 'create', name: 'again 2' }, attacker).ok).toBe(true); // a success takes nothing
    expect(rig.authorize({ action: 'join', code: 'WRONG1', name: 'x', role: 'player' }, attacker)).toEqual({ ok: false, error: 'no-such-room' });
    expect(rig.authorize({ action: 'join', code: 'WRONG1', name: 'x', role: 'player' }, attacker)).toEqual({ ok: false, error: 'rate-limited' });
    expect(rig.host.stats().joinsRefused).toBe(10 + 10 + 4);
  });

  it('a reconnect with a valid token gets through even once its address is rate-limited; a wrong one does not, and counts', () => {
    const rig = new RelayRig();
    const [a0, a1] = started(rig, 2);
    const code = a0!.binding.code;
    const home = '6.6.6.6';
    // Someone at the member's address fails 10 times: that address is limited now.
    for (let i = 0; i < 10; i++) expect(rig.authorize({ action: 'join', code: 'WRONG1', name: 'x', role: 'spectator' }, home)).toEqual({ ok: false, error: 'no-such-room' });
    expect(rig.authorize({ action: 'join', code, name: 'x', role: 'spectator' }, home)).toEqual({ ok: false, error: 'rate-limited' });
    // a1's channel drops; it comes back from that address, with its token, into its slot.
    rig.host.closeMember(code, 1, rig.nowMs);
    const back = rig.authorize({ action: 'join', code, name: 'p1', role: 'player', token: a1!.binding.token }, home);
    expect(back.ok && back.binding.slot).toBe(1);
    // No free oracle: a wrong token, or a right token with a wrong code, is refused as rate-limited.
    const wrongToken = '0123456789abcdef0123456789abcdef';
    expect(rig.authorize({ action: 'join', code, name: 'x', role: 'player', token: wrongToken }, home)).toEqual({ ok: false, error: 'rate-limited' });
    expect(rig.authorize({ action: 'join', code: 'WRONG1', name: 'x', role: 'player', token: a1!.binding.token }, home)).toEqual({ ok: false, error: 'rate-limited' });
    // From an address that is not limited, wrong tokens say so, and count like any failure.
    const guesser = '7.7.7.7';
    for (let i = 0; i < 10; i++) expect(rig.authorize({ action: 'join', code, name: 'x', role: 'player', token: wrongToken }, guesser)).toEqual({ ok: false, error: 'bad-token' });
    expect(rig.authorize({ action: 'join', code, name: 'x', role: 'player', token: wrongToken }, guesser)).toEqual({ ok: false, error: 'rate-limited' });
    expect(rig.authorize({ action: 'join', code, name: 'x', role: 'spectator' }, guesser)).toEqual({ ok: false, error: 'rate-limited' });
    // ...and the member's own reconnect still gets through from there too.
    const again = rig.authorize({ action: 'join', code, name: 'p1', role: 'player', token: a1!.binding.token }, guesser);
    expect(again.ok && again.binding.slot).toBe(1);
  });

  it('tracks at most maxTrackedAddresses addresses (the oldest are forgotten)', () => {
    const rig = new RelayRig({ relay: { joinAttemptsPerMinute: 1, maxTrackedAddresses: 2 } });
    expect(rig.authorize('{}', 'a')).toEqual({ ok: false, error: 'bad-request' });
    expect(rig.authorize('{}', 'a')).toEqual({ ok: false, error: 'rate-limited' });
    rig.authorize('{}', 'b');
    rig.authorize('{}', 'c'); // 'a' is forgotten
    expect(rig.authorize('{}', 'a')).toEqual({ ok: false, error: 'bad-request' });
    expect(rig.authorize('{}', 'c')).toEqual({ ok: false, error: 'rate-limited' });
  });
});

describe('RelayHost: liveness', () => {
  it('pings every member, answers pings, and keeps a live connection open indefinitely', () => {
    const rig = new RelayRig();
    const [a0] = lobby(rig, 2);
    const pings = a0!.link.framesOfKind(RelayFrameKind.Ping).length;
    rig.advance(10_000);
    // Every 250 ms.
    expect(a0!.link.framesOfKind(RelayFrameKind.Ping).length - pings).toBeGreaterThanOrEqual(39);
    expect(a0!.link.framesOfKind(RelayFrameKind.Ping).length - pings).toBeLessThanOrEqual(41);
    expect(rig.host.stats().connections).toBe(2);
    rig.sendRaw(a0!, encodePingFrame(RelayFrameKind.Ping, 0xdeadbeef));
    expect(decodeRelayFrame(a0!.link.sent.at(-1)!)).toEqual({ ok: true, frame: { kind: RelayFrameKind.Pong, id: 0xdeadbeef } });
  });

  it('closes a silent connection after the silence timeout, and drops the member after the grace (lobby)', () => {
    const rig = new RelayRig({ authority: { reconnectGraceMs: 3000 } });
    const [a0, a1, a2] = lobby(rig, 3);
    a1!.cut = true;
    rig.advance(1400);
    expect(a1!.link.closed).toBe(false);
    rig.advance(200);
    expect(a1!.link.closed).toBe(true);
    expect(rig.host.stats().connections).toBe(2);
    expect(a0!.client!.room?.members.find((m) => m.slot === 1)?.connected).toBe(false);
    rig.advance(2800);
    expect(a0!.client!.room?.members.find((m) => m.slot === 1)).toBeDefined();
    rig.advance(300);
    expect(a0!.client!.room?.members.map((m) => m.slot)).toEqual([0, 2]);
    expect(a2!.client!.room?.members.map((m) => m.slot)).toEqual([0, 2]);
  });

  it('during a match, a member silent past the grace is dropped by decision, told to everyone else', () => {
    const rig = new RelayRig({ authority: { reconnectGraceMs: 2000 } });
    const [a0, a1, a2] = started(rig, 3);
    a2!.cut = true;
    rig.advance(1500 + 2000 + 50);
    for (const m of [a0!, a1!]) expect(events(m, 'member-dropped')).toEqual([{ type: 'member-dropped', slot: 2, reason: 'connection-lost', epoch: 1 }]);
    expect(rig.host.stats().connections).toBe(2);
    // Its slot is gone: Data to it is refused.
    const before = rig.host.stats();
    rig.sendRaw(a0!, encodeDataFrame(2, bytes(1)));
    expect(droppedSince(before, rig.host.stats())).toEqual({ 'bad-destination': 1 });
  });

  it('a member back within the grace gets its slot, the room and the match again on a new channel', () => {
    const rig = new RelayRig();
    const [a0, a1] = started(rig, 2);
    a1!.cut = true;
    rig.advance(2000);
    expect(a1!.link.closed).toBe(true);
    const again = rig.authorize({ action: 'join', code: a1!.binding.code, name: '', role: 'player', token: a1!.binding.token });
    expect(again.ok && again.binding.slot).toBe(1);
    if (!again.ok) return;
    const back = rig.open(again.binding);
    rig.advance(50);
    expect(back.client!.slot).toBe(1);
    expect(back.client!.match?.matchId).toBe(a0!.client!.match!.matchId);
    expect(a0!.client!.room?.members.every((m) => m.connected)).toBe(true);
    a0!.route!.send('slot:1', bytes(5));
    rig.pump();
    expect(received(back)).toEqual([['slot:0', 5]]);
    expect(events(a0!, 'member-dropped')).toEqual([]);
  });

  it('disconnect closes the channel as well (the news may be false) and holds the slot for the grace', () => {
    const rig = new RelayRig({ authority: { reconnectGraceMs: 1000 } });
    const [a0, a1] = lobby(rig, 2);
    rig.host.disconnect(a1!.id, rig.nowMs);
    expect(a1!.link.closed).toBe(true);
    expect(rig.host.stats().connections).toBe(1);
    rig.advance(50);
    expect(a0!.client!.room?.members.map((m) => [m.slot, m.connected])).toEqual([
      [0, true],
      [1, false],
    ]);
    rig.advance(1000);
    expect(a0!.client!.room?.members.map((m) => m.slot)).toEqual([0]);
    rig.host.disconnect(a1!.id, rig.nowMs); // a second report changes nothing
    expect(rig.host.stats().connections).toBe(1);
  });

  it('a reconnect replaces a half-open channel of the same slot', () => {
    const rig = new RelayRig();
    const [a0, a1] = lobby(rig, 2);
    const again = rig.authorize({ action: 'join', code: a1!.binding.code, name: '', role: 'player', token: a1!.binding.token });
    if (!again.ok) throw new Error(again.error);
    const back = rig.open(again.binding);
    expect(a1!.link.closed).toBe(true);
    expect(back.link.closed).toBe(false);
    a0!.route!.send('slot:1', bytes(5));
    rig.pump();
    expect(received(back)).toEqual([['slot:0', 5]]);
    expect(rig.host.stats().connections).toBe(2);
  });

  it('a member whose channel never opens after it was authorized loses its slot after the grace', () => {
    const rig = new RelayRig({ authority: { reconnectGraceMs: 2000 } });
    const [a0] = lobby(rig, 1);
    const code = a0!.binding.code;
    const ghost = rig.authorize({ action: 'join', code, name: 'ghost', role: 'player' });
    if (!ghost.ok) throw new Error(ghost.error);
    expect(ghost.binding.slot).toBe(1);
    rig.advance(100);
    // Held, shown as not connected: the owner cannot start with it.
    expect(a0!.client!.room?.members.map((m) => [m.slot, m.connected])).toEqual([
      [0, true],
      [1, false],
    ]);
    rig.advance(2000);
    expect(a0!.client!.room?.members.map((m) => m.slot)).toEqual([0]);
    // The slot is free for the next member.
    const next = rig.join(code, 'next');
    expect(next.binding.slot).toBe(1);
    rig.advance(50);
    // The ghost's channel opens at last: it must not take the slot over.
    const late = rig.open(ghost.binding);
    rig.advance(50);
    expect(late.link.closed).toBe(true);
    expect(next.link.closed).toBe(false);
    expect(events(late, 'welcome')).toEqual([]);
    a0!.route!.send('slot:1', bytes(9));
    rig.sendRaw(late, encodeDataFrame(0, bytes(6)));
    rig.pump();
    expect(received(next)).toEqual([['slot:0', 9]]);
    expect(received(a0!)).toEqual([]);
    expect(rig.host.stats().connections).toBe(2);
  });

  it('a channel that opens after its room closed gets nothing and leaves no room behind', () => {
    const rig = new RelayRig({ authority: { reconnectGraceMs: 1000 } });
    const created = rig.authorize({ action: 'create', name: 'ghost' });
    if (!created.ok) throw new Error(created.error);
    rig.advance(1100);
    expect(rig.authority.roomCodes()).toEqual([]);
    const late = rig.open(created.binding);
    rig.advance(50);
    expect(late.link.closed).toBe(true);
    expect(rig.host.stats()).toMatchObject({ connections: 0, rooms: 0 });
  });

  it('shutdown tells every member the host is closing; closeAll then closes every channel', () => {
    const rig = new RelayRig();
    const [a0, a1] = started(rig, 2);
    const b0 = rig.create('other');
    rig.advance(20);
    rig.host.shutdown('maintenance', rig.nowMs);
    rig.pump();
    for (const m of [a0!, a1!, b0]) {
      expect(events(m, 'host-closing')).toEqual([{ type: 'host-closing', reason: 'maintenance' }]);
      expect(m.client!.hostClosing).toBe('maintenance');
      // Open until closeAll: a transport may still be sending the goodbye.
      expect(m.link.closed).toBe(false);
    }
    rig.host.closeAll();
    for (const m of [a0!, a1!, b0]) expect(m.link.closed).toBe(true);
    expect(rig.host.stats().connections).toBe(0);
    // Nothing goes out afterwards, whatever arrives.
    rig.sendRaw(a0!, encodeDataFrame(1, bytes(1)));
    rig.advance(3000);
    for (const m of [a0!, a1!, b0]) expect(m.link.sentAfterClose).toBe(0);
  });
});

describe('RelayHost: the control path', () => {
  it('counts garbage control segments and messages it cannot accept; refuses what a member may not do', () => {
    const rig = new RelayRig();
    const [a0, a1] = started(rig, 2);
    const spectator = rig.join(a0!.binding.code, 'watcher', 'spectator', { raw: true });
    const channel = new ReliableChannel({ maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES });
    const send = (message: Uint8Array) => {
      channel.send(message);
      for (const s of channel.poll(rig.nowMs)) rig.sendRaw(spectator, encodeControlFrame(s));
    };
    const before = rig.host.stats();
    // Segments that are not segments at all.
    rig.sendRaw(spectator, bytes(RelayFrameKind.Control, 1, 2, 3));
    rig.sendRaw(spectator, encodeControlFrame(new Uint8Array(500).fill(0x10)));
    // Well-formed segments carrying garbage, or messages a member never sends.
    const utf8 = (s: string) => new TextEncoder().encode(s);
    send(utf8('not json'));
    send(bytes(0xff, 0xfe));
    send(utf8('{"type":"welcome","slot":0,"code":"AAAAAA","token":"x","epoch":1}'));
    send(utf8('{"type":"match-start"}'));
    send(utf8('{"type":"set-ready","ready":true,"__proto__":{"x":1}}'));
    // Valid messages the spectator may not act on.
    send(encodeControlMessage({ type: 'set-ready', ready: true }));
    send(encodeControlMessage({ type: 'start-match' }));
    send(encodeControlMessage({ type: 'end-match' }));
    send(encodeControlMessage({ type: 'update-settings', settings: { fps: 30 } }));
    rig.advance(100);
    expect(droppedSince(before, rig.host.stats())).toEqual({ 'bad-control': 7, 'not-permitted': 4 });
    const refusals = controlMessages(spectator.link, channel, rig.nowMs).filter((m) => m.type === 'error');
    expect(refusals.map((m) => m.type === 'error' && m.code)).toEqual(['not-in-lobby', 'not-owner', 'not-owner', 'not-owner']);
    // The match goes on.
    expect(a0!.client!.room?.phase).toBe('playing');
    expect(events(a1!, 'member-dropped')).toEqual([]);
  });

  it('a member that acknowledges nothing is closed, and the authority learns it is gone', () => {
    // No chat limit here: the echoes of its own chat are what fill the host's window to it.
    const rig = new RelayRig({ authority: { reconnectGraceMs: 1000 }, relay: { chatPerSecond: 1e6, chatBurst: 1e6 } });
    const [a0] = lobby(rig, 1);
    const mute = rig.join(a0!.binding.code, 'mute', 'player', { raw: true });
    // It chats, never acknowledging the host's messages (ack 0 in every segment), so the host's
    // window to it fills up with the echoes of its own chat.
    let seq = 0;
    for (let i = 0; i < 30 && !mute.link.closed; i++) {
      rig.nowMs += 20;
      const records: [number, Uint8Array][] = [];
      for (let j = 0; j < 10; j++) records.push([seq++, encodeControlMessage({ type: 'chat', text: `spam ${seq}` })]);
      rig.sendRaw(mute, encodeControlFrame(segment(0, records)));
      rig.host.tick(rig.nowMs);
      rig.pump();
    }
    expect(mute.link.closed).toBe(true);
    rig.advance(1200);
    // Its slot did not stay behind as a member that no connection serves.
    expect(a0!.client!.room?.members.map((m) => m.slot)).toEqual([0]);
  });
});
