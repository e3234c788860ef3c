import type { RouteId, RoutedPeerStats } from './routed-transport.ts';

/** One route's round trip to a peer, as a network overlay shows it. */
export interface RouteRtt {
  /** The route ('relay', 'direct', 'peer-relay', ...). */
  readonly route: RouteId;
  /** Whether our packets to the peer take this route now. */
  readonly active: boolean;
  /** Round trip (ms), or undefined when nothing measures it. */
  readonly rttMs: number | undefined;
}

/**
 * The round trip of every route to one peer, from the routed transport's stats and the session's
 * (`PeerStats.rttMs`, or anything with an `rttMs`). The active route's figure is the session's:
 * it measures the route its packets take, and restarts from a fresh sample when the route changes
 * (`P2PSession.routeChanged`). While it has none (0, for one round trip after a change) the
 * route's own measurement stands in, if it makes one. An inactive route has only its own
 * (`Route.peerRttMs`, e.g. a direct link's liveness pings).
 */
export function routeRtts(routed: RoutedPeerStats, session: { readonly rttMs: number }): readonly RouteRtt[] {
  return routed.routes.map((traffic) => {
    const active = traffic.route === routed.active;
    const rttMs = active && session.rttMs > 0 ? session.rttMs : traffic.rttMs;
    return { route: traffic.route, active, rttMs };
  });
}
