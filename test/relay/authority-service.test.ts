import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { AuthorityService } from '../../sdk/src/relay/authority-service.ts';
import type { AuthorityDropReason, AuthorityMember, AuthorityServiceLimits } from '../../sdk/src/relay/authority-service.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';
import { decodeControlMessage } from '../../sdk/src/room/control-messages.ts';
import type { ClientControlMessage, HostControlMessage } from '../../sdk/src/room/control-messages.ts';
import type { MemberRole } from '../../sdk/src/room/room-state.ts';

/**
 * The room authority's control plane on its own: no RelayHost, no connections, no clock. A stand-in
 * for whoever carries the members' channels records what the service sends through its
 * callbacks, keeps a fake backlog per channel (every message sent stays in flight until `ack`),
 * and tells the service when a channel goes, as the host does.
 */
class ServiceRig {
  readonly authority: RoomAuthority;
  readonly service: AuthorityService;
  /** `code/slot` → what the member was sent, decoded, in order. */
  readonly inbox = new Map<string, HostControlMessage[]>();
  /** Members with a channel now, `code/slot`. */
  readonly connected = new Set<string>();
  readonly backlog = new Map<string, { acknowledged: number; inFlight: number }>();
  readonly dropped: AuthorityDropReason[] = [];
  /** Every callback that ends channels or forgets members, in order. */
  readonly closes: string[] = [];
  /** Messages sent to a member with no channel (the service should send none). */
  strays = 0;

  constructor(limits: AuthorityServiceLimits = {}, epoch = 1) {
    const prng = new Prng(10 + epoch);
    this.authority = new RoomAuthority({ random: () => prng.nextU32(), epoch });
    this.service = new AuthorityService(
      { authority: this.authority, ...limits },
      {
        sendControl: (code, slot, bytes) => {
          const key = `${code}/${slot}`;
          if (!this.connected.has(key)) {
            this.strays++;
            return;
          }
          const decoded = decodeControlMessage(bytes, 'host');
          if (!decoded.ok) throw new Error(`the service sent an undecodable message: ${decoded.reason}`);
          this.inboxOf(key).push(decoded.message);
          this.backlog.get(key)!.inFlight++;
        },
        controlBacklog: (code, slot) => this.backlog.get(`${code}/${slot}`),
        closeMember: (code, slot) => {
          this.closes.push(`close ${slot}`);
          this.disconnect(code, slot);
        },
        memberDropped: (code, slot) => {
          this.closes.push(`dropped ${slot}`);
          this.disconnect(code, slot);
        },
        roomClosed: (code) => {
          this.closes.push('room closed');
          for (const key of [...this.connected]) if (key.startsWith(`${code}/`)) this.disconnect(code, Number(key.slice(code.length + 1)));
        },
        dropped: (reason) => this.dropped.push(reason),
      },
    );
  }

  /** Creates a room and connects its owner (slot 0). Admitting drains the authority, as the host does. */
  create(name: string): AuthorityMember {
    const created = this.authority.createRoom({ name, settings: { maxPlayers: 4 } }, 0);
    if (!created.ok) throw new Error(created.error);
    this.service.drain();
    return this.connect({ code: created.code, slot: created.slot, role: 'player', token: created.token });
  }

  join(code: string, name: string, role: MemberRole = 'player', password?: string): AuthorityMember {
    const joined = this.authority.join({ code, name, role, ...(password !== undefined ? { password } : {}) }, 0);
    if (!joined.ok) throw new Error(joined.error);
    this.service.drain();
    return this.connect({ code: joined.code, slot: joined.slot, role, token: joined.token });
  }

  connect(member: AuthorityMember): AuthorityMember {
    const key = `${member.code}/${member.slot}`;
    this.connected.add(key);
    this.backlog.set(key, { acknowledged: 0, inFlight: 0 });
    this.service.memberConnected(member);
    return member;
  }

  disconnect(code: string, slot: number): void {
    const key = `${code}/${slot}`;
    if (!this.connected.delete(key)) return;
    this.backlog.delete(key);
    this.service.memberDisconnected(code, slot);
  }

  /** A batch of messages from one member, then the authority's decisions drained, as the host does. */
  send(from: AuthorityMember, nowMs: number, ...messages: ClientControlMessage[]): void {
    for (const message of messages) this.service.onControl(from, message, nowMs);
    this.service.drain();
  }

  /** The member acknowledges `count` of the messages in flight to it. */
  ack(member: AuthorityMember, count: number): void {
    const b = this.backlog.get(`${member.code}/${member.slot}`)!;
    b.acknowledged = (b.acknowledged + count) >>> 0;
    b.inFlight -= count;
  }

  /** What the member was sent, all of it or of one type, and forgets it. */
  take<T extends HostControlMessage['type']>(member: AuthorityMember, type?: T): Extract<HostControlMessage, { type: T }>[] {
    const inbox = this.inboxOf(`${member.code}/${member.slot}`);
    const all = inbox.splice(0, inbox.length);
    return (type === undefined ? all : all.filter((m) => m.type === type)) as Extract<HostControlMessage, { type: T }>[];
  }

  private inboxOf(key: string): HostControlMessage[] {
    let inbox = this.inbox.get(key);
    if (inbox === undefined) {
      inbox = [];
      this.inbox.set(key, inbox);
    }
    return inbox;
  }
}

function signal(to: number, payload: string, link = 1): ClientControlMessage {
  return { type: 'signal', to, kind: 'candidate', link, part: 0, parts: 1, payload };
}

describe('AuthorityService', () => {
  it('greets a member with its slot and the room; readiness and a started match reach every member of the room, and only the owner may start', () => {
    const rig = new ServiceRig();
    const ann = rig.create('Ann');
    // The first two players in the line of succession also get the room's secrets (see below).
    expect(rig.take(ann).map((m) => m.type)).toEqual(['welcome', 'room-state', 'handover']);
    const bo = rig.join(ann.code, 'Bo');
    const [welcome, ...rest] = rig.take(bo);
    expect(welcome).toEqual({ type: 'welcome', slot: 1, code: ann.code, token: bo.token, epoch: 1 });
    expect(rest.map((m) => m.type)).toEqual(['room-state', 'handover']);
    expect(rig.take(ann, 'room-state').at(-1)!.state.members.map((m) => m.name)).toEqual(['Ann', 'Bo']);

    rig.send(ann, 10, { type: 'set-ready', ready: true });
    rig.send(bo, 10, { type: 'set-ready', ready: true });
    for (const m of [ann, bo]) expect(rig.take(m, 'room-state').at(-1)!.state.members.every((member) => member.ready)).toBe(true);

    rig.send(bo, 20, { type: 'start-match' });
    expect(rig.take(bo)).toEqual([{ type: 'error', code: 'not-owner', message: 'start-match refused: not-owner' }]);
    expect(rig.take(ann)).toEqual([]);
    expect(rig.dropped).toEqual(['not-permitted']);

    rig.send(ann, 30, { type: 'start-match' });
    const starts = [ann, bo].map((m) => rig.take(m, 'match-start'));
    expect(starts[0]).toHaveLength(1);
    expect(starts[0]![0]!.match.players).toEqual([0, 1]);
    expect(starts[1]).toEqual(starts[0]);
    // A member whose channel comes back mid-match is told the running match again.
    rig.disconnect(bo.code, bo.slot);
    rig.connect(bo);
    expect(rig.take(bo).map((m) => m.type)).toEqual(['welcome', 'room-state', 'match-start', 'handover']);
    expect(rig.strays).toBe(0);
  });

  it('a returning match player’s rejoin-match reaches every member as member-rejoining, once per return; a flood is rate-limited; match-rejoined clears it', () => {
    const rig = new ServiceRig({ requestsPerSecond: 1, requestBurst: 3 });
    const ann = rig.create('Ann');
    const bo = rig.join(ann.code, 'Bo');
    const sy = rig.join(ann.code, 'Sy', 'spectator');
    rig.send(ann, 0, { type: 'set-ready', ready: true });
    rig.send(bo, 0, { type: 'set-ready', ready: true });
    rig.send(ann, 0, { type: 'start-match' });
    const matchId = rig.take(bo, 'match-start')[0]!.match.matchId;
    // Bo's page reloads: its new channel comes with its token (the authority takes it back in).
    rig.disconnect(bo.code, bo.slot);
    expect(rig.authority.join({ code: bo.code, name: '', role: 'player', reconnectToken: bo.token }, 100).ok).toBe(true);
    rig.connect(bo);
    for (const m of [ann, bo, sy]) rig.take(m);
    rig.send(bo, 100, { type: 'rejoin-match', matchId }, { type: 'rejoin-match', matchId });
    for (const m of [ann, bo, sy]) {
      const heard = rig.take(m);
      expect(heard.filter((x) => x.type === 'member-rejoining')).toMatchObject([{ type: 'member-rejoining', slot: 1, matchId, epoch: 1 }]);
      expect(heard.filter((x) => x.type === 'room-state').at(-1)!.state.rejoining!.map(([slot]) => slot)).toEqual([1]);
    }
    // The spectator may not; past the burst, requests are dropped and the sender told once.
    rig.send(sy, 100, { type: 'rejoin-match', matchId });
    expect(rig.take(sy)).toMatchObject([{ type: 'error', code: 'not-a-player' }]);
    rig.send(bo, 100, { type: 'rejoin-match', matchId }, { type: 'rejoin-match', matchId });
    expect(rig.take(bo, 'error')).toMatchObject([{ code: 'rate-limited' }]);
    expect(rig.dropped).toContain('request-rate-limited');
    rig.send(bo, 5000, { type: 'match-rejoined', matchId });
    expect(rig.take(ann, 'room-state').at(-1)!.state.rejoining).toBeUndefined();
    expect(rig.strays).toBe(0);
  });

  it('forwards a signal only to the named player of the sender’s room, stamped with the sender’s slot', () => {
    const rig = new ServiceRig();
    const ann = rig.create('Ann');
    const bo = rig.join(ann.code, 'Bo');
    const sy = rig.join(ann.code, 'Sy', 'spectator');
    const cat = rig.create('Cat');
    const dan = rig.join(cat.code, 'Dan'); // slot 1 too, in another room
    for (const m of [ann, bo, sy, cat, dan]) rig.take(m);

    rig.send(ann, 0, signal(1, 'candidate:a'));
    expect(rig.take(bo)).toEqual([{ type: 'signal', from: 0, kind: 'candidate', link: 1, part: 0, parts: 1, payload: 'candidate:a' }]);
    for (const m of [ann, sy, cat, dan]) expect(rig.take(m)).toEqual([]);
    expect(rig.dropped).toEqual([]);

    // To itself, to a spectator, to an empty slot, from a spectator, to a player with no channel now.
    rig.send(ann, 0, signal(0, 'x'), signal(sy.slot, 'x'), signal(3, 'x'));
    rig.send(sy, 0, signal(1, 'x'));
    rig.disconnect(bo.code, bo.slot);
    rig.send(ann, 0, signal(1, 'x'));
    expect(rig.dropped).toEqual(['bad-signal', 'bad-signal', 'bad-signal', 'bad-signal', 'bad-signal']);
    for (const m of [ann, sy, cat, dan]) expect(rig.take(m)).toEqual([]);
    expect(rig.strays).toBe(0);
  });

  it('holds each sender to its share of a member’s unacknowledged signals, and the whole backlog to its limit', () => {
    const rig = new ServiceRig();
    const ann = rig.create('Ann');
    const bo = rig.join(ann.code, 'Bo');
    const cy = rig.join(ann.code, 'Cy');
    rig.ack(bo, rig.take(bo).length);
    for (let i = 0; i < 13; i++) rig.send(ann, 0, signal(1, `a${i}`));
    expect(rig.take(bo, 'signal').map((m) => m.payload)).toEqual(Array.from({ length: 12 }, (_, i) => `a${i}`));
    expect(rig.dropped).toEqual(['signal-backlog']);
    // Another sender has a share of its own.
    rig.send(cy, 0, signal(1, 'c0'));
    expect(rig.take(bo, 'signal')).toEqual([expect.objectContaining({ from: 2, payload: 'c0' })]);
    // Once Bo acknowledges them, Ann's share is free again.
    rig.ack(bo, 13);
    rig.send(ann, 0, signal(1, 'a13'));
    expect(rig.take(bo, 'signal').map((m) => m.payload)).toEqual(['a13']);
    // A channel backed up by other traffic (room states and the like) takes no signal at all.
    rig.backlog.get(`${bo.code}/${bo.slot}`)!.inFlight = 192;
    rig.send(cy, 0, signal(1, 'c1'));
    expect(rig.take(bo, 'signal')).toEqual([]);
    expect(rig.dropped).toEqual(['signal-backlog', 'signal-backlog']);
  });

  it('limits a chat flood: a burst reaches the room, the rest is dropped and counted, the sender told once', () => {
    const rig = new ServiceRig({ chatPerSecond: 2, chatBurst: 5 });
    const ann = rig.create('Ann');
    const bo = rig.join(ann.code, 'Bo');
    const cat = rig.create('Cat'); // another room hears none of it
    for (const m of [ann, bo, cat]) rig.take(m);
    for (let i = 0; i < 50; i++) rig.send(bo, 100, { type: 'chat', text: `line ${i}` });
    const first = ['line 0', 'line 1', 'line 2', 'line 3', 'line 4'];
    expect(rig.take(ann)).toEqual(first.map((text) => ({ type: 'chat', slot: 1, text })));
    const boSaw = rig.take(bo);
    expect(boSaw.filter((m) => m.type === 'chat').map((m) => (m.type === 'chat' ? m.text : ''))).toEqual(first);
    expect(boSaw.filter((m) => m.type === 'error')).toEqual([{ type: 'error', code: 'rate-limited', message: 'too many chat lines: dropped until you slow down' }]);
    expect(rig.take(cat)).toEqual([]);
    expect(rig.dropped).toEqual(Array(45).fill('chat-rate-limited'));
    // Half a second later: one line's worth is back (2 a second); the flood goes on, no second notice.
    rig.send(bo, 600, { type: 'chat', text: 'back' }, { type: 'chat', text: 'still' });
    expect(rig.take(ann)).toEqual([{ type: 'chat', slot: 1, text: 'back' }]);
    expect(rig.take(bo, 'error')).toEqual([]);
  });

  it('a member that leaves is closed at once; dropped from a running match, the room is told; the last one out closes the room', () => {
    const rig = new ServiceRig();
    const ann = rig.create('Ann');
    const bo = rig.join(ann.code, 'Bo');
    const cy = rig.join(ann.code, 'Cy');
    for (const m of [ann, bo, cy]) rig.send(m, 0, { type: 'set-ready', ready: true });
    rig.send(ann, 0, { type: 'start-match' });
    for (const m of [ann, bo, cy]) rig.take(m);

    rig.service.onControl(cy, { type: 'leave' }, 10);
    expect(rig.closes).toEqual(['close 2']); // before the decision is drained
    rig.service.drain();
    expect(rig.closes).toEqual(['close 2', 'dropped 2']);
    for (const m of [ann, bo]) expect(rig.take(m, 'member-dropped')).toEqual([{ type: 'member-dropped', slot: 2, reason: 'left', epoch: 1 }]);
    expect(rig.take(cy)).toEqual([]);

    // Dropped by the authority (a lost connection whose grace ran out, here at once).
    rig.authority.drop(bo.code, bo.slot, 'kicked');
    rig.service.tick(20);
    expect(rig.closes).toEqual(['close 2', 'dropped 2', 'dropped 1']);
    expect(rig.take(ann, 'member-dropped')).toEqual([{ type: 'member-dropped', slot: 1, reason: 'kicked', epoch: 1 }]);

    rig.send(ann, 30, { type: 'leave' });
    expect(rig.closes).toEqual(['close 2', 'dropped 2', 'dropped 1', 'close 0', 'dropped 0', 'room closed']);
    expect(rig.authority.room(ann.code)).toBeUndefined();
    expect(rig.connected.size).toBe(0);
    expect(rig.strays).toBe(0);
  });

  it('hands the room with its secrets to the first two players in line of succession, and again only when it changed', () => {
    const rig = new ServiceRig();
    const created = rig.authority.createRoom({ name: 'Ann', password: 'hunter2', settings: { maxPlayers: 4 } }, 0);
    if (!created.ok) throw new Error(created.error);
    rig.service.drain();
    const ann = rig.connect({ code: created.code, slot: 0, role: 'player', token: created.token });
    const handovers = (m: AuthorityMember) => rig.take(m, 'handover').map((h) => h.handover);
    const first = handovers(ann);
    expect(first).toHaveLength(1);
    expect(first[0]).toEqual({ state: rig.authority.room(ann.code), password: 'hunter2', tokens: [[0, ann.token]] });

    // A spectator is never in line; the one in line hears of its token.
    const sy = rig.join(ann.code, 'Sy', 'spectator', 'hunter2');
    expect(handovers(sy)).toEqual([]);
    expect(handovers(ann).map((h) => h.tokens)).toEqual([[[0, ann.token], [16, sy.token]]]);
    // The successor gets a new one when a member joins; so does the one after it, and nobody else.
    const bo = rig.join(ann.code, 'Bo', 'player', 'hunter2');
    const cy = rig.join(ann.code, 'Cy', 'player', 'hunter2');
    expect(handovers(ann).map((h) => h.tokens.length)).toEqual([3, 4]);
    expect(handovers(bo).map((h) => h.tokens.length)).toEqual([3, 4]);
    expect(handovers(cy)).toEqual([]);
    expect(handovers(sy)).toEqual([]);
    const latest = rig.authority.exportRoom(ann.code)!;
    expect(latest.tokens).toEqual([[0, ann.token], [1, bo.token], [2, cy.token], [16, sy.token]]);

    // A room change that changes nothing in the end, a chat line, a drain with nothing new: no handover.
    rig.authority.setReady(ann.code, cy.slot, true);
    rig.authority.setReady(ann.code, cy.slot, false);
    rig.send(cy, 0, { type: 'chat', text: 'hi' });
    rig.service.drain();
    for (const m of [ann, bo, cy, sy]) expect(handovers(m)).toEqual([]);
    // A real change: the two in line hear of it.
    rig.send(cy, 0, { type: 'set-ready', ready: true });
    expect(handovers(ann)).toHaveLength(1);
    expect(handovers(bo)).toHaveLength(1);
    expect(handovers(cy)).toEqual([]);

    // A new channel counts as never handed anything: the successor gets the same handover again.
    rig.disconnect(ann.code, ann.slot);
    rig.connect(ann);
    expect(handovers(ann)).toEqual([rig.authority.exportRoom(ann.code)]);
    expect(handovers(bo)).toEqual([]);
    // So does one that replaces a half-open channel (no disconnect heard in between).
    rig.connect(ann);
    expect(handovers(ann)).toEqual([rig.authority.exportRoom(ann.code)]);

    // Ann's connection is lost: the line is now Bo, Cy; Cy gets the secrets, Ann no more.
    rig.authority.connectionLost(ann.code, ann.slot, 100);
    rig.service.drain();
    expect(handovers(ann)).toEqual([]);
    expect(handovers(bo)).toHaveLength(1);
    const cys = handovers(cy);
    expect(cys).toEqual([rig.authority.exportRoom(ann.code)]);
    expect(cys[0]!.state.members.find((m) => m.slot === 0)!.connected).toBe(false);
    expect(handovers(sy)).toEqual([]);
    expect(rig.strays).toBe(0);
  });

  it('sends no handover to a member in line with no channel now, and gives it one when it connects', () => {
    const rig = new ServiceRig();
    const ann = rig.create('Ann');
    const joined = rig.authority.join({ code: ann.code, name: 'Bo', role: 'player' }, 0);
    if (!joined.ok) throw new Error(joined.error);
    rig.service.drain(); // Bo is in line (slot 1) but has no channel yet
    expect(rig.take(ann, 'handover')).toHaveLength(2);
    expect(rig.strays).toBe(0);
    const bo = rig.connect({ code: ann.code, slot: joined.slot, role: 'player', token: joined.token });
    expect(rig.take(bo).map((m) => m.type)).toEqual(['welcome', 'room-state', 'handover']);
    expect(rig.take(ann, 'handover')).toEqual([]);
  });

  it('serves a room restored by a successor mid-match: the new epoch, the old host’s match, drops under the new epoch', () => {
    const old = new ServiceRig();
    const ann = old.create('Ann');
    const bo = old.join(ann.code, 'Bo');
    const cy = old.join(ann.code, 'Cy');
    for (const m of [ann, bo, cy]) old.send(m, 0, { type: 'set-ready', ready: true });
    old.send(ann, 0, { type: 'start-match' });
    const handover = old.take(bo, 'handover').at(-1)!.handover; // Bo, second in line, holds the secrets
    const match = old.authority.room(ann.code)!.match!;

    const next = new ServiceRig({}, 2);
    expect(next.authority.restoreRoom(handover, 1000)).toEqual({ ok: true });
    next.service.drain();
    for (const m of [ann, bo, cy]) {
      expect(next.authority.join({ code: m.code, name: '', role: 'player', reconnectToken: m.token }, 1000)).toMatchObject({ ok: true, slot: m.slot });
      next.connect(m);
    }
    next.service.drain();
    const [welcome, state, start] = next.take(cy);
    expect(welcome).toEqual({ type: 'welcome', slot: 2, code: ann.code, token: cy.token, epoch: 2 });
    expect(state).toEqual({ type: 'room-state', state: { ...old.authority.room(ann.code)!, epoch: 2 } });
    expect(start).toEqual({ type: 'match-start', match, epoch: 1 }); // the match as the old host decided it
    expect(next.take(ann, 'handover')).toHaveLength(1);
    expect(next.take(bo, 'handover')).toHaveLength(1);
    next.send(cy, 1100, { type: 'leave' });
    expect(next.take(ann, 'member-dropped')).toEqual([{ type: 'member-dropped', slot: 2, reason: 'left', epoch: 2 }]);
    expect(next.strays).toBe(0);
  });
});
