import { ArenaButton } from '../sim/index.ts';

/** Key codes (layout-independent `KeyboardEvent.code`) of each button. */
const BINDINGS: readonly (readonly [button: number, codes: readonly string[]])[] = [
  [ArenaButton.Up, ['KeyW', 'ArrowUp']],
  [ArenaButton.Down, ['KeyS', 'ArrowDown']],
  [ArenaButton.Left, ['KeyA', 'ArrowLeft']],
  [ArenaButton.Right, ['KeyD', 'ArrowRight']],
  [ArenaButton.Fire, ['Space', 'KeyJ']],
  [ArenaButton.Dash, ['ShiftLeft', 'ShiftRight', 'KeyK']],
];

/**
 * Keyboard: WASD or the arrow keys move, Space or J fires, Shift or K dashes (by physical key, so
 * AZERTY players get the same positions). Held keys are tracked from the window's own key events:
 * Phaser's keyboard plugin was seen to handle a key pressed in the same frame as another twice
 * (its event queue is replayed on each key event until the frame ends). The state is read when a
 * frame is sampled; the sim's dash reacts to the press, so holding the key is enough. Keys are not
 * captured: menus keep their typing.
 */
export class KeyboardControls {
  private readonly held = new Set<string>();

  constructor() {
    window.addEventListener('keydown', this.onDown);
    window.addEventListener('keyup', this.onUp);
    // Keys released while the window had no focus never send keyup: forget them all.
    window.addEventListener('blur', this.onBlur);
  }

  /** Button bits held now. */
  buttons(): number {
    // Indexed loops: read every frame, so no iterator or closure is made.
    let b = 0;
    for (let i = 0; i < BINDINGS.length; i++) {
      const binding = BINDINGS[i]!; // no destructuring: that would make an iterator
      const button = binding[0];
      const codes = binding[1];
      for (let k = 0; k < codes.length; k++) {
        if (this.held.has(codes[k]!)) {
          b |= button;
          break;
        }
      }
    }
    return b;
  }

  destroy(): void {
    window.removeEventListener('keydown', this.onDown);
    window.removeEventListener('keyup', this.onUp);
    window.removeEventListener('blur', this.onBlur);
    this.held.clear();
  }

  private readonly onDown = (e: KeyboardEvent): void => {
    if (isTyping(e)) return;
    this.held.add(e.code);
    // Space and the arrows would scroll or press a focused button.
    if (e.code === 'Space' || e.code.startsWith('Arrow')) e.preventDefault();
  };

  private readonly onUp = (e: KeyboardEvent): void => {
    this.held.delete(e.code);
  };

  private readonly onBlur = (): void => {
    this.held.clear();
  };
}

/** Keys typed into a text field are not game input. */
function isTyping(e: KeyboardEvent): boolean {
  const t = e.target;
  return t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
}
