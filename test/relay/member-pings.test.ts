import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';
import { RelayHost } from '../../sdk/src/relay/relay-host.ts';
import type { HostConnection, MemberBinding, RelayHostOptions } from '../../sdk/src/relay/relay-host.ts';
import { RoomClient } from '../../sdk/src/relay/room-client.ts';
import { ReliableChannel } from '../../sdk/src/relay/reliable-channel.ts';
import { RelayFrameKind, decodeRelayFrame, encodePingFrame } from '../../sdk/src/relay/relay-frame.ts';
import { encodeConnectRequest } from '../../sdk/src/relay/connect-request.ts';
import type { ConnectRequest } from '../../sdk/src/relay/connect-request.ts';
import { MAX_ROOM_STATE_MESSAGE_BYTES, decodeControlMessage, encodeControlMessage } from '../../sdk/src/room/control-messages.ts';
import type { HostControlMessage } from '../../sdk/src/room/control-messages.ts';

/**
 * The host measures each member's round trip from its pongs and tells every member of a room the
 * round trips of the room, about once a second. Here in virtual time, 1 ms steps, over links that
 * hold every frame for a chosen delay each way, so the round trip each member should show is known
 * to the millisecond.
 */

interface Queued {
  readonly dueMs: number;
  readonly frame: Uint8Array;
}

/** One member: a RoomClient behind a link with a delay each way. */
interface Member {
  readonly binding: MemberBinding;
  id: number;
  readonly client: RoomClient;
  /** Host → member delay (ms). */
  downMs: number;
  /** Member → host delay (ms). */
  upMs: number;
  /** While true, the member's pongs are lost (everything else gets through). */
  dropPongs: boolean;
  toMember: Queued[];
  toHost: Queued[];
  /** Every control message the member received, in order, once each (read through a shadow channel). */
  readonly messages: HostControlMessage[];
  shadow: ReliableChannel;
  /** Ids and arrival times of the pings that reached the member. */
  readonly pingsSeen: { id: number; atMs: number }[];
}

class PingRig {
  nowMs = 0;
  readonly host: RelayHost;
  readonly members: Member[] = [];

  constructor(options: Omit<RelayHostOptions, 'authority'> = {}) {
    const rng = new Prng(7);
    this.host = new RelayHost({ ...options, authority: new RoomAuthority({ random: () => rng.nextU32() }) });
  }

  /** Authorizes and opens a member whose frames take `downMs` to it and `upMs` back. */
  add(request: ConnectRequest, downMs: number, upMs: number): Member {
    const result = this.host.authorize(encodeConnectRequest(request), `10.0.0.${this.members.length + 1}`, this.nowMs);
    if (!result.ok) throw new Error(`refused: ${result.error}`);
    const member: Member = {
      binding: result.binding,
      id: 0,
      client: new RoomClient(),
      downMs,
      upMs,
      dropPongs: false,
      toMember: [],
      toHost: [],
      messages: [],
      shadow: new ReliableChannel({ maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES }),
      pingsSeen: [],
    };
    this.members.push(member);
    this.open(member);
    return member;
  }

  create(name: string, downMs: number, upMs: number): Member {
    return this.add({ action: 'create', name }, downMs, upMs);
  }

  join(code: string, name: string, downMs: number, upMs: number, role: 'player' | 'spectator' = 'player'): Member {
    return this.add({ action: 'join', code, name, role }, downMs, upMs);
  }

  /** Opens a (new) channel for the member: the first one, or a reconnect into its slot. */
  open(member: Member): void {
    member.toMember = [];
    member.toHost = [];
    member.shadow = new ReliableChannel({ maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES });
    const link: HostConnection & { closed: boolean } = {
      closed: false,
      send: (frame) => {
        if (!link.closed) member.toMember.push({ dueMs: this.nowMs + member.downMs, frame: frame.slice() });
      },
      close: () => {
        link.closed = true;
      },
    };
    member.client.attach((frame) => member.toHost.push({ dueMs: this.nowMs + member.upMs, frame }), this.nowMs);
    member.id = this.host.connect(member.binding, link, this.nowMs);
    this.deliver();
  }

  /** Lets `ms` pass, 1 ms at a time: the host and the clients tick, due frames arrive. */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    while (this.nowMs < end) {
      this.nowMs++;
      this.host.tick(this.nowMs);
      for (const m of this.members) m.client.tick(this.nowMs);
      this.deliver();
    }
  }

  /** Hands over every frame due by now, both ways, until none is left (a zero delay arrives at once). */
  private deliver(): void {
    for (let moved = true; moved; ) {
      moved = false;
      for (const m of this.members) {
        const down = take(m.toMember, this.nowMs);
        const up = take(m.toHost, this.nowMs);
        for (const frame of down) this.toMember(m, frame);
        for (const frame of up) {
          if (m.dropPongs && frame[0] === RelayFrameKind.Pong) continue;
          this.host.receive(m.id, frame, this.nowMs);
        }
        if (down.length > 0 || up.length > 0) moved = true;
      }
    }
  }

  private toMember(m: Member, frame: Uint8Array): void {
    const decoded = decodeRelayFrame(frame);
    if (decoded.ok && decoded.frame.kind === RelayFrameKind.Ping) m.pingsSeen.push({ id: decoded.frame.id, atMs: this.nowMs });
    if (decoded.ok && decoded.frame.kind === RelayFrameKind.Control) {
      for (const bytes of m.shadow.receive(decoded.frame.segment, this.nowMs)) {
        const message = decodeControlMessage(bytes, 'host');
        if (!message.ok) throw new Error(`the host sent an invalid control message: ${message.reason}`);
        m.messages.push(message.message);
      }
    }
    m.client.receive(frame, this.nowMs);
  }
}

function take(queue: Queued[], nowMs: number): Uint8Array[] {
  const due: Uint8Array[] = [];
  for (let i = 0; i < queue.length; ) {
    if (queue[i]!.dueMs <= nowMs) due.push(queue.splice(i, 1)[0]!.frame);
    else i++;
  }
  return due;
}

type PingsMessage = Extract<HostControlMessage, { type: 'pings' }>;
const pingReports = (m: Member): PingsMessage[] => m.messages.filter((x): x is PingsMessage => x.type === 'pings');
const asObject = (pings: ReadonlyMap<number, number>) => Object.fromEntries(pings);

describe('RelayHost: round trips of the members', () => {
  it('measures each member from its pongs, and tells every member of the room all of them, about once a second', () => {
    const rig = new PingRig();
    const ann = rig.create('ann', 20, 20); // 40 ms
    const { code } = ann.binding;
    const bo = rig.join(code, 'bo', 5, 75); // 80 ms, lopsided
    const cy = rig.join(code, 'cy', 3, 3); // never answers a ping
    cy.dropPongs = true;
    const eve = rig.join(code, 'eve', 0, 13, 'spectator'); // 13 ms
    const everyone = [ann, bo, cy, eve];
    expect(everyone.map((m) => m.binding.slot)).toEqual([0, 1, 2, 16]);
    rig.advance(3000);

    expect([0, 1, 2, 16].map((slot) => rig.host.memberRttMs(code, slot))).toEqual([40, 80, undefined, 13]);
    expect(rig.host.memberRttMs(code, 3)).toBeUndefined();
    expect(rig.host.memberRttMs('ZZZZZZ', 0)).toBeUndefined();
    for (const m of everyone) {
      // Every member, spectators and the one that never answers included, sees the same figures.
      expect(asObject(m.client.pings), m.binding.slot.toString()).toEqual({ 0: 40, 1: 80, 16: 13 });
      const reports = pingReports(m);
      expect(reports.length).toBeGreaterThanOrEqual(2);
      expect(reports.at(-1)).toEqual({ type: 'pings', pings: [[0, 40], [1, 80], [16, 13]] });
    }
    // The member without pongs is still connected (its acks keep it alive), just unmeasured.
    expect(rig.host.stats().connections).toBe(4);
    expect(rig.host.stats().stalePongs).toBe(0);

    // About once a second, and small.
    const before = pingReports(ann).length;
    rig.advance(10_000);
    expect(pingReports(ann).length - before).toBe(10);
    const last = pingReports(ann).at(-1)!;
    expect(decodeControlMessage(encodeControlMessage(last), 'host')).toEqual({ ok: true, message: last });
    expect(encodeControlMessage(last).length).toBeLessThan(60);
  });

  it('a member with no measurement is absent, and no report goes to a room with none', () => {
    const rig = new PingRig();
    const ann = rig.create('ann', 10, 10);
    ann.dropPongs = true;
    const bo = rig.join(ann.binding.code, 'bo', 10, 10);
    bo.dropPongs = true;
    const other = rig.create('oscar', 4, 4); // another room, measured
    rig.advance(1400);
    expect(pingReports(ann)).toEqual([]);
    expect(pingReports(bo)).toEqual([]);
    expect(ann.client.pings.size).toBe(0);
    // The other room hears of its own member only.
    expect(pingReports(other).at(-1)).toEqual({ type: 'pings', pings: [[0, 8]] });
  });

  it('reports every pingReportMs, and not at all with Infinity (the host still measures)', () => {
    const fast = new PingRig({ pingReportMs: 300 });
    const a = fast.create('a', 1, 1);
    fast.advance(1000);
    const before = pingReports(a).length;
    fast.advance(3000);
    expect(pingReports(a).length - before).toBe(10);

    const never = new PingRig({ pingReportMs: Infinity });
    const b = never.create('b', 2, 3);
    never.advance(3000);
    expect(pingReports(b)).toEqual([]);
    expect(b.client.pings.size).toBe(0);
    expect(never.host.memberRttMs(b.binding.code, 0)).toBe(5);
  });

  it('the median of the last 5: one late pong does not move it, a lasting change shows within a second', () => {
    const rig = new PingRig();
    const ann = rig.create('ann', 20, 20);
    const bo = rig.join(ann.binding.code, 'bo', 1, 1);
    const { code } = ann.binding;
    rig.advance(2000);
    expect(rig.host.memberRttMs(code, 0)).toBe(40);
    // One pong held 300 ms longer (a stall), then back to normal.
    ann.upMs = 320;
    rig.advance(250);
    ann.upMs = 20;
    rig.advance(750);
    expect(rig.host.memberRttMs(code, 0)).toBe(40);
    expect(asObject(bo.client.pings)).toEqual({ 0: 40, 1: 2 });
    // For good now: 100 ms. Three pongs (750 ms) and the median has moved; the next report says so.
    ann.downMs = 50;
    ann.upMs = 50;
    rig.advance(900);
    expect(rig.host.memberRttMs(code, 0)).toBe(100);
    rig.advance(1100);
    expect(asObject(bo.client.pings)).toEqual({ 0: 100, 1: 2 });
  });

  it('reports whole ms, at least 1: a round trip under half a millisecond is not 0', () => {
    const rig = new PingRig();
    const ann = rig.create('ann', 0, 0);
    rig.advance(1500);
    expect(rig.host.memberRttMs(ann.binding.code, 0)).toBe(0);
    expect(asObject(ann.client.pings)).toEqual({ 0: 1 });
  });

  it('ignores and counts pongs that answer no ping awaiting one: not yet sent, repeated, forgotten, forged', () => {
    const rig = new PingRig();
    const ann = rig.create('ann', 0, 0); // keeps the room reporting, and so bo's acks flowing
    const bo = rig.join(ann.binding.code, 'bo', 0, 0);
    bo.dropPongs = true; // the test answers for bo
    const { code } = ann.binding;
    const pong = (id: number) => rig.host.receive(bo.id, encodePingFrame(RelayFrameKind.Pong, id), rig.nowMs);
    rig.advance(260);
    expect(bo.pingsSeen.map((p) => p.id)).toEqual([1, 2]);
    const [first, second] = bo.pingsSeen;

    pong(3); // not sent yet: an early answer to a ping it guesses
    pong(0); // never sent
    pong(0xffffffff); // never sent (just "before" 0)
    expect(rig.host.stats().stalePongs).toBe(3);
    expect(rig.host.memberRttMs(code, 1)).toBeUndefined();

    rig.advance(40);
    pong(2);
    const measured = rig.nowMs - second!.atMs; // sent at 251 ms (delays are 0), answered at 300
    expect(measured).toBe(49);
    expect(rig.host.memberRttMs(code, 1)).toBe(measured);
    pong(2); // a repeat counts once
    expect(rig.host.stats().stalePongs).toBe(4);

    // Eight pings later ping 1's place holds ping 9: its pong no longer matches anything.
    rig.advance(2000);
    expect(bo.pingsSeen.length).toBeGreaterThanOrEqual(10);
    pong(first!.id);
    expect(rig.host.stats().stalePongs).toBe(5);
    expect(rig.host.memberRttMs(code, 1)).toBe(measured);

    // A malformed pong is a malformed frame, not a stale one. None of it is a drop, and ann is unaffected.
    const malformed = rig.host.stats().dropped.malformed;
    rig.host.receive(bo.id, Uint8Array.of(RelayFrameKind.Pong, 1, 2), rig.nowMs);
    expect(rig.host.stats().dropped.malformed).toBe(malformed + 1);
    expect(rig.host.stats().stalePongs).toBe(5);
    expect(Object.values(rig.host.stats().dropped).reduce((a, b) => a + b, 0)).toBe(1);
    expect(rig.host.memberRttMs(code, 0)).toBe(0);
    expect(asObject(ann.client.pings)).toEqual({ 0: 1, 1: measured });
  });

  it('a member whose channel closes disappears from the reports; after a reconnect it is measured afresh', () => {
    const rig = new PingRig();
    const ann = rig.create('ann', 10, 10);
    const bo = rig.join(ann.binding.code, 'bo', 30, 30);
    const { code } = ann.binding;
    rig.advance(1500);
    expect(asObject(ann.client.pings)).toEqual({ 0: 20, 1: 60 });
    expect(rig.host.closeMember(code, 1, rig.nowMs)).toBe(true);
    expect(rig.host.memberRttMs(code, 1)).toBeUndefined();
    rig.advance(1000);
    expect(asObject(ann.client.pings)).toEqual({ 0: 20 });
    expect(ann.client.room?.members.find((m) => m.slot === 1)?.connected).toBe(false);

    bo.downMs = 5;
    bo.upMs = 5;
    rig.open(bo);
    rig.advance(1500);
    expect(rig.host.memberRttMs(code, 1)).toBe(10); // nothing of the old channel's 60 ms
    expect(asObject(ann.client.pings)).toEqual({ 0: 20, 1: 10 });
  });
});
