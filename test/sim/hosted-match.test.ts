import { describe, expect, it } from 'vitest';
import { FakeLink, RelayRig } from '../helpers/relay-rig.ts';
import type { RigMember } from '../helpers/relay-rig.ts';
import {
  HOST_SILENCE_TIMEOUT_MS,
  MATCH_DISCONNECT_TIMEOUT_MS,
  MATCH_DROP_MARGIN_MS,
  createMatchSession,
} from '../../sdk/src/relay/match-session.ts';
import type { MatchSession } from '../../sdk/src/relay/match-session.ts';
import { DEFAULT_MATCH_RECONNECT_GRACE_MS, DEFAULT_RECONNECT_GRACE_MS } from '../../sdk/src/room/room-authority.ts';
import { DEFAULT_ISOLATION_TIMEOUT_MS } from '../../sdk/src/core/session-config.ts';
import { SessionState } from '../../sdk/src/core/p2p-session.ts';
import type { SessionEvent } from '../../sdk/src/core/session-events.ts';
import { FramePacer } from '../../sdk/src/core/frame-pacer.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import { compareChecksums } from '../../sdk/src/sim/compare-checksums.ts';
import { DEFAULT_ROOM_SETTINGS } from '../../sdk/src/room/room-settings.ts';
import type { MatchDecision } from '../../sdk/src/room/control-messages.ts';

/**
 * Hosted matches in virtual time: the real RelayHost, RoomAuthority and RoomClients (test/helpers/
 * relay-rig.ts, default timings), with one match session per member over its RoomClient's
 * transport. The room decides drops; the sessions' own timeout must come after its decision.
 */

interface Player {
  member: RigMember;
  readonly match: MatchSession<Uint8Array, Int32Array>;
  readonly pacer: FramePacer;
  readonly events: { atMs: number; event: SessionEvent }[];
  readonly checksums: Map<number, number>;
  /** Room events already handed to the session. */
  seen: number;
  /** Not polled, and its network dead both ways (SIGSTOP, a locked phone, a pulled cable). */
  frozen: boolean;
}

class HostedMatch {
  readonly rig: RelayRig;
  readonly players: Player[];
  readonly decision: MatchDecision;
  private readonly input = new Uint8Array(2);

  constructor(count: number, seed: number) {
    this.rig = new RelayRig({ seed });
    const owner = this.rig.create('p0');
    const members = [owner];
    for (let i = 1; i < count; i++) members.push(this.rig.join(owner.binding.code, `p${i}`));
    this.rig.advance(50);
    for (const m of members) m.client!.setReady(true);
    this.rig.advance(1000);
    owner.client!.startMatch();
    this.rig.advance(50);
    this.decision = owner.client!.match!;
    this.players = members.map((member, i) => {
      const checksums = new Map<number, number>();
      const match = createMatchSession({
        transport: member.route!,
        slot: member.client!.slot,
        match: this.decision,
        game: new TestGame(count),
        input: bytesInputCodec(2),
        seed: seed * 100 + i,
        session: { checksumIntervalFrames: 10, onChecksum: (f, c) => checksums.set(f, c) },
      });
      return { member, match, pacer: new FramePacer(this.decision.settings.fps), events: [], checksums, seen: 0, frozen: false };
    });
  }

  get now(): number {
    return this.rig.nowMs;
  }

  /** Runs `ms` of virtual time in 5 ms steps: host and clients tick, then each live session. */
  run(ms: number): void {
    const end = this.rig.nowMs + ms;
    while (this.rig.nowMs < end) {
      this.rig.advance(5, 5);
      this.pollSessions();
      this.rig.pump();
    }
  }

  /** Each live session: the room's news, then poll, then the frames due. */
  private pollSessions(): void {
    const now = this.rig.nowMs;
    for (const p of this.players) {
      if (p.frozen) continue;
      const roomEvents = p.member.events;
      for (; p.seen < roomEvents.length; p.seen++) p.match.applyRoomEvent(roomEvents[p.seen]!);
      const session = p.match.session;
      session.poll(now);
      if (session.state === SessionState.Running) {
        for (let due = p.pacer.framesDue(now, session.framesAhead); due > 0; due--) {
          this.input[0] = (now >> 7) & 0xff;
          if (session.advanceFrame(this.input) !== 'advanced') break;
          p.pacer.frameDone();
        }
      }
      for (const event of session.events()) p.events.push({ atMs: now, event });
    }
  }

  runFrames(frames: number): void {
    while (this.players.some((p) => p.match.session.currentFrame < frames)) this.run(100);
  }

  /**
   * The host's process stalls for `ms` (every packet goes through it): it neither ticks nor
   * relays, while the members run on and their frames queue. Then it takes in the backlog first,
   * and ticks on.
   */
  stallHost(ms: number): void {
    const end = this.rig.nowMs + ms;
    while (this.rig.nowMs < end) {
      this.rig.nowMs = Math.min(end, this.rig.nowMs + 5);
      this.pollSessions();
    }
    this.rig.pump();
  }

  freeze(i: number): void {
    const p = this.players[i]!;
    p.frozen = true;
    p.member.cut = true;
  }

  /**
   * The frozen member runs again. Its channel is still open if the host has not given up on it;
   * else its RoomClient reconnects into its slot with its token on a new channel, as
   * `connectToRoom` does (same client, so the same transport for the session). False: refused.
   */
  thaw(i: number): boolean {
    const p = this.players[i]!;
    p.frozen = false;
    if (!p.member.link.closed) {
      p.member.cut = false;
      return true;
    }
    const { binding, client, route } = p.member;
    const again = this.rig.authorize({ action: 'join', code: binding.code, name: '', role: 'player', token: binding.token });
    if (!again.ok) return false;
    const link = new FakeLink();
    const id = this.rig.host.connect(again.binding, link, this.now);
    const member: RigMember = { binding: again.binding, id, link, client, route, outbox: [], cut: false, events: [] };
    // A reconnect re-points both planes at the new channel; the session keeps its transport (the same route).
    const send = (frame: Uint8Array) => member.outbox.push(frame);
    client!.attach(send, this.now);
    route!.attach(send);
    this.rig.members.push(member);
    p.member = member;
    p.seen = 0;
    this.rig.pump();
    return true;
  }

  drops(i: number): { atMs: number; player: number; frame: number }[] {
    return this.players[i]!.events.flatMap(({ atMs, event }) => (event.type === 'disconnected' ? [{ atMs, player: event.player, frame: event.frame }] : []));
  }

  types(i: number): string[] {
    return this.players[i]!.events.map(({ event }) => event.type);
  }

  mismatches(): readonly number[] {
    return compareChecksums(this.players.map((p) => p.checksums)).mismatchedFrames;
  }
}

describe('a hosted match: the room decides drops, the session only backs it up', () => {
  it('the timeouts agree: host silence + match grace + margin = the match session timeout, all below the isolation timeout', () => {
    expect(HOST_SILENCE_TIMEOUT_MS).toBe(1500);
    expect(DEFAULT_MATCH_RECONNECT_GRACE_MS).toBe(2500);
    expect(DEFAULT_RECONNECT_GRACE_MS).toBe(5000);
    expect(MATCH_DROP_MARGIN_MS).toBeGreaterThanOrEqual(1000);
    expect(MATCH_DISCONNECT_TIMEOUT_MS).toBe(HOST_SILENCE_TIMEOUT_MS + DEFAULT_MATCH_RECONNECT_GRACE_MS + MATCH_DROP_MARGIN_MS);
    expect(MATCH_DISCONNECT_TIMEOUT_MS).toBe(5000);
    expect(DEFAULT_ISOLATION_TIMEOUT_MS).toBeGreaterThan(MATCH_DISCONNECT_TIMEOUT_MS);
  });

  it("the real host's timings are those constants, and the session is set up with its timeout", () => {
    const m = new HostedMatch(2, 1);
    m.runFrames(120);
    const cutAt = m.now;
    m.freeze(1);
    while (!m.players[1]!.member.link.closed) m.run(5);
    // The relay's default silence timeout is HOST_SILENCE_TIMEOUT_MS (within its 5 ms ticks and the 250 ms heartbeat).
    expect(m.now - cutAt).toBeGreaterThanOrEqual(HOST_SILENCE_TIMEOUT_MS - 250);
    expect(m.now - cutAt).toBeLessThanOrEqual(HOST_SILENCE_TIMEOUT_MS + 10);
    const lostAt = m.now;
    while (!m.players[0]!.member.events.some((e) => e.type === 'member-dropped')) m.run(5);
    expect(m.now - lostAt).toBeGreaterThanOrEqual(DEFAULT_MATCH_RECONNECT_GRACE_MS - 10);
    expect(m.now - lostAt).toBeLessThanOrEqual(DEFAULT_MATCH_RECONNECT_GRACE_MS + 10);
    // The survivor's `interrupted` came at 750 ms of silence, counting down to its own timeout.
    const interrupted = m.players[0]!.events.find(({ event }) => event.type === 'interrupted')?.event;
    expect(interrupted?.type === 'interrupted' && interrupted.disconnectInMs).toBeGreaterThan(MATCH_DISCONNECT_TIMEOUT_MS - 750 - 100);
  });

  it('2 players, one crashes: the room drops it and the other sees it disconnected, before its own timeout and never isolated', () => {
    const m = new HostedMatch(2, 2);
    m.runFrames(200);
    const crashAt = m.now;
    m.freeze(1); // for good
    m.run(8000);
    const [drop] = m.drops(0);
    expect(drop).toMatchObject({ player: 1 });
    expect(drop!.frame).toBeGreaterThan(190);
    expect(drop!.atMs - crashAt).toBeLessThan(HOST_SILENCE_TIMEOUT_MS + DEFAULT_MATCH_RECONNECT_GRACE_MS + 200);
    expect(drop!.atMs - crashAt).toBeLessThan(MATCH_DISCONNECT_TIMEOUT_MS);
    expect(m.types(0)).not.toContain('isolated');
    expect(m.players[0]!.match.session.state).toBe(SessionState.Running);
    expect(m.players[0]!.match.session.currentFrame).toBeGreaterThan(drop!.frame + 200);
  });

  it('a member frozen 3.5 s reconnects into its slot and is still in the match: nobody is dropped', () => {
    const m = new HostedMatch(3, 3);
    m.runFrames(200);
    m.freeze(2);
    m.run(3500);
    expect(m.players[2]!.member.link.closed).toBe(true); // the host noticed, and holds the slot
    expect(m.thaw(2)).toBe(true);
    m.run(6000);
    for (let i = 0; i < 3; i++) {
      expect(m.drops(i)).toEqual([]);
      expect(m.players[i]!.match.session.state).toBe(SessionState.Running);
      expect(m.players[i]!.member.events.filter((e) => e.type === 'member-dropped')).toEqual([]);
      expect(m.players[i]!.match.session.currentFrame).toBeGreaterThan(200 + 300);
    }
    expect(m.mismatches()).toEqual([]);
  });

  it('a member frozen 6 s is dropped by the room, agreed by the others; back, its old session drops nobody and ends', () => {
    const m = new HostedMatch(3, 4);
    m.runFrames(200);
    const frozenAt = m.now;
    m.freeze(2);
    m.run(6000);
    // Back into its slot: a removed match player keeps its seat until the match ends (issue 13).
    // Its old session is out of the match all the same: only a new, rejoining one gets back in.
    expect(m.thaw(2)).toBe(true);
    m.run(DEFAULT_ISOLATION_TIMEOUT_MS);
    const [a, b] = [m.drops(0), m.drops(1)];
    expect(a).toHaveLength(1);
    expect(a[0]!.player).toBe(2);
    expect(b.map((d) => d.frame)).toEqual(a.map((d) => d.frame));
    // The room's decision did it (about 4 s), not the sessions' own 5 s timeout.
    for (const d of [a[0]!, b[0]!]) expect(d.atMs - frozenAt).toBeLessThan(MATCH_DISCONNECT_TIMEOUT_MS);
    for (const i of [0, 1]) {
      expect(m.players[i]!.match.session.state).toBe(SessionState.Running);
      expect(m.types(i)).not.toContain('isolated');
    }
    const victim = m.players[2]!.match.session;
    expect(m.drops(2)).toEqual([]);
    expect(victim.state).toBe(SessionState.Ended);
    // Connected again, it hears that the others dropped it (before, with no way back into the
    // room, it heard no one and ended isolated).
    expect(victim.endReason).toBe('removed');
    expect(m.mismatches()).toEqual([]);
  });
});

describe('a hosted match whose host stalls (fault 12: every packet goes through it)', () => {
  it.each([3000, 4500, 6000, 8000])('for %i ms: nobody drops anybody, and the match goes on whole', (stallMs) => {
    const m = new HostedMatch(3, 10 + stallMs);
    m.runFrames(200);
    m.stallHost(stallMs);
    const frames = m.players.map((p) => p.match.session.currentFrame);
    m.run(5000);
    for (let i = 0; i < 3; i++) {
      expect(m.drops(i)).toEqual([]);
      expect(m.players[i]!.match.session.state).toBe(SessionState.Running);
      // Past the session's own timeout it noticed it heard no one, and came back.
      if (stallMs > MATCH_DISCONNECT_TIMEOUT_MS) expect(m.types(i)).toEqual(expect.arrayContaining(['isolated', 'reconnected']));
      else expect(m.types(i)).not.toContain('isolated');
      expect(m.players[i]!.match.session.currentFrame - frames[i]!).toBeGreaterThan(200);
    }
    expect(m.mismatches()).toEqual([]);
  });
});

describe('createMatchSession.applyRoomEvent', () => {
  const match: MatchDecision = { matchId: 7, epoch: 3, seed: 1, players: [0, 2, 5], colors: [0, 1, 2], shapes: [0, 1, 2], settings: DEFAULT_ROOM_SETTINGS, startFrame: 0 };
  const transport = { send: () => undefined, receive: () => [] };

  it("ends the session as removed when the room drops this member, in this match's epoch only", () => {
    const m = createMatchSession({ transport, slot: 2, match, game: new TestGame(3), input: bytesInputCodec(2), seed: 1 });
    expect(m.applyRoomEvent({ type: 'member-dropped', slot: 2, reason: 'connection-lost', epoch: 2 })).toBe(false);
    expect(m.session.state).toBe(SessionState.Synchronizing);
    expect(m.applyRoomEvent({ type: 'member-dropped', slot: 2, reason: 'connection-lost', epoch: 3 })).toBe(true);
    expect(m.session.state).toBe(SessionState.Ended);
    expect(m.session.endReason).toBe('removed');
    expect(m.session.events().filter((e) => e.type === 'ended')).toEqual([{ type: 'ended', reason: 'removed' }]);
    expect(m.applyRoomEvent({ type: 'member-dropped', slot: 2, reason: 'connection-lost', epoch: 3 })).toBe(false);
  });
});
