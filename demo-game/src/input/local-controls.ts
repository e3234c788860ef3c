import type Phaser from 'phaser';
import { AIM_NONE, arenaInput, directionFromVector } from '../sim/index.ts';
import type { ArenaInput } from '../sim/index.ts';
import { emptySample } from './control-sample.ts';
import { GamepadControls } from './gamepad-controls.ts';
import { KeyboardControls } from './keyboard-controls.ts';
import { MouseControls } from './mouse-controls.ts';
import { TouchControls } from './touch-controls.ts';

/**
 * Every control device of this screen merged into one {@link ArenaInput} per frame: buttons are
 * OR-ed; the aim comes from the first device that aims (gamepad right stick, touch aim stick,
 * then the mouse), else "no aim" (shoot where you move). The aim vector is turned into one of
 * the sim's 32 directions here, with integer inputs, so every peer steps the same input.
 */
export class LocalControls {
  private readonly keyboard: KeyboardControls;
  private readonly mouse: MouseControls;
  private readonly gamepad = new GamepadControls();
  readonly touch: TouchControls;
  private readonly scratch = emptySample();

  constructor(
    scene: Phaser.Scene,
    /** Where the local player is drawn (screen units), for the mouse's aim. */
    private readonly playerScreenPosition: () => { x: number; y: number },
  ) {
    this.keyboard = new KeyboardControls();
    this.mouse = new MouseControls(scene);
    this.touch = new TouchControls(scene);
  }

  sample(): ArenaInput {
    const s = this.scratch;
    s.buttons = this.keyboard.buttons();
    s.aiming = false;
    s.aimX = 0;
    s.aimY = 0;
    this.gamepad.sample(s);
    this.touch.sample(s);
    const at = this.playerScreenPosition();
    this.mouse.sample(s, at.x, at.y);
    const aim = s.aiming ? directionFromVector(Math.round(s.aimX * 256), Math.round(s.aimY * 256)) : AIM_NONE;
    return arenaInput(s.buttons, aim);
  }

  destroy(): void {
    this.keyboard.destroy();
    this.gamepad.destroy();
    this.touch.destroy();
  }
}
