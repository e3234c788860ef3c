import type { PeerAddress } from './transport.ts';
import type { RouteChange, RoutedTransport } from './routed-transport.ts';

/** What of a session hears of route changes: `P2PSession.routeChanged`. */
export interface RouteChangeListener {
  routeChanged(player: number): void;
}

/**
 * Tells the session of every route change since the last call, so that it drops the old route's
 * round-trip and time-sync estimates for that peer (`P2PSession.routeChanged`). Call it once per
 * tick, before `session.poll(nowMs)`, so that the quality report that measures the new route goes
 * out in that poll. `handleOf` maps a peer address to its player handle (-1 or undefined: not a
 * player of this session, skipped); for a hosted match,
 * `(peer) => match.handleOf(addressSlot(peer) ?? -1)`. Returns the changes, for a log or overlay.
 */
export function applyRouteChanges(
  transport: Pick<RoutedTransport, 'drainRouteChanges'>,
  session: RouteChangeListener,
  handleOf: (peer: PeerAddress) => number | undefined,
): readonly RouteChange[] {
  const changes = transport.drainRouteChanges();
  for (const change of changes) {
    const handle = handleOf(change.peer);
    if (handle !== undefined && handle >= 0) session.routeChanged(handle);
  }
  return changes;
}
