import { describe, expect, it } from 'vitest';
import { LinkLiveness } from '../../sdk/src/direct/link-liveness.ts';

/** LinkLiveness in virtual time: the times are whatever the test says. */
describe('LinkLiveness', () => {
  it('pings every 200 ms by default, with increasing ids', () => {
    const l = new LinkLiveness(0);
    const sent: [number, number][] = [];
    for (let t = 0; t <= 1000; t += 25) {
      const id = l.pingDue(t);
      if (id !== undefined) sent.push([t, id]);
    }
    expect(sent).toEqual([
      [0, 1],
      [200, 2],
      [400, 3],
      [600, 4],
      [800, 5],
      [1000, 6],
    ]);
  });

  it('is alive until 1000 ms without an answered ping, counted from the start or from the last pong', () => {
    const l = new LinkLiveness(100);
    expect(l.alive(100)).toBe(true);
    expect(l.alive(1099)).toBe(true);
    expect(l.alive(1100)).toBe(false);
    const id = l.pingDue(1400)!;
    expect(l.alive(1450)).toBe(false); // a ping sent proves nothing
    expect(l.pong(id, 1500)).toBe(true); // answered: alive again
    expect(l.alive(1500)).toBe(true);
    expect(l.silentForMs(2000)).toBe(500);
    expect(l.alive(2499)).toBe(true);
    expect(l.alive(2500)).toBe(false);
  });

  it('counts silence from the answer, not from the ping, and never moves back', () => {
    const l = new LinkLiveness(0);
    const late = l.pingDue(0)!;
    const early = l.pingDue(200)!;
    expect(l.pong(early, 900)).toBe(true);
    expect(l.pong(late, 850)).toBe(true); // a pong processed with an older time stamp
    expect(l.silentForMs(1000)).toBe(100);
  });

  it('gives up after 15 s of silence by default', () => {
    const l = new LinkLiveness(0);
    expect(l.gaveUp(14_999)).toBe(false);
    expect(l.gaveUp(15_000)).toBe(true);
    const id = l.pingDue(15_000)!;
    l.pong(id, 15_001);
    expect(l.gaveUp(15_001)).toBe(false);
  });

  it('reports the median of the last 5 round trips', () => {
    const l = new LinkLiveness(0, { pingIntervalMs: 10, silenceMs: 100 });
    expect(l.rttMs).toBeUndefined();
    const rtts = [4, 100, 6, 5, 7, 3];
    let t = 0;
    for (const [i, rtt] of rtts.entries()) {
      const id = l.pingDue(t)!;
      expect(l.pong(id, t + rtt)).toBe(true);
      if (i === 0) expect(l.rttMs).toBe(4);
      if (i === 1) expect(l.rttMs).toBe(52); // two samples: their mean
      t += 10;
    }
    // The last 5: 100, 6, 5, 7, 3: median 6 (one outlier does not move it).
    expect(l.rttMs).toBe(6);
  });

  it('counts a pong once, only for a ping awaiting its answer in the window', () => {
    const l = new LinkLiveness(0, { pingIntervalMs: 10, silenceMs: 100 });
    const first = l.pingDue(0)!;
    expect(l.pong(first, 3)).toBe(true);
    expect(l.pong(first, 4)).toBe(false); // repeated
    expect(l.pong(first + 1, 5)).toBe(false); // not sent yet
    for (let t = 10; t <= 170; t += 10) l.pingDue(t); // 17 more: ping 2 is 16 pings old
    expect(l.pong(first + 1, 175)).toBe(false); // too old: forgotten
    expect(l.stalePongs).toBe(3);
    expect(l.rttMs).toBe(3);
  });

  it('wraps its u32 ping ids', () => {
    const l = new LinkLiveness(0, { pingIntervalMs: 1, silenceMs: 2 });
    (l as unknown as { pingId: number }).pingId = 0xffff_fffe;
    expect(l.pingDue(0)).toBe(0xffff_ffff);
    expect(l.pingDue(1)).toBe(0);
    expect(l.pong(0xffff_ffff, 2)).toBe(true);
    expect(l.pong(0, 3)).toBe(true);
  });

  it('refuses inconsistent options', () => {
    expect(() => new LinkLiveness(0, { pingIntervalMs: 0 })).toThrow(RangeError);
    expect(() => new LinkLiveness(0, { pingIntervalMs: 500, silenceMs: 400 })).toThrow(RangeError);
    expect(() => new LinkLiveness(0, { silenceMs: 2000, giveUpMs: 1000 })).toThrow(RangeError);
    expect(() => new LinkLiveness(0, { rttSamples: 0 })).toThrow(RangeError);
  });
});
