import type Phaser from 'phaser';
import { fixedToNumber } from 'backspin';
import { ArenaConfig } from '../sim/index.ts';
import type { ArenaGame } from '../sim/index.ts';
import { playerCss } from './player-colors.ts';
import { readableFontSize } from './readable-size.ts';
import { ARENA_CENTER_X, ARENA_CENTER_Y } from './screen-layout.ts';

const PLAYER_RADIUS = fixedToNumber(ArenaConfig.PLAYER_RADIUS);
/** An emote shows this long (ms), fading over its last quarter. */
const SHOW_MS = 2200;
/** Above the ship's damage label (units from the ship's centre to the bubble's bottom). */
const LIFT = PLAYER_RADIUS + 26;
/** How far the bubble rises while shown (units). */
const RISE = 14;

/**
 * Emotes shown above the sender's ship: one bubble per player (a new emote replaces the old),
 * in the player's colour, following the ship as drawn (the possibly predicted state, read each
 * frame, so a rollback moves the bubble with the ship). A knocked-out player's bubble stays where
 * it last was. Nothing here touches the simulation, and nothing is allocated per frame.
 */
export class EmoteBubbles {
  private readonly texts: Phaser.GameObjects.Text[];
  private readonly shownAtMs: number[];
  private readonly lastX: number[];
  private readonly lastY: number[];

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly game: ArenaGame,
    depth: number,
  ) {
    const n = game.players;
    this.texts = Array.from({ length: n }, (_, p) =>
      scene.add
        .text(0, 0, '', { fontFamily: 'system-ui, sans-serif', fontSize: '18px', fontStyle: 'bold', color: '#ffffff', backgroundColor: '#0b1020d0', padding: { x: 8, y: 3 } })
        .setOrigin(0.5, 1)
        .setDepth(depth)
        .setStroke(playerCss(p), 0)
        .setVisible(false),
    );
    this.shownAtMs = new Array<number>(n).fill(-Infinity);
    this.lastX = new Array<number>(n).fill(ARENA_CENTER_X);
    this.lastY = new Array<number>(n).fill(ARENA_CENTER_Y);
  }

  /** Player `player` sent `label` at `nowMs`. */
  show(player: number, label: string, nowMs: number): void {
    const t = this.texts[player];
    if (t === undefined) return;
    t.setText(label).setColor(playerCss(player)).setFontSize(readableFontSize(this.scene, 14, 18, 40)).setVisible(true);
    this.shownAtMs[player] = nowMs;
  }

  /** Once per render frame. */
  update(nowMs: number): void {
    for (let p = 0; p < this.texts.length; p++) {
      const t = this.texts[p]!;
      if (!t.visible) continue;
      const age = nowMs - this.shownAtMs[p]!;
      if (age >= SHOW_MS) {
        t.setVisible(false);
        continue;
      }
      if (this.game.isAlive(p)) {
        this.lastX[p] = ARENA_CENTER_X + this.game.playerX(p);
        this.lastY[p] = ARENA_CENTER_Y + this.game.playerY(p);
      }
      const k = age / SHOW_MS;
      t.setPosition(this.lastX[p]!, this.lastY[p]! - LIFT - RISE * k);
      t.setAlpha(k < 0.75 ? 1 : (1 - k) / 0.25);
    }
  }

  destroy(): void {
    for (const t of this.texts) t.destroy();
  }
}
