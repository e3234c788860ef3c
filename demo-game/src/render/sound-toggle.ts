import type Phaser from 'phaser';
import { soundBank } from '../audio/sound-bank.ts';
import { debugHooks } from '../app/debug-hooks.ts';
import { cssPixelsPerUnit, readableFontSize } from './readable-size.ts';
import { screenRect } from './screen-rect.ts';
import type { ScreenRect } from './screen-rect.ts';

/** Volume step of the - and = keys (linear, of 1). */
const VOLUME_STEP = 0.1;
/** The indicator stands out this long after a change (ms), then dims. */
const HIGHLIGHT_MS = 1500;
/** Gap from the screen's top and right edges, and below what is above it (screen units). */
const MARGIN = 16;

/**
 * The in-match sound control, top right (below the touch buttons on a phone, `below`): shows
 * "♪ 70%" or "♪ muted"; M (or a click or tap on it)
 * mutes and unmutes, - and = turn the volume down and up. Keys are read from the window, as every
 * key is (input/keyboard-controls.ts). The setting is the sound bank's, remembered between visits.
 */
export class SoundToggle {
  private readonly text: Phaser.GameObjects.Text;
  private changedAtMs = -Infinity;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly scene: Phaser.Scene,
    depth: number,
    /** Bottom of what is pinned above it at the top right (screen units; 0 for nothing). */
    private readonly below: () => number = () => 0,
  ) {
    this.text = scene.add
      .text(0, MARGIN, '', { fontFamily: 'system-ui, sans-serif', fontSize: '15px', color: '#e0e8ff', backgroundColor: '#00000080', padding: { x: 8, y: 4 } })
      .setOrigin(1, 0)
      .setScrollFactor(0)
      .setDepth(depth)
      .setInteractive({ useHandCursor: true });
    this.text.on('pointerdown', () => soundBank.toggleMute());
    this.unsubscribe = soundBank.onChange(() => this.refresh(performance.now()));
    this.refresh(-Infinity);
    window.addEventListener('keydown', this.onKey);
  }

  /** Where the control is (screen units), for the notices to keep clear of. */
  get area(): ScreenRect {
    return screenRect(this.text);
  }

  /** Bottom of the control (screen units), for what is laid out under it. */
  get bottom(): number {
    return this.text.y + this.text.height;
  }

  update(nowMs: number): void {
    const t = this.text;
    // Readable, and big enough to tap, on a phone (15 units are 10 CSS pixels there).
    const size = `${readableFontSize(this.scene, 13, 15, 30)}px`;
    if (t.style.fontSize !== size) t.setFontSize(size);
    t.setPosition(this.scene.scale.width - MARGIN, Math.max(MARGIN, this.below() + MARGIN / 2));
    t.setAlpha(nowMs - this.changedAtMs < HIGHLIGHT_MS ? 1 : 0.6);
    const hook = debugHooks.soundControl;
    const k = cssPixelsPerUnit(this.scene);
    const canvas = this.scene.scale.canvasBounds;
    const x = canvas.x + (t.x - t.width) * k;
    const y = canvas.y + t.y * k;
    // Written only when it moved: nothing is allocated on the usual frame.
    if (hook === undefined || hook.x !== x || hook.y !== y) debugHooks.soundControl = { x, y, w: t.width * k, h: t.height * k };
  }

  destroy(): void {
    debugHooks.soundControl = undefined;
    window.removeEventListener('keydown', this.onKey);
    this.unsubscribe();
    this.text.destroy();
  }

  private refresh(nowMs: number): void {
    this.changedAtMs = nowMs;
    this.text.setText(soundBank.muted ? '♪ muted · M' : `♪ ${Math.round(soundBank.volume * 100)}% · M`);
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.repeat && e.code === 'KeyM') return;
    if (e.code === 'KeyM') soundBank.toggleMute();
    else if (e.code === 'Minus' || e.code === 'NumpadSubtract') soundBank.setVolume(soundBank.volume - VOLUME_STEP);
    else if (e.code === 'Equal' || e.code === 'NumpadAdd') soundBank.setVolume(soundBank.volume + VOLUME_STEP);
  };
}
