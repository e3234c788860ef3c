import type Phaser from 'phaser';
import { fixedToNumber } from 'backspin';
import { ArenaConfig } from '../sim/index.ts';
import type { ArenaGame } from '../sim/index.ts';
import { playerColor } from './player-colors.ts';
import { ARENA_CENTER_X, ARENA_CENTER_Y } from './screen-layout.ts';

/** A player whose edge of body is closer than this to the ring's edge is warned (units). */
const WARN_DISTANCE = 70;
const PLAYER_RADIUS = fixedToNumber(ArenaConfig.PLAYER_RADIUS);
/** Pulse rate of the warning (Hz): fast enough to read as urgent. */
const PULSE_HZ = 4;
/** The red glow after you are knocked out fades over this long (ms). */
const KNOCKED_OUT_GLOW_MS = 600;

/**
 * The ring-edge warning: where a player is close to falling out, the ring's edge next to them
 * lights up in their colour, brighter the closer they are. For the player at this screen it is
 * louder: a pulsing white-and-red arc, chevrons pointing back to the centre, and a red glow at
 * the screen's edges, so you notice it without looking at the rim. The same glow, stronger and
 * fading, says you were knocked out.
 */
export class EdgeWarning {
  private readonly arcs: Phaser.GameObjects.Graphics;
  private readonly glow: Phaser.GameObjects.Graphics;
  /** Whether the local player was warned last frame (to count warnings, not frames). */
  private localWarned = false;
  private knockedOutAtMs = -Infinity;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly game: ArenaGame,
    private readonly localPlayer: number,
    depth: number,
  ) {
    this.arcs = scene.add.graphics().setDepth(depth);
    this.glow = scene.add.graphics().setScrollFactor(0).setDepth(depth);
  }

  /** Redraws the warnings; returns true when the local player's warning has just come on. */
  update(nowMs: number): boolean {
    const g = this.arcs;
    const game = this.game;
    const radius = game.ringRadius; // in the shrinking ring, where the edge is now
    g.clear();
    this.glow.clear();
    const pulse = 0.5 + 0.5 * Math.sin((nowMs / 1000) * PULSE_HZ * 2 * Math.PI);
    let localLevel = 0;
    for (let p = 0; p < game.players; p++) {
      if (!game.isAlive(p)) continue;
      const x = game.playerX(p);
      const y = game.playerY(p);
      const distance = Math.sqrt(x * x + y * y);
      const gap = radius - distance - PLAYER_RADIUS;
      if (gap >= WARN_DISTANCE) continue;
      const level = Math.min(1, 1 - gap / WARN_DISTANCE);
      const angle = Math.atan2(y, x);
      const spread = 0.16 + 0.22 * level;
      const local = p === this.localPlayer;
      if (local) localLevel = level;
      // A wide soft band, then a bright core; the local player's pulses between white and red.
      g.lineStyle(local ? 22 : 14, local ? 0xff1744 : playerColor(p), (local ? 0.35 : 0.22) * level);
      g.beginPath();
      g.arc(ARENA_CENTER_X, ARENA_CENTER_Y, radius, angle - spread * 1.4, angle + spread * 1.4);
      g.strokePath();
      g.lineStyle(local ? 8 : 5, local && pulse > 0.5 ? 0xffffff : local ? 0xff5252 : playerColor(p), (0.5 + 0.5 * pulse) * level);
      g.beginPath();
      g.arc(ARENA_CENTER_X, ARENA_CENTER_Y, radius, angle - spread, angle + spread);
      g.strokePath();
      if (local) this.drawChevrons(x, y, angle, level, pulse);
    }
    const knockedOut = Math.max(0, 1 - (nowMs - this.knockedOutAtMs) / KNOCKED_OUT_GLOW_MS);
    const glow = Math.max(localLevel * (0.55 + 0.45 * pulse), 2 * knockedOut);
    if (glow > 0) this.drawGlow(glow);
    const warned = localLevel > 0.35;
    const cameOn = warned && !this.localWarned;
    this.localWarned = warned;
    return cameOn;
  }

  /** The screen's edges glow red and fade: you were knocked out (gentler than a full-screen flash). */
  knockedOut(nowMs: number): void {
    this.knockedOutAtMs = nowMs;
  }

  destroy(): void {
    this.arcs.destroy();
    this.glow.destroy();
  }

  /** Two chevrons between the player and the centre, pointing inwards ("get back in"). */
  private drawChevrons(x: number, y: number, angle: number, level: number, pulse: number): void {
    const g = this.arcs;
    const ix = -Math.cos(angle);
    const iy = -Math.sin(angle);
    const px = -iy;
    const py = ix;
    g.lineStyle(4, 0xffffff, (0.45 + 0.55 * pulse) * level);
    for (let k = 0; k < 2; k++) {
      const d = PLAYER_RADIUS + 14 + k * 11 + pulse * 4;
      const tipX = ARENA_CENTER_X + x + ix * (d + 8);
      const tipY = ARENA_CENTER_Y + y + iy * (d + 8);
      const baseX = ARENA_CENTER_X + x + ix * d;
      const baseY = ARENA_CENTER_Y + y + iy * d;
      g.lineBetween(baseX + px * 8, baseY + py * 8, tipX, tipY);
      g.lineBetween(baseX - px * 8, baseY - py * 8, tipX, tipY);
    }
  }

  /** A red glow at the screen's edges, in nested bands fading inwards. */
  private drawGlow(strength: number): void {
    const g = this.glow;
    const { width, height } = this.scene.scale;
    for (let band = 0; band < 6; band++) {
      const inset = band * 9;
      g.lineStyle(10, 0xff1744, 0.16 * strength * (1 - band / 6));
      g.strokeRect(inset + 5, inset + 5, width - 2 * inset - 10, height - 2 * inset - 10);
    }
  }
}
