import type { Datagram } from '../../sdk/src/transport/transport.ts';
import type { SimulatedEndpoint, SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import type { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';

/** What a test sends, and when: `nextAt()` is the time (ms) of the next send (Infinity when done). */
export interface SendSchedule {
  nextAt(): number;
  /** Performs the send due at `nextAt()`. */
  fire(): void;
}

/**
 * Event-driven test driver: jumps the clock to the next send or the next delivery, whichever comes
 * first, so every datagram is observed at its exact delivery time (ms). Runs until nothing is left
 * to send or deliver.
 */
export function runInVirtualTime(
  clock: VirtualClock,
  network: SimulatedNetwork,
  receivers: readonly SimulatedEndpoint[],
  schedule: SendSchedule,
  onArrival: (atMs: number, receiver: SimulatedEndpoint, datagram: Datagram) => void,
): void {
  for (;;) {
    const at = Math.min(schedule.nextAt(), network.nextDeliveryTime());
    if (at === Infinity) return;
    clock.set(at);
    while (schedule.nextAt() === at) schedule.fire();
    for (const receiver of receivers) {
      for (const datagram of receiver.receive()) onArrival(at, receiver, datagram);
    }
  }
}

/** Sends `count` packets from one endpoint to one address, one every `intervalMs`, each holding its index (u32). */
export function steadyStream(from: SimulatedEndpoint, to: string, count: number, intervalMs: number): SendSchedule {
  // One buffer reused for every send: the network must copy it.
  const payload = new Uint8Array(4);
  const view = new DataView(payload.buffer);
  let index = 0;
  return {
    nextAt: () => (index < count ? index * intervalMs : Infinity),
    fire: () => {
      view.setUint32(0, index);
      from.send(to, payload);
      index++;
    },
  };
}

export function readIndex(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0);
}
