import type { Datagram, PeerAddress, Transport } from '../transport/transport.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { LinkRandom, hashStreamKey } from './link-random.ts';
import { PERFECT_NETWORK_PROFILE, parseNetworkProfile } from './network-profile.ts';
import type { NetworkProfile } from './network-profile.ts';
import type { VirtualClock } from './virtual-clock.ts';

/** A simulated network's seed, clock and default link conditions. */
export interface SimulatedNetworkOptions {
  /** Any safe integer. The same seed and the same sends at the same times give the same deliveries. */
  readonly seed: number;
  /**
   * Time source (ms). Normally a `VirtualClock`; any monotonic clock works (the demo may pass one
   * reading `performance.now()`), at the cost of determinism.
   */
  readonly clock: Pick<VirtualClock, 'now'>;
  /** Conditions of every link until changed. Default: `PERFECT_NETWORK_PROFILE` (no delay, no loss). */
  readonly profile?: NetworkProfile;
}

/** One peer's attachment to a `SimulatedNetwork`. */
export interface SimulatedEndpoint extends Transport {
  /** Its address on the network. */
  readonly address: PeerAddress;
}

/** Counters of one directed link, or of the whole network. All are packet counts except `bytesSent`. */
export interface LinkStats {
  /** `send` calls, including those then dropped or lost. */
  readonly sent: number;
  /** Bytes passed to those `send` calls. */
  readonly bytesSent: number;
  /** Handed out by the receiver's `receive`. Duplicates count each time. */
  readonly delivered: number;
  /** Lost by the profile's loss model (independent and burst loss). */
  readonly lost: number;
  /** Extra copies created by the profile's `duplicate`. */
  readonly duplicated: number;
  /** Discarded because the sender or the receiver was killed, the destination never existed, or an outage dropped it. */
  readonly dropped: number;
  /** Scheduled but not yet handed out: sent + duplicated - lost - dropped - delivered. */
  readonly inFlight: number;
}

export interface LinkStatsEntry extends LinkStats {
  /** The sending end. */
  readonly from: PeerAddress;
  /** The receiving end. */
  readonly to: PeerAddress;
}

/** What the simulated network carried, dropped and delayed, in all and per directed link. */
export interface NetworkStats {
  /** Every link's counters summed. */
  readonly total: LinkStats;
  /** Every directed link that carried (or tried to carry) a packet or has its own profile, in creation order. */
  readonly links: readonly LinkStatsEntry[];
}

const NOTHING: readonly Datagram[] = Object.freeze([]);
const TWO_TO_32 = 4294967296;

/** One direction between two addresses: its random stream, burst-loss state, profile override and counters. */
class Link {
  readonly from: PeerAddress;
  readonly to: PeerAddress;
  readonly random: LinkRandom;
  /** Overrides the network-wide profile when set. */
  profile: NetworkProfile | undefined = undefined;
  /** Whether the previous packet on this link was lost (the Gilbert-Elliott "bad" state). */
  lastLost = false;
  sent = 0;
  bytesSent = 0;
  delivered = 0;
  lost = 0;
  duplicated = 0;
  dropped = 0;

  constructor(from: PeerAddress, to: PeerAddress, seed: number) {
    this.from = from;
    this.to = to;
    this.random = new LinkRandom(hashStreamKey(seed, ['link', from, to]));
  }
}

/**
 * Everything the network knows about one address. Outlives the endpoints attached to it, so a
 * peer that is killed and rejoins keeps its links' counters, streams and freeze phase.
 */
class Host {
  readonly address: PeerAddress;
  /** Where this address's freezes fall within each period, as a fraction in [0, 1). */
  readonly freezePhase: number;
  readonly outgoing = new Map<PeerAddress, Link>();
  readonly inbox = new DeliveryQueue<Link>();
  /** The live endpoint, if any. An endpoint whose host points elsewhere is dead. */
  endpoint: Endpoint | undefined = undefined;

  constructor(address: PeerAddress, seed: number) {
    this.address = address;
    this.freezePhase = hashStreamKey(seed, ['freeze', address]) / TWO_TO_32;
  }
}

class Endpoint implements SimulatedEndpoint {
  readonly address: PeerAddress;
  readonly #core: NetworkCore;
  readonly #host: Host;

  constructor(core: NetworkCore, host: Host) {
    this.address = host.address;
    this.#core = core;
    this.#host = host;
  }

  send(to: PeerAddress, data: Uint8Array): void {
    this.#core.send(this, this.#host, to, data);
  }

  receive(): readonly Datagram[] {
    return this.#core.receive(this, this.#host);
  }
}

/**
 * When a packet sent at `nowMs` leaves the sender (ms). Freeze windows start at
 * (phase + k) * everyMs for k = 0, 1, ...; a packet sent inside one is held until the window ends.
 */
function departureTime(profile: NetworkProfile, phase: number, nowMs: number): number {
  const freezes = profile.freezes;
  if (freezes === undefined || freezes.forMs === 0) return nowMs;
  const firstStart = phase * freezes.everyMs;
  if (nowMs < firstStart) return nowMs;
  const windowStart = firstStart + Math.floor((nowMs - firstStart) / freezes.everyMs) * freezes.everyMs;
  // Computed from the window index, not from nowMs, so every packet held by one window gets the
  // exact same release time and keeps its send order on a jitter-free link.
  const windowEnd = windowStart + freezes.forMs;
  return nowMs < windowEnd ? windowEnd : nowMs;
}

/**
 * One-way network delay of one packet (ms): rttMs / 2 plus uniform jitter in ±jitterMs, clamped at
 * 0; then, with probability `reorder`, an extra rttMs / 2 + uniform [0, 2 * jitterMs) — the packet
 * took a slow path and lands behind everything sent within roughly the next one-way time. (With
 * rttMs and jitterMs both 0 the extra is 0, so `reorder` has no effect on such a link.)
 */
function oneWayDelay(profile: NetworkProfile, random: LinkRandom): number {
  const half = profile.rttMs * 0.5;
  const jitter = profile.jitterMs;
  let delay = half;
  if (jitter > 0) {
    delay += (random.nextFloat() * 2 - 1) * jitter;
    if (delay < 0) delay = 0;
  }
  if (profile.reorder > 0 && random.nextFloat() < profile.reorder) {
    delay += half;
    if (jitter > 0) delay += random.nextFloat() * 2 * jitter;
  }
  return delay;
}

function snapshot(link: Link): LinkStatsEntry {
  return {
    from: link.from,
    to: link.to,
    sent: link.sent,
    bytesSent: link.bytesSent,
    delivered: link.delivered,
    lost: link.lost,
    duplicated: link.duplicated,
    dropped: link.dropped,
    inFlight: link.sent + link.duplicated - link.lost - link.dropped - link.delivered,
  };
}

/** The state and the per-packet logic, kept out of the public class so endpoints can reach it. */
class NetworkCore {
  readonly #seed: number;
  readonly #clock: Pick<VirtualClock, 'now'>;
  readonly #hosts = new Map<PeerAddress, Host>();
  #profile: NetworkProfile;
  /** A network-wide outage: packets sent before this time (ms) are held until it, or dropped. */
  #outageUntilMs = -Infinity;
  #outageDrops = false;

  constructor(options: SimulatedNetworkOptions) {
    if (!Number.isSafeInteger(options.seed)) {
      throw new RangeError(`SimulatedNetwork: seed must be a safe integer, got ${options.seed}`);
    }
    this.#seed = options.seed;
    this.#clock = options.clock;
    this.#profile = options.profile === undefined ? PERFECT_NETWORK_PROFILE : parseNetworkProfile(options.profile);
  }

  endpoint(address: PeerAddress): SimulatedEndpoint {
    if (typeof address !== 'string' || address.length === 0) {
      throw new Error(`SimulatedNetwork.endpoint: address must be a non-empty string, got ${String(address)}`);
    }
    const host = this.#host(address);
    if (host.endpoint !== undefined) {
      throw new Error(`SimulatedNetwork.endpoint: address ${JSON.stringify(address)} already has a live endpoint`);
    }
    const endpoint = new Endpoint(this, host);
    host.endpoint = endpoint;
    return endpoint;
  }

  kill(address: PeerAddress): void {
    const host = this.#hosts.get(address);
    if (host === undefined || host.endpoint === undefined) return;
    host.endpoint = undefined;
    host.inbox.clear(countDropped);
  }

  outage(forMs: number, drop: boolean): void {
    if (typeof forMs !== 'number' || !Number.isFinite(forMs) || forMs < 0) {
      throw new RangeError(`SimulatedNetwork.outage: forMs must be a finite number >= 0, got ${String(forMs)}`);
    }
    this.#outageUntilMs = this.#clock.now() + forMs;
    this.#outageDrops = drop;
  }

  setProfile(profile: NetworkProfile): void {
    this.#profile = parseNetworkProfile(profile);
    for (const host of this.#hosts.values()) {
      for (const link of host.outgoing.values()) link.profile = undefined;
    }
  }

  setLinkProfile(from: PeerAddress, to: PeerAddress, profile: NetworkProfile | undefined): void {
    this.#link(this.#host(from), to).profile = profile === undefined ? undefined : parseNetworkProfile(profile);
  }

  send(endpoint: Endpoint, host: Host, to: PeerAddress, data: Uint8Array): void {
    const link = host.outgoing.get(to) ?? this.#link(host, to);
    link.sent++;
    link.bytesSent += data.byteLength;
    const destination = this.#hosts.get(to);
    if (host.endpoint !== endpoint || destination === undefined || destination.endpoint === undefined) {
      link.dropped++;
      return;
    }

    const now = this.#clock.now();
    if (now < this.#outageUntilMs && this.#outageDrops) {
      link.dropped++;
      return;
    }
    const profile = link.profile ?? this.#profile;
    const random = link.random;
    const burst = profile.burstLoss;
    const lossChance = link.lastLost && burst !== undefined ? burst.repeat : profile.loss;
    if (lossChance > 0 && random.nextFloat() < lossChance) {
      link.lastLost = true;
      link.lost++;
      return;
    }
    link.lastLost = false;

    const departAt = Math.max(departureTime(profile, host.freezePhase, now), this.#outageUntilMs);
    // `new Uint8Array(view)` copies only the view's bytes, and copies a Node Buffer too (whose
    // `slice` would alias).
    destination.inbox.push(departAt + oneWayDelay(profile, random), link, new Uint8Array(data));
    if (profile.duplicate > 0 && random.nextFloat() < profile.duplicate) {
      link.duplicated++;
      // Its own bytes, so a receiver that mutates one copy cannot corrupt the other.
      destination.inbox.push(departAt + oneWayDelay(profile, random), link, new Uint8Array(data));
    }
  }

  receive(endpoint: Endpoint, host: Host): readonly Datagram[] {
    const inbox = host.inbox;
    const now = this.#clock.now();
    if (host.endpoint !== endpoint || inbox.peekTime() > now) return NOTHING;
    const arrived: Datagram[] = [];
    do {
      const link = inbox.peekTag();
      arrived.push({ from: link.from, data: inbox.peekData() });
      link.delivered++;
      inbox.pop();
    } while (inbox.peekTime() <= now);
    return arrived;
  }

  nextDeliveryTime(): number {
    let next = Infinity;
    for (const host of this.#hosts.values()) {
      const time = host.inbox.peekTime();
      if (time < next) next = time;
    }
    return next;
  }

  stats(): NetworkStats {
    const links: LinkStatsEntry[] = [];
    let sent = 0;
    let bytesSent = 0;
    let delivered = 0;
    let lost = 0;
    let duplicated = 0;
    let dropped = 0;
    for (const host of this.#hosts.values()) {
      for (const link of host.outgoing.values()) {
        links.push(snapshot(link));
        sent += link.sent;
        bytesSent += link.bytesSent;
        delivered += link.delivered;
        lost += link.lost;
        duplicated += link.duplicated;
        dropped += link.dropped;
      }
    }
    const inFlight = sent + duplicated - lost - dropped - delivered;
    return { total: { sent, bytesSent, delivered, lost, duplicated, dropped, inFlight }, links };
  }

  linkStats(from: PeerAddress, to: PeerAddress): LinkStats {
    const link = this.#hosts.get(from)?.outgoing.get(to);
    if (link === undefined) return { sent: 0, bytesSent: 0, delivered: 0, lost: 0, duplicated: 0, dropped: 0, inFlight: 0 };
    const { from: _from, to: _to, ...counts } = snapshot(link);
    return counts;
  }

  #host(address: PeerAddress): Host {
    let host = this.#hosts.get(address);
    if (host === undefined) {
      host = new Host(address, this.#seed);
      this.#hosts.set(address, host);
    }
    return host;
  }

  #link(host: Host, to: PeerAddress): Link {
    let link = host.outgoing.get(to);
    if (link === undefined) {
      link = new Link(host.address, to, this.#seed);
      host.outgoing.set(to, link);
    }
    return link;
  }
}

function countDropped(link: Link): void {
  link.dropped++;
}

/**
 * A deterministic datagram network in virtual time, for seeded multi-peer tests, benchmarks and the
 * demo's simulated-lag mode. Browser-safe (no Node modules, no timers, no `Math.random`).
 *
 * Model, per directed link (see `NetworkProfile` and the shared profiles file's `about`):
 * - Delay: rttMs / 2 plus uniform ±jitterMs, clamped at 0. Jitter alone already reorders packets
 *   sent closer together than the jitter spread.
 * - Loss: each packet is lost with probability `loss`, or `burstLoss.repeat` right after a loss on
 *   the same link (Gilbert-Elliott). Lost packets are not duplicated.
 * - Duplication: with probability `duplicate` a second copy arrives, with its own delay draw.
 * - Reordering: with probability `reorder` a packet gets an extra rttMs / 2 + uniform [0, 2·jitterMs)
 *   so that it lands behind packets sent after it.
 * - Freezes belong to the sending address: every `everyMs` it stops delivering for `forMs`. Packets
 *   sent during a freeze are held, not dropped — like a background tab that resumes — and all leave
 *   when the freeze ends, each then taking its normal network delay. Packets already on the wire
 *   are unaffected. Each address's freeze phase is drawn from (seed, address), so peers do not all
 *   freeze together; the period and length come from the profile of the link the packet takes.
 *
 * Determinism: every directed link draws from its own random stream keyed by (seed, from, to), so
 * the same seed and the same sends at the same virtual times give the same deliveries byte for
 * byte, and traffic on one link never changes the fate of packets on another.
 *
 * Delivery: a datagram becomes visible to the receiver's `receive()` once `clock.now()` reaches
 * its delivery time; `receive` returns them ordered by delivery time, ties in send order.
 */
export class SimulatedNetwork {
  readonly #core: NetworkCore;

  constructor(options: SimulatedNetworkOptions) {
    this.#core = new NetworkCore(options);
  }

  /**
   * Attaches a peer at `address` and returns its transport. Throws if the address already has a
   * live endpoint; after `kill`, the address may be attached again (a rejoin), and the old
   * endpoint stays dead.
   */
  endpoint(address: PeerAddress): SimulatedEndpoint {
    return this.#core.endpoint(address);
  }

  /**
   * The peer at `address` vanishes (a crash, a closed tab, a pulled cable): its endpoint's sends
   * are dropped, its `receive` returns nothing, datagrams waiting for it are discarded and later
   * ones addressed to it are dropped. Datagrams it sent before are already on the wire and still
   * arrive. Counted as `dropped`. No-op if the address has no live endpoint.
   */
  kill(address: PeerAddress): void {
    this.#core.kill(address);
  }

  /** Same as {@link kill}; reads better in disconnect tests. */
  disconnect(address: PeerAddress): void {
    this.#core.kill(address);
  }

  /**
   * Every link goes dead for `forMs` from now, the whole network at once (a stalled relay that
   * every packet goes through, a router rebooting). Packets sent meanwhile are held and leave
   * together when it ends, each then taking its normal delay (`drop: false`, the default: a relay
   * that resumes and forwards its backlog), or are dropped (`drop: true`, counted as `dropped`).
   * Packets already on the wire still arrive. A new call replaces the current outage.
   */
  outage(forMs: number, options: { readonly drop?: boolean } = {}): void {
    this.#core.outage(forMs, options.drop === true);
  }

  /** Sets the conditions of every link, discarding per-link overrides. Throws if `profile` is invalid. */
  setProfile(profile: NetworkProfile): void {
    this.#core.setProfile(profile);
  }

  /**
   * Overrides the conditions of the one direction `from` → `to` (the reverse direction keeps its
   * own); `undefined` returns the link to the network-wide profile. Throws if `profile` is invalid.
   */
  setLinkProfile(from: PeerAddress, to: PeerAddress, profile: NetworkProfile | undefined): void {
    this.#core.setLinkProfile(from, to, profile);
  }

  /**
   * Earliest delivery time (ms) of any datagram in flight to a live endpoint; Infinity if none.
   * Lets an event-driven test jump its `VirtualClock` straight to the next arrival.
   */
  nextDeliveryTime(): number {
    return this.#core.nextDeliveryTime();
  }

  /** A snapshot of the counters: totals and one entry per directed link. */
  stats(): NetworkStats {
    return this.#core.stats();
  }

  /** A snapshot of the counters of `from` → `to` (all zero for a link never used). */
  linkStats(from: PeerAddress, to: PeerAddress): LinkStats {
    return this.#core.linkStats(from, to);
  }
}
