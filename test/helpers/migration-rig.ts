import { Prng } from '../../sdk/src/kit/prng.ts';
import { RelayRig } from './relay-rig.ts';
import type { RigMember } from './relay-rig.ts';
import { RoomMigration } from '../../sdk/src/migration/room-migration.ts';
import type { RoomMigrationEvent, RoomMigrationOptions } from '../../sdk/src/migration/room-migration.ts';
import { encodeConnectRequest } from '../../sdk/src/relay/connect-request.ts';
import { isAuthorityFrameKind } from '../../sdk/src/direct/direct-frame.ts';
import type { DirectLinkState } from '../../sdk/src/direct/direct-link.ts';
import { DirectRoute } from '../../sdk/src/mesh/direct-route.ts';
import { RoutedTransport, StandardRoute } from '../../sdk/src/transport/routed-transport.ts';
import { slotAddress } from '../../sdk/src/relay/relay-route.ts';
import { createMatchSession } from '../../sdk/src/relay/match-session.ts';
import type { MatchSession } from '../../sdk/src/relay/match-session.ts';
import { SessionState } from '../../sdk/src/core/p2p-session.ts';
import type { SessionEvent } from '../../sdk/src/core/session-events.ts';
import { FramePacer } from '../../sdk/src/core/frame-pacer.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import type { RoomClientEvent } from '../../sdk/src/relay/room-client.ts';
import type { MatchDecision } from '../../sdk/src/room/control-messages.ts';

/** How long a link takes to notice its other end is gone (ms): `DirectLink`'s liveness default. */
const LINK_SILENCE_MS = 1000;

interface InFlight {
  readonly dueMs: number;
  readonly bytes: Uint8Array;
}

/**
 * One end of a direct link between two rig members, in memory: session packets and host
 * migration's frames, each datagram delayed and lost as the profile says (no freezes, bursts or
 * reordering beyond jitter's). `alive` turns false a link-silence after the other end died or the
 * pair was cut, as a real link's pings would find.
 */
export class PipeEnd {
  state: DirectLinkState = 'open';
  readonly rttMs: number;
  peer!: PipeEnd;
  /** Datagrams on their way to this end. */
  incoming: InFlight[] = [];
  private packets: Uint8Array[] = [];
  private frames: Uint8Array[] = [];
  constructor(
    private readonly rig: MigrationRig,
    readonly owner: number,
    readonly other: number,
  ) {
    this.rttMs = rig.profile.rttMs;
  }

  get alive(): boolean {
    const since = this.rig.pairDownSince(this.owner, this.other);
    return since === undefined || this.rig.nowMs - since < LINK_SILENCE_MS;
  }

  send(data: Uint8Array): void {
    this.rig.carry(this, data);
  }

  sendFrame(frame: Uint8Array): void {
    if (isAuthorityFrameKind(frame[0])) this.rig.carry(this, frame);
  }

  receive(): readonly Uint8Array[] {
    const out = this.packets;
    this.packets = [];
    return out;
  }

  receiveAuthorityFrames(): readonly Uint8Array[] {
    const out = this.frames;
    this.frames = [];
    return out;
  }

  /** Moves what is due to the inboxes. */
  deliver(nowMs: number): void {
    if (this.incoming.length === 0) return;
    const keep: InFlight[] = [];
    for (const d of this.incoming) {
      if (d.dueMs > nowMs) keep.push(d);
      else if (isAuthorityFrameKind(d.bytes[0])) this.frames.push(d.bytes);
      else this.packets.push(d.bytes);
    }
    this.incoming = keep;
  }
}

export interface RigPlayer {
  readonly index: number;
  readonly member: RigMember;
  readonly slot: number;
  readonly migration: RoomMigration;
  readonly ends: Map<number, PipeEnd>;
  readonly migrationEvents: { atMs: number; event: RoomMigrationEvent }[];
  /** Its machine is gone: nothing runs, nothing moves. */
  dead: boolean;
  match: MatchSession<Uint8Array, Int32Array> | undefined;
  /** The decision of its session (or of the match it sits out). */
  decision: MatchDecision | undefined;
  pacer: FramePacer | undefined;
  readonly sessionEvents: { atMs: number; event: SessionEvent }[];
  readonly checksums: Map<number, number>;
  /** Room events handed to the session so far. */
  seen: number;
}

export interface MigrationRigOptions {
  readonly players: number;
  readonly seed: number;
  /** The direct links' conditions (loss and latency; jitter as a uniform spread). */
  readonly profile: NetworkProfile;
  readonly migration?: RoomMigrationOptions;
}

/**
 * A room in virtual time with host migration on every member: the real `RelayHost`,
 * `RoomAuthority`, `RoomClient`s and `RoomMigration`s, members linked to each other by in-memory
 * direct links (`PipeEnd`), and, once a match starts, one match session per player over those
 * links (every pair direct, as on a LAN), so that the host carries only the room. The host can
 * die, so can members, and pairs can be cut.
 */
export class MigrationRig {
  readonly rig: RelayRig;
  readonly profile: NetworkProfile;
  readonly players: RigPlayer[] = [];
  hostDead = false;
  private readonly rng: Prng;
  /** "a-b" (a < b) → when the pair went down (a death or a cut). */
  private readonly down = new Map<string, number>();
  private readonly input = new Uint8Array(2);

  constructor(options: MigrationRigOptions) {
    this.rig = new RelayRig({ seed: options.seed });
    this.profile = options.profile;
    this.rng = new Prng(options.seed * 7919 + 13);
    const owner = this.rig.create('p0', { settings: { maxPlayers: Math.max(2, options.players) } });
    const members = [owner];
    for (let i = 1; i < options.players; i++) members.push(this.rig.join(owner.binding.code, `p${i}`));
    for (const [index, member] of members.entries()) {
      const client = member.client!;
      const rejoin = encodeConnectRequest({ action: 'join', code: member.binding.code, name: `p${index}`, role: 'player', token: member.binding.token });
      const slot = member.binding.slot;
      const relayVia = (to: number) => this.relayVia(slot, to);
      const migration = new RoomMigration({ slot, client, relay: member.route!, rejoin, random: () => this.rng.nextU32(), relayVia }, options.migration);
      this.players.push({
        index,
        member,
        slot: member.binding.slot,
        migration,
        ends: new Map(),
        migrationEvents: [],
        dead: false,
        match: undefined,
        decision: undefined,
        pacer: undefined,
        sessionEvents: [],
        checksums: new Map(),
        seen: 0,
      });
    }
    for (const a of this.players) {
      for (const b of this.players) {
        if (b.slot <= a.slot) continue;
        const ab = new PipeEnd(this, a.slot, b.slot);
        const ba = new PipeEnd(this, b.slot, a.slot);
        ab.peer = ba;
        ba.peer = ab;
        a.ends.set(b.slot, ab);
        b.ends.set(a.slot, ba);
        a.migration.setLink(b.slot, ab);
        b.migration.setLink(a.slot, ba);
      }
    }
    this.run(200);
  }

  get nowMs(): number {
    return this.rig.nowMs;
  }

  /** When the pair went down (undefined: it is up). */
  pairDownSince(a: number, b: number): number | undefined {
    return this.down.get(a < b ? `${a}-${b}` : `${b}-${a}`);
  }

  /** The lowest live player with live links to both `from` and `to` (the peer relay's choice, known here without its announcements). */
  relayVia(from: number, to: number): number | undefined {
    for (const p of this.players) {
      if (p.dead || p.slot === from || p.slot === to) continue;
      if (p.ends.get(from)?.alive === true && p.ends.get(to)?.alive === true) return p.slot;
    }
    return undefined;
  }

  /** Sends a datagram from `from` to its peer, delayed and lost as the profile says. */
  carry(from: PipeEnd, data: Uint8Array): void {
    if (this.pairDownSince(from.owner, from.other) !== undefined) return;
    const p = this.profile;
    if (this.uniform() < p.loss) return;
    const delay = Math.max(0, p.rttMs / 2 + (this.uniform() * 2 - 1) * p.jitterMs);
    from.peer.incoming.push({ dueMs: this.rig.nowMs + delay, bytes: data.slice() });
  }

  private uniform(): number {
    return this.rng.nextInt(1 << 30) / (1 << 30);
  }

  /** The owner starts a match (everyone readied first); each player's session begins when its room client has the decision. */
  startMatch(): void {
    for (const p of this.live()) p.member.client!.setReady(true);
    this.run(300);
    this.players.find((p) => !p.dead && p.member.client!.room?.ownerSlot === p.slot)!.member.client!.startMatch();
    this.run(100);
  }

  /** The match decision most players run (the last one started). */
  get decision(): MatchDecision | undefined {
    let latest: MatchDecision | undefined;
    for (const p of this.live()) {
      const d = p.decision;
      if (d !== undefined && (latest === undefined || d.matchId !== latest.matchId)) latest = d;
    }
    return latest;
  }

  /**
   * A player's session begins when its room client has a match decision it has no session for
   * (as a game does on `match-start`, from the host or from the successor that restored the match).
   */
  private beginSession(p: RigPlayer, decision: MatchDecision): void {
    p.decision = decision;
    if (!decision.players.includes(p.slot)) {
      p.match = undefined;
      return;
    }
    const direct = new DirectRoute();
    for (const [slot, end] of p.ends) direct.set(slotAddress(slot), end);
    const transport = new RoutedTransport({ routes: { [StandardRoute.Direct]: direct }, defaultRoute: StandardRoute.Direct });
    p.checksums.clear();
    p.match = createMatchSession({
      transport,
      slot: p.slot,
      match: decision,
      game: new TestGame(decision.players.length),
      input: bytesInputCodec(2),
      seed: 1000 + p.slot,
      session: { checksumIntervalFrames: 10, onChecksum: (f, c) => p.checksums.set(f, c) },
    });
    p.pacer = new FramePacer(decision.settings.fps);
    p.seen = p.member.events.length;
  }

  /** The host process dies: nothing reaches it, it says nothing more. */
  killHost(): void {
    this.hostDead = true;
    for (const p of this.players) p.member.cut = true;
  }

  /** The host says goodbye (Ctrl+C) and is gone. */
  stopHost(): void {
    this.rig.host.shutdown('the host is shutting down', this.rig.nowMs);
    this.rig.pump();
    this.killHost();
  }

  /** A member's machine dies: it runs no more, and its links go silent. */
  kill(index: number): void {
    const p = this.players[index]!;
    p.dead = true;
    p.member.cut = true;
    for (const other of this.players) if (other !== p) this.cut(p.slot, other.slot);
  }

  /** A datagram as if `from` sent it to `to` over their link, arriving now (a hostile member's). */
  inject(from: number, to: number, bytes: Uint8Array): void {
    const end = this.players.find((p) => p.slot === to)?.ends.get(from);
    end?.incoming.push({ dueMs: this.rig.nowMs, bytes: bytes.slice() });
  }

  /** The direct link between two slots goes dead both ways. */
  cut(a: number, b: number): void {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (!this.down.has(key)) this.down.set(key, this.rig.nowMs);
  }

  /** Only this member loses its path to the host (its links to the others stay). */
  cutFromHost(index: number): void {
    this.players[index]!.member.cut = true;
  }

  live(): RigPlayer[] {
    return this.players.filter((p) => !p.dead);
  }

  /** Runs `ms` of virtual time in 5 ms steps. */
  run(ms: number): void {
    const end = this.rig.nowMs + ms;
    while (this.rig.nowMs < end) {
      const now = (this.rig.nowMs = Math.min(end, this.rig.nowMs + 5));
      if (!this.hostDead) this.rig.host.tick(now);
      for (const p of this.players) {
        if (p.dead) continue;
        for (const e of p.ends.values()) e.deliver(now);
        p.member.client!.tick(now);
        p.migration.tick(now);
        for (const event of p.migration.events()) p.migrationEvents.push({ atMs: now, event });
        p.member.events.push(...p.member.client!.events());
        this.pollSession(p, now);
      }
      if (!this.hostDead) this.rig.pump();
      else for (const p of this.players) if (!p.dead) p.member.events.push(...p.member.client!.events());
    }
  }

  private pollSession(p: RigPlayer, now: number): void {
    const decision = p.member.client!.match;
    if (decision !== undefined && decision.matchId !== p.decision?.matchId) this.beginSession(p, decision);
    const match = p.match;
    if (match === undefined) return;
    for (; p.seen < p.member.events.length; p.seen++) match.applyRoomEvent(p.member.events[p.seen]!);
    const session = match.session;
    session.poll(now);
    if (session.state === SessionState.Running) {
      for (let due = p.pacer!.framesDue(now, session.framesAhead); due > 0; due--) {
        this.input[0] = ((now >> 6) + p.slot * 17) & 0xff;
        if (session.advanceFrame(this.input) !== 'advanced') break;
        p.pacer!.frameDone();
      }
    }
    for (const event of session.events()) p.sessionEvents.push({ atMs: now, event });
  }

  /** Events of one type a player's room client raised. */
  roomEvents<T extends RoomClientEvent['type']>(p: RigPlayer, type: T): Extract<RoomClientEvent, { type: T }>[] {
    return p.member.events.filter((e): e is Extract<RoomClientEvent, { type: T }> => e.type === type);
  }
}
