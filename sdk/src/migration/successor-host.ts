import { RoomAuthority } from '../room/room-authority.ts';
import type { RoomAuthorityOptions } from '../room/room-authority.ts';
import type { RoomHandover } from '../room/room-handover.ts';
import { parseConnectRequest } from '../relay/connect-request.ts';
import { constantTimeEqual } from '../room/constant-time-equal.ts';
import { RelayHost } from '../relay/relay-host.ts';
import type { RelayHostOptions, RelayHostStats } from '../relay/relay-host.ts';

export interface SuccessorHostOptions {
  /** This member's slot: the player that takes the room over. */
  readonly slot: number;
  /** The epoch of the new authority: the lost holder's + 1 (`SuccessionWatch`). */
  readonly epoch: number;
  /** Uniform u32 source for match ids and seeds (cryptographic outside tests), as `RoomAuthorityOptions.random`. */
  readonly random: () => number;
  /** Further options of the room authority (reconnect graces) and of its relay (limits, heartbeats). */
  readonly authority?: Omit<RoomAuthorityOptions, 'random' | 'epoch' | 'maxRooms'>;
  readonly relay?: Omit<RelayHostOptions, 'authority'>;
}

/** Why a successor refused a Join, counted in `stats().joinsRefused`. */
export const SuccessorJoinRefusal = {
  /** For another epoch (an older holder, or a claim given up since). */
  WrongEpoch: 'wrong-epoch',
  /** Not a join into this room with a reconnect token: newcomers cannot reach a room whose host is gone. */
  NotAMember: 'not-a-member',
  /** The token is not the one of the link's slot: a member speaks only for itself. */
  WrongSlot: 'wrong-slot',
  /** Refused by the room (a wrong token, a slot given up after its grace). */
  Refused: 'refused',
} as const;
export type SuccessorJoinRefusal = (typeof SuccessorJoinRefusal)[keyof typeof SuccessorJoinRefusal];

export interface SuccessorHostStats {
  readonly joinsRefused: Readonly<Record<SuccessorJoinRefusal, number>>;
  /** The relay's own counters (frames relayed and dropped). */
  readonly relay: RelayHostStats;
}

/** A relay frame for the member in `slot`. */
export interface SuccessorOutput {
  readonly slot: number;
  readonly frame: Uint8Array;
}

/**
 * The room's authority on the player that took it over when its holder was lost: the room
 * restored from the secrets its holder gave this player (`RoomHandover`) under a higher epoch,
 * served to the other members over their direct links as a host serves them over geckos.io. It is
 * a `RelayHost` (the same admission by token, control channels, liveness, relay, limits) whose
 * connections are the members' links, so members speak to it exactly as they spoke to the host;
 * the player's own room client is a member like the others. Pure and synchronous: the caller
 * moves the frames (Tunnel frames, migration/holder-frame.ts) and passes the time in.
 *
 * Only the room's members come back, each into its own slot over its own link: a join without a
 * token, into another room, or for a slot other than the link's is refused. The members get the
 * reconnect grace of a dropped connection (2.5 s in a match) from the restore to come back; those
 * that do not are dropped, as by the host.
 */
export class SuccessorHost {
  readonly slot: number;
  readonly epoch: number;
  readonly code: string;
  readonly authority: RoomAuthority;
  private readonly relay: RelayHost;
  /** Slot → the relay's connection id and the Join attempt it answered, for members with a channel now. */
  private readonly connections = new Map<number, { readonly id: number; readonly attempt: number }>();
  private out: SuccessorOutput[] = [];
  private readonly refused: Record<SuccessorJoinRefusal, number> = { 'wrong-epoch': 0, 'not-a-member': 0, 'wrong-slot': 0, refused: 0 };

  private constructor(options: SuccessorHostOptions, authority: RoomAuthority, code: string) {
    this.slot = options.slot;
    this.epoch = options.epoch;
    this.code = code;
    this.authority = authority;
    this.relay = new RelayHost({ ...options.relay, authority, holderSlot: options.slot });
  }

  /**
   * Restores the room of `handover` (checked: it comes from the network) at `options.epoch`, which
   * must be above the handover's. Every member but this one counts as disconnected from `nowMs`
   * until it joins. Refused, with the room authority's error, for a bad or stale handover.
   */
  static restore(handover: RoomHandover, options: SuccessorHostOptions, nowMs: number): { ok: true; host: SuccessorHost } | { ok: false; error: string } {
    const authority = new RoomAuthority({ ...options.authority, random: options.random, epoch: options.epoch, maxRooms: 1 });
    const restored = authority.restoreRoom(handover, nowMs);
    if (!restored.ok) return { ok: false, error: restored.error };
    const code = handover.state.code;
    const self = handover.state.members.find((m) => m.slot === options.slot);
    if (self === undefined || self.role !== 'player') return { ok: false, error: 'not-a-member' };
    for (const m of handover.state.members) authority.connectionLost(code, m.slot, nowMs);
    authority.events(); // the members hear the room from the welcome each gets when it joins
    return { ok: true, host: new SuccessorHost(options, authority, code) };
  }

  /**
   * A Join from the member on the link to `from` (this player's own client passes its own slot),
   * attempt `attempt`. Refused and counted unless it brings a member back into its own slot. A
   * repeat of the attempt that made the member's current channel is ignored (Joins are repeated
   * until answered); a new attempt replaces the channel, as a reconnect to a host does (the member
   * stopped hearing this one).
   */
  join(from: number, epoch: number, attempt: number, request: string, nowMs: number): void {
    if (this.connections.get(from)?.attempt === attempt) return;
    if (epoch !== this.epoch) return this.refuse('wrong-epoch');
    const parsed = parseConnectRequest(request);
    if (!parsed.ok || parsed.request.action !== 'join' || parsed.request.token === undefined || parsed.request.code !== this.code) return this.refuse('not-a-member');
    const own = this.authority.exportRoom(this.code)?.tokens.find(([slot]) => slot === from);
    if (own === undefined) return this.refuse('not-a-member');
    // Checked before the authority sees it: admitting a token marks its slot as reconnecting, and
    // a member must not be able to do that to another's slot.
    if (!constantTimeEqual(own[1], parsed.request.token)) return this.refuse('wrong-slot');
    const result = this.relay.authorize(parsed.request, `member:${from}`, nowMs);
    if (!result.ok || result.binding.slot !== from) return this.refuse('refused');
    let id = 0;
    id = this.relay.connect(
      result.binding,
      {
        send: (frame) => this.out.push({ slot: from, frame }),
        close: () => {
          if (this.connections.get(from)?.id === id) this.connections.delete(from);
        },
      },
      nowMs,
    );
    if (this.relay.binding(id) !== undefined) this.connections.set(from, { id, attempt });
  }

  /** A relay frame from the member on the link to `from` (a Tunnel frame's contents). Dropped unless it has joined. */
  receive(from: number, frame: Uint8Array, nowMs: number): void {
    const c = this.connections.get(from);
    if (c !== undefined) this.relay.receive(c.id, frame, nowMs);
  }

  /** The link to `from` is gone: its member counts as disconnected (it keeps its slot for the grace). */
  linkLost(from: number, nowMs: number): void {
    const c = this.connections.get(from);
    if (c === undefined) return;
    this.connections.delete(from);
    this.relay.disconnect(c.id, nowMs);
  }

  /** Heartbeats, silence timeouts, control resends and the room's timers. Call every ~10 ms. */
  tick(nowMs: number): void {
    this.relay.tick(nowMs);
  }

  /** Whether the member in `slot` has a channel to this successor now. */
  hasMember(slot: number): boolean {
    return this.connections.has(slot);
  }

  /** Drains the relay frames for the members since the last call, oldest first. */
  drain(): SuccessorOutput[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  /**
   * The room is back on its host (this player re-homed it): tells every other member with a
   * channel to reconnect there (`room-moved`). Keep ticking a few seconds so that the word gets
   * through on a lossy link, then `stop`.
   */
  moved(): void {
    this.relay.tellRoom(this.code, { type: 'room-moved' }, this.slot);
  }

  /** Stops serving, without a goodbye (the members were told where the room went): closes every channel. */
  stop(): void {
    this.relay.closeAll();
    this.connections.clear();
  }

  /** Tells every member that this holder is going (it gave its claim up, or its player leaves), then closes their channels. */
  shutdown(reason: string, nowMs: number): void {
    this.relay.shutdown(reason, nowMs);
    this.relay.closeAll();
    this.connections.clear();
  }

  stats(): SuccessorHostStats {
    return { joinsRefused: { ...this.refused }, relay: this.relay.stats() };
  }

  private refuse(reason: SuccessorJoinRefusal): void {
    this.refused[reason]++;
  }
}
