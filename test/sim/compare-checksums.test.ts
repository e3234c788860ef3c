import { describe, expect, it } from 'vitest';
import { compareChecksums } from '../../sdk/src/sim/compare-checksums.ts';

describe('compareChecksums', () => {
  it('counts frames seen by two or more peers and lists every frame where any two differ', () => {
    const a = new Map([[0, 1], [10, 2], [20, 3], [30, 9]]);
    const b = new Map([[0, 1], [10, 5], [20, 3]]);
    const c = new Map([[10, 2], [20, 4], [40, 7]]);
    expect(compareChecksums([a, b, c])).toEqual({ framesCompared: 3, mismatchedFrames: [10, 20] });
  });

  it('finds nothing to compare for one peer, and agreement for equal peers', () => {
    const a = new Map([[0, 1], [10, 2]]);
    expect(compareChecksums([a])).toEqual({ framesCompared: 0, mismatchedFrames: [] });
    expect(compareChecksums([a, new Map(a)])).toEqual({ framesCompared: 2, mismatchedFrames: [] });
  });
});
