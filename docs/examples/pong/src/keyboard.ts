import { PongButton } from './pong-input.ts';

const UP_KEYS = new Set(['ArrowUp', 'KeyW']);
const DOWN_KEYS = new Set(['ArrowDown', 'KeyS']);

/**
 * The buttons held right now, from the keyboard. Read once per frame advanced: an input says what
 * is held, which is also what a session predicts for a remote player (its last input, repeated).
 */
export class Keyboard {
  private held = 0;

  constructor(target: Window) {
    const on = (e: KeyboardEvent, down: boolean) => {
      const bit = UP_KEYS.has(e.code) ? PongButton.Up : DOWN_KEYS.has(e.code) ? PongButton.Down : 0;
      if (bit === 0 || e.target instanceof HTMLInputElement) return;
      e.preventDefault(); // the arrows would scroll the page
      this.held = down ? this.held | bit : this.held & ~bit;
    };
    target.addEventListener('keydown', (e) => on(e, true));
    target.addEventListener('keyup', (e) => on(e, false));
    target.addEventListener('blur', () => (this.held = 0)); // a key released in another window
  }

  read = (): number => this.held;
}
