/**
 * What one control device says at one moment: button bits (`ArenaButton`) and, if it is aiming,
 * an aim vector in screen units (any length; only its direction counts).
 */
export interface ControlSample {
  buttons: number;
  aimX: number;
  aimY: number;
  /** Whether the device is aiming now (a stick pushed, the mouse recently moved, a touch held). */
  aiming: boolean;
}

export function emptySample(): ControlSample {
  return { buttons: 0, aimX: 0, aimY: 0, aiming: false };
}
