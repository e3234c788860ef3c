import type { IceServer, IceTransportPolicy } from '../direct/ice-config.ts';
import { DirectLink } from '../direct/direct-link.ts';
import type { DirectLinkOptions, DirectLinkState } from '../direct/direct-link.ts';
import type { DirectSignalKind } from '../direct/direct-signal.ts';
import { slotAddress } from '../relay/room-client.ts';
import { StandardRoute } from '../transport/routed-transport.ts';
import type { RouteId, RoutedTransport } from '../transport/routed-transport.ts';
import type { PeerAddress } from '../transport/transport.ts';
import type { DirectRoute } from './direct-route.ts';
import { PEER_RELAY_ROUTE } from './peer-relay-route.ts';
import type { PeerRelayRoute } from './peer-relay-route.ts';

/** What `MeshLinks` uses of a link: `DirectLink`, or a stand-in in tests. */
export type MeshLink = Pick<DirectLink, 'role' | 'link' | 'state' | 'alive' | 'rttMs' | 'send' | 'receive' | 'handleSignal' | 'close'> & {
  /** Why the link failed or closed (`DirectLink.reason`), for stats. */
  readonly reason?: string | undefined;
} & Partial<Pick<DirectLink, 'sendFrame' | 'receiveFrames' | 'receiveAuthorityFrames'>>;

/** Something else that carries its own frames on the links (host migration): told of each link as the peer relay is. */
export interface MeshLinkUser {
  /** `slot`'s link from now on (replacing any earlier one). */
  setLink(slot: number, link: MeshLink): void;
  /** `slot`'s link is gone. */
  deleteLink(slot: number): void;
}

/** Makes one link (default `new DirectLink(options)`). */
export type MeshLinkFactory = (options: DirectLinkOptions) => MeshLink;

/** A signal from another player, as `RoomClient` raises it (`{ type: 'signal', ... }`). */
export interface MeshSignal {
  readonly from: number;
  readonly kind: string;
  readonly link: number;
  readonly payload: string;
}

export interface MeshLinksOptions {
  /** This member's slot. */
  readonly slot: number;
  /** Sends a signal through the host: `(to, kind, link, payload) => room.client.signal(to, kind, link, payload)`. Guarded. */
  readonly sendSignal: (to: number, kind: DirectSignalKind, link: number, payload: string) => unknown;
  /** The session's transport, whose routes include `'relay'` and `'direct'` (the latter being `route`). */
  readonly transport: Pick<RoutedTransport, 'setRoute' | 'routeOf'>;
  /** The `'direct'` route of `transport`: `MeshLinks` puts each peer's current link in it. */
  readonly route: DirectRoute;
  /**
   * The `'peer-relay'` route of `transport`, if it has one: `MeshLinks` gives it the links and the
   * players, ticks it, and sends a pair there when it has no usable link and the host is
   * unreachable (`hostReachable(false)`).
   */
  readonly peerRelay?: PeerRelayRoute;
  /** Told of every link made and retired, as the peer relay is (host migration's Holder, Join and Tunnel frames). */
  readonly linkUser?: MeshLinkUser;
  /** Makes links. Default `new DirectLink(options)`. */
  readonly createLink?: MeshLinkFactory;
  /** Passed to every link (default none: a LAN needs no outside server). */
  readonly iceServers?: readonly IceServer[];
  readonly iceTransportPolicy?: IceTransportPolicy;
  /** Further link options (setup timeout, liveness), passed through. */
  readonly link?: Partial<Omit<DirectLinkOptions, 'role' | 'link' | 'signal'>>;
  /** A random u32 for link ids. Default `crypto.getRandomValues`. */
  readonly random?: () => number;
  /**
   * How long the offerer waits after a link failed or closed before it tries again (ms). Default
   * 2000: long enough for the other end to see the `close` signal and release its own, short
   * enough that a glitch costs a pair a few seconds on the relay, not the match.
   */
  readonly retryDelayMs?: number;
  /**
   * Links the offerer makes to one peer per `setPeers` (a match) at most. Default 3: a pair whose
   * network lets no link open (a firewall, a symmetric NAT without TURN) stops spending peer
   * connections (Chromium allows a tab 500 in its lifetime) and plays on the relay.
   */
  readonly maxAttempts?: number;
  /**
   * How long a link that went silent must answer its pings again, without a break, before the
   * pair goes back to it (ms). Default 1000, doubled for each further silence of the same link,
   * up to 8000: a link that flaps (a Wi-Fi roam, a congested uplink) would otherwise switch the
   * pair's route every second or two, and each switch restarts the session's estimates for it.
   * A link's first opening is taken at once.
   */
  readonly returnAfterMs?: number;
  /**
   * Whether to have a direct link with the player in `slot` (default: with every player). A pair
   * that either end declines plays over the relay: no offer is made to it, and its offers are
   * refused (counted in `refusedSignals`). For a game that keeps some pairs on the relay, and for
   * tests of a pair whose network lets no link open.
   */
  readonly directWith?: (slot: number) => boolean;
}

/** The longest wait before a flapping link is used again (ms): see `returnAfterMs`. */
const MAX_RETURN_AFTER_MS = 8000;

/** One peer as `stats()` shows it. */
export interface MeshPeerStats {
  /** The peer's slot. */
  readonly slot: number;
  /** Which end we are: the lower slot offers. */
  readonly role: 'offerer' | 'answerer';
  /** The route our packets to this peer take now. */
  readonly route: RouteId;
  /** The current link's state, `'none'` without one (the answerer waiting for an offer, the offerer waiting to retry or out of attempts). */
  readonly link: DirectLinkState | 'none';
  /** The current link's id (u32), if there is one. */
  readonly linkId?: number;
  /** Links made to this peer in this match (offerer), or offers taken (answerer). */
  readonly attempts: number;
  /** The current link's round trip from its pings (ms), once measured. */
  readonly rttMs?: number;
  /** Times the current link went silent while open (each one costs a longer wait before it is used again). */
  readonly silences: number;
  /** Why the last link to this peer that ended failed or closed (e.g. `'setup-timeout'`), if one did. */
  readonly lastEnd?: string;
}

/** The direct links' counters (`RoomRoutes.meshStats()`). */
export interface MeshStats {
  /** One entry per other player linked to. */
  readonly peers: readonly MeshPeerStats[];
  /** Signals for a link id that is not the peer's current one (an older attempt's), ignored. */
  readonly staleSignals: number;
  /** Signals from a slot that is not one of our peers, ignored. */
  readonly strangerSignals: number;
  /** Signals our link refused (see `DirectLink.handleSignal`). */
  readonly refusedSignals: number;
  /** Exceptions caught from `sendSignal`, a link or the factory: bugs, which tests look for. */
  readonly faults: number;
}

/** Old link ids remembered per peer, so that their late signals count as stale. */
const MAX_RETIRED_IDS = 8;

/** One peer's link and bookkeeping. */
interface PeerEntry {
  readonly slot: number;
  readonly address: PeerAddress;
  readonly role: 'offerer' | 'answerer';
  link: MeshLink | undefined;
  attempts: number;
  /** When the offerer makes its next link (ms); undefined: not scheduled. */
  retryAtMs: number | undefined;
  readonly retired: number[];
  /** Times the current link was seen silent after it carried the pair (ms of wait grow with it). */
  silences: number;
  /** Since when the current link has been open and alive without a break (ms); undefined: it is not. */
  aliveSinceMs: number | undefined;
  lastEnd: string | undefined;
}

/**
 * The direct links of one member: one `DirectLink` per other player of the match, with the relay
 * as each pair's fallback, wired into the session's `RoutedTransport`.
 *
 * - `setPeers(slots)` at each match start: the lower slot of a pair offers; a link already open to
 *   a peer is kept (one link per pair for the life of the room, as Chromium allows a tab only 500
 *   peer connections), links to slots no longer playing are closed.
 * - `handleSignal(event)` for every `signal` event of the room: to the link with that id. An offer
 *   with a new id from the peer that offers to us replaces our link (its new attempt); signals of
 *   older attempts are ignored and counted.
 * - `tick(nowMs)` once per game-loop turn, before the session's `poll` (which takes the route
 *   changes): a peer whose link is open and alive (its pings answered) goes direct, any other back
 *   to the relay; a link that went silent is used again only after answering for a while
 *   (`returnAfterMs`), so that a flapping link does not flip the route every second. A link
 *   that failed or closed is dropped, and the offerer makes a new one after `retryDelayMs`, with a
 *   fresh id, up to `maxAttempts` per match.
 *
 * Decisions take the time passed in; the links run their own timers (setup timeout, pings). Never
 * throws from `handleSignal` or `tick`: network input is untrusted, and a failure means the relay.
 */
export class MeshLinks {
  readonly slot: number;
  private readonly options: MeshLinksOptions;
  private readonly createLink: MeshLinkFactory;
  private readonly random: () => number;
  private readonly retryDelayMs: number;
  private readonly maxAttempts: number;
  private readonly returnAfterMs: number;
  private readonly peers = new Map<number, PeerEntry>();
  private lastNowMs = 0;
  private closed = false;
  /** Whether the host's relay is up (see `hostReachable`). */
  private hostUp = true;
  private staleSignals = 0;
  private strangerSignals = 0;
  private refusedSignals = 0;
  private faults = 0;

  constructor(options: MeshLinksOptions) {
    this.options = options;
    this.slot = options.slot;
    this.createLink = options.createLink ?? ((o) => new DirectLink(o));
    this.random = options.random ?? (() => globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!);
    this.retryDelayMs = options.retryDelayMs ?? 2000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.returnAfterMs = Math.max(0, options.returnAfterMs ?? 1000);
  }

  /**
   * The other players of the (new) match, by slot (our own is ignored). Keeps the links to peers
   * still present, closes the others' (their pairs go back to the relay), makes the offers we owe
   * to new peers, and gives every peer `maxAttempts` again.
   */
  setPeers(slots: readonly number[]): void {
    if (this.closed) return;
    const wanted = new Set(slots.filter((s) => s !== this.slot && Number.isInteger(s) && s >= 0));
    for (const [slot, entry] of this.peers) {
      if (wanted.has(slot)) continue;
      this.retire(entry, 'peer-left');
      this.setRoute(entry, StandardRoute.Relay, this.lastNowMs);
      this.peers.delete(slot);
    }
    for (const slot of wanted) {
      let entry = this.peers.get(slot);
      if (entry === undefined) {
        entry = { slot, address: slotAddress(slot), role: this.slot < slot ? 'offerer' : 'answerer', link: undefined, attempts: 0, retryAtMs: undefined, retired: [], silences: 0, aliveSinceMs: undefined, lastEnd: undefined };
        this.peers.set(slot, entry);
      }
      entry.attempts = 0;
      if (entry.role === 'offerer' && entry.link === undefined) this.offer(entry);
      else if (entry.link !== undefined) entry.attempts = 1; // the link kept counts as this match's first
    }
    this.options.peerRelay?.setPlayers([...wanted]);
  }

  /**
   * Whether the host's relay reaches the other players now (the room connection is up). While it
   * does, a pair without a usable link plays over it as always; while it does not, over a third
   * player linked to both (`'peer-relay'`) where one is, so that a match that outlived its host
   * keeps every pair in touch. Takes effect at the next `tick`.
   */
  hostReachable(yes: boolean): void {
    this.hostUp = yes;
  }

  /** Takes a `signal` event from the room. Never throws. */
  handleSignal(event: MeshSignal): void {
    if (this.closed) return;
    try {
      const entry = this.peers.get(event.from);
      if (entry === undefined) {
        this.strangerSignals++;
        return;
      }
      if (!this.wants(entry.slot)) {
        this.refusedSignals++;
        return;
      }
      const id = event.link >>> 0;
      const current = entry.link;
      if (current !== undefined && current.link === id) {
        if (current.handleSignal(event.kind, event.payload) !== undefined) this.refusedSignals++;
        return;
      }
      if (entry.role === 'answerer' && event.kind === 'offer' && !entry.retired.includes(id)) {
        // The peer's new attempt: ours (if any) belongs to an older one it has given up.
        if (current !== undefined) this.retire(entry, 'superseded');
        const link = this.makeLink(entry, 'answerer', id);
        if (link === undefined) return;
        entry.attempts++;
        if (link.handleSignal(event.kind, event.payload) !== undefined) this.refusedSignals++;
        return;
      }
      this.staleSignals++;
    } catch {
      this.faults++;
    }
  }

  /**
   * Checks every link at `nowMs` (ms, the game loop's clock) and sets each peer's route: direct
   * while its link is open and alive; otherwise the relay while the host is reachable, else the
   * peer relay if some player linked to us reaches the peer, else the relay. Drops links that failed or closed and,
   * where we offer, makes a new one once `retryDelayMs` has passed. Never throws.
   */
  tick(nowMs: number): void {
    if (this.closed) return;
    this.lastNowMs = nowMs;
    try {
      this.options.peerRelay?.tick(nowMs); // announcements first: the decisions below read them
    } catch {
      this.faults++;
    }
    for (const entry of this.peers.values()) {
      try {
        this.tickPeer(entry, nowMs);
      } catch {
        this.faults++;
      }
    }
  }

  /** The current link to `slot`, if any (for an overlay, or a test that cuts it). */
  linkTo(slot: number): MeshLink | undefined {
    return this.peers.get(slot)?.link;
  }

  /** Closes every link (telling the other ends) and puts every peer back on the relay. Idempotent. */
  close(): void {
    if (this.closed) return;
    for (const entry of this.peers.values()) {
      this.retire(entry, 'closed');
      this.setRoute(entry, StandardRoute.Relay, this.lastNowMs);
    }
    this.peers.clear();
    this.options.peerRelay?.setPlayers([]);
    this.closed = true;
  }

  stats(): MeshStats {
    const peers: MeshPeerStats[] = [];
    for (const entry of this.peers.values()) {
      const link = entry.link;
      const rttMs = link?.rttMs;
      peers.push({
        slot: entry.slot,
        role: entry.role,
        route: this.options.transport.routeOf(entry.address),
        link: link?.state ?? 'none',
        ...(link === undefined ? {} : { linkId: link.link }),
        attempts: entry.attempts,
        ...(rttMs === undefined ? {} : { rttMs }),
        silences: entry.silences,
        ...(entry.lastEnd === undefined ? {} : { lastEnd: entry.lastEnd }),
      });
    }
    return { peers, staleSignals: this.staleSignals, strangerSignals: this.strangerSignals, refusedSignals: this.refusedSignals, faults: this.faults };
  }

  private tickPeer(entry: PeerEntry, nowMs: number): void {
    const link = entry.link;
    if (link !== undefined && (link.state === 'failed' || link.state === 'closed')) {
      entry.lastEnd = `${link.state} ${link.reason ?? ''}`.trim();
      this.retire(entry, 'ended');
      if (entry.role === 'offerer' && entry.attempts < this.maxAttempts) entry.retryAtMs = nowMs + this.retryDelayMs;
    }
    if (entry.link === undefined && entry.retryAtMs !== undefined && nowMs >= entry.retryAtMs) {
      entry.retryAtMs = undefined;
      this.offer(entry);
    }
    this.setRoute(entry, this.routeFor(entry, nowMs), nowMs);
  }

  /** Direct if the link is usable; else the relay while the host is up; else the peer relay if it reaches the peer; else the relay. */
  private routeFor(entry: PeerEntry, nowMs: number): RouteId {
    if (this.usable(entry, nowMs)) return StandardRoute.Direct;
    const peerRelay = this.options.peerRelay;
    if (this.hostUp || peerRelay === undefined) return StandardRoute.Relay;
    return peerRelay.canReach(entry.slot) ? PEER_RELAY_ROUTE : StandardRoute.Relay;
  }

  /**
   * Whether the pair should use its link at `nowMs`: open and alive, and, after the link went
   * silent `silences` times, alive without a break for `returnAfterMs` × 2^(silences − 1) (at most
   * MAX_RETURN_AFTER_MS). A silence counts once, when it takes the pair off the link.
   */
  private usable(entry: PeerEntry, nowMs: number): boolean {
    const link = entry.link;
    if (link === undefined || link.state !== 'open' || !link.alive) {
      if (link !== undefined && link.state === 'open' && entry.aliveSinceMs !== undefined && this.options.transport.routeOf(entry.address) === StandardRoute.Direct) {
        entry.silences++;
      }
      entry.aliveSinceMs = undefined;
      return false;
    }
    entry.aliveSinceMs ??= nowMs;
    if (entry.silences === 0) return true;
    const waitMs = Math.min(this.returnAfterMs * 2 ** (entry.silences - 1), MAX_RETURN_AFTER_MS);
    return nowMs - entry.aliveSinceMs >= waitMs;
  }

  /** Whether we have a link with `slot` at all (`directWith`); a throwing callback means no. */
  private wants(slot: number): boolean {
    const directWith = this.options.directWith;
    if (directWith === undefined) return true;
    try {
      return directWith(slot) === true;
    } catch {
      this.faults++;
      return false;
    }
  }

  /** Makes our offer to `entry` with a fresh id, if attempts remain. */
  private offer(entry: PeerEntry): void {
    if (entry.attempts >= this.maxAttempts || !this.wants(entry.slot)) return;
    let id = this.random() >>> 0;
    for (let i = 0; i < 4 && entry.retired.includes(id); i++) id = this.random() >>> 0;
    if (this.makeLink(entry, 'offerer', id) !== undefined) entry.attempts++;
  }

  private makeLink(entry: PeerEntry, role: 'offerer' | 'answerer', id: number): MeshLink | undefined {
    const { iceServers, iceTransportPolicy } = this.options;
    let link: MeshLink;
    try {
      link = this.createLink({
        ...this.options.link,
        ...(iceServers === undefined ? {} : { iceServers }),
        ...(iceTransportPolicy === undefined ? {} : { iceTransportPolicy }),
        role,
        link: id,
        signal: (kind, payload) => this.sendSignal(entry.slot, kind, id, payload),
      });
    } catch {
      this.faults++;
      return undefined;
    }
    entry.link = link;
    this.options.route.set(entry.address, link);
    this.options.peerRelay?.setLink(entry.slot, link);
    this.options.linkUser?.setLink(entry.slot, link);
    return link;
  }

  /** Closes `entry`'s link (if it is still going) and forgets it; its id is remembered as stale. */
  private retire(entry: PeerEntry, reason: string): void {
    const link = entry.link;
    if (link === undefined) return;
    entry.link = undefined;
    entry.silences = 0;
    entry.aliveSinceMs = undefined;
    entry.retired.push(link.link);
    if (entry.retired.length > MAX_RETIRED_IDS) entry.retired.shift();
    this.options.route.delete(entry.address);
    this.options.peerRelay?.deleteLink(entry.slot);
    this.options.linkUser?.deleteLink(entry.slot);
    try {
      link.close(reason);
    } catch {
      this.faults++;
    }
  }

  private sendSignal(to: number, kind: DirectSignalKind, link: number, payload: string): void {
    if (this.closed && kind !== 'close') return;
    try {
      this.options.sendSignal(to, kind, link, payload);
    } catch {
      this.faults++;
    }
  }

  private setRoute(entry: PeerEntry, route: RouteId, nowMs: number): void {
    try {
      this.options.transport.setRoute(entry.address, route, nowMs);
    } catch {
      this.faults++; // the transport lacks the route: a wiring bug
    }
  }
}
