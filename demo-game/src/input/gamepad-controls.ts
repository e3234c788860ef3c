import { ArenaButton } from '../sim/index.ts';
import type { ControlSample } from './control-sample.ts';

/** Stick deflection below this is noise (0..1). */
const DEAD_ZONE = 0.3;

/**
 * Gamepads in the browser's standard mapping: left stick or d-pad moves, right stick aims, A or
 * the right trigger fires (and a pushed right stick fires too: twin-stick), B, X, the right
 * bumper or the left trigger dashes. Every connected pad drives the local player.
 */
export class GamepadControls {
  /**
   * Whether a pad is known: until then `getGamepads` (a new array on every call) is not asked each
   * frame. One connected before this match is found at once; a later one announces itself.
   */
  private seen = typeof navigator.getGamepads === 'function' && navigator.getGamepads().some((pad) => pad !== null && pad.connected);
  private readonly onConnected = (): void => {
    this.seen = true;
  };

  constructor() {
    window.addEventListener('gamepadconnected', this.onConnected);
  }

  destroy(): void {
    window.removeEventListener('gamepadconnected', this.onConnected);
  }

  sample(out: ControlSample): void {
    if (!this.seen || typeof navigator.getGamepads !== 'function') return;
    for (const pad of navigator.getGamepads()) {
      if (pad === null || !pad.connected) continue;
      const pressed = (i: number) => pad.buttons[i]?.pressed === true;
      const lx = pad.axes[0] ?? 0;
      const ly = pad.axes[1] ?? 0;
      const rx = pad.axes[2] ?? 0;
      const ry = pad.axes[3] ?? 0;
      if (ly < -DEAD_ZONE || pressed(12)) out.buttons |= ArenaButton.Up;
      if (ly > DEAD_ZONE || pressed(13)) out.buttons |= ArenaButton.Down;
      if (lx < -DEAD_ZONE || pressed(14)) out.buttons |= ArenaButton.Left;
      if (lx > DEAD_ZONE || pressed(15)) out.buttons |= ArenaButton.Right;
      if (pressed(0) || pressed(7)) out.buttons |= ArenaButton.Fire;
      if (pressed(1) || pressed(2) || pressed(5) || pressed(6)) out.buttons |= ArenaButton.Dash;
      if (Math.hypot(rx, ry) > DEAD_ZONE * 1.5) {
        out.aimX = rx;
        out.aimY = ry;
        out.aiming = true;
        out.buttons |= ArenaButton.Fire;
      }
    }
  }
}
