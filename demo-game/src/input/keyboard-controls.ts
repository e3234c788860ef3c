import type Phaser from 'phaser';
import { ArenaButton } from '../sim/index.ts';

/**
 * Keyboard: WASD or the arrow keys move, Space or J fires, Shift or K dashes. Keys are read when a
 * frame is sampled, so a tap shorter than a frame (16.7 ms) can be missed; the sim's dash reacts to
 * the press, so holding the key is enough.
 */
export class KeyboardControls {
  private readonly keys: Record<string, Phaser.Input.Keyboard.Key>;

  constructor(scene: Phaser.Scene) {
    const keyboard = scene.input.keyboard;
    if (keyboard === null) throw new Error('the match scene needs the keyboard plugin');
    // No capture: captured keys are swallowed page-wide (preventDefault) for as long as the game
    // runs, so after a match the lobby's text fields could no longer take W, A, S, D or a space.
    this.keys = keyboard.addKeys('W,A,S,D,UP,DOWN,LEFT,RIGHT,SPACE,J,SHIFT,K', false) as Record<string, Phaser.Input.Keyboard.Key>;
  }

  /** Button bits held now. */
  buttons(): number {
    const k = this.keys;
    const down = (...names: string[]) => names.some((n) => k[n]?.isDown === true);
    let b = 0;
    if (down('W', 'UP')) b |= ArenaButton.Up;
    if (down('S', 'DOWN')) b |= ArenaButton.Down;
    if (down('A', 'LEFT')) b |= ArenaButton.Left;
    if (down('D', 'RIGHT')) b |= ArenaButton.Right;
    if (down('SPACE', 'J')) b |= ArenaButton.Fire;
    if (down('SHIFT', 'K')) b |= ArenaButton.Dash;
    return b;
  }
}
