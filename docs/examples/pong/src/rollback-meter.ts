import type { P2PSession } from 'backspin';

/** How often the status line's figures are refreshed (ms): peerStats builds new objects, so not every frame. */
const REFRESH_MS = 250;

/** The status line's numbers for one remote player: round trip and rollback frames per second. */
export class RollbackMeter {
  private atMs = -Infinity;
  private lastRollbacks = 0;
  private text = '';

  line(session: P2PSession<number, Int32Array>, remote: number, nowMs: number): string {
    if (nowMs - this.atMs < REFRESH_MS) return this.text;
    const stats = session.peerStats(remote);
    const perSecond = ((stats.rollbackFrames - this.lastRollbacks) * 1000) / (nowMs - this.atMs);
    this.lastRollbacks = stats.rollbackFrames;
    this.atMs = nowMs;
    this.text = `ping ${Math.round(stats.rttMs)} ms · rollback ${Number.isFinite(perSecond) ? Math.round(perSecond) : 0} frames/s (${stats.rollbackFrames} in all) · frame ${session.currentFrame}`;
    return this.text;
  }
}
