import { describe, expect, it } from 'vitest';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import { SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import type { SimulatedEndpoint } from '../../sdk/src/sim/simulated-network.ts';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';
import { runInVirtualTime } from './virtual-time-loop.ts';

const profiles = loadNetworkProfiles();

/** Profile with the most going on: every mechanism (loss, bursts, jitter, reorder, duplicates, freezes) fires. */
const busiest: NetworkProfile = Object.values(profiles.profiles).reduce((worst, p) =>
  p.loss + p.duplicate + p.reorder + (p.freezes ? 1 : 0) > worst.loss + worst.duplicate + worst.reorder + (worst.freezes ? 1 : 0) ? p : worst,
);

const FRAME_MS = 1000 / 60;

/**
 * Every peer in `talkers` sends one packet per frame to each of its `targets`, for `frames`
 * frames; returns the log of every delivery: exact time, receiver, sender, bytes.
 */
function deliveryLog(seed: number, links: readonly (readonly [string, string])[], frames: number): string[] {
  const clock = new VirtualClock();
  const network = new SimulatedNetwork({ seed, clock, profile: busiest });
  const addresses = [...new Set(links.flat())];
  const endpoints = new Map<string, SimulatedEndpoint>(addresses.map((address) => [address, network.endpoint(address)]));
  let frame = 0;
  const log: string[] = [];
  runInVirtualTime(
    clock,
    network,
    [...endpoints.values()],
    {
      nextAt: () => (frame < frames ? frame * FRAME_MS : Infinity),
      fire: () => {
        for (const [from, to] of links) {
          // Variable length and contents, so a byte-level mix-up would show.
          const data = Uint8Array.from({ length: 1 + (frame % 7) }, (_, i) => (frame * 31 + i + from.charCodeAt(0)) & 0xff);
          endpoints.get(from)?.send(to, data);
        }
        frame++;
      },
    },
    (at, receiver, datagram) => {
      log.push(`${at} ${datagram.from}->${receiver.address} ${Buffer.from(datagram.data).toString('hex')}`);
    },
  );
  return log;
}

const MESH: readonly (readonly [string, string])[] = ['a', 'b', 'c', 'd'].flatMap((from) =>
  ['a', 'b', 'c', 'd'].filter((to) => to !== from).map((to) => [from, to] as const),
);
// Long enough to pass through at least one freeze window of every peer.
const FRAMES = Math.ceil(((busiest.freezes?.everyMs ?? 10_000) * 1.5) / FRAME_MS);

describe('SimulatedNetwork determinism', () => {
  it('the same seed gives the same deliveries, byte for byte; another seed does not', () => {
    expect(busiest.loss).toBeGreaterThan(0);
    const first = deliveryLog(42, MESH, FRAMES);
    const second = deliveryLog(42, MESH, FRAMES);
    expect(first.length).toBeGreaterThan(FRAMES * MESH.length * 0.5);
    expect(second).toEqual(first);
    const other = deliveryLog(43, MESH, FRAMES);
    expect(other).not.toEqual(first);
  });

  it('traffic on other links does not change the fate of a link', () => {
    const alone = deliveryLog(7, [['a', 'b']], FRAMES);
    const crowded = deliveryLog(7, [['c', 'b'], ['a', 'c'], ['a', 'b'], ['b', 'a'], ['d', 'a']], FRAMES);
    expect(crowded.filter((line) => line.includes(' a->b '))).toEqual(alone);
  });
});
