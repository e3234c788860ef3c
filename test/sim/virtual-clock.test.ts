import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';

describe('VirtualClock', () => {
  it('starts where told and moves only forward', () => {
    const clock = new VirtualClock(5);
    expect(clock.now()).toBe(5);
    clock.advance(2.5);
    expect(clock.now()).toBe(7.5);
    clock.set(7.5);
    clock.set(100);
    expect(clock.now()).toBe(100);
    clock.advance(0);
    expect(clock.now()).toBe(100);
    expect(new VirtualClock().now()).toBe(0);
  });

  it('refuses to go backwards or to non-finite times', () => {
    const clock = new VirtualClock(10);
    expect(() => clock.set(9.999)).toThrow(/cannot go backwards \(now 10 ms, asked 9.999 ms\)/);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.set(Infinity)).toThrow(RangeError);
    expect(() => new VirtualClock(Number.NaN)).toThrow(RangeError);
    expect(clock.now()).toBe(10);
  });
});
