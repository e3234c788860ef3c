import type Phaser from 'phaser';

/** CSS pixels one screen unit takes now (under 1 on a phone: 1280 units across 844 pixels or fewer). */
export function cssPixelsPerUnit(scene: Phaser.Scene): number {
  const shown = scene.scale.canvasBounds.width;
  return shown > 0 ? shown / scene.scale.width : 1;
}

/**
 * A font size in screen units that shows at least `cssPx` CSS pixels tall, between `min` and `max`
 * units: a label sized for a desktop screen (13 units) shows 4 pixels tall on an upright phone.
 */
export function readableFontSize(scene: Phaser.Scene, cssPx: number, min: number, max: number): number {
  return Math.round(Math.min(max, Math.max(min, cssPx / cssPixelsPerUnit(scene))));
}
