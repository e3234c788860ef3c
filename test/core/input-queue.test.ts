import { describe, expect, it } from 'vitest';
import { InputQueue } from '../../sdk/src/core/input-queue.ts';

const input = (...bytes: number[]) => Uint8Array.from(bytes);

describe('InputQueue', () => {
  it('starts empty with frame -1 as the all-zero reference', () => {
    const q = new InputQueue(2);
    expect(q.lastFrame).toBe(-1);
    expect(q.length).toBe(0);
    expect(q.get(-1)).toEqual(input(0, 0));
    expect(q.get(0)).toBeUndefined();
  });

  it('appends in order and reads back each frame', () => {
    const q = new InputQueue(2, 4);
    for (let f = 0; f < 10; f++) q.append(input(f, f * 2));
    expect(q.lastFrame).toBe(9);
    for (let f = 0; f < 10; f++) expect(q.get(f)).toEqual(input(f, f * 2));
  });

  it('grows past its initial capacity without losing retained frames', () => {
    const q = new InputQueue(1, 4);
    for (let f = 0; f < 1000; f++) q.append(input(f & 0xff));
    expect(q.firstFrame).toBe(0);
    for (let f = 0; f < 1000; f += 37) expect(q.get(f)).toEqual(input(f & 0xff));
  });

  it('drops frames before retainFrom but always keeps the newest', () => {
    const q = new InputQueue(1, 4);
    for (let f = 0; f < 6; f++) q.append(input(f));
    q.retainFrom(100);
    q.append(input(6));
    expect(q.firstFrame).toBe(5);
    expect(q.get(4)).toBeUndefined();
    expect(q.get(5)).toEqual(input(5));
    expect(q.get(-1)).toBeUndefined();
  });

  it('does not grow while old frames are released', () => {
    const q = new InputQueue(1, 8);
    for (let f = 0; f < 10_000; f++) {
      q.retainFrom(f - 4);
      q.append(input(f & 0xff));
    }
    expect(q.length).toBeLessThanOrEqual(8);
    expect(q.get(9_999)).toEqual(input(9_999 & 0xff));
  });

  it('copyTo reports missing frames without touching the output', () => {
    const q = new InputQueue(2);
    q.append(input(1, 2));
    const out = input(9, 9);
    expect(q.copyTo(3, out)).toBe(false);
    expect(out).toEqual(input(9, 9));
    expect(q.copyTo(0, out)).toBe(true);
    expect(out).toEqual(input(1, 2));
  });
});
