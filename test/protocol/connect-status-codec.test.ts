import { describe, expect, it } from 'vitest';
import {
  lastFrameFromDelta,
  readConnectStatuses,
  statusDelta,
  writeConnectStatuses,
} from '../../sdk/src/protocol/connect-status-codec.ts';
import { MAX_FRAME } from '../../sdk/src/protocol/frame-range.ts';
import type { ConnectStatus } from '../../sdk/src/protocol/messages.ts';
import { ReadError } from '../../sdk/src/protocol/read-error.ts';
import { fromHex, hex } from './protocol-fixtures.ts';

function write(statuses: ConnectStatus[], currentFrame: number): string {
  const out = new Uint8Array(100);
  return hex(out.subarray(0, writeConnectStatuses(out, 0, statuses, currentFrame)));
}

function read(bytes: string, playerCount: number, currentFrame: number): ConnectStatus[] | number {
  const into: ConnectStatus[] = [];
  const data = fromHex(bytes);
  const end = readConnectStatuses(data, 0, playerCount, currentFrame, into);
  if (end < 0) return end;
  expect(end).toBe(data.length);
  return into;
}

const live = (lastFrame: number): ConnectStatus => ({ disconnected: false, lastFrame });
const gone = (lastFrame: number): ConnectStatus => ({ disconnected: true, lastFrame });

describe('connect status block', () => {
  it('packs small deltas two players per byte, low nibble first', () => {
    // d = 2, -2, 3, 4 -> zigzag 4, 3, 6, 8.
    expect(write([live(998), live(1002), live(997), live(996)], 1000)).toBe('34 86');
    expect(read('34 86', 4, 1000)).toEqual([live(998), live(1002), live(997), live(996)]);
  });

  it('extends large deltas and marks disconnected players with code 14', () => {
    // Player 0: d = 7, zigzag 14 -> code 15, extension 0. Player 1: disconnected at d = 0 -> code 14,
    // extension 0. Player 2: lastFrame -1 at frame 0, d = 1 -> code 2 (spare high nibble 0).
    expect(write([live(93), gone(100), live(99)], 100)).toBe('ef 02 00 00');
    expect(write([live(-1)], 0)).toBe('02');
    expect(read('ef 02 00 00', 3, 100)).toEqual([live(93), gone(100), live(99)]);
  });

  it('round-trips the extreme frames, including the one wrapping delta', () => {
    const cases: [number, number][] = [
      [0, -1],
      [0, MAX_FRAME],
      [MAX_FRAME, -1],
      [MAX_FRAME, MAX_FRAME],
      [MAX_FRAME, 0],
      [12345, 12345],
    ];
    for (const [currentFrame, lastFrame] of cases) {
      expect(lastFrameFromDelta(currentFrame, statusDelta(currentFrame, lastFrame))).toBe(lastFrame);
      for (const disconnected of [false, true]) {
        const statuses = [{ disconnected, lastFrame }];
        const out = new Uint8Array(16);
        const end = writeConnectStatuses(out, 0, statuses, currentFrame);
        const into: ConnectStatus[] = [];
        expect(readConnectStatuses(out.subarray(0, end), 0, 1, currentFrame, into)).toBe(end);
        expect(into).toEqual(statuses);
      }
    }
    // currentFrame 2^31-1 with lastFrame -1 is d = 2^31, written as -2^31: zigzag 2^32-1.
    expect(statusDelta(MAX_FRAME, -1)).toBe(0xffffffff);
  });

  it('rejects last frames below -1, a set spare nibble and overflowing extensions', () => {
    // At frame 0, code 1 is d = -1: lastFrame 1, fine; code 3 is d = -2 -> 2; code 4 is d = 2 -> -2: bad.
    expect(read('04', 1, 0)).toBe(ReadError.Malformed);
    expect(read('12', 1, 0)).toBe(ReadError.Malformed);
    // Code 15 + extension 2^32-1-14 is z = 2^32-1 (fine at MAX_FRAME); one more overflows u32.
    expect(read('0f f1 ff ff ff 0f', 1, MAX_FRAME)).toEqual([live(-1)]);
    expect(read('0f f2 ff ff ff 0f', 1, MAX_FRAME)).toBe(ReadError.Malformed);
    expect(read('0e', 1, 5)).toBe(ReadError.Truncated);
    expect(read('00', 2, 5)).toEqual([live(5), live(5)]);
    expect(read('', 2, 5)).toBe(ReadError.Truncated);
  });

  it('refuses invalid statuses when writing', () => {
    const out = new Uint8Array(32);
    expect(() => writeConnectStatuses(out, 0, [live(-2)], 0)).toThrow(RangeError);
    expect(() => writeConnectStatuses(out, 0, [live(MAX_FRAME + 1)], 0)).toThrow(RangeError);
    expect(() => writeConnectStatuses(out, 0, [live(0.5)], 0)).toThrow(RangeError);
    const notBoolean = { disconnected: 1, lastFrame: 0 } as unknown as ConnectStatus;
    expect(() => writeConnectStatuses(out, 0, [notBoolean], 0)).toThrow(RangeError);
  });
});
