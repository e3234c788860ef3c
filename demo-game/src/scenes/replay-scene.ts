import Phaser from 'phaser';
import type { Replay } from 'backspin';
import { debugHooks } from '../app/debug-hooks.ts';
import { SceneKey } from '../app/scene-keys.ts';
import { playArenaReplay } from '../match/arena-replay.ts';
import type { ArenaReplay } from '../match/arena-replay.ts';
import { ArenaView } from '../render/arena-view.ts';
import { HudView } from '../render/hud-view.ts';
import { keepArenaCentred } from '../render/screen-layout.ts';
import { h, mountPanel } from '../ui/dom.ts';
import { usePlayerLooks } from '../render/player-looks.ts';

/** What the replay scene plays, and the scene (with its data) that "Back" returns to. */
export interface ReplayRequest {
  readonly replay: Replay;
  readonly back: { readonly scene: SceneKey; readonly data?: object };
}

/** Playback speeds offered (× the match's own speed). */
const SPEEDS = [0.5, 1, 2, 4, 8] as const;
/** The bar's slider and texts are refreshed at most this often (ms): DOM writes are not free. */
const BAR_REFRESH_MS = 100;

/**
 * Watches a recorded match in the arena view: pause, 0.5× to 8×, a slider to seek, and what the
 * replay's checksums say (all reproduced so far, or the first frame where the game differs).
 */
export class ReplayScene extends Phaser.Scene {
  private request!: ReplayRequest;
  private watched: ArenaReplay | undefined;
  private view: ArenaView | undefined;
  private hud: HudView | undefined;
  private unmount: (() => void) | undefined;
  private paused = false;
  private refreshedAtMs = -Infinity;
  private slider: HTMLInputElement | undefined;
  private position: HTMLElement | undefined;
  private verdict: HTMLElement | undefined;

  constructor() {
    super(SceneKey.Replay);
  }

  init(request: ReplayRequest): void {
    this.request = request;
    this.watched = undefined;
    this.paused = false;
    this.refreshedAtMs = -Infinity;
  }

  create(): void {
    debugHooks.scene = SceneKey.Replay;
    // A replay file has no looks: each player in its handle's colour and mark.
    usePlayerLooks();
    this.cameras.main.setBackgroundColor('#0b1020');
    this.cameras.main.setAlpha(1);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      this.unmount?.();
      this.view?.destroy();
    });
    try {
      this.watched = playArenaReplay(this.request.replay);
    } catch (error) {
      this.showError(error instanceof Error ? error.message : String(error));
      return;
    }
    keepArenaCentred(this);
    const { game, names } = this.watched;
    this.view = new ArenaView(this, game, names, -1);
    this.hud = new HudView(this, game, names, -1);
    this.showBar();
  }

  override update(time: number, deltaMs: number): void {
    const watched = this.watched;
    if (watched === undefined) return;
    if (!this.paused) watched.player.advance(deltaMs);
    this.view?.draw(time);
    this.hud?.draw(undefined);
    if (time - this.refreshedAtMs >= BAR_REFRESH_MS) {
      this.refreshedAtMs = time;
      this.refreshBar();
    }
  }

  private showBar(): void {
    const player = this.watched!.player;
    const pause = h('button', { id: 'replay-pause', textContent: 'Pause' });
    pause.addEventListener('click', () => {
      this.paused = !this.paused;
      pause.textContent = this.paused ? 'Play' : 'Pause';
    });
    const speeds = SPEEDS.map((speed) => {
      const button = h('button', { className: speed === 1 ? 'primary' : '', textContent: `${speed}×`, dataset: { speed: String(speed) } });
      button.addEventListener('click', () => {
        player.playbackRate = speed;
        for (const b of speeds) b.className = b === button ? 'primary' : '';
      });
      return button;
    });
    const slider = h('input', { id: 'replay-seek', type: 'range', min: '0', max: String(player.frameCount), value: '0', step: '1' });
    slider.style.flex = '1';
    slider.addEventListener('input', () => player.seek(Number(slider.value)));
    const back = h('button', { id: 'replay-back', textContent: 'Back' });
    back.addEventListener('click', () => this.scene.start(this.request.back.scene, this.request.back.data));
    this.slider = slider;
    this.position = h('span', { id: 'replay-position', className: 'help' });
    this.verdict = h('span', { id: 'replay-verdict', className: 'help' });
    this.unmount = mountPanel(
      h(
        'div',
        { className: 'panel replay-bar', id: 'replay-panel' },
        h('div', { className: 'row' }, pause, ...speeds, back),
        h('div', { className: 'row' }, slider, this.position),
        this.verdict,
      ),
    );
    this.refreshBar();
  }

  private refreshBar(): void {
    const player = this.watched!.player;
    const fps = this.request.replay.decision.fps;
    if (this.slider !== undefined && document.activeElement !== this.slider) this.slider.value = String(player.frame);
    if (this.position !== undefined) this.position.textContent = `${clock(player.frame, fps)} / ${clock(player.frameCount, fps)}`;
    if (this.verdict === undefined) return;
    const mismatch = player.mismatch;
    this.verdict.textContent =
      mismatch === undefined
        ? `Checksums reproduced: ${player.checksumsVerified} of ${player.checksumCount}`
        : `Not the same game: frame ${mismatch.frame} differs from the match (still equal at frame ${mismatch.lastGoodFrame})`;
    this.verdict.classList.toggle('error', mismatch !== undefined);
    debugHooks.replay = { frame: player.frame, frameCount: player.frameCount, verified: player.checksumsVerified, checksums: player.checksumCount, mismatchFrame: mismatch?.frame ?? -1 };
  }

  private showError(message: string): void {
    const back = h('button', { id: 'replay-back', className: 'primary', textContent: 'Back' });
    back.addEventListener('click', () => this.scene.start(this.request.back.scene, this.request.back.data));
    this.unmount = mountPanel(h('div', { className: 'panel', id: 'replay-panel' }, h('h1', { textContent: 'Cannot play this replay' }), h('p', { className: 'status error', textContent: message }), back));
  }
}

/** A frame as m:ss of match time. */
function clock(frame: number, fps: number): string {
  const seconds = Math.floor(frame / fps);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
