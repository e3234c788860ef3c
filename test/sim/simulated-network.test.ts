import { describe, expect, it } from 'vitest';
import { PERFECT_NETWORK_PROFILE } from '../../sdk/src/sim/network-profile.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import { SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';

/** A jitter-free, loss-free link with a fixed one-way delay (ms). */
function fixedDelay(oneWayMs: number, extra: Partial<NetworkProfile> = {}): NetworkProfile {
  return { ...PERFECT_NETWORK_PROFILE, rttMs: 2 * oneWayMs, ...extra };
}

function setup(profile?: NetworkProfile) {
  const clock = new VirtualClock();
  const network = new SimulatedNetwork(profile === undefined ? { seed: 1, clock } : { seed: 1, clock, profile });
  return { clock, network, a: network.endpoint('a'), b: network.endpoint('b') };
}

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('SimulatedNetwork basics', () => {
  it('is a perfect, instant link by default', () => {
    const { a, b } = setup();
    a.send('b', bytes(1));
    a.send('b', bytes(2));
    const got = b.receive();
    expect(got.map((d) => [d.from, [...d.data]])).toEqual([
      ['a', [1]],
      ['a', [2]],
    ]);
    expect(b.receive()).toHaveLength(0);
    expect(a.receive()).toHaveLength(0);
    expect(a.address).toBe('a');
  });

  it('makes a datagram visible exactly when its one-way delay has elapsed', () => {
    const { clock, network, a, b } = setup(fixedDelay(50));
    clock.set(10);
    a.send('b', bytes(7));
    expect(network.nextDeliveryTime()).toBe(60);
    clock.set(59.999);
    expect(b.receive()).toHaveLength(0);
    clock.set(60);
    expect(b.receive().map((d) => d.data[0])).toEqual([7]);
    expect(network.nextDeliveryTime()).toBe(Infinity);
  });

  it('hands out datagrams due at the same instant in send order', () => {
    const { clock, a, b } = setup(fixedDelay(5));
    for (let i = 0; i < 1000; i++) a.send('b', bytes(i & 0xff, i >> 8));
    clock.set(5);
    const order = b.receive().map((d) => (d.data[0] as number) | ((d.data[1] as number) << 8));
    expect(order).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('copies the sent bytes, only the view, and gives a duplicate its own copy', () => {
    const { clock, a, b } = setup(fixedDelay(1, { duplicate: 1 }));
    const buffer = bytes(9, 1, 2, 3, 9);
    a.send('b', buffer.subarray(1, 4));
    buffer.fill(0);
    clock.set(1);
    const [first, second] = b.receive();
    expect([...(first?.data ?? [])]).toEqual([1, 2, 3]);
    expect([...(second?.data ?? [])]).toEqual([1, 2, 3]);
    expect(first?.data.buffer).not.toBe(second?.data.buffer);
    expect(first?.data.byteLength).toBe(3);
  });

  it('rejects a bad seed, a bad profile, an empty address and a second live endpoint', () => {
    const clock = new VirtualClock();
    expect(() => new SimulatedNetwork({ seed: 0.5, clock })).toThrow(/seed must be a safe integer/);
    expect(() => new SimulatedNetwork({ seed: 1, clock, profile: fixedDelay(1, { loss: 2 }) })).toThrow(/loss/);
    const network = new SimulatedNetwork({ seed: -7, clock });
    network.endpoint('a');
    expect(() => network.endpoint('a')).toThrow(/already has a live endpoint/);
    expect(() => network.endpoint('')).toThrow(/non-empty/);
    expect(() => network.setProfile(fixedDelay(1, { reorder: -1 }))).toThrow(/reorder/);
  });
});

describe('SimulatedNetwork link profiles', () => {
  it('overrides one direction only, and can revert', () => {
    const { clock, network, a, b } = setup(fixedDelay(10));
    network.setLinkProfile('a', 'b', fixedDelay(100));
    a.send('b', bytes(1));
    b.send('a', bytes(2));
    clock.set(10);
    expect(a.receive()).toHaveLength(1);
    expect(b.receive()).toHaveLength(0);
    clock.set(100);
    expect(b.receive()).toHaveLength(1);

    network.setLinkProfile('a', 'b', undefined);
    a.send('b', bytes(3));
    clock.set(110);
    expect(b.receive()).toHaveLength(1);
  });

  it('setProfile applies to every link and discards overrides', () => {
    const { clock, network, a, b } = setup();
    network.setLinkProfile('a', 'b', fixedDelay(100));
    network.setProfile(fixedDelay(3));
    a.send('b', bytes(1));
    b.send('a', bytes(2));
    clock.set(3);
    expect(a.receive()).toHaveLength(1);
    expect(b.receive()).toHaveLength(1);
  });

  it('loses every packet at loss 1 and none at loss 0', () => {
    const { clock, network, a, b } = setup(fixedDelay(0, { loss: 1 }));
    for (let i = 0; i < 100; i++) a.send('b', bytes(i));
    clock.set(1);
    expect(b.receive()).toHaveLength(0);
    expect(network.linkStats('a', 'b')).toMatchObject({ sent: 100, lost: 100, delivered: 0, inFlight: 0 });
  });
});

describe('SimulatedNetwork failures', () => {
  it('counts and drops datagrams to an unknown destination without throwing', () => {
    const { clock, network, a } = setup();
    expect(() => a.send('nobody', bytes(1, 2))).not.toThrow();
    // An endpoint created later must not receive what was sent before it existed.
    const late = network.endpoint('nobody');
    clock.set(1);
    expect(late.receive()).toHaveLength(0);
    expect(network.linkStats('a', 'nobody')).toMatchObject({ sent: 1, bytesSent: 2, dropped: 1, inFlight: 0 });
    expect(network.stats().total.dropped).toBe(1);
  });

  it('kill: the peer vanishes, its in-flight mail is discarded, what it sent still arrives', () => {
    const { clock, network, a, b } = setup(fixedDelay(10));
    a.send('b', bytes(1)); // to the victim: discarded
    b.send('a', bytes(2)); // from the victim: already on the wire
    network.kill('b');
    b.send('a', bytes(3)); // dead sender: dropped
    a.send('b', bytes(4)); // dead receiver: dropped
    clock.set(20);
    expect(b.receive()).toHaveLength(0);
    expect(a.receive().map((d) => d.data[0])).toEqual([2]);
    expect(network.linkStats('a', 'b')).toMatchObject({ sent: 2, dropped: 2, delivered: 0, inFlight: 0 });
    expect(network.linkStats('b', 'a')).toMatchObject({ sent: 2, dropped: 1, delivered: 1, inFlight: 0 });
    expect(network.nextDeliveryTime()).toBe(Infinity);
    network.kill('b'); // idempotent
    network.kill('never-existed');
  });

  it('disconnect works the same, and the address can rejoin while the old endpoint stays dead', () => {
    const { clock, network, a, b } = setup(fixedDelay(5));
    network.disconnect('b');
    const rejoined = network.endpoint('b');
    a.send('b', bytes(8));
    rejoined.send('a', bytes(9));
    b.send('a', bytes(10));
    clock.set(5);
    expect(b.receive()).toHaveLength(0);
    expect(rejoined.receive().map((d) => d.data[0])).toEqual([8]);
    expect(a.receive().map((d) => d.data[0])).toEqual([9]);
  });

  it('keeps consistent totals', () => {
    const { clock, network, a, b } = setup(fixedDelay(5, { duplicate: 0.5, loss: 0.2, jitterMs: 2 }));
    for (let i = 0; i < 2000; i++) {
      clock.set(i);
      a.send('b', bytes(1, 2, 3));
      b.send('a', bytes(4));
      a.receive();
      b.receive();
    }
    const { total, links } = network.stats();
    expect(links.map((l) => `${l.from}->${l.to}`)).toEqual(['a->b', 'b->a']);
    expect(total.sent).toBe(4000);
    expect(total.bytesSent).toBe(2000 * 4);
    expect(total.inFlight).toBeGreaterThan(0);
    expect(total.sent + total.duplicated - total.lost - total.dropped - total.delivered).toBe(total.inFlight);
    clock.advance(100);
    a.receive();
    b.receive();
    expect(network.stats().total.inFlight).toBe(0);
  });
});
