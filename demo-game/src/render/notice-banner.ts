import type Phaser from 'phaser';
import type { RunnerNotice } from '../match/match-runner.ts';
import { debugHooks } from '../app/debug-hooks.ts';
import type { ScreenRect } from './screen-rect.ts';
import { screenRect } from './screen-rect.ts';
import { readableFontSize } from './readable-size.ts';

/** How long a notice stays (ms): drops and information fade, a desync stays for good. */
const SHOW_MS: Record<RunnerNotice['kind'], number> = { info: 5000, drop: 8000, error: 12000, desync: Infinity };
const COLORS: Record<RunnerNotice['kind'], string> = { info: '#e0e8ff', drop: '#ffcc80', error: '#ff8a80', desync: '#ff5252' };
/** Notices shown at once; older ones give way. */
const MAX_SHOWN = 3;
/** `laidOutFor` once the last notice went: laid out empty, nothing to do until the next one. */
const NOTHING_SHOWN = 'none';
/** Space between the arena's edge, the notices and the screen's edge (screen units). */
const GAP = 16;

/** What the notices must keep clear of, in screen units (the arena is kept clear of by placement). */
export interface NoticeObstacles {
  /** The scoreboard, top left. */
  readonly scoreboard: ScreenRect;
  /** The F3 overlay, top right, while shown. */
  readonly overlay: ScreenRect | undefined;
  /** The sound control, and the touch buttons above it on touch devices: top right. */
  readonly buttons: ScreenRect | undefined;
  /** Where the kill feed's lines end, at the right (screen units; 0 when it shows none). */
  readonly feedBottom: number;
}

/**
 * The match's one notice area: drops, desyncs, reconnects, the room changing hands, errors. It is
 * the column right of the arena (the scoreboard has the left), below the touch buttons and the F3
 * overlay when they are there, so that a notice never covers the play, the scores or the figures;
 * Phaser's EXPAND scaling keeps that column at least 248 units wide. Newest at the bottom, at most
 * three; text sized to stay readable on a phone.
 */
export class NoticeBanner {
  private readonly shown: { text: Phaser.GameObjects.Text; untilMs: number }[] = [];
  /** The obstacles and screen at the last layout, to lay out again when they change. */
  private laidOutFor = '';

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly arenaRadius: number,
    private readonly obstacles: () => NoticeObstacles,
  ) {}

  push(notice: RunnerNotice, nowMs: number): void {
    const text = this.scene.add
      .text(0, 0, notice.text, {
        fontFamily: 'system-ui, sans-serif',
        fontStyle: notice.kind === 'info' ? 'normal' : 'bold',
        color: COLORS[notice.kind],
        backgroundColor: '#000000c0',
        padding: { x: 10, y: 6 },
      })
      .setScrollFactor(0)
      .setDepth(950);
    this.shown.push({ text, untilMs: nowMs + SHOW_MS[notice.kind] });
    while (this.shown.length > MAX_SHOWN) this.shown.shift()!.text.destroy();
    this.laidOutFor = '';
  }

  update(nowMs: number): void {
    for (let i = this.shown.length - 1; i >= 0; i--) {
      if (this.shown[i]!.untilMs <= nowMs) {
        this.shown[i]!.text.destroy();
        this.shown.splice(i, 1);
        this.laidOutFor = '';
      }
    }
    // With nothing shown (most frames) nothing is read or built: no allocation per frame.
    if (this.shown.length === 0 && this.laidOutFor === NOTHING_SHOWN) return;
    const o = this.obstacles();
    if (this.shown.length === 0) {
      this.layout(o);
      this.laidOutFor = NOTHING_SHOWN;
      return;
    }
    const { width, height } = this.scene.scale;
    const key = `${width}x${height} ${o.overlay?.y ?? ''}+${o.overlay?.h ?? ''} ${o.buttons?.h ?? ''} ${o.feedBottom} ${this.shown.length}`;
    if (key !== this.laidOutFor) this.layout(o);
    this.laidOutFor = key;
  }

  private layout(o: NoticeObstacles): void {
    const { width, height } = this.scene.scale;
    const left = width / 2 + this.arenaRadius + GAP;
    const columnWidth = Math.max(120, width - GAP - left);
    let y = GAP;
    for (const r of [o.overlay, o.buttons]) if (r !== undefined && r.x < left + columnWidth && r.x + r.w > left) y = Math.max(y, r.y + r.h + 8);
    // The kill feed is right-aligned at the screen's edge, in this column's rows: go below it.
    if (o.feedBottom > 0) y = Math.max(y, o.feedBottom + 8);
    const fontSize = readableFontSize(this.scene, 12, 16, 30);
    for (const s of this.shown) {
      s.text.setFontSize(fontSize).setWordWrapWidth(columnWidth - 20, true).setPosition(left, y);
      y += s.text.height + 6;
    }
    debugHooks.noticeLayout = {
      notices: this.shown.map((s) => screenRect(s.text)),
      scoreboard: o.scoreboard,
      overlay: o.overlay,
      arena: { x: width / 2, y: height / 2, r: this.arenaRadius },
    };
  }

  destroy(): void {
    for (const s of this.shown) s.text.destroy();
    this.shown.length = 0;
    debugHooks.noticeLayout = undefined;
  }
}
