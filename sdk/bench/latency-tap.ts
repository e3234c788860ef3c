import { performance } from 'node:perf_hooks';
import type { Datagram, PeerAddress, Transport } from '../src/transport/transport.ts';

/** 32-bit FNV-1a of `data`: enough to tell one session packet from another in a 10 s window. */
function fnv1a(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * One-way latency of session packets between members that all live in this process, read on one
 * clock (`performance.now()`, ms). Each member's session transport is wrapped: `send` notes the
 * time under (sender, receiver, length, content hash), and `receive` looks each datagram up under
 * the same key. The receive time is when the game loop's `poll` drains the transport, so a sample
 * includes the wait for the next poll (up to one loop interval, ~1 ms), as a game would see it.
 *
 * A packet sent twice with the same bytes before the first copy arrived is matched oldest first;
 * a lost packet leaves its send time behind until `reset`. Only packets sent while `enabled` are
 * timed, so a window starts clean.
 */
export class LatencyTap {
  enabled = false;
  /** One-way latencies (ms) of the packets received since the last `reset`. */
  readonly samples: number[] = [];
  /** Packets timed at `send` that have not arrived (yet). */
  private readonly pending = new Map<string, number[]>();

  /** Wraps the transport of the member at `self` (its own address as the others know it). */
  wrap(inner: Transport, self: PeerAddress): Transport {
    const key = (from: PeerAddress, to: PeerAddress, data: Uint8Array) => `${from}>${to}#${data.length}:${fnv1a(data)}`;
    const wrapped: Transport = {
      send: (to, data) => {
        if (this.enabled) {
          const k = key(self, to, data);
          const times = this.pending.get(k);
          if (times === undefined) this.pending.set(k, [performance.now()]);
          else times.push(performance.now());
        }
        inner.send(to, data);
      },
      receive: (): readonly Datagram[] => {
        const datagrams = inner.receive();
        if (datagrams.length === 0 || this.pending.size === 0) return datagrams;
        const now = performance.now();
        for (const d of datagrams) {
          const k = key(d.from, self, d.data);
          const times = this.pending.get(k);
          if (times === undefined) continue;
          this.samples.push(now - times.shift()!);
          if (times.length === 0) this.pending.delete(k);
        }
        return datagrams;
      },
    };
    // The session learns of route switches through its transport: pass them on.
    if (inner.drainRouteChanges !== undefined) wrapped.drainRouteChanges = inner.drainRouteChanges.bind(inner);
    return wrapped;
  }

  /** Forgets every sample and every packet still in flight. */
  reset(): void {
    this.samples.length = 0;
    this.pending.clear();
  }
}
