import { performance } from 'node:perf_hooks';
import type { Datagram, PeerAddress, Transport } from '../src/transport/transport.ts';

/** The longest silence in one member's packets from one peer within a window (`ArrivalTap.longestGap`). */
export interface ArrivalGap {
  /** The longest time between two consecutive packets (ms); the window's end counts as one, so a peer never heard again reads as silent to the end. */
  readonly gapMs: number;
  /** When the packet that ended that silence arrived (`performance.now()`, ms); undefined if none did before the window's end. */
  readonly endedAtMs: number | undefined;
}

/**
 * When each member's session packets arrive from each peer, on one clock (`performance.now()`,
 * ms), for members that all live in this process: how long a pair went without hearing each other
 * when the host died. Each member's session transport is wrapped and `receive` notes the time of
 * every datagram, by receiver and sender, while `enabled`. The time is when the game loop's `poll`
 * drains the transport (up to one loop interval, ~1 ms, after the wire), as a game would see it.
 */
export class ArrivalTap {
  enabled = false;
  /** Arrival times (ms) by `receiver<sender`, ascending. */
  private readonly arrivals = new Map<string, number[]>();

  /** Wraps the transport of the member at `self` (its own address as the others know it). */
  wrap(inner: Transport, self: PeerAddress): Transport {
    const tapped: Transport = {
      send: (to, data) => inner.send(to, data),
      receive: (): readonly Datagram[] => {
        const datagrams = inner.receive();
        if (!this.enabled) return datagrams;
        const now = performance.now();
        for (const d of datagrams) this.timesOf(self, d.from).push(now);
        return datagrams;
      },
    };
    // Route switches reach the session through its transport (it resets the pair's round trip).
    const drain = inner.drainRouteChanges;
    if (drain !== undefined) tapped.drainRouteChanges = () => drain.call(inner);
    return tapped;
  }

  /**
   * The longest silence at `receiver` from `sender` between `fromMs` and `toMs` (ms): the last
   * packet before `fromMs` (or `fromMs` itself if there was none) starts the first interval.
   */
  longestGap(receiver: PeerAddress, sender: PeerAddress, fromMs: number, toMs: number): ArrivalGap {
    let previous = fromMs;
    let gapMs = 0;
    let endedAtMs: number | undefined;
    for (const at of this.timesOf(receiver, sender)) {
      if (at > toMs) break;
      if (at < fromMs) {
        previous = at;
        continue;
      }
      if (at - previous > gapMs) {
        gapMs = at - previous;
        endedAtMs = at;
      }
      previous = at;
    }
    if (toMs - previous > gapMs) return { gapMs: toMs - previous, endedAtMs: undefined };
    return { gapMs, endedAtMs };
  }

  /** Forgets every arrival. */
  reset(): void {
    this.arrivals.clear();
  }

  private timesOf(receiver: PeerAddress, sender: PeerAddress): number[] {
    const key = `${receiver}<${sender}`;
    let times = this.arrivals.get(key);
    if (times === undefined) this.arrivals.set(key, (times = []));
    return times;
  }
}
