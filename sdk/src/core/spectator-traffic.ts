import type { Datagram, PeerAddress, Transport } from '../transport/transport.ts';

/**
 * Datagrams held for one side that has not drained them yet, at most: beyond this the oldest are
 * dropped (and counted), so that a side that is never polled cannot make memory grow.
 */
const MAX_QUEUED = 4096;

/** The two sides of one transport: the match's players, and everyone else (spectators). */
export interface SpectatorTraffic {
  /** For the `P2PSession`: datagrams from the players' addresses; route changes pass through here. */
  readonly players: Transport;
  /** For the `SpectatorFeed`: datagrams from every other address. */
  readonly spectators: Transport;
  /** Datagrams dropped because a side did not drain its queue in time (MAX_QUEUED). */
  readonly dropped: () => number;
}

/**
 * Splits one transport between a player's session and its `SpectatorFeed`, by sender address: a
 * datagram from one of `playerAddresses` goes to the session, any other to the feed. So the data
 * still flows transport → protocol → session, each side decodes only what is its own, and a
 * spectator can never reach the session (it is not one of its addresses). Sends of both sides go
 * straight to the transport. Either side's `receive` drains the transport and queues the other
 * side's share; each datagram is handed out once.
 */
export function splitSpectatorTraffic(transport: Transport, playerAddresses: Iterable<PeerAddress>): SpectatorTraffic {
  const players = new Set(playerAddresses);
  let forPlayers: Datagram[] = [];
  let forSpectators: Datagram[] = [];
  let dropped = 0;
  const pump = (): void => {
    for (const datagram of transport.receive()) {
      const queue = players.has(datagram.from) ? forPlayers : forSpectators;
      if (queue.length >= MAX_QUEUED) {
        queue.shift();
        dropped++;
      }
      queue.push(datagram);
    }
  };
  const send = (to: PeerAddress, data: Uint8Array): void => transport.send(to, data);
  const side = (take: () => Datagram[]): Transport => ({
    send,
    receive: () => {
      pump();
      return take();
    },
  });
  const playerSide = side(() => {
    const out = forPlayers;
    forPlayers = [];
    return out;
  });
  const drainRouteChanges = transport.drainRouteChanges?.bind(transport);
  return {
    players: drainRouteChanges === undefined ? playerSide : { ...playerSide, drainRouteChanges },
    spectators: side(() => {
      const out = forSpectators;
      forSpectators = [];
      return out;
    }),
    dropped: () => dropped,
  };
}
