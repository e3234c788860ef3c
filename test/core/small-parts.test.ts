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
  it('compares the packets the peer reports sending with those that arrived', () => {
    const loss = new LossEstimator();
    let sent = 0;
    const report = () => {
      loss.recordArrival(); // the report itself arrives
      loss.recordReport(sent);
      sent++;
    };
    report();
    for (let second = 0; second < 20; second++) {
      for (let i = 0; i < 100; i++) {
        if (i % 5 !== 0) loss.recordArrival();
        sent++;
      }
      report();
    }
    expect(loss.lossRate).toBeCloseTo(0.2, 2);
  });

  it('counts duplicates as arrivals, never goes below 0, and survives counter wrap-around', () => {
    const loss = new LossEstimator();
    let sent = 0xffffff00;
    loss.recordArrival();
    loss.recordReport(sent);
    sent = (sent + 1) >>> 0;
    for (let i = 0; i < 300; i++) {
      loss.recordArrival();
      loss.recordArrival(); // every packet duplicated
      sent = (sent + 1) >>> 0;
    }
    loss.recordArrival();
    loss.recordReport(sent);
    expect(loss.lossRate).toBe(0);
  });

  it('reads 0 on a lossless link whose reports overtake packets sent just before them', () => {
    // Each second the peer sends 60 packets then a report; jitter makes the report arrive before
    // the last 1 or 2 of them, which then arrive in the next interval. Nothing is lost.
    const loss = new LossEstimator();
    let sent = 0;
    let late = 0;
    loss.recordArrival();
    loss.recordReport(sent);
    sent++;
    for (let second = 0; second < 30; second++) {
      for (let i = 0; i < late; i++) loss.recordArrival(); // last interval's overtaken packets
      late = 1 + (second % 2);
      for (let i = 0; i < 60; i++) {
        if (i < 60 - late) loss.recordArrival();
        sent++;
      }
      loss.recordArrival(); // the report
      loss.recordReport(sent);
      sent++; // the report was a packet too
      if (second >= 8) expect(loss.lossRate).toBeLessThanOrEqual(2 / (8 * 60)); // at most the newest interval's overtaken packets
    }
  });

  it('follows a change of loss within the window (8 reports)', () => {
    const loss = new LossEstimator();
    let sent = 0;
    const second = (lostEvery: number) => {
      for (let i = 0; i < 100; i++) {
        if (lostEvery === 0 || i % lostEvery !== 0) loss.recordArrival();
        sent++;
      }
      loss.recordArrival();
      loss.recordReport(sent);
      sent++;
    };
    loss.recordArrival();
    loss.recordReport(sent);
    sent++;
    for (let i = 0; i < 10; i++) second(0);
    expect(loss.lossRate).toBe(0);
    for (let i = 0; i < 8; i++) second(10);
    expect(loss.lossRate).toBeCloseTo(0.1, 2);
  });

  it('ignores a late (older) report', () => {
    const loss = new LossEstimator();
    loss.recordReport(100);
    for (let i = 0; i < 50; i++) loss.recordArrival();
    loss.recordReport(150);
    const before = loss.lossRate;
    loss.recordReport(120);
    expect(loss.lossRate).toBe(before);
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
  const run = (pacer: FramePacer, untilMs: number, ahead = 0, advances = () => true): number => {
    let frames = 0;
    for (let t = 0; t <= untilMs; t += 1) {
      const due = pacer.framesDue(t, ahead);
      for (let i = 0; i < due && advances(); i++) {
        pacer.frameDone();
        frames++;
      }
    }
    return frames;
  };

  it('runs frames at the fixed rate', () => {
    const frames = run(new FramePacer(60), 10_000);
    expect(frames).toBeGreaterThanOrEqual(600);
    expect(frames).toBeLessThanOrEqual(601);
  });

  it('slows down while ahead, by at most maxSlowdown', () => {
    const frames = run(new FramePacer(60, 0.1), 10_000, 100);
    expect(frames).toBeGreaterThanOrEqual(545);
    expect(frames).toBeLessThanOrEqual(547);
  });

  it('keeps a stalled frame owed and catches it up', () => {
    const pacer = new FramePacer(60);
    let calls = 0;
    // Every third attempt stalls; the frame stays owed, so nothing is lost over time.
    const frames = run(pacer, 10_000, 0, () => ++calls % 3 !== 0);
    expect(frames).toBeGreaterThanOrEqual(599);
  });

  it('keeps a stalled frame owed while ahead of the other peers too (the lead is only an estimate)', () => {
    const pacer = new FramePacer(60, 0.1);
    expect(pacer.framesDue(0, 4)).toBe(1); // 4 frames ahead: stretched by 6.25%
    // The frame stalls (no frameDone): it stays owed, and is owed again on the next tick.
    expect(pacer.framesDue(10, 4)).toBe(1);
    pacer.frameDone();
    // Paid for, the next one is due a stretched frame (17.7 ms) after the first.
    expect(pacer.framesDue(17.6, 4)).toBe(0);
    expect(pacer.framesDue(17.8, 4)).toBe(1);
  });

  it('forgives a backlog beyond maxCatchUp after a long pause', () => {
    const pacer = new FramePacer(60, 0.1, 8);
    expect(pacer.framesDue(0)).toBe(1);
    pacer.frameDone();
    expect(pacer.framesDue(5_000)).toBe(8);
    for (let i = 0; i < 8; i++) pacer.frameDone();
    expect(pacer.framesDue(5_001)).toBe(0);
    expect(pacer.msUntilNextFrame(5_001)).toBeGreaterThan(0);
  });

  it('rejects nonsense settings', () => {
    expect(() => new FramePacer(0)).toThrow(RangeError);
    expect(() => new FramePacer(60, -1)).toThrow(RangeError);
    expect(() => new FramePacer(60, 0.1, 0)).toThrow(RangeError);
  });
});
