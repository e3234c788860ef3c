import type Phaser from 'phaser';
import { ARENA_CENTER_X, ARENA_CENTER_Y } from './screen-layout.ts';

/** Shake offsets change this often (ms): a 60 Hz jitter reads as noise, 30 Hz as a shake. */
const STEP_MS = 33;

/**
 * Screen shake that moves the arena, not the HUD: it offsets the camera's scroll around the
 * arena's centre, and the HUD, the kill feed and banners are pinned with scroll factor 0, so
 * they stay still and readable (Phaser's camera shake moves everything). Amplitudes are screen
 * units; the shake fades linearly over its duration. A weaker shake does not cut a stronger one short.
 */
export class ScreenShake {
  private amplitude = 0;
  private startMs = 0;
  private durationMs = 0;
  private stepAtMs = -Infinity;
  private dx = 0;
  private dy = 0;
  private shaking = false;

  constructor(private readonly camera: Phaser.Cameras.Scene2D.Camera) {}

  /** Starts a shake of `amplitude` units for `durationMs`, unless a stronger one is still going. */
  start(amplitude: number, durationMs: number, nowMs: number): void {
    if (this.shaking && this.remaining(nowMs) > amplitude) return;
    this.amplitude = amplitude;
    this.startMs = nowMs;
    this.durationMs = durationMs;
    this.stepAtMs = -Infinity;
    this.shaking = true;
  }

  update(nowMs: number): void {
    if (!this.shaking) return;
    const left = this.remaining(nowMs);
    if (left <= 0) {
      this.shaking = false;
      this.camera.centerOn(ARENA_CENTER_X, ARENA_CENTER_Y);
      return;
    }
    if (nowMs - this.stepAtMs >= STEP_MS) {
      this.stepAtMs = nowMs;
      const a = Math.random() * Math.PI * 2;
      this.dx = Math.cos(a) * left;
      this.dy = Math.sin(a) * left;
    }
    this.camera.centerOn(ARENA_CENTER_X + this.dx, ARENA_CENTER_Y + this.dy);
  }

  /** The amplitude left at `nowMs`. */
  private remaining(nowMs: number): number {
    const t = (nowMs - this.startMs) / this.durationMs;
    return t >= 1 ? 0 : this.amplitude * (1 - t);
  }
}
