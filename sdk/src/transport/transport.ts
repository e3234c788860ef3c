/**
 * A peer as the transport knows it. Opaque to the session: the session maps addresses to player
 * handles from its configuration and never parses them.
 */
export type PeerAddress = string;

/** One datagram as it came off the wire: who sent it (as the transport saw it) and its bytes. */
export interface Datagram {
  readonly from: PeerAddress;
  readonly data: Uint8Array;
}

/**
 * Unreliable datagrams to and from peers: the only thing the session needs from the network.
 *
 * Nothing else is assumed. A datagram may be lost, duplicated, reordered or delayed; the session's
 * protocol copes with all of it. Implementations must not throw from `send` for a lost or unknown
 * peer (drop the datagram instead) and must hand out each received datagram once from `receive`.
 *
 * Implementations: `SimulatedNetwork` endpoints (deterministic, virtual time) and the geckos.io
 * client. See docs/transports.md.
 */
export interface Transport {
  /**
   * Sends or queues `data` for `to`. `data` is only valid during the call (the session reuses its
   * buffer), so an implementation that queues must copy.
   */
  send(to: PeerAddress, data: Uint8Array): void;
  /** Drains every datagram that has arrived since the last call, oldest first. */
  receive(): readonly Datagram[];
}
