import { describe, expect, it } from 'vitest';
import { SavedStateRing } from '../../sdk/src/core/saved-state-ring.ts';
import { RunningAverage } from '../../sdk/src/core/running-average.ts';
import { TimeSync } from '../../sdk/src/core/time-sync.ts';
import { LossEstimator } from '../../sdk/src/core/loss-estimator.ts';
import { DesyncDetector } from '../../sdk/src/core/desync-detector.ts';
import { FramePacer } from '../../sdk/src/core/frame-pacer.ts';

describe('SavedStateRing', () => {
  it('returns a state only for the frame it was saved for', () => {
    const ring = new SavedStateRing<string>(3);
    ring.save(0, 'a', 11);
    ring.save(1, 'b', undefined);
    expect(ring.state(0)).toBe('a');
    expect(ring.checksum(0)).toBe(11);
    expect(ring.checksum(1)).toBeUndefined();
    ring.save(3, 'd', 0);
    expect(ring.state(0)).toBeUndefined();
    expect(ring.state(3)).toBe('d');
    expect(ring.checksum(3)).toBe(0);
  });
});

describe('RunningAverage', () => {
  it('averages the last N samples only', () => {
    const avg = new RunningAverage(3);
    expect(avg.mean).toBe(0);
    [1, 2, 3].forEach((v) => avg.add(v));
    expect(avg.mean).toBe(2);
    avg.add(10);
    expect(avg.mean).toBe(5);
  });
});

describe('TimeSync', () => {
  it('reports nothing until both sides have estimates', () => {
    const ts = new TimeSync(4);
    ts.addLocalSample(6);
    expect(ts.framesAhead).toBe(0);
    ts.setRemoteAdvantage(-2);
    expect(ts.framesAhead).toBe(4);
  });

  it('cancels an equal round-trip error on both sides', () => {
    // Truly 3 frames ahead, both sides overestimate latency by 1.5 frames.
    const ts = new TimeSync(8);
    for (let i = 0; i < 8; i++) ts.addLocalSample(3 - 1.5);
    ts.setRemoteAdvantage(-3 - 1.5);
    expect(ts.framesAhead).toBeCloseTo(3, 6);
  });
});

describe('LossEstimator', () => {
  it('measures the fraction of sequence numbers that never arrived, across wrap-around', () => {
    const loss = new LossEstimator(1000);
    let t = 0;
    for (let i = 0; i < 2000; i++) {
      t += 10;
      if (i % 5 !== 0) loss.record(i & 0xff, t);
    }
    loss.roll(t + 1000);
    expect(loss.lossRate).toBeGreaterThan(0.15);
    expect(loss.lossRate).toBeLessThan(0.25);
  });

  it('does not count duplicates and late packets as progress', () => {
    const loss = new LossEstimator(100);
    for (let i = 0; i < 50; i++) {
      loss.record(i, i);
      loss.record(i, i); // duplicate
    }
    loss.roll(500);
    expect(loss.lossRate).toBe(0);
  });
});

describe('DesyncDetector', () => {
  it('reports a mismatch whichever side arrives first, and never for matches', () => {
    const d = new DesyncDetector(3);
    const found: [number, number][] = [];
    expect(d.addRemote(1, 10, 0xaaaa)).toBeUndefined();
    d.addLocal(10, 0xbbbb, (player, remote) => found.push([player, remote]));
    expect(found).toEqual([[1, 0xaaaa]]);
    d.addLocal(20, 5, () => found.push([-1, -1]));
    expect(d.addRemote(2, 20, 5)).toBeUndefined();
    expect(d.addRemote(2, 20, 6)).toBe(5);
    expect(found).toHaveLength(1);
  });

  it('ignores reports about frames it has forgotten', () => {
    const d = new DesyncDetector(2, 2);
    for (let f = 0; f < 10; f++) d.addLocal(f, f, () => undefined);
    expect(d.addRemote(1, 0, 999)).toBeUndefined();
  });
});

describe('FramePacer', () => {
  it('runs frames at the fixed rate', () => {
    const pacer = new FramePacer(60);
    let frames = 0;
    for (let t = 0; t <= 10_000; t += 1) frames += pacer.framesDue(t);
    expect(frames).toBeGreaterThanOrEqual(600);
    expect(frames).toBeLessThanOrEqual(601);
  });

  it('slows down while ahead, by at most maxSlowdown', () => {
    const pacer = new FramePacer(60, 0.1);
    let frames = 0;
    for (let t = 0; t <= 10_000; t += 1) frames += pacer.framesDue(t, 100);
    expect(frames).toBeGreaterThanOrEqual(545);
    expect(frames).toBeLessThanOrEqual(547);
  });

  it('caps catch-up after a long pause', () => {
    const pacer = new FramePacer(60, 0.1, 8);
    expect(pacer.framesDue(0)).toBe(1);
    expect(pacer.framesDue(5_000)).toBe(8);
    expect(pacer.framesDue(5_001)).toBe(0);
  });
});
