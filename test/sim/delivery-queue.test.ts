import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../sdk/src/sim/delivery-queue.ts';

describe('DeliveryQueue', () => {
  it('pops by time, ties in push order, under interleaved pushes and pops', () => {
    const queue = new DeliveryQueue<number>();
    const reference: { time: number; id: number }[] = [];
    // Small deterministic LCG: only a handful of distinct times, so ties are everywhere.
    let state = 12345;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    let id = 0;
    const popped: number[] = [];
    const expected: number[] = [];
    for (let step = 0; step < 8_000; step++) {
      if (next() < 0.55) {
        const time = Math.floor(next() * 8);
        queue.push(time, id, Uint8Array.of(id & 0xff));
        reference.push({ time, id });
        id++;
      } else if (reference.length > 0) {
        reference.sort((x, y) => x.time - y.time || x.id - y.id);
        const head = reference.shift();
        expected.push(head?.id ?? -1);
        expect(queue.peekTime()).toBe(head?.time);
        expect(queue.peekData()[0]).toBe((head?.id ?? -1) & 0xff);
        popped.push(queue.peekTag());
        queue.pop();
      }
      expect(queue.size).toBe(reference.length);
    }
    expect(popped).toEqual(expected);
    expect(popped.length).toBeGreaterThan(1000);
  });

  it('clear visits every waiting tag and empties the queue', () => {
    const queue = new DeliveryQueue<string>();
    for (let i = 0; i < 100; i++) queue.push(100 - i, `t${i}`, new Uint8Array(0));
    const seen: string[] = [];
    queue.clear((tag) => seen.push(tag));
    expect(seen.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `t${i}`).sort());
    expect(queue.size).toBe(0);
    expect(queue.peekTime()).toBe(Infinity);
    queue.pop();
    expect(queue.size).toBe(0);
  });
});
