/**
 * A peer as the transport knows it. Opaque to the session: the session maps addresses to player
 * handles from its configuration and never parses them.
 */
export type PeerAddress = string;

/** One datagram as it came off the wire: who sent it (as the transport saw it) and its bytes. */
export interface Datagram {
  /** The sender's address. */
  readonly from: PeerAddress;
  /** The payload (at most MAX_PACKET_BYTES for a session packet). */
  readonly data: Uint8Array;
}

/**
 * Unreliable datagrams to and from peers: the only thing the session needs from the network.
 *
 * Nothing else is assumed. A datagram may be lost, duplicated, reordered or delayed; the session's
 * protocol copes with all of it. Implementations must not throw from `send` for a lost or unknown
 * peer (drop the datagram instead) and must hand out each received datagram once from `receive`.
 *
 * Routes: a peer is its address, not the path its packets take. A transport may carry a peer's
 * packets over several routes (the host's relay, a direct data channel; `RoutedTransport`) and
 * change route in the middle of a match; the address stays the same. During and after such a
 * switch, packets sent on the old route still arrive and may land after newer ones sent on the new
 * route, and the same datagram may arrive twice: that is the reordering and duplication this
 * contract allows already, and a transport need not hide it (no reordering buffer, no
 * deduplication). Report a switch through `drainRouteChanges`, which the session reads on every
 * poll: its round-trip and time-sync estimates for that peer belong to the old route, and it
 * starts them afresh (`P2PSession.routeChanged`).
 *
 * Implementations: `SimulatedNetwork` endpoints (deterministic, virtual time), the geckos.io
 * client, and `RoutedTransport` over any of them. See docs/transports.md.
 */
export interface Transport {
  /**
   * Sends or queues `data` for `to`. `data` is only valid during the call (the session reuses its
   * buffer), so an implementation that queues must copy.
   */
  send(to: PeerAddress, data: Uint8Array): void;
  /** Drains every datagram that has arrived since the last call, oldest first. */
  receive(): readonly Datagram[];
  /**
   * Optional, for transports with several routes per peer: drains the peers whose route changed
   * since the last call (`RoutedTransport`). The session calls it at the start of every `poll`.
   */
  drainRouteChanges?(): readonly {
    /** The peer whose route changed. */
    readonly peer: PeerAddress;
  }[];
}
