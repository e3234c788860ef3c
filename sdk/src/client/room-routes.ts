import type { IceServer, IceTransportPolicy } from '../direct/ice-config.ts';
import type { DirectLinkState } from '../direct/direct-link.ts';
import type { DirectSignalKind } from '../direct/direct-signal.ts';
import { DirectRoute } from '../mesh/direct-route.ts';
import { MeshLinks } from '../mesh/mesh-links.ts';
import { PEER_RELAY_ROUTE, PeerRelayRoute } from '../mesh/peer-relay-route.ts';
import type { PeerRelayStats } from '../mesh/peer-relay-route.ts';
import type { MeshLink, MeshLinkFactory, MeshLinkUser, MeshLinksOptions, MeshStats } from '../mesh/mesh-links.ts';
import { addressSlot, slotAddress } from '../relay/relay-route.ts';
import { PLAYER_SLOTS } from '../room/room-state.ts';
import type { RoomClientEvent } from '../relay/room-client.ts';
import { RoutedTransport, StandardRoute } from '../transport/routed-transport.ts';
import type { Route, RouteId } from '../transport/routed-transport.ts';
import { routeRtts } from '../transport/route-rtts.ts';
import type { RouteRtt } from '../transport/route-rtts.ts';
import type { Transport } from '../transport/transport.ts';

/**
 * How a member makes direct links to the other players (`connectToRoom`'s `direct` option).
 * Every field is optional: `{}` is a LAN (host candidates only, no outside server).
 */
export interface DirectLinksOptions {
  /**
   * STUN and TURN servers, passed to every link. Default `[]`: on one LAN the players' host
   * candidates reach each other and nothing outside is contacted. Players behind different NATs
   * need STUN, and TURN (e.g. coturn) when a NAT is symmetric; see docs/transports.md.
   */
  readonly iceServers?: readonly IceServer[];
  /** `'relay'` sends every link through TURN (for privacy, or to test TURN). Default `'all'`. */
  readonly iceTransportPolicy?: IceTransportPolicy;
  /** Setup timeout and liveness of each link (see `DirectLinkOptions`). */
  readonly link?: NonNullable<MeshLinksOptions['link']>;
  /**
   * How long the offerer waits after a link failed or closed before it tries again (ms). Default
   * 2000.
   */
  readonly retryDelayMs?: number;
  /**
   * Links the offerer makes to one peer per match at most. Default 3; a pair whose network lets
   * no link open then stays on the relay.
   */
  readonly maxAttempts?: number;
  /**
   * How long a link that went silent must answer again, without a break, before the pair goes back
   * to it (ms). Default 1000, doubled for each further silence of the same link, up to 8000.
   */
  readonly returnAfterMs?: number;
  /** Whether to have a direct link with the player in `slot` (default every player; see `MeshLinksOptions`). */
  readonly directWith?: (slot: number) => boolean;
  /**
   * Makes links (default `new DirectLink(options)`): a seam for tests.
   *
   * @internal
   */
  readonly createLink?: MeshLinkFactory;
}

/** What a member needs of its room for routes: its slot, the relay, and signals through the host. */
export interface RoomRoutesMember {
  readonly slot: number;
  /** The host's relay (a `RelayRoute`): always there, and every pair's fallback. */
  readonly relay: Transport;
  /** Sends a signal to another player through the host (`RoomClient.signal`). May throw; guarded. */
  readonly signal: (to: number, kind: DirectSignalKind, link: number, payload: string) => unknown;
  /**
   * Each member's round trip to the host (slot → ms; `RoomClient.pings`), if known: the relay's
   * round trip to a player is estimated as ours plus theirs, for an overlay while the pair is
   * direct and the session measures only the link.
   */
  readonly hostRtts?: () => ReadonlyMap<number, number>;
}

/** One other player of the current match as an overlay shows it. */
export interface PeerRoute {
  /** That player's slot (address `slot:N`). */
  readonly slot: number;
  /** The route our packets to this player take now. */
  readonly route: RouteId;
  /** The direct link's state: `'none'` while there is none (waiting for an offer or a retry), `'off'` with direct links turned off. */
  readonly link: DirectLinkState | 'none' | 'off';
  /** The round trip of each route (ms), the active one's from the session when it is given. */
  readonly routes: readonly RouteRtt[];
}

/** The relay as a route: the member's relay transport, with the relay's round trip to a peer estimated from the host's pings. */
function relayRoute(member: RoomRoutesMember): Route {
  const { relay, hostRtts, slot } = member;
  if (hostRtts === undefined) return relay;
  return {
    send: (to, data) => relay.send(to, data),
    receive: () => relay.receive(),
    peerRttMs: (peer) => {
      const other = addressSlot(peer);
      const pings = hostRtts();
      const ours = pings.get(slot);
      const theirs = other === undefined ? undefined : pings.get(other);
      return ours === undefined || theirs === undefined ? undefined : ours + theirs;
    },
  };
}

/**
 * A member's routes to the other players of its room: the host's relay for every pair, and a
 * direct WebRTC link for each pair of players in a match (`MeshLinks`), with one `RoutedTransport`
 * over both as the session's transport. A peer keeps its `slot:N` address on every route, and the
 * session takes the route changes itself (`Transport.drainRouteChanges`), so a match session
 * neither knows nor cares which way a packet went.
 *
 * It lives as long as the member's room connection, so that an open link is kept from one match
 * to the next (one peer connection per pair for the life of the room where possible). Feed it
 * every room event (`take`) and call `tick` every few ms; `connectToRoom` does both.
 *
 * Pure apart from the links themselves, which run WebRTC and their own timers.
 */
export class RoomRoutes {
  /** The session's transport: relay and direct routes, addresses `slot:N`. */
  readonly transport: RoutedTransport;
  /** This member's slot. */
  readonly slot: number;
  private readonly mesh: MeshLinks | undefined;
  private readonly direct: DirectRoute | undefined;
  private readonly peerRelay: PeerRelayRoute | undefined;
  /** The other players we link to: the room's while it is in its lobby, the match's while we play in it. */
  private players: readonly number[] = [];

  /**
   * `linkUser` is told of every direct link as the peer relay is: the member's host migration
   * (`RoomMigration`), which carries its own frames on them.
   */
  constructor(member: RoomRoutesMember, options: DirectLinksOptions | false = {}, linkUser?: MeshLinkUser) {
    this.slot = member.slot;
    const relay = relayRoute(member);
    if (options === false) {
      this.transport = new RoutedTransport({ routes: { [StandardRoute.Relay]: relay }, defaultRoute: StandardRoute.Relay });
      return;
    }
    const direct = new DirectRoute();
    this.direct = direct;
    const peerRelay = new PeerRelayRoute({ slot: member.slot });
    this.peerRelay = peerRelay;
    this.transport = new RoutedTransport({
      routes: { [StandardRoute.Relay]: relay, [StandardRoute.Direct]: direct, [PEER_RELAY_ROUTE]: peerRelay },
      defaultRoute: StandardRoute.Relay,
    });
    this.mesh = new MeshLinks({
      slot: member.slot,
      transport: this.transport,
      route: direct,
      peerRelay,
      sendSignal: member.signal,
      ...options,
      ...(linkUser === undefined ? {} : { linkUser }),
    });
  }

  /**
   * Takes one room event. A `signal` goes to its link and is consumed (false: not for the game);
   * a `room-state` of a room in its lobby sets up links to every other player of the room (keeping
   * those already open; a spectator links to nobody); a `match-start` this member plays in keeps
   * the links to its other players; one it does not play in closes them; a `room-state` during a
   * match closes the links of players who left the room. Returns true for every event the game
   * should see.
   *
   * @internal `connectToRoom` feeds it.
   */
  take(event: RoomClientEvent): boolean {
    switch (event.type) {
      case 'signal':
        this.mesh?.handleSignal(event);
        return false;
      case 'match-start': {
        const playing = event.match.players.includes(this.slot);
        this.players = playing ? event.match.players.filter((s) => s !== this.slot) : [];
        this.mesh?.setPeers(this.players);
        return true;
      }
      case 'room-state': {
        if (event.state.phase === 'lobby' && this.slot < PLAYER_SLOTS) {
          // In the lobby every player links to every other one, before any match: the links are
          // ready when the match starts, and, should the host go, the room can move to a player
          // (host migration needs a link, or a third player, to each member).
          // A player is linked to once its channel is up (before, the host could not pass it our
          // offer), and kept while it reconnects.
          const others = event.state.members.filter((m) => m.role === 'player' && m.slot !== this.slot && (m.connected || this.players.includes(m.slot))).map((m) => m.slot);
          if (others.length !== this.players.length || others.some((s, i) => s !== this.players[i])) {
            this.players = others;
            this.mesh?.setPeers(others);
          }
          return true;
        }
        const members = new Set(event.state.members.map((m) => m.slot));
        const staying = this.players.filter((s) => members.has(s));
        if (staying.length !== this.players.length) {
          this.players = staying;
          this.mesh?.setPeers(staying);
        }
        return true;
      }
      default:
        return true;
    }
  }

  /**
   * Whether the host's relay reaches the other players: `connectToRoom` says so at each change of
   * its connection (true while `connected`). Without the host, a pair with no usable direct link
   * goes through a third player linked to both (`'peer-relay'`) from the next `tick`. It is also
   * what this member tells its peers (in its Reach frames) about hearing the host.
   *
   * @internal `connectToRoom` calls it.
   */
  hostReachable(yes: boolean): void {
    if (this.peerRelay !== undefined) this.peerRelay.hearsHost = yes;
    this.mesh?.hostReachable(yes);
  }

  /**
   * The other players of the match who said within the last second, over their direct links, that
   * their connection to the host is up. Not empty while ours is down: the host is there and only
   * our path to it is broken, so we keep reconnecting rather than count the host as gone.
   */
  peersHearingHost(): readonly number[] {
    return this.peerRelay?.peersHearingHost() ?? [];
  }

  /**
   * The player that would carry our packets to `slot` when we have no usable link to it (the peer relay's choice), if any.
   *
   * @internal host migration asks it.
   */
  relayFor(slot: number): number | undefined {
    return this.peerRelay?.relayFor(slot);
  }

  /** The peer relay's counters (undefined with direct links off). */
  peerRelayStats(): PeerRelayStats | undefined {
    return this.peerRelay?.stats;
  }

  /**
   * Checks the links and sets each pair's route (ms, the caller's monotonic clock). Never throws.
   *
   * @internal `connectToRoom` calls it every few ms.
   */
  tick(nowMs: number): void {
    this.mesh?.tick(nowMs);
  }

  /**
   * The other players of the current match: route, link state and the round trip of each route.
   * `sessionRttMs(slot)` gives the session's round trip to that player (`PeerStats.rttMs`), which
   * measures the active route; without it each route's own figure is shown.
   */
  peers(sessionRttMs?: (slot: number) => number | undefined): readonly PeerRoute[] {
    const links = new Map((this.mesh?.stats().peers ?? []).map((p) => [p.slot, p.link] as const));
    return this.players.map((slot) => {
      const stats = this.transport.peerStats(slotAddress(slot));
      return {
        slot,
        route: stats.active,
        link: this.mesh === undefined ? 'off' : (links.get(slot) ?? 'none'),
        routes: routeRtts(stats, { rttMs: sessionRttMs?.(slot) ?? 0 }),
      };
    });
  }

  /** The mesh's counters (undefined with direct links off). */
  meshStats(): MeshStats | undefined {
    return this.mesh?.stats();
  }

  /**
   * The current direct link to `slot`, if any: for a test that cuts it.
   *
   * @internal for tests.
   */
  linkTo(slot: number): MeshLink | undefined {
    return this.mesh?.linkTo(slot);
  }

  /** Datagrams the direct route dropped because the peer's link was not open. */
  get directDropped(): number {
    return this.direct?.dropped ?? 0;
  }

  /** Closes every direct link (telling the other ends); the relay stays. Idempotent. */
  close(): void {
    this.mesh?.close();
    this.players = [];
  }
}
