import { DirectFrameKind } from '../direct/direct-frame.ts';
import type { MeshLink, MeshLinkUser } from '../mesh/mesh-links.ts';
import { demuxHostFrame } from '../relay/host-frame-demux.ts';
import type { RelayRoute } from '../relay/relay-route.ts';
import type { RoomClient } from '../relay/room-client.ts';
import type { RoomState } from '../room/room-state.ts';
import { decodeAuthorityFrame, encodeHolder, encodeJoin, encodeRelayedAuthority, encodeTunnel } from './holder-frame.ts';
import type { MemberFrame } from './holder-frame.ts';
import { TokenBucket } from '../relay/token-bucket.ts';
import { SuccessionWatch } from './succession-watch.ts';
import type { RoomHolder, SuccessionWatchOptions } from './succession-watch.ts';
import { SuccessorHost } from './successor-host.ts';
import type { SuccessorHostOptions } from './successor-host.ts';

/** The member whose room moves: its two planes, which follow the holder, and how it asks to come back. */
export interface RoomMigrationMember {
  readonly slot: number;
  /** The control plane: attached to each holder in turn (the host's channel first, then a Tunnel). */
  readonly client: RoomClient;
  /** The data plane through the holder, attached with the client. */
  readonly relay: RelayRoute;
  /** The connect request that brings this member back into its slot (a join with its code and token, JSON). */
  readonly rejoin: string;
  /** Uniform u32 source for the room this member may restore (cryptographic outside tests). */
  readonly random: () => number;
  /**
   * The player that would carry our frames to `slot` when we have no live link to it (the peer
   * relay's choice, `PeerRelayRoute.relayFor`), if any. Default: none.
   */
  readonly relayVia?: (slot: number) => number | undefined;
}

/** Timing and limits of host migration (`connectToRoom`'s `migration` option). */
export interface RoomMigrationOptions extends Omit<SuccessionWatchOptions, 'slot'> {
  /** How often this member tells every linked player whom it follows (ms). Default 250. */
  readonly announceEveryMs?: number;
  /**
   * Join and Tunnel frames per second this member passes on for one other player that has no link
   * to its holder, and the burst. Defaults 360 and 180, as the peer relay's: a member's control
   * traffic is a few frames a second, its relayed session packets (if the holder relays them) at
   * most one per frame and peer.
   */
  readonly forwardPerSecond?: number;
  /** Frames passed on at once (burst); see `forwardPerSecond`. Default 180. */
  readonly forwardBurst?: number;
  /** How often a Join is repeated until the holder answers (ms). Default 250. */
  readonly joinEveryMs?: number;
  /**
   * Silence from the holder followed after which this member asks it for a new channel (a new
   * Join attempt), as a member reconnects to a host that went quiet (ms). Default 1500, the
   * connection's silence timeout: the holder may have closed our channel while the link lived.
   */
  readonly rejoinAfterMs?: number;
  /** Options of the room authority and relay this member runs if it takes the room over. */
  readonly successor?: Pick<SuccessorHostOptions, 'authority' | 'relay'>;
}

/** What the game hears of a migration. */
export type RoomMigrationEvent =
  /** The holder counts as gone: nobody hears it any more. */
  | {
      readonly type: 'holder-lost';
      /** The lost holder (HOST_HOLDER for the host, else a slot). */
      readonly holder: number;
      /** The epoch it held the room at (u32). */
      readonly epoch: number;
    }
  /** The room is held by the player in `slot` from now on (this member itself when `mine`). */
  | {
      readonly type: 'holder';
      /** The new holder's slot. */
      readonly slot: number;
      /** Its epoch (u32). */
      readonly epoch: number;
      /** Whether it is this member. */
      readonly mine: boolean;
    }
  /** Nobody can take the room over: it ends with the match. */
  | {
      readonly type: 'orphaned';
      /** Why, for a log. */
      readonly reason: string;
    }
  /** The room is back on its host: this member should reconnect there (`connectToRoom` does). */
  | { readonly type: 'rehome' }
  /** The room is on its host again (this member re-homed it, or reconnected after it was). */
  | {
      readonly type: 'rehomed';
      /** The host's new epoch (u32). */
      readonly epoch: number;
    };

/** How long a player that re-homed its room goes on serving it, so that every member hears where it went (ms). */
const MOVED_GRACE_MS = 3000;

/** What migration uses of a direct link (`DirectLink`, or a stand-in in tests). */
export type AuthorityLink = Pick<MeshLink, 'state' | 'alive' | 'sendFrame' | 'receiveAuthorityFrames'>;

/**
 * Host migration on one member: watches its holder (`SuccessionWatch`), tells the other players
 * whom it follows, takes the room over when it is the successor (`SuccessorHost`), and otherwise
 * moves its control and data planes to the player that did, over their direct link. It is told of
 * the links as the peer relay is (`MeshLinks`' `linkUser`) and ticked by the member's connection;
 * a running match session is never touched: it goes on over the same transport.
 *
 * Pure apart from the links it is given; time is passed in.
 */
export class RoomMigration implements MeshLinkUser {
  readonly slot: number;
  private readonly member: RoomMigrationMember;
  private readonly watch: SuccessionWatch;
  private readonly announceEveryMs: number;
  private readonly joinEveryMs: number;
  private readonly successorOptions: Pick<SuccessorHostOptions, 'authority' | 'relay'>;
  private readonly links = new Map<number, AuthorityLink>();
  private successor: SuccessorHost | undefined;
  /** The room this member held until it re-homed it, still telling its members where it went, until when (ms). */
  private leaving: { readonly host: SuccessorHost; readonly untilMs: number } | undefined;
  /** The player this member follows after the host, once it has one (not itself). */
  private following: number | undefined;
  /** Until the holder answers: when the next Join goes (ms). */
  private nextJoinMs: number | undefined;
  /** The current Join attempt (a new one asks the holder for a new channel). */
  private attempt = 0;
  private readonly rejoinAfterMs: number;
  private nextAnnounceMs = -Infinity;
  private lastRoom: RoomState | undefined;
  private nowMs = 0;
  private pending: RoomMigrationEvent[] = [];
  private closed = false;
  /** Frames that did not decode, or came from a player that is not the one they are for. */
  private malformedValue = 0;
  /** Frames passed on for others, and those refused (no link to the destination, over a source's rate). */
  private forwardedValue = 0;
  private forwardRefused = 0;
  private readonly forwardPerSecond: number;
  private readonly forwardBurst: number;
  /** Per source slot, the rate of frames we pass on for it. */
  private readonly forwardBuckets = new Map<number, TokenBucket>();

  constructor(member: RoomMigrationMember, options: RoomMigrationOptions = {}) {
    this.slot = member.slot;
    this.member = member;
    this.watch = new SuccessionWatch({ ...options, slot: member.slot });
    this.announceEveryMs = options.announceEveryMs ?? 250;
    this.joinEveryMs = options.joinEveryMs ?? 250;
    this.rejoinAfterMs = options.rejoinAfterMs ?? 1500;
    this.forwardPerSecond = options.forwardPerSecond ?? 360;
    this.forwardBurst = options.forwardBurst ?? 180;
    this.successorOptions = options.successor ?? {};
  }

  setLink(slot: number, link: AuthorityLink): void {
    this.links.set(slot, link);
  }

  deleteLink(slot: number): void {
    const link = this.links.get(slot);
    if (link !== undefined) this.pump(slot, link);
    this.links.delete(slot);
    // A member we held the room for keeps its channel: it may reach us through a third player
    // now, and if not, the channel's own silence timeout finds it gone.
  }

  /** Whom this member follows: the host (HOST_HOLDER) or a player, at an epoch; undefined before it knows its room. */
  get holder(): RoomHolder | undefined {
    return this.watch.holder;
  }

  /** Whether this member holds the room now. */
  get holdsRoom(): boolean {
    return this.successor !== undefined;
  }

  /** The room this member holds, if it does (for tests and stats). */
  get successorHost(): SuccessorHost | undefined {
    return this.successor;
  }

  /** Counters: frames dropped as malformed or misdirected; Joins and Tunnels passed on for other players, and refused. */
  get stats(): { readonly malformed: number; readonly forwarded: number; readonly forwardRefused: number } {
    return { malformed: this.malformedValue, forwarded: this.forwardedValue, forwardRefused: this.forwardRefused };
  }

  /** Drains the events since the last call. */
  events(): RoomMigrationEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Takes the links' frames, applies the rules, serves or follows, and announces (ms). Call every ~10 ms. Never throws. */
  tick(nowMs: number): void {
    if (this.closed) return;
    this.nowMs = nowMs;
    const { client } = this.member;
    for (const [slot, link] of this.links) this.pump(slot, link);
    if (client.room !== undefined && client.room !== this.lastRoom) {
      this.lastRoom = client.room;
      this.watch.setRoom(client.room);
    }
    const handover = client.handover;
    this.watch.update(nowMs, {
      silentMs: client.silentForMs(nowMs),
      goodbye: client.hostClosing !== undefined,
      live: (slot) => this.reachable(slot),
      canRestore: handover !== undefined && handover.state.code === client.code,
    });
    for (const event of this.watch.events()) this.onWatch(event, nowMs);
    if (this.successor !== undefined) {
      this.successor.tick(nowMs);
      this.flushSuccessor(nowMs);
    }
    const leaving = this.leaving;
    if (leaving !== undefined) {
      leaving.host.tick(nowMs);
      this.flushHost(leaving.host, nowMs);
      if (nowMs >= leaving.untilMs) {
        leaving.host.stop();
        this.leaving = undefined;
      }
    }
    if (this.following !== undefined) {
      if (this.nextJoinMs === undefined && client.silentForMs(nowMs) >= this.rejoinAfterMs) this.attachTo(this.following, nowMs);
      else if (this.nextJoinMs !== undefined && nowMs >= this.nextJoinMs) this.sendJoin(nowMs);
    }
    if (nowMs >= this.nextAnnounceMs) {
      this.nextAnnounceMs = nowMs + this.announceEveryMs;
      const statement = this.watch.statement();
      if (statement !== undefined) {
        const frame = encodeHolder(statement);
        for (const link of this.links.values()) if (link.state === 'open') link.sendFrame?.(frame);
      }
    }
  }

  /**
   * This member holds the room and has just brought it back onto a host (its 'rehome' request was
   * admitted, `connectToRoom` attaches its planes to that channel): tells the other members to
   * reconnect there, goes on serving them a few seconds so that they all hear it, and follows the host.
   */
  rehomed(nowMs: number): void {
    const host = this.successor;
    if (host === undefined) return;
    host.moved();
    this.flushHost(host, nowMs);
    this.leaving = { host, untilMs: nowMs + MOVED_GRACE_MS };
    this.successor = undefined;
    this.watch.followHost();
    this.pending.push({ type: 'rehomed', epoch: this.watch.holder!.epoch });
  }

  /**
   * The room is back on its host, as the holder said (`room-moved`) or a player's word showed
   * (`rehome`): stop following the holder; `connectToRoom` reconnects to the host and attaches the
   * planes there. No-op while this member holds the room.
   */
  followHost(): void {
    if (this.successor !== undefined) return;
    this.following = undefined;
    this.nextJoinMs = undefined;
    this.member.client.detach();
    this.member.relay.detach();
    this.watch.followHost();
    this.pending.push({ type: 'rehomed', epoch: this.watch.holder!.epoch });
  }

  /** Stops serving and following (the member leaves the room). Tells its members if it held the room. */
  close(): void {
    if (this.closed) return;
    this.leaving?.host.stop();
    this.leaving = undefined;
    this.successor?.shutdown('the player holding the room left', this.nowMs);
    if (this.successor !== undefined) this.flushSuccessor(this.nowMs);
    this.successor = undefined;
    this.closed = true;
  }

  // ---- internals ----------------------------------------------------------------------------

  private onWatch(event: ReturnType<SuccessionWatch['events']>[number], nowMs: number): void {
    switch (event.type) {
      case 'holder-lost':
        this.pending.push(event);
        return;
      case 'orphaned':
        this.pending.push({ type: 'orphaned', reason: 'no player holding the room\'s secrets can be reached' });
        return;
      case 'rehome':
        this.pending.push({ type: 'rehome' });
        return;
      case 'holder':
        if (event.mine) this.takeOver(event.epoch, nowMs);
        else this.follow(event.holder, event.epoch, nowMs);
        return;
    }
  }

  private takeOver(epoch: number, nowMs: number): void {
    const { client, relay } = this.member;
    const handover = client.handover;
    const restored = handover === undefined ? undefined : SuccessorHost.restore(handover, { ...this.successorOptions, slot: this.slot, epoch, random: this.member.random }, nowMs);
    if (restored === undefined || !restored.ok) {
      this.pending.push({ type: 'orphaned', reason: `the room could not be restored: ${restored?.error ?? 'no handover'}` });
      return;
    }
    const host = restored.host;
    this.successor = host;
    this.following = undefined;
    this.nextJoinMs = undefined;
    const send = (frame: Uint8Array) => host.receive(this.slot, frame, this.nowMs);
    client.attach(send, nowMs);
    relay.attach(send);
    host.join(this.slot, epoch, 0, this.member.rejoin, nowMs);
    this.flushSuccessor(nowMs);
    this.pending.push({ type: 'holder', slot: this.slot, epoch, mine: true });
  }

  private follow(holder: number, epoch: number, nowMs: number): void {
    if (this.successor !== undefined) {
      // An earlier candidate claimed the same epoch: ours is given up, and its members told.
      this.successor.shutdown('an earlier player took the room over', nowMs);
      this.flushSuccessor(nowMs);
      this.successor = undefined;
    }
    this.following = holder;
    this.attachTo(holder, nowMs);
    this.pending.push({ type: 'holder', slot: holder, epoch, mine: false });
  }

  /** Both planes on a new channel to `holder` over our link to it, asked for with a new Join attempt. */
  private attachTo(holder: number, nowMs: number): void {
    const { client, relay } = this.member;
    const send = (frame: Uint8Array) => {
      const tunnel = encodeTunnel(frame);
      if (tunnel !== undefined) this.sendTo(holder, tunnel);
    };
    client.attach(send, nowMs);
    relay.attach(send);
    this.attempt = (this.attempt + 1) >>> 0;
    this.sendJoin(nowMs);
  }

  private sendJoin(nowMs: number): void {
    this.nextJoinMs = nowMs + this.joinEveryMs;
    const holder = this.watch.holder;
    if (this.following === undefined || holder === undefined) return;
    const frame = encodeJoin(holder.epoch, this.attempt, this.member.rejoin);
    if (frame !== undefined) this.sendTo(this.following, frame);
  }

  /** The frames the room sends its members: over their links, or to this member's own planes. */
  private flushSuccessor(nowMs: number): void {
    if (this.successor !== undefined) this.flushHost(this.successor, nowMs);
  }

  private flushHost(host: SuccessorHost, nowMs: number): void {
    // Our own client's answers go straight back into the host, which may answer again: a few rounds at most.
    for (let round = 0; round < 8; round++) {
      const out = host.drain();
      if (out.length === 0) return;
      for (const { slot, frame } of out) {
        if (slot === this.slot) {
          // Our own planes, while they are the room's: not once they moved to the host.
          if (host === this.successor) demuxHostFrame(frame, nowMs, { control: this.member.client, data: this.member.relay });
          continue;
        }
        const tunnel = encodeTunnel(frame);
        if (tunnel !== undefined) this.sendTo(slot, tunnel);
      }
    }
  }

  /** Whether `slot` can be reached now: over our live link to it, or through a third player. */
  private reachable(slot: number): boolean {
    return this.links.get(slot)?.alive === true || this.member.relayVia?.(slot) !== undefined;
  }

  /** A Join or Tunnel frame to `slot`: over our link to it while that is alive, else through a third player, else over the link anyway. */
  private sendTo(slot: number, frame: Uint8Array): void {
    const link = this.links.get(slot);
    if (link?.alive !== true) {
      const via = this.member.relayVia?.(slot);
      const viaLink = via === undefined ? undefined : this.links.get(via);
      const relayed = viaLink === undefined ? undefined : encodeRelayedAuthority(DirectFrameKind.Via, slot, frame);
      if (relayed !== undefined && viaLink?.state === 'open') {
        viaLink.sendFrame?.(relayed);
        return;
      }
    }
    if (link?.state === 'open') link.sendFrame?.(frame);
  }

  private pump(slot: number, link: AuthorityLink): void {
    const frames = link.receiveAuthorityFrames?.();
    if (frames === undefined) return;
    for (const bytes of frames) {
      const frame = decodeAuthorityFrame(bytes);
      if (frame === undefined) {
        this.malformedValue++;
        continue;
      }
      switch (frame.kind) {
        case DirectFrameKind.Holder:
          this.watch.heard(slot, frame, this.nowMs);
          break;
        case DirectFrameKind.Join:
        case DirectFrameKind.Tunnel:
          this.onMemberFrame(slot, frame);
          break;
        case DirectFrameKind.Via:
          this.forward(slot, frame.to, frame.raw);
          break;
        case DirectFrameKind.From:
          // Through the player on this link, from `from`: as if from `from`'s own link.
          if (frame.from === this.slot || frame.from === slot) this.malformedValue++;
          else this.onMemberFrame(frame.from, frame.inner);
          break;
      }
    }
  }

  /** A Join or a Tunnel from `from` (over its own link or through a third player). */
  private onMemberFrame(from: number, frame: MemberFrame): void {
    if (frame.kind === DirectFrameKind.Join) {
      if (this.successor === undefined) this.malformedValue++;
      else this.successor.join(from, frame.epoch, frame.attempt, frame.request, this.nowMs);
      return;
    }
    const host = this.successor ?? this.leaving?.host;
    if (host !== undefined) {
      host.receive(from, frame.frame, this.nowMs);
    } else if (this.following === from) {
      this.nextJoinMs = undefined; // the holder answers: joined
      demuxHostFrame(frame.frame, this.nowMs, { control: this.member.client, data: this.member.relay });
    } else {
      this.malformedValue++;
    }
  }

  /** Passes a Join or Tunnel from the player on link `from` to `to`, stamped with `from`, within `from`'s rate. */
  private forward(from: number, to: number, inner: Uint8Array): void {
    const link = this.links.get(to);
    if (to === from || to === this.slot || link?.state !== 'open') {
      this.forwardRefused++;
      return;
    }
    let bucket = this.forwardBuckets.get(from);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.forwardPerSecond, this.forwardBurst);
      this.forwardBuckets.set(from, bucket);
    }
    const frame = bucket.take(this.nowMs) ? encodeRelayedAuthority(DirectFrameKind.From, from, inner) : undefined;
    if (frame === undefined) {
      this.forwardRefused++;
      return;
    }
    link.sendFrame?.(frame);
    this.forwardedValue++;
  }
}
