import { MAX_PACKET_BYTES } from '../protocol/messages.ts';
import type { Datagram, PeerAddress } from '../transport/transport.ts';
import type { Route } from '../transport/routed-transport.ts';
import { MAX_SLOT, encodeDataFrame } from './relay-frame.ts';

const NOTHING: readonly Datagram[] = Object.freeze([]);

/** The transport address of a room slot, as sessions over the relay know their peers. */
export function slotAddress(slot: number): PeerAddress {
  return `slot:${slot}`;
}

/** The slot of a `slot:N` address, or undefined. */
export function addressSlot(address: PeerAddress): number | undefined {
  const match = /^slot:(0|[1-9]\d?)$/.exec(address); // one spelling per slot: no leading zeros
  return match === null ? undefined : Number(match[1]);
}

export interface RelayRouteOptions {
  /**
   * Session packets held for `receive()` at most (packets, an integer ≥ 1); beyond it the oldest
   * go (counted in `inboxOverflow`), so a session that stops draining costs bounded memory.
   * Default 4096: about 20 s of three peers' packets at 60 a second each.
   */
  readonly maxQueuedPackets?: number;
}

/** What the relay route dropped, since it was made (packets). */
export interface RelayRouteStats {
  /** Packets from other members dropped, the oldest first, because nobody drained them in time. */
  readonly inboxOverflow: number;
  /** Packets the session sent to an address that is not `slot:0`..`slot:31`. */
  readonly unaddressable: number;
  /** Packets the session sent while no channel to the host was attached (between a drop and the reconnect). */
  readonly sentDetached: number;
  /** Deliveries refused: a slot outside 0..31, or a payload empty or over MAX_PACKET_BYTES (a Data frame never carries one). */
  readonly malformed: number;
}

/**
 * A member's data plane through the host's relay: a {@link Route} whose peers are the room's
 * other members as `slot:N` addresses. Each session packet goes to the host in a Data frame
 * naming the destination slot, and the host relays it with the sender's slot stamped in its
 * place; the member's assembly hands those frames' (slot, packet) to `deliver`, and the session
 * drains them with `receive`.
 *
 * It shares the member's one channel to the host with the control plane (`RoomClient`) but
 * nothing else: both are attached to the same frame-sending function, and incoming frames are
 * split by kind (`demuxHostFrame` in `host-frame-demux.ts`). So either plane can be swapped on
 * its own (a relay through another member instead of the host, or a control plane that moves to
 * a successor host). Pure and synchronous: no timers, no clock.
 */
export class RelayRoute implements Route {
  private sendFrame: ((frame: Uint8Array) => void) | undefined;
  private readonly inbox: Datagram[] = [];
  private readonly maxQueued: number;
  private overflow = 0;
  private unaddressableCount = 0;
  private detachedCount = 0;
  private malformedCount = 0;

  constructor(options: RelayRouteOptions = {}) {
    const maxQueued = options.maxQueuedPackets ?? 4096;
    if (!Number.isInteger(maxQueued) || maxQueued < 1) throw new RangeError(`RelayRoute: maxQueuedPackets must be an integer ≥ 1, got ${maxQueued}`);
    this.maxQueued = maxQueued;
  }

  /**
   * Uses a (new) channel to the host: the same function the control plane is attached to. A
   * reconnect calls it again and the session goes on unaware; packets held for `receive` stay.
   *
   * @internal `connectToRoom` calls it.
   */
  attach(send: (frame: Uint8Array) => void): void {
    this.sendFrame = send;
  }

  /**
   * The channel to the host is gone (until the next `attach`): packets sent meanwhile are lost (counted).
   *
   * @internal `connectToRoom` calls it.
   */
  detach(): void {
    this.sendFrame = undefined;
  }

  /**
   * Sends `data` (a session packet, at most MAX_PACKET_BYTES: a larger one is a bug and throws a
   * RangeError) to the member at `to`. Lost, as a datagram may be, and counted, when `to` is not a
   * `slot:N` address with N ≤ 31 or no channel is attached: a transport never throws for a peer
   * it cannot reach.
   */
  send(to: PeerAddress, data: Uint8Array): void {
    const slot = addressSlot(to);
    if (slot === undefined || slot > MAX_SLOT) {
      this.unaddressableCount++;
      return;
    }
    const send = this.sendFrame;
    if (send === undefined) {
      this.detachedCount++;
      return;
    }
    send(encodeDataFrame(slot, data)); // a fresh array: the channel may keep it
  }

  /** Drains the packets delivered since the last call, oldest first. Called every frame: nothing new costs no allocation. */
  receive(): readonly Datagram[] {
    return this.inbox.length === 0 ? NOTHING : this.inbox.splice(0, this.inbox.length);
  }

  /**
   * One packet from the member in `slot`, as a Data frame from the host carried it (the host
   * stamped the slot). `payload` is copied: it may be a view of a frame the channel reuses.
   *
   * @internal `connectToRoom` calls it.
   */
  deliver(slot: number, payload: Uint8Array): void {
    if (!Number.isInteger(slot) || slot < 0 || slot > MAX_SLOT || payload.length === 0 || payload.length > MAX_PACKET_BYTES) {
      this.malformedCount++;
      return;
    }
    if (this.inbox.length >= this.maxQueued) {
      this.inbox.shift();
      this.overflow++;
    }
    this.inbox.push({ from: slotAddress(slot), data: payload.slice() });
  }

  /** Packets dropped so far, by reason. */
  get stats(): RelayRouteStats {
    return { inboxOverflow: this.overflow, unaddressable: this.unaddressableCount, sentDetached: this.detachedCount, malformed: this.malformedCount };
  }
}
