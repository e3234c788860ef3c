import type Phaser from 'phaser';
import { debugHooks } from '../app/debug-hooks.ts';
import type { MatchRunner, PeerLine } from '../match/match-runner.ts';
import { screenRect } from './screen-rect.ts';
import type { ScreenRect } from './screen-rect.ts';

/** How often the overlay's text is rebuilt (ms): figures that change every frame are unreadable. */
const REFRESH_MS = 250;

/**
 * The F3 network overlay: per peer ping, rollback frames per second, frame advantage, kB/s,
 * packet loss and route (direct link or the host's relay, with the other route's round trip),
 * plus the session's frame, confirmed frame, delay and prediction window.
 */
export class NetOverlay {
  private readonly text: Phaser.GameObjects.Text;
  private visible = false;
  private lastMs = -Infinity;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly runner: MatchRunner,
  ) {
    this.text = scene.add
      .text(scene.scale.width - 16, 16, '', { fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: '13px', color: '#d0e0ff', backgroundColor: '#000000b0', padding: { x: 10, y: 8 } })
      .setOrigin(1, 0)
      .setScrollFactor(0)
      .setDepth(900)
      .setVisible(false);
    // From the window's own key events, as every key is (input/keyboard-controls.ts): Phaser's
    // keyboard plugin handled a key pressed in the same frame as another twice (F3 toggled back).
    window.addEventListener('keydown', this.onKey);
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.code !== 'F3' || e.repeat) return;
    e.preventDefault(); // F3 is "find next" in some browsers
    this.toggle();
  };

  destroy(): void {
    window.removeEventListener('keydown', this.onKey);
  }

  toggle(): void {
    this.visible = !this.visible;
    debugHooks.overlay = this.visible;
    this.text.setVisible(this.visible);
    this.lastMs = -Infinity;
  }

  get shown(): boolean {
    return this.visible;
  }

  /**
   * The overlay's bottom edge while shown (screen units; 0 when hidden): what the kill feed keeps
   * below, read every frame, so computed from the text's position and size without building a
   * rectangle (`area` does, for the notices' rarer layouts).
   */
  get bottom(): number {
    return this.visible ? this.text.y + this.text.displayHeight * (1 - this.text.originY) : 0;
  }

  /** Where the overlay is on the screen while shown, for the notices to keep clear of. */
  get area(): ScreenRect | undefined {
    return this.visible ? screenRect(this.text) : undefined;
  }

  update(nowMs: number, renderFps: number): void {
    if (!this.visible || nowMs - this.lastMs < REFRESH_MS) return;
    this.lastMs = nowMs;
    this.text.setX(this.scene.scale.width - 16);
    const s = this.runner.summary();
    const mode = s.maxPrediction === 0 && this.runner.mode !== 'bots' ? 'lockstep' : `rollback ≤${s.maxPrediction}`;
    const lines = [
      `${this.runner.mode}  ·  ${mode}  ·  delay ${s.inputDelay}f${s.autoInputDelay ? ' (auto)' : ''}  ·  ${renderFps.toFixed(0)} fps`,
      `frame ${s.frame}  confirmed ${s.confirmedFrame}  max rollback ${s.maxRollbackFrames}f`,
      '',
      `${'peer'.padEnd(12)} ${'ping'.padStart(6)} ${'rb f/s'.padStart(7)} ${'adv'.padStart(5)} ${'kB/s'.padStart(6)} ${'loss'.padStart(6)}  route`,
    ];
    const peers = this.runner.peerLines(nowMs);
    if (peers.length === 0) lines.push('(offline: no peers)');
    for (const p of peers) {
      lines.push(
        `${p.name.slice(0, 12).padEnd(12)} ${p.connected ? `${p.pingMs.toFixed(0)}ms`.padStart(6) : '  gone'} ${p.rollbackFramesPerSecond.toFixed(1).padStart(7)} ${p.frameAdvantage.toFixed(1).padStart(5)} ${p.kilobytesPerSecond.toFixed(1).padStart(6)} ${`${p.lossPercent.toFixed(1)}%`.padStart(6)}  ${routeText(p)}`,
      );
    }
    this.text.setText(lines);
  }
}

/**
 * The route column: the active route, then the others, each with the round trip it measures
 * itself where known, e.g. `direct 1ms · relay 4ms`.
 */
function routeText(p: PeerLine): string {
  if (p.route === undefined) return '';
  return p.route.routes.map((r) => (r.rttMs === undefined ? r.route : `${r.route} ${r.rttMs.toFixed(0)}ms`)).join(' · ');
}
