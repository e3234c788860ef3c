import type Phaser from 'phaser';
import { ArenaButton } from '../sim/index.ts';
import type { ControlSample } from './control-sample.ts';

/** Stick radius on screen (game units); pushing further counts as full. */
const STICK_RADIUS = 90;
/** A stick pushed less than this (units) is at rest. */
const STICK_DEAD = 18;
/** Dash button: its centre's distance from the bottom-right corner, and its radius (units). */
const DASH_INSET = 130;
const DASH_RADIUS = 56;

interface Stick {
  pointerId: number;
  baseX: number;
  baseY: number;
  x: number;
  y: number;
}

/**
 * Touch, for phones joining over the LAN: twin sticks. A finger on the left half is a movement
 * stick centred where it landed; a finger on the right half aims and fires while held; the round
 * button at the bottom right dashes. Drawn only after the first touch.
 */
export class TouchControls {
  private move: Stick | undefined;
  private aim: Stick | undefined;
  private dashPointer: number | undefined;
  private used = false;
  private readonly graphics: Phaser.GameObjects.Graphics;

  constructor(private readonly scene: Phaser.Scene) {
    scene.input.addPointer(3);
    this.graphics = scene.add.graphics().setDepth(1000).setScrollFactor(0);
    scene.input.on('pointerdown', (p: Phaser.Input.Pointer) => this.down(p));
    scene.input.on('pointermove', (p: Phaser.Input.Pointer) => this.moveTo(p));
    scene.input.on('pointerup', (p: Phaser.Input.Pointer) => this.up(p));
    scene.input.on('pointerupoutside', (p: Phaser.Input.Pointer) => this.up(p));
  }

  sample(out: ControlSample): void {
    const m = this.move;
    if (m !== undefined) {
      const dx = m.x - m.baseX;
      const dy = m.y - m.baseY;
      if (Math.hypot(dx, dy) > STICK_DEAD) {
        // 8-way: a direction counts when it is at least ~22.5° off the other axis.
        if (dy < -Math.abs(dx) * 0.41) out.buttons |= ArenaButton.Up;
        if (dy > Math.abs(dx) * 0.41) out.buttons |= ArenaButton.Down;
        if (dx < -Math.abs(dy) * 0.41) out.buttons |= ArenaButton.Left;
        if (dx > Math.abs(dy) * 0.41) out.buttons |= ArenaButton.Right;
      }
    }
    const a = this.aim;
    if (a !== undefined) {
      out.buttons |= ArenaButton.Fire;
      const dx = a.x - a.baseX;
      const dy = a.y - a.baseY;
      if (Math.hypot(dx, dy) > STICK_DEAD) {
        out.aimX = dx;
        out.aimY = dy;
        out.aiming = true;
      }
    }
    if (this.dashPointer !== undefined) out.buttons |= ArenaButton.Dash;
  }

  /** Redraws the sticks (call once per render frame). */
  draw(): void {
    const g = this.graphics;
    g.clear();
    if (!this.used) return;
    const { width, height } = this.scene.scale;
    g.fillStyle(0xffffff, this.dashPointer !== undefined ? 0.35 : 0.15);
    g.fillCircle(width - DASH_INSET, height - DASH_INSET, DASH_RADIUS);
    g.lineStyle(3, 0xffffff, 0.5);
    g.strokeCircle(width - DASH_INSET, height - DASH_INSET, DASH_RADIUS);
    for (const s of [this.move, this.aim]) {
      if (s === undefined) continue;
      g.lineStyle(3, 0xffffff, 0.35);
      g.strokeCircle(s.baseX, s.baseY, STICK_RADIUS);
      const dx = s.x - s.baseX;
      const dy = s.y - s.baseY;
      const len = Math.hypot(dx, dy);
      const k = len > STICK_RADIUS ? STICK_RADIUS / len : 1;
      g.fillStyle(0xffffff, 0.4);
      g.fillCircle(s.baseX + dx * k, s.baseY + dy * k, 34);
    }
  }

  destroy(): void {
    this.graphics.destroy();
  }

  private down(p: Phaser.Input.Pointer): void {
    if (!p.wasTouch) return;
    this.used = true;
    const { width, height } = this.scene.scale;
    if (Math.hypot(p.x - (width - DASH_INSET), p.y - (height - DASH_INSET)) <= DASH_RADIUS * 1.3) {
      this.dashPointer = p.id;
      return;
    }
    const stick: Stick = { pointerId: p.id, baseX: p.x, baseY: p.y, x: p.x, y: p.y };
    if (p.x < width / 2) this.move ??= stick;
    else this.aim ??= stick;
  }

  private moveTo(p: Phaser.Input.Pointer): void {
    for (const s of [this.move, this.aim]) {
      if (s !== undefined && s.pointerId === p.id) {
        s.x = p.x;
        s.y = p.y;
      }
    }
  }

  private up(p: Phaser.Input.Pointer): void {
    if (this.move?.pointerId === p.id) this.move = undefined;
    if (this.aim?.pointerId === p.id) this.aim = undefined;
    if (this.dashPointer === p.id) this.dashPointer = undefined;
  }
}
