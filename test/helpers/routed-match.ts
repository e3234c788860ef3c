import { SimulatedMatch } from '../../sdk/src/sim/simulated-match.ts';
import type { SimulatedSessionOptions } from '../../sdk/src/sim/simulated-match.ts';
import { SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import { RoutedTransport, StandardRoute } from '../../sdk/src/transport/routed-transport.ts';
import type { Route, RouteId } from '../../sdk/src/transport/routed-transport.ts';
import type { PeerAddress } from '../../sdk/src/transport/transport.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

/**
 * The relay's conditions for a profile's direct ones: every packet crosses the host, so twice the
 * one-way delay. Loss, jitter, duplication, reordering and freezes are kept: they are mostly the
 * members' own access links', which both routes share.
 */
export function relayProfile(direct: NetworkProfile): NetworkProfile {
  return { ...direct, rttMs: direct.rttMs * 2 };
}

/** One peer's route change toward one other peer, at a virtual time. */
export interface ScheduledSwitch {
  readonly atMs: number;
  readonly player: number;
  readonly peer: number;
  readonly route: RouteId;
}

/**
 * A route that a test can ask for its own round trip, as a direct link's liveness pings would
 * measure it: here the profile's, known in advance.
 */
function measuredRoute(inner: Route, rttMs: number): Route {
  return { send: (to, data) => inner.send(to, data), receive: () => inner.receive(), peerRttMs: () => rttMs };
}

export interface RoutedMatchOptions {
  readonly players: number;
  readonly seed: number;
  /** Direct links' conditions; the relay's are `relayProfile(profile)` unless `relay` is given. */
  readonly profile: NetworkProfile;
  readonly relay?: NetworkProfile;
  /** Every pair starts on this route. Default relay. */
  readonly startRoute?: RouteId;
  readonly switches?: readonly ScheduledSwitch[];
  /**
   * Whether the session hears of route changes (it drains them from its transport in `poll`).
   * Default true; false hands it a view of the transport without `drainRouteChanges`.
   */
  readonly notifySession?: boolean;
  readonly inputChangeRate?: number;
  readonly session?: SimulatedSessionOptions;
}

/**
 * A `SimulatedMatch` whose peers each talk through a `RoutedTransport` over two simulated networks
 * on one clock: the match's own for direct links, and a second one for the host's relay. Both use
 * the match's seed, so a sender's freezes (a background tab) fall at the same times on both routes.
 */
export class RoutedMatch {
  readonly clock = new VirtualClock();
  readonly relay: SimulatedNetwork;
  readonly match: SimulatedMatch;
  readonly transports: RoutedTransport[] = [];
  /** Route changes each peer's game loop applied: [player, peer, route, virtual ms]. */
  readonly applied: [number, number, RouteId, number][] = [];
  private readonly pending: ScheduledSwitch[];

  constructor(options: RoutedMatchOptions) {
    const relayConditions = options.relay ?? relayProfile(options.profile);
    this.relay = new SimulatedNetwork({ seed: options.seed, clock: this.clock, profile: relayConditions });
    this.pending = [...(options.switches ?? [])].sort((a, b) => a.atMs - b.atMs);
    const notify = options.notifySession ?? true;
    const addressOf = (player: number): PeerAddress => `peer-${player}`;
    this.match = new SimulatedMatch({
      players: options.players,
      seed: options.seed,
      profile: options.profile,
      clock: this.clock,
      ...(options.inputChangeRate === undefined ? {} : { inputChangeRate: options.inputChangeRate }),
      ...(options.session === undefined ? {} : { session: options.session }),
      transport: (player, direct) => {
        const transport = new RoutedTransport({
          routes: {
            [StandardRoute.Relay]: measuredRoute(this.relay.endpoint(addressOf(player)), relayConditions.rttMs),
            [StandardRoute.Direct]: measuredRoute(direct, options.profile.rttMs),
          },
          defaultRoute: options.startRoute ?? StandardRoute.Relay,
        });
        this.transports[player] = transport;
        if (notify) return transport;
        return { send: (to, data) => transport.send(to, data), receive: () => transport.receive() };
      },
      beforePoll: (player, nowMs) => {
        const transport = this.transports[player]!;
        for (let i = 0; i < this.pending.length; ) {
          const change = this.pending[i]!;
          if (change.atMs > nowMs) break;
          if (change.player !== player) {
            i++;
            continue;
          }
          this.pending.splice(i, 1);
          transport.setRoute(addressOf(change.peer), change.route, nowMs);
          this.applied.push([player, change.peer, change.route, nowMs]);
        }
        if (!notify) transport.drainRouteChanges();
      },
    });
  }
}

/**
 * Random route switches for every pair of players: `perPair` of them, alternating away from the
 * start route and back, at random moments in [fromMs, toMs). The two sides of a pair switch apart
 * by a random delay of up to `skewMs` (the news reaches each side on its own), in either order.
 */
export function randomSwitches(options: {
  readonly players: number;
  readonly seed: number;
  readonly perPair: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly skewMs: number;
  readonly startRoute?: RouteId;
}): ScheduledSwitch[] {
  const rng = new Prng(options.seed ^ 0x5717c4);
  const start = options.startRoute ?? StandardRoute.Relay;
  const other = start === StandardRoute.Relay ? StandardRoute.Direct : StandardRoute.Relay;
  const out: ScheduledSwitch[] = [];
  for (let a = 0; a < options.players; a++) {
    for (let b = a + 1; b < options.players; b++) {
      // One switch in each of `perPair` equal slots, early enough in its slot for the later side
      // to switch before the next one: a side must never see a pair's switches out of order.
      const slotMs = Math.floor((options.toMs - options.fromMs) / options.perPair);
      if (slotMs <= options.skewMs) throw new RangeError('randomSwitches: switches closer than the skew');
      const times = Array.from({ length: options.perPair }, (_, i) => options.fromMs + i * slotMs + rng.nextInt(slotMs - options.skewMs));
      times.forEach((atMs, i) => {
        const route = i % 2 === 0 ? other : start;
        const skew = rng.nextInt(options.skewMs + 1);
        const [first, second] = rng.nextInt(2) === 0 ? [a, b] : [b, a];
        out.push({ atMs, player: first, peer: second, route }, { atMs: atMs + skew, player: second, peer: first, route });
      });
    }
  }
  return out;
}
