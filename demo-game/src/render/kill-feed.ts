import type Phaser from 'phaser';
import { playerCss } from './player-colors.ts';
import { playerGlyph } from './player-marks.ts';

/** Lines shown at once; an older one gives way. */
const LINES = 5;
/** How long a line stays (ms), the last FADE_MS of it fading. */
const SHOW_MS = 6000;
const FADE_MS = 700;
const LINE_HEIGHT = 30;
const MARGIN = 16;
/**
 * Top of the first line (screen units): the corner above belongs to the sound control and the F3
 * overlay, which keeps its place whether the feed has lines or not (the browser tests find the
 * overlay by its light pixels in the top 120 units of that corner).
 */
const FEED_TOP = 132;
const FONT = 'system-ui, sans-serif';

/** The bottom edge (screen units) of what the feed keeps clear of at the top right (0 for nothing). */
export type FeedObstacle = () => number;

interface FeedLine {
  readonly scorer: Phaser.GameObjects.Text;
  readonly verb: Phaser.GameObjects.Text;
  readonly victim: Phaser.GameObjects.Text;
  /** When it was written (ms, performance.now); -Infinity while unused. */
  shownAtMs: number;
}

/**
 * The kill feed, on the right under the top corner: "Ada knocked out Brook", "Brook fell out of
 * the ring", newest on top, names in their players' colours over a dark strip. A fixed set of text
 * objects is rewritten in turn, so a knock-out costs one `setText` per part and a frame costs
 * nothing new.
 */
export class KillFeed {
  private readonly lines: FeedLine[];
  private readonly backdrop: Phaser.GameObjects.Graphics;
  /** Index of the newest line. */
  private newest = -1;
  /** The lowest shown line's bottom edge at the last update (screen units), 0 when none is shown. */
  private bottomValue = 0;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly names: readonly string[],
    private readonly obstacle: FeedObstacle,
    depth: number,
  ) {
    this.backdrop = scene.add.graphics().setScrollFactor(0).setDepth(depth);
    const text = (color: string, bold: boolean) =>
      scene.add
        .text(0, 0, '', { fontFamily: FONT, fontSize: '17px', fontStyle: bold ? 'bold' : 'normal', color, stroke: '#000000', strokeThickness: 3 })
        .setOrigin(1, 0.5)
        .setScrollFactor(0)
        .setDepth(depth + 1)
        .setVisible(false);
    this.lines = Array.from({ length: LINES }, () => ({ scorer: text('#ffffff', true), verb: text('#c8d0e8', false), victim: text('#ffffff', true), shownAtMs: -Infinity }));
  }

  /** Adds "scorer knocked out victim" (scorer -1: the victim fell out on its own). Returns the line's text. */
  push(victim: number, scorer: number, nowMs: number): string {
    this.newest = (this.newest + 1) % LINES;
    const line = this.lines[this.newest]!;
    const victimName = this.name(victim);
    line.victim.setText(`${playerGlyph(victim)} ${victimName}`).setColor(playerCss(victim));
    if (scorer >= 0) {
      line.scorer.setText(`${playerGlyph(scorer)} ${this.name(scorer)}`).setColor(playerCss(scorer));
      line.verb.setText(' knocked out ');
    } else {
      line.scorer.setText('');
      line.verb.setText(' fell out of the ring');
    }
    line.shownAtMs = nowMs;
    return scorer >= 0 ? `${this.name(scorer)} knocked out ${victimName}` : `${victimName} fell out of the ring`;
  }

  update(nowMs: number): void {
    const g = this.backdrop;
    g.clear();
    const right = this.scene.scale.width - MARGIN;
    let y = Math.max(FEED_TOP, this.obstacle() + 8) + LINE_HEIGHT / 2;
    this.bottomValue = 0;
    for (let k = 0; k < LINES; k++) {
      const index = (this.newest - k + LINES) % LINES;
      const line = this.lines[index]!;
      const age = nowMs - line.shownAtMs;
      const visible = this.newest >= 0 && age < SHOW_MS;
      line.scorer.setVisible(visible);
      line.verb.setVisible(visible);
      line.victim.setVisible(visible);
      if (!visible) continue;
      // Slides in from 24 units to the right and fades in over its first 150 ms; fades out at the end.
      const alpha = age < 150 ? 0.3 + (0.7 * age) / 150 : age > SHOW_MS - FADE_MS ? (SHOW_MS - age) / FADE_MS : 1;
      const slide = age < 150 ? (1 - age / 150) * 24 : 0;
      const fell = line.scorer.text === '';
      // Right-aligned, built leftwards: "scorer knocked out victim" or "victim fell out of the ring".
      let x = right - 10 + slide;
      const last = fell ? line.verb : line.victim;
      const middle = fell ? line.victim : line.verb;
      last.setPosition(x, y).setAlpha(alpha);
      x -= last.width;
      middle.setPosition(x, y).setAlpha(alpha);
      x -= middle.width;
      if (fell) line.scorer.setVisible(false);
      else {
        line.scorer.setPosition(x, y).setAlpha(alpha);
        x -= line.scorer.width;
      }
      g.fillStyle(0x000000, 0.55 * alpha);
      g.fillRoundedRect(x - 10, y - LINE_HEIGHT / 2 + 2, right + slide - x + 10, LINE_HEIGHT - 4, 6);
      this.bottomValue = y + LINE_HEIGHT / 2;
      y += LINE_HEIGHT;
    }
  }

  /** Where the shown lines end (screen units; 0 when none is): the notices go below them. */
  get bottom(): number {
    return this.bottomValue;
  }

  destroy(): void {
    this.backdrop.destroy();
    for (const line of this.lines) {
      line.scorer.destroy();
      line.verb.destroy();
      line.victim.destroy();
    }
  }

  private name(player: number): string {
    return this.names[player] ?? `Player ${player + 1}`;
  }
}
