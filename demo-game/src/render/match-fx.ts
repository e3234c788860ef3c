import type Phaser from 'phaser';
import { fixedToNumber } from 'backspin';
import { debugHooks } from '../app/debug-hooks.ts';
import { soundBank } from '../audio/sound-bank.ts';
import { SoundKey } from '../audio/sound-key.ts';
import type { FeedbackSink } from '../feedback/feedback-sink.ts';
import { MatchEventTracker } from '../feedback/match-event-tracker.ts';
import type { MatchRunner } from '../match/match-runner.ts';
import { ArenaConfig, DIRECTION_X, DIRECTION_Y } from '../sim/index.ts';
import { EdgeWarning } from './edge-warning.ts';
import { KillFeed } from './kill-feed.ts';
import { KnockoutPopups } from './knockout-popups.ts';
import { ParticlePool, ParticleShape } from './particle-pool.ts';
import { ScreenShake } from './screen-shake.ts';
import { playerColor } from './player-colors.ts';
import { ARENA_CENTER_X, ARENA_CENTER_Y } from './screen-layout.ts';
import { SoundToggle } from './sound-toggle.ts';
import type { ScreenRect } from './screen-rect.ts';

/** Particles alive at once at most: a busy 8-player brawl peaks near 150; confetti and bursts fit too. */
const PARTICLES = 480;
const PLAYER_RADIUS = fixedToNumber(ArenaConfig.PLAYER_RADIUS);
const UNIT_X = 1 / 65536;
/** Shots by other players make a sound at most this often (ms): 8 players fire up to 40 times a second. */
const OTHERS_SHOT_SOUND_MS = 55;
/** A knocked-out player's pop-up is drawn this far inside the ring from where they left it (units). */
const POPUP_INSET = 70;
/** A thrown player leaves smoke above this speed (units per frame). */
const SMOKE_SPEED = 5;
/** Depths: effects over the arena's bodies (0), under the HUD (500) and banners (950). */
const DEPTH_WARNING = 5;
const DEPTH_PARTICLES = 10;
const DEPTH_POPUPS = 20;
const DEPTH_FEED = 600;

/**
 * The match's sound and feedback, all rendering: it reads the runner's (possibly predicted) game
 * through a {@link MatchEventTracker}, which says what happened since the last frame, once, and
 * holds knock-outs and results until they are confirmed. This class turns those events into
 * sounds (audio/sound-bank.ts), particles (hit sparks, knock-out bursts, dash trails, muzzle
 * flashes, confetti), the kill feed, "KO!" pop-ups and screen shake; and draws the ring-edge
 * warning and the sound control. Nothing here allocates per frame: particles and texts are pools.
 */
export class MatchFx implements FeedbackSink {
  private readonly tracker = new MatchEventTracker(this);
  private readonly particles: ParticlePool;
  private readonly feed: KillFeed;
  private readonly popups: KnockoutPopups;
  private readonly edge: EdgeWarning;
  private readonly toggle: SoundToggle;
  private readonly shaker: ScreenShake;
  private readonly localPlayer: number;
  private nowMs = 0;
  private lastMs: number | undefined;
  private othersShotAtMs = -Infinity;
  /** Render frames drawn, to thin the continuous emitters (smoke every other frame). */
  private frames = 0;

  constructor(
    scene: Phaser.Scene,
    /** What it draws from: a player's runner, or a spectator's (localPlayer -1: nobody is "you"). */
    private readonly runner: Pick<MatchRunner, 'game' | 'names' | 'localPlayer' | 'confirmedFrame'>,
    obstacleBottom: () => number,
    /** Bottom of the touch buttons at the top right (screen units; 0 without them): the sound control goes below. */
    buttonsBottom: () => number = () => 0,
  ) {
    this.localPlayer = runner.localPlayer;
    this.shaker = new ScreenShake(scene.cameras.main);
    this.edge = new EdgeWarning(scene, runner.game, runner.localPlayer, DEPTH_WARNING);
    this.particles = new ParticlePool(scene, PARTICLES, DEPTH_PARTICLES);
    this.popups = new KnockoutPopups(scene, runner.names, DEPTH_POPUPS);
    this.toggle = new SoundToggle(scene, DEPTH_FEED, buttonsBottom);
    // Under the sound control, and under the F3 overlay while it is shown.
    this.feed = new KillFeed(scene, runner.names, () => Math.max(this.toggle.bottom, obstacleBottom()), DEPTH_FEED);
  }

  /** Once per render frame, after the runner's tick: events, then every effect moved and drawn. */
  update(nowMs: number): void {
    const dt = this.lastMs === undefined ? 0 : nowMs - this.lastMs;
    this.lastMs = nowMs;
    this.nowMs = nowMs;
    this.tracker.observe(this.runner.game.state, this.runner.confirmedFrame);
    this.emitTrails();
    this.shaker.update(nowMs);
    this.particles.update(dt);
    this.popups.update(nowMs);
    this.feed.update(nowMs);
    this.toggle.update(nowMs);
    if (this.edge.update(nowMs)) debugHooks.fx.edgeWarnings++;
    const fx = debugHooks.fx;
    if (this.particles.live > fx.particlesPeak) fx.particlesPeak = this.particles.live;
  }

  /** Where the sound control (♪) is (screen units), for the notices to keep clear of. */
  get soundArea(): ScreenRect {
    return this.toggle.area;
  }

  /** Where the kill feed's lines end on the screen (screen units; 0 when it shows none). */
  get feedBottom(): number {
    return this.feed.bottom;
  }

  destroy(): void {
    this.particles.destroy();
    this.feed.destroy();
    this.popups.destroy();
    this.edge.destroy();
    this.toggle.destroy();
  }

  // ---- FeedbackSink ----

  shot(owner: number, x: number, y: number, direction: number): void {
    const dx = DIRECTION_X[direction]! * UNIT_X;
    const dy = DIRECTION_Y[direction]! * UNIT_X;
    const sx = ARENA_CENTER_X + x;
    const sy = ARENA_CENTER_Y + y;
    const color = playerColor(owner);
    for (let i = 0; i < 2; i++) {
      const spread = (Math.random() - 0.5) * 0.9;
      const speed = 260 + Math.random() * 200;
      this.particles.emit(ParticleShape.Streak, sx, sy, (dx - dy * spread) * speed, (dy + dx * spread) * speed, 90, 0.03, i === 0 ? 0xffffff : color, 0.9, 0.02);
    }
    if (owner === this.localPlayer) soundBank.play(SoundKey.Shot, 0.55, (Math.random() - 0.5) * 120);
    else if (this.nowMs - this.othersShotAtMs >= OTHERS_SHOT_SOUND_MS) {
      this.othersShotAtMs = this.nowMs;
      soundBank.play(SoundKey.Shot, 0.2, -250 + (Math.random() - 0.5) * 200);
    }
  }

  hit(victim: number, attacker: number, x: number, y: number, vx: number, vy: number, damage: number): void {
    const speed = Math.sqrt(vx * vx + vy * vy);
    const ux = speed > 0 ? vx / speed : 1;
    const uy = speed > 0 ? vy / speed : 0;
    // Sparks fly from the struck side of the body, along the knockback, more of them at high damage.
    const hx = ARENA_CENTER_X + x - ux * PLAYER_RADIUS * 0.6;
    const hy = ARENA_CENTER_Y + y - uy * PLAYER_RADIUS * 0.6;
    const sparks = 5 + Math.min(7, Math.floor(damage / 25));
    for (let i = 0; i < sparks; i++) {
      const a = Math.atan2(uy, ux) + (Math.random() - 0.5) * 2.1;
      const v = 180 + Math.random() * 360;
      this.particles.emit(ParticleShape.Streak, hx, hy, Math.cos(a) * v, Math.sin(a) * v, 220 + Math.random() * 200, 0.035, i % 3 === 0 ? 0xffffff : 0xffd54f, 1, 0.01);
    }
    this.particles.emit(ParticleShape.Ring, hx, hy, 0, 0, 160, 6, 0xffffff, 0.6, 1, 0, 10 + damage / 20);
    const involved = victim === this.localPlayer || attacker === this.localPlayer;
    soundBank.play(SoundKey.Hit, involved ? 0.9 : 0.45, -damage * 1.5 + (Math.random() - 0.5) * 100);
    if (involved) this.shake(victim === this.localPlayer ? 6 : 3, 130);
    debugHooks.fx.sparks++;
  }

  dash(player: number, x: number, y: number): void {
    // A puff of dust where the dash started; the trail itself is drawn while the dash lasts.
    const color = playerColor(player);
    for (let i = 0; i < 4; i++) {
      const a = Math.random() * Math.PI * 2;
      this.particles.emit(ParticleShape.Dot, ARENA_CENTER_X + x, ARENA_CENTER_Y + y, Math.cos(a) * 60, Math.sin(a) * 60, 300, 5, i % 2 === 0 ? color : 0xc8d0e8, 0.6, 0.05);
    }
    soundBank.play(SoundKey.Dash, player === this.localPlayer ? 0.7 : 0.28, (Math.random() - 0.5) * 150);
    debugHooks.fx.trails++;
  }

  knockoutBurst(victim: number, x: number, y: number): void {
    const bx = ARENA_CENTER_X + x;
    const by = ARENA_CENTER_Y + y;
    const out = Math.atan2(y, x);
    const color = playerColor(victim);
    for (let i = 0; i < 22; i++) {
      // Mostly outwards, the way the player flew.
      const a = out + (Math.random() - 0.5) * (i < 15 ? 1.8 : Math.PI * 2);
      const v = 120 + Math.random() * 420;
      this.particles.emit(ParticleShape.Dot, bx, by, Math.cos(a) * v, Math.sin(a) * v, 500 + Math.random() * 400, 3 + Math.random() * 5, color, 1, 0.04);
    }
    for (let i = 0; i < 8; i++) {
      const a = Math.random() * Math.PI * 2;
      const v = 300 + Math.random() * 400;
      this.particles.emit(ParticleShape.Streak, bx, by, Math.cos(a) * v, Math.sin(a) * v, 300, 0.04, 0xffffff, 1, 0.02);
    }
    this.particles.emit(ParticleShape.Ring, bx, by, 0, 0, 450, 12, color, 1, 1, 0, 70);
    this.particles.emit(ParticleShape.Ring, bx, by, 0, 0, 550, 8, 0xffffff, 0.5, 1, 0, 100);
    debugHooks.fx.bursts++;
  }

  knockout(victim: number, by: number, x: number, y: number): void {
    // The pop-up goes a little inside the ring, towards the centre, where it can be read.
    const d = Math.sqrt(x * x + y * y);
    const k = d > POPUP_INSET ? (d - POPUP_INSET) / d : 1;
    this.popups.show(ARENA_CENTER_X + x * k, ARENA_CENTER_Y + y * k, victim, by, this.nowMs);
    const line = this.feed.push(victim, by, this.nowMs);
    const fx = debugHooks.fx;
    fx.feed.push(line);
    fx.knockouts++;
    const involved = victim === this.localPlayer || by === this.localPlayer;
    soundBank.play(SoundKey.Knockout, involved ? 1 : 0.7);
    this.shake(involved ? 14 : 7, involved ? 380 : 260);
    if (victim === this.localPlayer) this.edge.knockedOut(this.nowMs);
  }

  countdown(count: number): void {
    soundBank.play(count === 0 ? SoundKey.CountdownGo : SoundKey.CountdownTick, 0.8, count === 1 ? 200 : 0);
    if (count === 0) this.particles.clear();
  }

  roundOver(_round: number, winner: number): void {
    if (winner >= 0) this.confetti(winner, 50);
    // A draw gets the same jingle, lower and quieter: nobody to cheer for.
    soundBank.play(SoundKey.RoundWon, winner >= 0 ? 0.9 : 0.6, winner >= 0 ? 0 : -500);
    debugHooks.fx.results++;
  }

  matchOver(winner: number): void {
    if (winner >= 0) this.confetti(winner, 110);
    soundBank.play(SoundKey.MatchWon, 1);
    debugHooks.fx.results++;
  }

  // ---- Effects ----

  /** Dash trails (afterimages) and the smoke of players thrown hard, each frame from the drawn state. */
  private emitTrails(): void {
    const game = this.runner.game;
    const s = game.state;
    const smoke = (++this.frames & 1) === 0;
    for (let p = 0; p < game.players; p++) {
      if (!game.isAlive(p)) continue;
      const x = ARENA_CENTER_X + game.playerX(p);
      const y = ARENA_CENTER_Y + game.playerY(p);
      if (game.isDashing(p)) {
        this.particles.emit(ParticleShape.Dot, x, y, 0, 0, 200, PLAYER_RADIUS * 0.95, playerColor(p), 0.4, 1);
      } else if (smoke && game.isStunned(p)) {
        const vx = s.vx[p]! * UNIT_X;
        const vy = s.vy[p]! * UNIT_X;
        if (vx * vx + vy * vy > SMOKE_SPEED * SMOKE_SPEED) {
          this.particles.emit(ParticleShape.Dot, x - vx * 2, y - vy * 2, (Math.random() - 0.5) * 30, (Math.random() - 0.5) * 30, 420, 7 + Math.random() * 4, 0xb0b8c8, 0.35, 0.3);
        }
      }
    }
  }

  /** A fountain of confetti from the winner (or the centre if they are out), in their colour and gold. */
  private confetti(winner: number, count: number): void {
    const game = this.runner.game;
    const alive = game.isAlive(winner);
    const x = ARENA_CENTER_X + (alive ? game.playerX(winner) : 0);
    const y = ARENA_CENTER_Y + (alive ? game.playerY(winner) : 0);
    const color = playerColor(winner);
    for (let i = 0; i < count; i++) {
      const a = -Math.PI / 2 + (Math.random() - 0.5) * 1.6;
      const v = 250 + Math.random() * 450;
      const c = i % 3 === 0 ? 0xffd54f : i % 3 === 1 ? color : 0xffffff;
      this.particles.emit(ParticleShape.Dot, x, y, Math.cos(a) * v, Math.sin(a) * v, 1300 + Math.random() * 900, 3 + Math.random() * 3, c, 1, 0.35, 520);
    }
  }

  /** Shakes the arena by up to `amplitude` screen units for `durationMs`. */
  private shake(amplitude: number, durationMs: number): void {
    this.shaker.start(amplitude, durationMs, this.nowMs);
    debugHooks.fx.shakes++;
  }
}
