import type { Datagram, PeerAddress, Transport } from './transport.ts';

/**
 * The name of one way to reach peers: `'relay'` (through the host), `'direct'` (a WebRTC data
 * channel between the two players), or any other a later layer adds (e.g. `'peer-relay'`, through
 * a third player). A plain string, so that adding a route changes no type.
 */
export type RouteId = string;

/** The routes the SDK knows by name. Others are allowed: see `RouteId`. */
export const StandardRoute = {
  /** Through the host's relay: always there, two hops. */
  Relay: 'relay',
  /** A data channel between the two players: one hop, when the network lets one open. */
  Direct: 'direct',
} as const;
export type StandardRoute = (typeof StandardRoute)[keyof typeof StandardRoute];

/**
 * One route: a `Transport` for the peers it reaches, addressed with the same peer addresses as
 * the session uses (`slot:N`), whatever it does below. It may measure its own round trip to a
 * peer (a direct link's liveness pings): the overlay shows it for a route that is not active,
 * where the session measures nothing.
 */
export interface Route extends Transport {
  /** This route's own round trip to `peer` (ms), if it measures one; undefined if not (yet). */
  peerRttMs?(peer: PeerAddress): number | undefined;
}

/** A change of the route that carries our packets to one peer, as `drainRouteChanges` returns it. */
export interface RouteChange {
  /** The peer whose route changed. */
  readonly peer: PeerAddress;
  /** The route it left. */
  readonly from: RouteId;
  /** The route it takes now. */
  readonly to: RouteId;
  /** When it was made (ms, the caller's clock as passed to `setRoute`). */
  readonly atMs: number;
}

/** Traffic with one peer on one route, since the routed transport was made. */
export interface RouteTraffic {
  /** The route. */
  readonly route: RouteId;
  /** Datagrams we sent to the peer on this route, and their payload bytes. */
  readonly packetsSent: number;
  /** Payload bytes of `packetsSent`. */
  readonly bytesSent: number;
  /** Datagrams from the peer that this route delivered, and their payload bytes. */
  readonly packetsReceived: number;
  /** Payload bytes of `packetsReceived`. */
  readonly bytesReceived: number;
  /** The route's own round trip to the peer (ms), when it measures one (`Route.peerRttMs`). */
  readonly rttMs?: number;
}

/** What the routed transport knows of one peer, for a network overlay. */
export interface RoutedPeerStats {
  /** The peer's address. */
  readonly peer: PeerAddress;
  /** The route our packets to this peer take now. */
  readonly active: RouteId;
  /** When the active route was chosen (ms; -Infinity: the default route, never changed). */
  readonly sinceMs: number;
  /** Route changes so far. */
  readonly changes: number;
  /** Every route of the transport, in the order they were added. */
  readonly routes: readonly RouteTraffic[];
}

/** The routes of a `RoutedTransport`, and the one every peer starts on. */
export interface RoutedTransportOptions {
  /** The routes, by id. At least one; more may be added later (`addRoute`). */
  readonly routes: Readonly<Record<RouteId, Route>>;
  /** The route of a peer until `setRoute` picks another. Must be one of `routes`. */
  readonly defaultRoute: RouteId;
}

/** Route changes kept for `drainRouteChanges` at most; the oldest go (a game that never drains). */
const MAX_PENDING_CHANGES = 256;

/** Per route, per peer counters. */
class Counters {
  packetsSent = 0;
  bytesSent = 0;
  packetsReceived = 0;
  bytesReceived = 0;
}

/** One peer's route and counters. */
class PeerRoutes {
  active: RouteId;
  sinceMs = -Infinity;
  changes = 0;
  readonly counters = new Map<RouteId, Counters>();

  constructor(active: RouteId) {
    this.active = active;
  }

  counter(route: RouteId): Counters {
    let counters = this.counters.get(route);
    if (counters === undefined) {
      counters = new Counters();
      this.counters.set(route, counters);
    }
    return counters;
  }
}

/**
 * One `Transport` over several routes per peer, so that a peer keeps one address (its identity in
 * the session: `slot:N`) while the way its packets travel changes below, e.g. from the host's
 * relay to a direct WebRTC link and back, in the middle of a match.
 *
 * - `send` takes the peer's active route only.
 * - `receive` drains every route and delivers what each brought, from any peer, whether or not
 *   that route is the peer's active one: during a switch both routes carry packets (ours may have
 *   switched before the peer's, and packets already on the old route still arrive), and losing
 *   them would be a loss the switch caused. The result is the reordering and duplication that
 *   the `Transport` contract already allows; there is no deduplication here.
 * - `setRoute` switches and records the change with its time; `drainRouteChanges` hands the
 *   changes to the session (it drains them in `poll`; see `Transport.drainRouteChanges`), so that
 *   it drops the old route's round-trip and time-sync estimates.
 *
 * Pure and synchronous: no clock (times are passed in), no timers, no I/O of its own. Deciding
 * when to switch (a data channel opened, its pings stopped) belongs to the layer that owns the
 * routes.
 */
export class RoutedTransport implements Transport {
  private readonly routes = new Map<RouteId, Route>();
  private readonly peers = new Map<PeerAddress, PeerRoutes>();
  private readonly defaultRoute: RouteId;
  private changes: RouteChange[] = [];

  constructor(options: RoutedTransportOptions) {
    for (const [id, route] of Object.entries(options.routes)) this.routes.set(id, route);
    if (!this.routes.has(options.defaultRoute)) {
      throw new RangeError(`RoutedTransport: default route ${JSON.stringify(options.defaultRoute)} is not one of the routes (${[...this.routes.keys()].join(', ')})`);
    }
    this.defaultRoute = options.defaultRoute;
  }

  /** Adds a route that came up after the start (e.g. the direct adapter, once signaled). Throws if the id is taken. */
  addRoute(id: RouteId, route: Route): void {
    if (this.routes.has(id)) throw new RangeError(`RoutedTransport: route ${JSON.stringify(id)} exists already`);
    this.routes.set(id, route);
  }

  /** The route our packets to `peer` take now. */
  routeOf(peer: PeerAddress): RouteId {
    return this.peers.get(peer)?.active ?? this.defaultRoute;
  }

  /**
   * Sends our packets to `peer` on `route` from now on, and records the change at `nowMs` (ms)
   * for `drainRouteChanges`. Choosing the route already active does nothing and records nothing.
   * Throws a `RangeError` for an unknown route: a programming error, not a network event.
   */
  setRoute(peer: PeerAddress, route: RouteId, nowMs: number): void {
    if (!this.routes.has(route)) throw new RangeError(`RoutedTransport: no route ${JSON.stringify(route)}`);
    const entry = this.peer(peer);
    if (entry.active === route) return;
    const change: RouteChange = { peer, from: entry.active, to: route, atMs: nowMs };
    entry.active = route;
    entry.sinceMs = nowMs;
    entry.changes++;
    if (this.changes.length >= MAX_PENDING_CHANGES) this.changes.shift();
    this.changes.push(change);
  }

  /** The route changes since the last call, oldest first. */
  drainRouteChanges(): readonly RouteChange[] {
    if (this.changes.length === 0) return [];
    const out = this.changes;
    this.changes = [];
    return out;
  }

  send(to: PeerAddress, data: Uint8Array): void {
    const entry = this.peer(to);
    const route = this.routes.get(entry.active);
    if (route === undefined) return; // cannot happen: routes are never removed
    const counters = entry.counter(entry.active);
    counters.packetsSent++;
    counters.bytesSent += data.byteLength;
    route.send(to, data);
  }

  receive(): readonly Datagram[] {
    let all: Datagram[] | undefined;
    let only: readonly Datagram[] = [];
    for (const [id, route] of this.routes) {
      const datagrams = route.receive();
      if (datagrams.length === 0) continue;
      for (const datagram of datagrams) {
        // Only peers we know (sent to, or routed) get counters, so odd senders cannot grow the map.
        const counters = this.peers.get(datagram.from)?.counter(id);
        if (counters !== undefined) {
          counters.packetsReceived++;
          counters.bytesReceived += datagram.data.byteLength;
        }
      }
      // The common case, one route with traffic, hands its array on as it is.
      if (all === undefined && only.length === 0) {
        only = datagrams;
        continue;
      }
      all ??= [...only];
      for (const datagram of datagrams) all.push(datagram);
    }
    return all ?? only;
  }

  /** Per-route traffic with `peer`, its active route, and each route's own round trip where it measures one. */
  peerStats(peer: PeerAddress): RoutedPeerStats {
    const entry = this.peers.get(peer);
    const routes: RouteTraffic[] = [];
    for (const [id, route] of this.routes) {
      const counters = entry?.counters.get(id);
      const rttMs = route.peerRttMs?.(peer);
      routes.push({
        route: id,
        packetsSent: counters?.packetsSent ?? 0,
        bytesSent: counters?.bytesSent ?? 0,
        packetsReceived: counters?.packetsReceived ?? 0,
        bytesReceived: counters?.bytesReceived ?? 0,
        ...(rttMs === undefined ? {} : { rttMs }),
      });
    }
    return { peer, active: entry?.active ?? this.defaultRoute, sinceMs: entry?.sinceMs ?? -Infinity, changes: entry?.changes ?? 0, routes };
  }

  private peer(address: PeerAddress): PeerRoutes {
    let entry = this.peers.get(address);
    if (entry === undefined) {
      entry = new PeerRoutes(this.defaultRoute);
      this.peers.set(address, entry);
    }
    return entry;
  }
}
