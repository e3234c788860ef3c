import type { DirectLink } from '../direct/direct-link.ts';
import type { Route } from '../transport/routed-transport.ts';
import type { Datagram, PeerAddress } from '../transport/transport.ts';

const NOTHING: readonly Datagram[] = Object.freeze([]);
const NO_PACKETS: readonly Uint8Array[] = Object.freeze([]);

/** What the direct route needs of a link: `DirectLink`, or a stand-in in tests. */
export type DirectRouteLink = Pick<DirectLink, 'state' | 'send' | 'receive' | 'rttMs'>;

/**
 * The `'direct'` route of a `RoutedTransport`: one `DirectLink` per peer, addressed with the same
 * `slot:N` addresses as the relay, so that the session never learns which way a packet went.
 *
 * - `send` goes on the peer's link if it is open, and is dropped otherwise (a datagram may be
 *   lost; the routed transport sends here only while `MeshLinks` finds the link open and alive).
 * - `receive` drains every link, the peer's active route or not: during a switch both routes
 *   carry packets, and dropping the direct ones would be a loss the switch caused.
 * - `peerRttMs` is the link's own ping round trip, for an overlay while the pair is on the relay.
 *
 * It holds links; it does not make, close or judge them (that is `MeshLinks`).
 */
export class DirectRoute implements Route {
  /** Datagrams not sent because the peer had no open link. */
  dropped = 0;
  private readonly links = new Map<PeerAddress, DirectRouteLink>();
  /** What a link deleted while holding datagrams still had, for the next `receive`. */
  private leftovers: Datagram[] = [];

  /** Carries `peer`'s datagrams on `link` from now on (replacing any earlier link of that peer). */
  set(peer: PeerAddress, link: DirectRouteLink): void {
    this.links.set(peer, link);
  }

  /** Forgets `peer`'s link, after draining what it still held, which is returned by the next `receive`. */
  delete(peer: PeerAddress): void {
    const link = this.links.get(peer);
    if (link === undefined) return;
    this.links.delete(peer);
    const left = safeReceive(link);
    for (const data of left) this.leftovers.push({ from: peer, data });
  }

  /** The link of `peer`, if any. */
  get(peer: PeerAddress): DirectRouteLink | undefined {
    return this.links.get(peer);
  }

  send(to: PeerAddress, data: Uint8Array): void {
    const link = this.links.get(to);
    if (link === undefined || link.state !== 'open') {
      this.dropped++;
      return;
    }
    link.send(data); // never throws, copies nothing it keeps (the channel sends during the call)
  }

  receive(): readonly Datagram[] {
    // Called on every poll: an array only when something arrived.
    let out: Datagram[] | undefined;
    if (this.leftovers.length > 0) {
      out = this.leftovers;
      this.leftovers = [];
    }
    for (const [from, link] of this.links) {
      for (const data of safeReceive(link)) (out ??= []).push({ from, data });
    }
    return out ?? NOTHING;
  }

  peerRttMs(peer: PeerAddress): number | undefined {
    return this.links.get(peer)?.rttMs;
  }
}

/** A link's received datagrams; none if it throws (a stand-in's bug must not break the session's receive). */
function safeReceive(link: DirectRouteLink): readonly Uint8Array[] {
  try {
    return link.receive();
  } catch {
    return NO_PACKETS;
  }
}
