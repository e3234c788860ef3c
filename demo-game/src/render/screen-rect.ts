import type Phaser from 'phaser';

/** A rectangle on the screen, in screen units (the logical 1280×800-or-wider screen). */
export interface ScreenRect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Where a screen-pinned text is drawn, as a {@link ScreenRect}. */
export function screenRect(text: Phaser.GameObjects.Text): ScreenRect {
  const b = text.getBounds();
  return { x: b.x, y: b.y, w: b.width, h: b.height };
}

/** The smallest rectangle holding all of `rects` (the first if only one). */
export function unionRect(rects: readonly ScreenRect[]): ScreenRect {
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  const right = Math.max(...rects.map((r) => r.x + r.w));
  const bottom = Math.max(...rects.map((r) => r.y + r.h));
  return { x, y, w: right - x, h: bottom - y };
}

/** A page element's place (CSS pixels of the viewport, as getBoundingClientRect gives it) in screen units. */
export function screenRectOfElement(scene: Phaser.Scene, el: Element): ScreenRect {
  const canvas = scene.scale.canvasBounds;
  const perUnit = canvas.width > 0 ? canvas.width / scene.scale.width : 1;
  const r = el.getBoundingClientRect();
  return { x: (r.left - canvas.x) / perUnit, y: (r.top - canvas.y) / perUnit, w: r.width / perUnit, h: r.height / perUnit };
}
