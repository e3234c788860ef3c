import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../sdk/src/relay/token-bucket.ts';

/** How many single units `bucket` grants at `nowMs`, trying up to `max`. */
function drain(bucket: TokenBucket, nowMs: number, max = 10_000): number {
  let n = 0;
  while (n < max && bucket.take(nowMs)) n++;
  return n;
}

describe('TokenBucket', () => {
  it('starts full: grants the burst at once, then nothing more at the same instant', () => {
    const bucket = new TokenBucket(100, 20);
    expect(drain(bucket, 1000)).toBe(20);
    expect(bucket.take(1000)).toBe(false);
  });

  it('refills at the rate: 100/s grants 1 unit per 10 ms, 50 per 500 ms', () => {
    const bucket = new TokenBucket(100, 20);
    drain(bucket, 0);
    expect(bucket.take(5)).toBe(false);
    expect(bucket.take(10)).toBe(true);
    expect(bucket.take(10)).toBe(false);
    drain(bucket, 10);
    expect(drain(bucket, 110)).toBe(10);
    // Sustained: a steady taker gets the rate, no more.
    let granted = 0;
    for (let t = 110; t <= 10_110; t += 1) granted += drain(bucket, t);
    expect(granted).toBeGreaterThanOrEqual(999);
    expect(granted).toBeLessThanOrEqual(1001);
  });

  it('never holds more than the burst, however long it idles', () => {
    const bucket = new TokenBucket(1000, 5);
    drain(bucket, 0);
    expect(drain(bucket, 1e9)).toBe(5);
  });

  it('keeps fractional refills (a slow rate still refills)', () => {
    const bucket = new TokenBucket(10 / 60, 10); // 10 per minute
    expect(drain(bucket, 0)).toBe(10);
    let t = 0;
    for (; t < 60_000 && !bucket.take(t); t += 100);
    expect(t).toBeGreaterThanOrEqual(5900);
    expect(t).toBeLessThanOrEqual(6100);
  });

  it('multi-unit takes: all or nothing', () => {
    const bucket = new TokenBucket(1000, 100);
    expect(bucket.take(0, 60)).toBe(true);
    expect(bucket.take(0, 60)).toBe(false); // 40 left: nothing taken
    expect(bucket.take(0, 40)).toBe(true);
    expect(bucket.take(0, 1)).toBe(false);
    expect(bucket.take(50, 51)).toBe(false);
    expect(bucket.take(50, 50)).toBe(true);
    // More than the burst is never granted.
    expect(bucket.take(1e9, 101)).toBe(false);
  });

  it('available() tells without taking', () => {
    const bucket = new TokenBucket(10, 2);
    expect(bucket.available(0)).toBe(true);
    expect(bucket.available(0, 2)).toBe(true);
    expect(bucket.available(0, 3)).toBe(false);
    expect(bucket.available(0)).toBe(true); // still full: nothing was taken
    expect(drain(bucket, 0)).toBe(2);
    expect(bucket.available(0)).toBe(false);
    expect(bucket.available(99)).toBe(false);
    expect(bucket.available(100)).toBe(true);
    expect(bucket.take(100)).toBe(true);
  });

  it('a clock that goes backwards grants nothing extra', () => {
    const bucket = new TokenBucket(100, 10);
    drain(bucket, 10_000);
    expect(drain(bucket, 0)).toBe(0);
    expect(drain(bucket, 5_000)).toBe(0);
    expect(drain(bucket, 10_010)).toBe(1);
  });

  it('refuses a rate or burst that is not positive', () => {
    for (const [rate, burst] of [[0, 1], [1, 0], [-1, 1], [1, -1], [Number.NaN, 1], [1, Number.NaN]] as const) {
      expect(() => new TokenBucket(rate, burst)).toThrow(RangeError);
    }
  });
});
