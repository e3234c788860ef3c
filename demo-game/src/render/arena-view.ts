import type Phaser from 'phaser';
import { fixedToNumber } from 'backspin';
import { ArenaConfig } from '../sim/index.ts';
import type { ArenaGame } from '../sim/index.ts';
import { playerColor, playerCss } from './player-colors.ts';
import { ARENA_CENTER_X, ARENA_CENTER_Y } from './screen-layout.ts';
import { cssPixelsPerUnit, readableFontSize } from './readable-size.ts';

const PLAYER_RADIUS = fixedToNumber(ArenaConfig.PLAYER_RADIUS);
const BULLET_RADIUS = fixedToNumber(ArenaConfig.BULLET_RADIUS);

/**
 * Draws the arena simulation: the ring, the players (colour, facing, damage %, dash cooldown,
 * stun and spawn protection) and the bullets. It only reads the game; all drawing is redone each
 * render frame from the current (possibly predicted) state, so a rollback simply shows the
 * corrected positions on the next frame.
 */
export class ArenaView {
  private readonly floor: Phaser.GameObjects.Graphics;
  private readonly bodies: Phaser.GameObjects.Graphics;
  private readonly labels: Phaser.GameObjects.Text[];
  private readonly names: Phaser.GameObjects.Text[];

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly game: ArenaGame,
    playerNames: readonly string[],
    private readonly localPlayer: number,
  ) {
    this.floor = scene.add.graphics();
    this.drawFloor();
    this.bodies = scene.add.graphics();
    this.labels = playerNames.map(() =>
      scene.add.text(0, 0, '', { fontFamily: 'system-ui, sans-serif', fontSize: '15px', fontStyle: 'bold', color: '#ffffff', stroke: '#000000', strokeThickness: 4 }).setOrigin(0.5, 1),
    );
    this.names = playerNames.map((name, p) =>
      scene.add
        .text(0, 0, p === localPlayer ? `${name} (you)` : name, { fontFamily: 'system-ui, sans-serif', fontSize: '13px', color: playerCss(p), stroke: '#000000', strokeThickness: 3 })
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
   * Returns how tall the names show, in CSS pixels.
   */
  fitLabels(): number {
    const nameSize = readableFontSize(this.scene, 11, 13, 30);
    const labelSize = readableFontSize(this.scene, 12, 15, 32);
    for (const t of this.names) if (t.style.fontSize !== `${nameSize}px`) t.setFontSize(nameSize);
    for (const t of this.labels) if (t.style.fontSize !== `${labelSize}px`) t.setFontSize(labelSize);
    return nameSize * cssPixelsPerUnit(this.scene);
  }

  draw(timeMs: number): void {
    const g = this.bodies;
    const game = this.game;
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
      const angle = game.playerAngle(p);
      g.lineStyle(4, 0x000000, alpha * 0.8);
      g.lineBetween(x, y, x + Math.cos(angle) * PLAYER_RADIUS, y + Math.sin(angle) * PLAYER_RADIUS);
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
    g.lineStyle(2, 0x2e4a80, 1);
    g.strokeCircle(ARENA_CENTER_X, ARENA_CENTER_Y, fixedToNumber(ArenaConfig.SPAWN_RING_RADIUS));
    g.lineStyle(8, 0xff5252, 0.85);
    g.strokeCircle(ARENA_CENTER_X, ARENA_CENTER_Y, r);
  }
}
