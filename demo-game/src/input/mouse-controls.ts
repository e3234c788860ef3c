import type Phaser from 'phaser';
import { ArenaButton } from '../sim/index.ts';
import type { ControlSample } from './control-sample.ts';

/** The mouse keeps the aim this long after it last moved or clicked (ms); then aim follows movement again. */
const AIM_HOLD_MS = 2500;

/**
 * Mouse: aim at the pointer, left button fires, right button dashes. Touch pointers are left to
 * the touch controls.
 */
export class MouseControls {
  private lastUsedMs = -Infinity;

  constructor(private readonly scene: Phaser.Scene) {
    scene.input.mouse?.disableContextMenu();
    scene.input.on('pointermove', (p: Phaser.Input.Pointer) => {
      if (!p.wasTouch) this.lastUsedMs = scene.time.now;
    });
    scene.input.on('pointerdown', (p: Phaser.Input.Pointer) => {
      if (!p.wasTouch) this.lastUsedMs = scene.time.now;
    });
  }

  /** Adds the mouse's buttons and aim (relative to the player at `fromX`, `fromY`, world units). */
  sample(out: ControlSample, fromX: number, fromY: number): void {
    const p = this.scene.input.mousePointer;
    if (p === undefined || p.wasTouch) return;
    if (p.leftButtonDown()) out.buttons |= ArenaButton.Fire;
    if (p.rightButtonDown()) out.buttons |= ArenaButton.Dash;
    if (!out.aiming && this.scene.time.now - this.lastUsedMs < AIM_HOLD_MS) {
      // World coordinates: the camera may be scrolled to keep the arena centred.
      const world = this.scene.cameras.main.getWorldPoint(p.x, p.y);
      out.aimX = world.x - fromX;
      out.aimY = world.y - fromY;
      out.aiming = out.aimX !== 0 || out.aimY !== 0;
    }
  }
}
