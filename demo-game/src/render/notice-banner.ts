import type Phaser from 'phaser';
import type { RunnerNotice } from '../match/match-runner.ts';

/** How long a notice stays (ms): drops and information fade, a desync stays for good. */
const SHOW_MS: Record<RunnerNotice['kind'], number> = { info: 3500, drop: 8000, error: 12000, desync: Infinity };
const COLORS: Record<RunnerNotice['kind'], string> = { info: '#e0e8ff', drop: '#ffcc80', error: '#ff8a80', desync: '#ff5252' };
/** Notices shown at once; older ones give way. */
const MAX_SHOWN = 4;

/** A screen area the notices keep clear of (the F3 overlay, top right): its left edge and bottom. */
export type BannerObstacle = () => { readonly left: number; readonly bottom: number } | undefined;

/**
 * Banners at the top of the match screen for drops, desyncs, reconnects, the room changing hands
 * and errors. A banner that would run into the F3 overlay goes below it.
 */
export class NoticeBanner {
  private readonly shown: { text: Phaser.GameObjects.Text; untilMs: number }[] = [];
  /** The obstacle's bottom at the last layout, to lay out again when it moves. */
  private obstacleBottom: number | undefined;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly obstacle: BannerObstacle = () => undefined,
  ) {}

  push(notice: RunnerNotice, nowMs: number): void {
    const text = this.scene.add
      .text(this.scene.scale.width / 2, 0, notice.text, {
        fontFamily: 'system-ui, sans-serif',
        fontSize: notice.kind === 'desync' ? '18px' : '16px',
        fontStyle: notice.kind === 'info' ? 'normal' : 'bold',
        color: COLORS[notice.kind],
        backgroundColor: '#000000c0',
        padding: { x: 12, y: 6 },
        wordWrap: { width: 760 },
        align: 'center',
      })
      .setOrigin(0.5, 0)
      .setScrollFactor(0)
      .setDepth(950);
    this.shown.push({ text, untilMs: nowMs + SHOW_MS[notice.kind] });
    while (this.shown.length > MAX_SHOWN) this.shown.shift()!.text.destroy();
    this.layout();
  }

  update(nowMs: number): void {
    let changed = false;
    for (let i = this.shown.length - 1; i >= 0; i--) {
      if (this.shown[i]!.untilMs <= nowMs) {
        this.shown[i]!.text.destroy();
        this.shown.splice(i, 1);
        changed = true;
      }
    }
    if (changed || this.obstacle()?.bottom !== this.obstacleBottom) this.layout();
  }

  private layout(): void {
    const area = this.obstacle();
    this.obstacleBottom = area?.bottom;
    const x = this.scene.scale.width / 2;
    let y = 16;
    for (const s of this.shown) {
      if (area !== undefined && y < area.bottom && x + s.text.width / 2 > area.left) y = area.bottom + 8;
      s.text.setPosition(x, y);
      y += s.text.height + 6;
    }
  }
}
