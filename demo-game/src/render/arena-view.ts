import type Phaser from 'phaser';
import { fixedToNumber } from 'backspin';
import { ArenaConfig, ArenaMode } from '../sim/index.ts';
import type { ArenaGame } from '../sim/index.ts';
import { playerColor, playerCss } from './player-colors.ts';
import { drawPlayerMark, playerGlyph } from './player-marks.ts';
import { ARENA_CENTER_X, ARENA_CENTER_Y } from './screen-layout.ts';
import { cssPixelsPerUnit, readableFontSize } from './readable-size.ts';

const PLAYER_RADIUS = fixedToNumber(ArenaConfig.PLAYER_RADIUS);
const BULLET_RADIUS = fixedToNumber(ArenaConfig.BULLET_RADIUS);
/** Share of the gap a re-opening ring closes per drawn frame: it opens over about half a second between rounds. */
const RING_REOPEN_EASE = 0.08;
/** Pulse rate of a closing ring's edge (Hz). */
const RING_PULSE_HZ = 2;

/**
 * Draws the arena simulation: the ring, the players (colour, facing, damage %, dash cooldown,
 * stun and spawn protection) and the bullets. It only reads the game; all drawing is redone each
 * render frame from the current (possibly predicted) state, so a rollback simply shows the
 * corrected positions on the next frame.
 */
export class ArenaView {
  private readonly floor: Phaser.GameObjects.Graphics;
  /** The shrinking ring: the closed-off floor, the ring's edge and where it is heading (redrawn each frame). */
  private readonly ring: Phaser.GameObjects.Graphics | undefined;
  /** The ring's radius as drawn (units): the simulation's, except that it eases open between rounds. */
  private shownRing: number;
  private readonly bodies: Phaser.GameObjects.Graphics;
  private readonly labels: Phaser.GameObjects.Text[];
  private readonly names: Phaser.GameObjects.Text[];
  /** The names' and labels' font sizes at the last fit (screen units; 0 before the first). */
  private nameSize = 0;
  private labelSize = 0;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly game: ArenaGame,
    playerNames: readonly string[],
    private readonly localPlayer: number,
  ) {
    this.floor = scene.add.graphics();
    this.drawFloor();
    this.ring = game.mode === ArenaMode.ShrinkingRing ? scene.add.graphics() : undefined;
    this.shownRing = game.ringRadius;
    this.bodies = scene.add.graphics();
    this.labels = playerNames.map(() =>
      scene.add.text(0, 0, '', { fontFamily: 'system-ui, sans-serif', fontSize: '15px', fontStyle: 'bold', color: '#ffffff', stroke: '#000000', strokeThickness: 4 }).setOrigin(0.5, 1),
    );
    this.names = playerNames.map((name, p) =>
      scene.add
        .text(0, 0, `${playerGlyph(p)} ${p === localPlayer ? `${name} (you)` : name}`, { fontFamily: 'system-ui, sans-serif', fontSize: '13px', color: playerCss(p), stroke: '#000000', strokeThickness: 3 })
        .setOrigin(0.5, 0),
    );
  }

  /** Where the local player is on screen (for mouse aim). */
  localScreenPosition(): { x: number; y: number } {
    return { x: ARENA_CENTER_X + this.game.playerX(this.localPlayer), y: ARENA_CENTER_Y + this.game.playerY(this.localPlayer) };
  }

  /**
   * Sizes the names and damage labels to stay readable (11 and 12 CSS pixels at least) on the
   * screen as it is now: at a desktop's 13 and 15 units they were 4 pixels tall on an upright phone.
   * Returns how tall the names show, in CSS pixels. `scale` makes them that much larger (the
   * big-screen spectator view, read from across a room).
   */
  fitLabels(scale = 1): number {
    const nameSize = readableFontSize(this.scene, 11 * scale, 13 * scale, 30 * scale);
    const labelSize = readableFontSize(this.scene, 12 * scale, 15 * scale, 32 * scale);
    // Sized again only when the size changes (no CSS string made per frame to compare).
    if (nameSize !== this.nameSize) for (const t of this.names) t.setFontSize(nameSize);
    if (labelSize !== this.labelSize) for (const t of this.labels) t.setFontSize(labelSize);
    this.nameSize = nameSize;
    this.labelSize = labelSize;
    return nameSize * cssPixelsPerUnit(this.scene);
  }

  draw(timeMs: number): void {
    const g = this.bodies;
    const game = this.game;
    if (this.ring !== undefined) this.drawRing(this.ring, timeMs);
    g.clear();
    for (let i = 0; i < game.bulletCapacity; i++) {
      if (!game.isBulletActive(i)) continue;
      g.fillStyle(playerColor(game.bulletOwner(i)), 1);
      g.fillCircle(ARENA_CENTER_X + game.bulletX(i), ARENA_CENTER_Y + game.bulletY(i), BULLET_RADIUS);
    }
    const blink = Math.floor(timeMs / 100) % 2 === 0;
    for (let p = 0; p < game.players; p++) {
      const label = this.labels[p]!;
      const name = this.names[p]!;
      if (!game.isAlive(p)) {
        label.setVisible(false);
        name.setVisible(false);
        continue;
      }
      const x = ARENA_CENTER_X + game.playerX(p);
      const y = ARENA_CENTER_Y + game.playerY(p);
      const color = playerColor(p);
      const alpha = game.isInvulnerable(p) && blink ? 0.45 : 1;
      if (game.isDashing(p)) {
        g.fillStyle(color, 0.25);
        g.fillCircle(x, y, PLAYER_RADIUS + 8);
      }
      g.fillStyle(game.isStunned(p) && blink ? 0xffffff : color, alpha);
      g.fillCircle(x, y, PLAYER_RADIUS);
      g.lineStyle(p === this.localPlayer ? 3 : 2, p === this.localPlayer ? 0xffffff : 0x000000, alpha);
      g.strokeCircle(x, y, PLAYER_RADIUS);
      // The player's mark in the middle (a cue besides colour), the facing as a notch outside it.
      g.fillStyle(0x0b1020, alpha * 0.85);
      drawPlayerMark(g, p, x, y, PLAYER_RADIUS * 0.95);
      const angle = game.playerAngle(p);
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      g.lineStyle(4, 0x000000, alpha * 0.8);
      g.lineBetween(x + cos * PLAYER_RADIUS * 0.62, y + sin * PLAYER_RADIUS * 0.62, x + cos * PLAYER_RADIUS, y + sin * PLAYER_RADIUS);
      // Dash cooldown: an arc that closes as the dash comes back.
      const cooldown = game.dashCooldownLeft(p);
      if (cooldown > 0) {
        const done = 1 - cooldown / ArenaConfig.DASH_COOLDOWN_FRAMES;
        g.lineStyle(2, 0xffffff, 0.5);
        g.beginPath();
        g.arc(x, y, PLAYER_RADIUS + 5, -Math.PI / 2, -Math.PI / 2 + done * Math.PI * 2);
        g.strokePath();
      }
      const damage = game.playerDamage(p);
      label.setVisible(true).setPosition(x, y - PLAYER_RADIUS - 4).setText(`${damage}%`);
      label.setColor(damage < 50 ? '#ffffff' : damage < 100 ? '#ffe082' : damage < 150 ? '#ffab40' : '#ff5252');
      name.setVisible(true).setPosition(x, y + PLAYER_RADIUS + 4);
    }
  }

  destroy(): void {
    this.floor.destroy();
    this.ring?.destroy();
    this.bodies.destroy();
    for (const t of [...this.labels, ...this.names]) t.destroy();
  }

  private drawFloor(): void {
    const g = this.floor;
    const r = this.game.arenaRadius;
    g.fillStyle(0x15203a, 1);
    g.fillCircle(ARENA_CENTER_X, ARENA_CENTER_Y, r);
    g.lineStyle(1, 0x22325a, 1);
    for (let d = -r + 40; d < r; d += 40) {
      const half = Math.sqrt(r * r - d * d);
      g.lineBetween(ARENA_CENTER_X + d, ARENA_CENTER_Y - half, ARENA_CENTER_X + d, ARENA_CENTER_Y + half);
      g.lineBetween(ARENA_CENTER_X - half, ARENA_CENTER_Y + d, ARENA_CENTER_X + half, ARENA_CENTER_Y + d);
    }
    // In the shrinking ring the red edge moves (drawRing): the floor's own rim is only its border,
    // and the spawn circle is left out (passing it, the closing edge looked doubled).
    const classic = this.game.mode === ArenaMode.Classic;
    if (classic) {
      g.lineStyle(2, 0x2e4a80, 1);
      g.strokeCircle(ARENA_CENTER_X, ARENA_CENTER_Y, fixedToNumber(ArenaConfig.SPAWN_RING_RADIUS));
    }
    g.lineStyle(classic ? 8 : 4, classic ? 0xff5252 : 0x2e4a80, classic ? 0.85 : 1);
    g.strokeCircle(ARENA_CENTER_X, ARENA_CENTER_Y, r);
  }

  /**
   * The shrinking ring: the floor outside it darkened and hatched red (out of bounds), its edge a
   * thick red line that pulses while it closes, and a dashed amber circle where it is heading.
   */
  private drawRing(g: Phaser.GameObjects.Graphics, timeMs: number): void {
    const game = this.game;
    const full = game.arenaRadius;
    const target = game.ringRadius;
    // Closing: follow the simulation exactly (it decides who is out). Opening again: ease.
    this.shownRing = target < this.shownRing ? target : this.shownRing + (target - this.shownRing) * RING_REOPEN_EASE;
    if (full - this.shownRing < 0.5) this.shownRing = target;
    const r = this.shownRing;
    g.clear();
    if (full - r > 0.5) {
      g.lineStyle(full - r, 0x05070d, 0.72);
      g.strokeCircle(ARENA_CENTER_X, ARENA_CENTER_Y, (full + r) / 2);
    }
    if (full - r > 12) {
      // Hatching on the closed floor, so it reads as "out" without relying on colour; slanted
      // less while the band is thin, so no stroke reaches inside the ring.
      g.lineStyle(2, 0xff5252, 0.22);
      const tilt = (0.5 * (full - r)) / full;
      for (let a = 0; a < 72; a++) {
        const angle = (a / 72) * Math.PI * 2;
        const cos = Math.cos(angle);
        const sin = Math.sin(angle);
        g.lineBetween(ARENA_CENTER_X + cos * (r + 4), ARENA_CENTER_Y + sin * (r + 4), ARENA_CENTER_X + Math.cos(angle + tilt) * (full - 2), ARENA_CENTER_Y + Math.sin(angle + tilt) * (full - 2));
      }
    }
    const goal = game.ringTargetRadius;
    if (goal < r - 1) {
      g.lineStyle(2, 0xffc857, 0.55);
      const dashes = Math.max(24, Math.round(goal / 4));
      for (let d = 0; d < dashes; d++) {
        g.beginPath();
        g.arc(ARENA_CENTER_X, ARENA_CENTER_Y, goal, (d / dashes) * Math.PI * 2, ((d + 0.5) / dashes) * Math.PI * 2);
        g.strokePath();
      }
    }
    const closing = game.ringHoldFramesLeft === 0 && goal < r - 1;
    const pulse = closing ? 0.5 + 0.5 * Math.sin((timeMs / 1000) * RING_PULSE_HZ * 2 * Math.PI) : 1;
    g.lineStyle(closing ? 10 : 8, 0xff5252, 0.65 + 0.3 * pulse);
    g.strokeCircle(ARENA_CENTER_X, ARENA_CENTER_Y, r);
  }
}
