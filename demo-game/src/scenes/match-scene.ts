import Phaser from 'phaser';
import { debugHooks, resetMatchHooks } from '../app/debug-hooks.ts';
import type { MatchRequest, MatchResult } from '../app/match-request.ts';
import { forgetRoomResume } from '../app/room-resume.ts';
import { SceneKey } from '../app/scene-keys.ts';
import { LocalControls } from '../input/local-controls.ts';
import { createRunner } from '../match/create-runner.ts';
import type { MatchRunner } from '../match/match-runner.ts';
import { ArenaView } from '../render/arena-view.ts';
import { HudView } from '../render/hud-view.ts';
import { MatchFx } from '../render/match-fx.ts';
import { NetOverlay } from '../render/net-overlay.ts';
import { NoticeBanner } from '../render/notice-banner.ts';
import { playerCss } from '../render/player-colors.ts';
import { usePlayerLooks } from '../render/player-looks.ts';
import { keepArenaCentred } from '../render/screen-layout.ts';
import { screenRectOfElement, unionRect } from '../render/screen-rect.ts';
import type { ArenaInput } from '../sim/index.ts';
import { LeaveDialog } from '../ui/leave-dialog.ts';
import { RotateHint } from '../ui/rotate-hint.ts';
import { isTouchDevice, TouchBar } from '../ui/touch-bar.ts';
import { MatchEmotes } from '../match/match-emotes.ts';
import { emoteBar } from '../ui/emote-bar.ts';
import { ControlsHint } from '../ui/controls-hint.ts';

/**
 * The simulation is also driven from a timer at this period (ms), besides the render loop:
 * browsers pause requestAnimationFrame in background tabs, and a session that stops answering
 * its peers would stall them and then be dropped. The frame pacer makes the two callers safe.
 */
const BACKGROUND_TICK_MS = 10;
/** Results appear this long after the match is decided (ms), so the winner's banner is seen. */
const RESULTS_DELAY_MS = 2500;

/** The match: runs a {@link MatchRunner}, draws the arena, the HUD, notices and the F3 overlay. */
export class MatchScene extends Phaser.Scene {
  private request!: MatchRequest;
  private runner!: MatchRunner;
  private controls!: LocalControls;
  private view!: ArenaView;
  private hud!: HudView;
  private overlay!: NetOverlay;
  private banner!: NoticeBanner;
  private leaveDialog!: LeaveDialog;
  /** Touch devices only: fullscreen and leave buttons, and the prompt to turn an upright phone. */
  private touchBar: TouchBar | undefined;
  private rotateHint: RotateHint | undefined;
  private fx!: MatchFx;
  private emotes!: MatchEmotes;
  private controlsHint!: ControlsHint;
  /** Bottom of the touch buttons (screen units; 0 without them), measured at start and on resize. */
  private buttonsBottom = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private finishedAtMs: number | undefined;
  private leaving = false;

  constructor() {
    super(SceneKey.Match);
  }

  init(request: MatchRequest): void {
    this.request = request;
    this.finishedAtMs = undefined;
    this.leaving = false;
  }

  create(): void {
    debugHooks.scene = SceneKey.Match;
    resetMatchHooks(this.request.mode);
    this.cameras.main.setBackgroundColor('#0b1020');
    keepArenaCentred(this);
    // Online, each player as it chose in the lobby (the match decision's looks); locally, by handle.
    const decided = this.request.mode === 'online' ? this.request.match : undefined;
    usePlayerLooks(decided?.colors, decided?.shapes);
    this.runner = createRunner(this.request);
    // The runner's own arrays: they grow as drops and desyncs happen, with nothing to copy per frame.
    debugHooks.desyncs = this.runner.desyncFrames;
    debugHooks.drops = this.runner.droppedNames;
    this.view = new ArenaView(this, this.runner.game, this.runner.names, this.runner.localPlayer);
    this.hud = new HudView(this, this.runner.game, this.runner.names, this.runner.localPlayer);
    this.overlay = new NetOverlay(this, this.runner);
    this.leaveDialog = new LeaveDialog(this.request.mode === 'online', () => this.leave());
    const touch = isTouchDevice();
    this.emotes = new MatchEmotes(this, this.runner);
    this.touchBar = touch ? new TouchBar(() => this.leaveDialog.show(), this.emotes.enabled ? emoteBar((i) => this.emotes.send(i)) : undefined) : undefined;
    this.measureButtons();
    this.scale.on(Phaser.Scale.Events.RESIZE, this.measureButtons, this);
    this.controlsHint = new ControlsHint(this.emotes.enabled);
    this.rotateHint = touch ? new RotateHint() : undefined;
    this.banner = new NoticeBanner(this, this.runner.game.arenaRadius, () => ({
      scoreboard: this.hud.scoreboard,
      overlay: this.overlay.area,
      // The touch buttons (touch devices) and the ♪ control under them, top right.
      buttons: this.touchBar === undefined ? this.fx.soundArea : unionRect([screenRectOfElement(this, this.touchBar.element), this.fx.soundArea]),
      feedBottom: this.fx.feedBottom,
    }));
    debugHooks.playerColors = this.runner.names.map((_, p) => playerCss(p));
    // The kill feed keeps below the F3 overlay (its bottom edge, screen units; 0 when hidden).
    this.fx = new MatchFx(this, this.runner, () => this.overlay.bottom, () => this.buttonsBottom);
    this.controls = new LocalControls(this, () => this.view.localScreenPosition());
    window.addEventListener('keydown', this.onKey);
    // The game canvas must have the keyboard, not a menu element left focused.
    (document.activeElement as HTMLElement | null)?.blur?.();
    this.timer = setInterval(() => this.step(), BACKGROUND_TICK_MS);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.teardown());
  }

  override update(time: number): void {
    this.step();
    const now = performance.now();
    debugHooks.nameCssPx = this.view.fitLabels();
    this.view.draw(time);
    this.hud.draw(this.runner.status);
    this.fx.update(now);
    this.emotes.update(now);
    this.controls.touch.draw();
    this.overlay.update(now, this.game.loop.actualFps);
    this.banner.update(now);
    const g = this.runner.game;
    const me = this.runner.localPlayer;
    const hooks = debugHooks;
    hooks.fps = this.game.loop.actualFps;
    hooks.frame = this.runner.frame;
    hooks.confirmedFrame = this.runner.confirmedFrame;
    hooks.local.x = g.playerX(me);
    hooks.local.y = g.playerY(me);
    hooks.local.alive = g.isAlive(me);
    hooks.gameMode = g.mode;
    hooks.ringRadius = g.ringRadius;
    const endedEarly = this.runner.endedEarly;
    if (endedEarly !== undefined) {
      // The match cannot go on for this player (the host is gone, the others dropped us): the
      // banner stays a little longer, then the results show where things stood.
      this.finishedAtMs ??= now;
      if (now - this.finishedAtMs >= RESULTS_DELAY_MS * 2) this.showResults(endedEarly);
    } else if (this.runner.finished) {
      debugHooks.finished = true;
      this.finishedAtMs ??= now;
      if (now - this.finishedAtMs >= RESULTS_DELAY_MS) this.showResults();
    }
  }

  /** Esc asks whether to leave (and again, keeps playing). Read from the window's own key events, as every key is (input/keyboard-controls.ts). */
  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.code === 'Escape' && !e.repeat) this.leaveDialog.toggle();
  };

  /** Where the touch buttons end (they are page elements; measured only when the screen changes). */
  private measureButtons(): void {
    const bar = this.touchBar;
    if (bar === undefined) return;
    const r = screenRectOfElement(this, bar.element);
    this.buttonsBottom = r.y + r.h;
  }

  /** Reads the controls for one frame (made once: `step` runs 100+ times a second). */
  private readonly sample = (): ArenaInput => this.controls.sample();

  private step(): void {
    if (this.leaving) return;
    const now = performance.now();
    this.runner.tick(now, this.sample);
    for (const notice of this.runner.drainNotices()) {
      debugHooks.notices.push(notice.text);
      this.banner.push(notice, now);
      console.info(`[backspin] ${notice.kind}: ${notice.text}`);
    }
  }

  private result(endedEarly?: string): MatchResult {
    const g = this.runner.game;
    const players = Array.from({ length: g.players }, (_, p) => p);
    return {
      request: this.request,
      names: this.runner.names,
      localPlayer: this.runner.localPlayer,
      roundsWon: players.map((p) => g.playerScore(p)),
      falls: players.map((p) => g.state.falls[p] ?? 0),
      left: players.map((p) => g.isRemoved(p)),
      winner: g.matchWinner,
      replay: this.runner.replay(),
      ...(endedEarly !== undefined ? { endedEarly } : {}),
    };
  }

  private showResults(endedEarly?: string): void {
    if (this.leaving) return;
    this.leaving = true;
    this.scene.start(SceneKey.Results, this.result(endedEarly));
  }

  /** Confirmed in the leave dialog: leave the match (online, that is leaving the room too). */
  private leave(): void {
    if (this.leaving) return;
    this.leaving = true;
    if (this.request.mode === 'online') {
      forgetRoomResume();
      this.request.connection.close();
    }
    this.scene.start(SceneKey.Title);
  }

  private teardown(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    window.removeEventListener('keydown', this.onKey);
    this.leaveDialog.destroy();
    this.touchBar?.destroy();
    this.scale.off(Phaser.Scale.Events.RESIZE, this.measureButtons, this);
    this.emotes.destroy();
    this.controlsHint.destroy();
    this.rotateHint?.destroy();
    this.banner.destroy();
    this.overlay.destroy();
    this.fx.destroy();
    this.runner.dispose();
    this.controls.destroy();
    this.input.removeAllListeners();
  }
}
