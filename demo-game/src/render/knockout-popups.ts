import type Phaser from 'phaser';
import { playerCss } from './player-colors.ts';
import { stackPopup } from './popup-stack.ts';
import type { PopupBox } from './popup-stack.ts';

/** Pop-ups shown at once; a fifth reuses the oldest. */
const POPUPS = 4;
/** Life of a pop-up (ms): it pops in, floats up POPUP_RISE units, and fades over the last FADE_MS. */
const POPUP_MS = 1400;
const FADE_MS = 450;
const POPUP_RISE = 46;
const FONT = 'system-ui, sans-serif';
/**
 * Height one pop-up takes when stacked (world units): from the top of the "KO!" (32 above its
 * centre, 45 at its 140% pop) to the bottom of the name line under it (52 below), with a little air.
 */
const STACK_HEIGHT = 96;
/** From a pop-up's anchor (the "KO!" centre) down to the centre of its stacking box (world units). */
const STACK_CENTRE = 8;
/** Highest anchor a stacked pop-up may have (world units): the top of the arena, still on screen. */
const STACK_MIN_Y = 70;

interface Popup extends PopupBox {
  readonly title: Phaser.GameObjects.Text;
  readonly detail: Phaser.GameObjects.Text;
  x: number;
  y: number;
  startMs: number;
  /** For the stacking of the next one (popup-stack.ts), as of the last `show` or `update`. */
  active: boolean;
  cx: number;
  cy: number;
  halfWidth: number;
}

/**
 * The big "KO!" where a player left the ring, with who scored under it ("+1 Ada", or "Brook
 * self-KO"). Animated by hand each frame from a fixed set of text objects: no tweens, nothing
 * allocated per frame. World coordinates, so the screen shake moves them with the arena.
 */
export class KnockoutPopups {
  private readonly popups: Popup[];
  private next = 0;

  constructor(
    scene: Phaser.Scene,
    private readonly names: readonly string[],
    depth: number,
  ) {
    this.popups = Array.from({ length: POPUPS }, () => ({
      title: scene.add
        .text(0, 0, 'KO!', { fontFamily: FONT, fontSize: '54px', fontStyle: 'bold italic', color: '#ffffff', stroke: '#000000', strokeThickness: 9 })
        .setOrigin(0.5)
        .setDepth(depth)
        .setVisible(false),
      detail: scene.add
        .text(0, 0, '', { fontFamily: FONT, fontSize: '19px', fontStyle: 'bold', color: '#ffffff', stroke: '#000000', strokeThickness: 5 })
        .setOrigin(0.5, 0)
        .setDepth(depth)
        .setVisible(false),
      x: 0,
      y: 0,
      startMs: -Infinity,
      active: false,
      cx: 0,
      cy: 0,
      halfWidth: 0,
    }));
  }

  /**
   * Shows a pop-up at world (x, y) for `victim` knocked out by `scorer` (-1: by itself), moved up
   * (or down) clear of the pop-ups still on screen. Knock-outs are announced once their frame is
   * confirmed (match-event-tracker.ts), so no rollback takes one back.
   */
  show(x: number, y: number, victim: number, scorer: number, nowMs: number): void {
    const popup = this.popups[this.next]!;
    this.next = (this.next + 1) % POPUPS;
    this.place(nowMs);
    popup.active = false; // the one reused (the oldest) is no obstacle to itself
    const color = playerCss(scorer >= 0 ? scorer : victim);
    popup.title.setColor(scorer >= 0 ? color : '#ff8a80');
    popup.detail.setText(scorer >= 0 ? `+1 ${this.name(scorer)}` : `${this.name(victim)} self-KO`).setColor(color);
    const halfWidth = Math.max(popup.title.width * 1.4, popup.detail.width) / 2;
    popup.x = x;
    popup.y = stackPopup(x, y + STACK_CENTRE, halfWidth, STACK_HEIGHT, this.popups, STACK_MIN_Y + STACK_CENTRE) - STACK_CENTRE;
    popup.startMs = nowMs;
    popup.active = true;
    popup.cx = x;
    popup.cy = popup.y + STACK_CENTRE;
    popup.halfWidth = halfWidth;
  }

  update(nowMs: number): void {
    this.place(nowMs);
    for (let i = 0; i < POPUPS; i++) {
      const popup = this.popups[i]!;
      const visible = popup.active;
      popup.title.setVisible(visible);
      popup.detail.setVisible(visible);
      if (!visible) continue;
      const age = nowMs - popup.startMs;
      // Pops to 140% in 90 ms, settles to 100% by 220 ms, then floats up and fades.
      const scale = age < 90 ? 0.5 + (age / 90) * 0.9 : age < 220 ? 1.4 - ((age - 90) / 130) * 0.4 : 1;
      const alpha = age > POPUP_MS - FADE_MS ? (POPUP_MS - age) / FADE_MS : 1;
      const y = popup.y - (age / POPUP_MS) * POPUP_RISE;
      popup.title.setPosition(popup.x, y).setScale(scale).setAlpha(alpha);
      popup.detail.setPosition(popup.x, y + 26).setAlpha(alpha);
    }
  }

  /** Where each pop-up is at `nowMs` (risen since it came), and whether it is still on screen. */
  private place(nowMs: number): void {
    for (let i = 0; i < POPUPS; i++) {
      const popup = this.popups[i]!;
      const age = nowMs - popup.startMs;
      popup.active = age < POPUP_MS;
      popup.cy = popup.y - (age / POPUP_MS) * POPUP_RISE + STACK_CENTRE;
    }
  }

  destroy(): void {
    for (const popup of this.popups) {
      popup.title.destroy();
      popup.detail.destroy();
    }
  }

  private name(player: number): string {
    return this.names[player] ?? `Player ${player + 1}`;
  }
}
