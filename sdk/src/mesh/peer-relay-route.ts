import { DirectFrameKind, REACH_MAX_SLOT, decodePeerRelayFrame, encodeRelayed, encodeReach, reachHas } from '../direct/direct-frame.ts';
import type { DirectLinkState } from '../direct/direct-link.ts';
import { addressSlot, slotAddress } from '../relay/relay-route.ts';
import type { Route } from '../transport/routed-transport.ts';
import type { Datagram, PeerAddress } from '../transport/transport.ts';
import { TokenBucket } from '../relay/token-bucket.ts';

/** The route id of the peer relay in a `RoutedTransport`. */
export const PEER_RELAY_ROUTE = 'peer-relay';

/**
 * What the peer relay needs of a direct link: `DirectLink`, or a stand-in in tests. A link without
 * `sendFrame` / `receiveFrames` (an older stand-in) takes no part in peer relaying.
 */
export interface PeerRelayLink {
  readonly state: DirectLinkState;
  readonly alive: boolean;
  readonly rttMs?: number | undefined;
  sendFrame?(frame: Uint8Array): void;
  receiveFrames?(): readonly Uint8Array[];
}

export interface PeerRelayOptions {
  /** This member's slot. */
  readonly slot: number;
  /**
   * How often we tell every linked peer whom we have a live link to (ms). Default 250: a pair that
   * loses the host finds its relay within a tick, and 3-byte frames four times a second cost
   * nothing next to 60 session packets a second.
   */
  readonly announceEveryMs?: number;
  /**
   * How long an announcement counts (ms). Default 1000: four missed in a row, so one lost
   * datagram never takes a relay away, while a link the relay lost stops being used within 1 s.
   */
  readonly reachFreshMs?: number;
  /**
   * Packets per second we forward for one source at most, and the burst (packets) it may send at
   * once. Defaults 360 and 180: a source at 60 frames a second sending to three players through
   * us, twice over, while a peer that floods us costs its own packets only.
   */
  readonly forwardPerSecond?: number;
  readonly forwardBurst?: number;
  /** Packets delivered and held for `receive()` (oldest dropped beyond). Default 256. */
  readonly receiveQueue?: number;
}

/** Counters of the peer relay: what it carried, and what it dropped, by reason. */
export interface PeerRelayStats {
  /** Our packets sent through a relay peer. */
  sent: number;
  /** Packets forwarded to us by a relay peer and delivered to the session. */
  delivered: number;
  /** Packets we forwarded for one peer to another. */
  forwarded: number;
  /** Reach announcements (which players we hear, and whether we hear the host) sent to linked peers. */
  announcementsSent: number;
  /** Reach announcements received. */
  announcementsReceived: number;
  /** Packets dropped, by reason. */
  readonly dropped: {
    /** Ours, with no relay peer reaching the destination (or an address that is not `slot:N`). */
    noRelay: number;
    /** Frames that do not decode (truncated, oversized, not a session packet, unknown kind). */
    malformed: number;
    /** A Forward or Forwarded naming a slot that is not another player of the match (or the relay itself). */
    notInMatch: number;
    /** Forwards over a source's token bucket. */
    rateLimited: number;
    /** Forwards to a player we have no open link to. */
    noLink: number;
    /** Delivered packets pushed out of a full queue. */
    queueFull: number;
  };
}

interface Reach {
  readonly mask: number;
  readonly hearsHost: boolean;
  readonly atMs: number;
}


const NOTHING: readonly Datagram[] = Object.freeze([]);

/**
 * The `'peer-relay'` route of a `RoutedTransport`: a pair of players with no direct link of its
 * own (one declined it, or it never opened) passes its session packets through a third player
 * who has a direct link to both. Used only when the host's relay is gone (`MeshLinks` decides), so
 * that a match that outlives its host keeps every pair in touch.
 *
 * Each member plays three parts, over the direct links `MeshLinks` gives it (`setLink`):
 * - Announcer: every `announceEveryMs` it sends a Reach frame on every open link, naming the
 *   peers it has an open and alive link to.
 * - Sender: `send(to, data)` wraps the packet in a Forward frame to a relay peer: one whose link
 *   to us is open and alive and whose fresh Reach names `to`. The choice is kept while it stays
 *   valid (no flapping between relays, each switch of which would be a burst of reordering);
 *   otherwise the lowest such slot.
 * - Forwarder: a Forward that came on the link of player A, to player B, goes out on B's link as a
 *   Forwarded frame from A. `from` is A because the Forward came on A's link: a sender cannot
 *   name another origin. Only between two other players of the match, only session packets, at
 *   most `forwardPerSecond` per source (a token bucket), every refusal counted.
 * - Receiver: a Forwarded frame on the link of player C, from player A, is delivered as a datagram
 *   from `slot:A`, if A is another player of the match and not C (whose own packets come direct).
 *
 * Frames are taken from the links by `tick` (the game loop's, every few ms) and by `receive`.
 * Never throws from `tick`, `send` or `receive`: its input is the network's.
 */
export class PeerRelayRoute implements Route {
  readonly slot: number;
  readonly stats: PeerRelayStats = {
    sent: 0,
    delivered: 0,
    forwarded: 0,
    announcementsSent: 0,
    announcementsReceived: 0,
    dropped: { noRelay: 0, malformed: 0, notInMatch: 0, rateLimited: 0, noLink: 0, queueFull: 0 },
  };
  private readonly announceEveryMs: number;
  private readonly reachFreshMs: number;
  private readonly forwardPerSecond: number;
  private readonly forwardBurst: number;
  private readonly queueLimit: number;
  /** The other players of the current match. */
  private players = new Set<number>();
  private readonly links = new Map<number, PeerRelayLink>();
  /** Each linked peer's latest announcement. */
  private readonly reach = new Map<number, Reach>();
  /** Each source's token bucket (packets). */
  private readonly buckets = new Map<number, TokenBucket>();
  /** The relay peer in use per destination, kept while valid. */
  private readonly chosen = new Map<number, number>();
  private inbox: Datagram[] = [];
  private nowMs = 0;
  /** Whether our own connection to the host is up, announced in every Reach frame (`RoomRoutes.hostReachable`). */
  hearsHost = false;
  private nextAnnounceMs = -Infinity;

  constructor(options: PeerRelayOptions) {
    this.slot = options.slot;
    this.announceEveryMs = Math.max(1, options.announceEveryMs ?? 250);
    this.reachFreshMs = Math.max(1, options.reachFreshMs ?? 1000);
    this.forwardPerSecond = options.forwardPerSecond ?? 360;
    this.forwardBurst = Math.max(1, options.forwardBurst ?? 180);
    if (!(this.forwardPerSecond > 0)) throw new RangeError(`PeerRelayRoute: forwardPerSecond must be positive, got ${String(options.forwardPerSecond)}`);
    this.queueLimit = Math.max(1, options.receiveQueue ?? 256);
  }

  /** The other players of the (new) match, by slot (ours ignored). Forgets what concerned anyone else. */
  setPlayers(slots: readonly number[]): void {
    this.players = new Set(slots.filter((s) => s !== this.slot && Number.isInteger(s) && s >= 0));
    for (const map of [this.reach, this.buckets, this.chosen] as const) {
      for (const slot of map.keys()) if (!this.players.has(slot)) map.delete(slot);
    }
  }

  /** `slot`'s direct link from now on (replacing any earlier one). */
  setLink(slot: number, link: PeerRelayLink): void {
    this.links.set(slot, link);
    this.reach.delete(slot);
  }

  /** Forgets `slot`'s link, after taking the frames it still held. */
  deleteLink(slot: number): void {
    const link = this.links.get(slot);
    if (link === undefined) return;
    this.drain(slot, link);
    this.links.delete(slot);
    this.reach.delete(slot);
  }

  /** Takes every link's frames (forwarding, delivering, noting announcements) and announces when due (ms). Never throws. */
  tick(nowMs: number): void {
    this.nowMs = nowMs;
    this.pump();
    if (nowMs >= this.nextAnnounceMs) {
      this.nextAnnounceMs = nowMs + this.announceEveryMs;
      this.announce();
    }
  }

  /**
   * The relay peer that would carry our packets to `to` now, if any: the one in use while it
   * remains valid, else the lowest slot linked to us (open, alive) that announced a link to `to`
   * within `reachFreshMs`.
   */
  relayFor(to: number): number | undefined {
    if (!this.players.has(to)) return undefined;
    const current = this.chosen.get(to);
    if (current !== undefined && this.canRelay(current, to)) return current;
    let best: number | undefined;
    for (const via of this.links.keys()) if ((best === undefined || via < best) && this.canRelay(via, to)) best = via;
    if (best === undefined) this.chosen.delete(to);
    else this.chosen.set(to, best);
    return best;
  }

  /** Whether some relay peer reaches `to` now (see `relayFor`). */
  canReach(to: number): boolean {
    return this.relayFor(to) !== undefined;
  }

  send(to: PeerAddress, data: Uint8Array): void {
    try {
      const slot = addressSlot(to);
      const via = slot === undefined ? undefined : this.relayFor(slot);
      const frame = via === undefined ? undefined : encodeRelayed(DirectFrameKind.Forward, slot!, data);
      const link = via === undefined ? undefined : this.links.get(via);
      if (frame === undefined || link?.sendFrame === undefined) {
        this.stats.dropped.noRelay++;
        return;
      }
      link.sendFrame(frame);
      this.stats.sent++;
    } catch {
      this.stats.dropped.noRelay++;
    }
  }

  receive(): readonly Datagram[] {
    this.pump();
    // Called on every poll: nothing new costs no allocation.
    if (this.inbox.length === 0) return NOTHING;
    const out = this.inbox;
    this.inbox = [];
    return out;
  }

  /** A rough round trip to `peer` through its relay (ms): twice ours to the relay, as the relay's own link to the peer is not known here. */
  peerRttMs(peer: PeerAddress): number | undefined {
    const slot = addressSlot(peer);
    const via = slot === undefined ? undefined : this.relayFor(slot);
    const rtt = via === undefined ? undefined : this.links.get(via)?.rttMs;
    return rtt === undefined ? undefined : 2 * rtt;
  }

  /**
   * The players linked to us whose fresh announcement (within `reachFreshMs`) says their
   * connection to the host is up: if we lost ours while some of them still hear the host, the
   * host is there and only our path to it is broken.
   */
  peersHearingHost(): number[] {
    const out: number[] = [];
    for (const [slot, reach] of this.reach) if (reach.hearsHost && this.players.has(slot) && this.nowMs - reach.atMs <= this.reachFreshMs) out.push(slot);
    return out.sort((x, y) => x - y);
  }

  /** Whether `via` can carry our packets to `to`: another player linked to us (open, alive) whose fresh announcement names `to`. */
  private canRelay(via: number, to: number): boolean {
    if (via === to || !this.players.has(via)) return false;
    const link = this.links.get(via);
    if (link === undefined || !usable(link)) return false;
    const reach = this.reach.get(via);
    return reach !== undefined && this.nowMs - reach.atMs <= this.reachFreshMs && reachHas(reach.mask, to);
  }

  private announce(): void {
    const alive: number[] = [];
    for (const [slot, link] of this.links) if (this.players.has(slot) && slot <= REACH_MAX_SLOT && usable(link)) alive.push(slot);
    const frame = encodeReach(alive, this.hearsHost);
    for (const link of this.links.values()) {
      if (link.state !== 'open' || link.sendFrame === undefined) continue;
      try {
        link.sendFrame(frame);
        this.stats.announcementsSent++;
      } catch {
        // a stand-in's bug; a DirectLink never throws
      }
    }
  }

  private pump(): void {
    for (const [slot, link] of this.links) this.drain(slot, link);
  }

  private drain(source: number, link: PeerRelayLink): void {
    let frames: readonly Uint8Array[] | undefined;
    try {
      frames = link.receiveFrames?.();
    } catch {
      return;
    }
    if (frames !== undefined) for (const frame of frames) this.take(source, frame);
  }

  /** One frame that came on `source`'s link. */
  private take(source: number, data: Uint8Array): void {
    const frame = decodePeerRelayFrame(data);
    if (frame === undefined) {
      this.stats.dropped.malformed++;
      return;
    }
    if (!this.players.has(source)) {
      this.stats.dropped.notInMatch++;
      return;
    }
    switch (frame.kind) {
      case DirectFrameKind.Reach:
        this.reach.set(source, { mask: frame.mask, hearsHost: frame.hearsHost, atMs: this.nowMs });
        this.stats.announcementsReceived++;
        return;
      case DirectFrameKind.Forward:
        this.forward(source, frame.to, frame.packet);
        return;
      case DirectFrameKind.Forwarded:
        if (frame.from === source || frame.from === this.slot || !this.players.has(frame.from)) {
          this.stats.dropped.notInMatch++;
          return;
        }
        if (this.inbox.length >= this.queueLimit) {
          this.inbox.shift();
          this.stats.dropped.queueFull++;
        }
        this.inbox.push({ from: slotAddress(frame.from), data: frame.packet });
        this.stats.delivered++;
        return;
    }
  }

  /** Passes `packet` from `source` to `to`, stamped with `source` (the link it came on), if allowed. */
  private forward(source: number, to: number, packet: Uint8Array): void {
    if (to === source || !this.players.has(to)) {
      this.stats.dropped.notInMatch++;
      return;
    }
    const link = this.links.get(to);
    if (link === undefined || link.state !== 'open' || link.sendFrame === undefined) {
      this.stats.dropped.noLink++;
      return;
    }
    if (!this.takeToken(source)) {
      this.stats.dropped.rateLimited++;
      return;
    }
    const frame = encodeRelayed(DirectFrameKind.Forwarded, source, packet);
    if (frame === undefined) {
      this.stats.dropped.malformed++;
      return;
    }
    try {
      link.sendFrame(frame);
      this.stats.forwarded++;
    } catch {
      this.stats.dropped.noLink++;
    }
  }

  private takeToken(source: number): boolean {
    let bucket = this.buckets.get(source);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.forwardPerSecond, this.forwardBurst);
      this.buckets.set(source, bucket);
    }
    return bucket.take(this.nowMs);
  }
}

/** Whether a link carries packets now: open, its pings answered. */
function usable(link: PeerRelayLink): boolean {
  return link.state === 'open' && link.alive;
}
