/**
 * Where a new knock-out pop-up goes so that it does not cover one still on screen: several
 * knock-outs close together (a brawl at the ring's edge, or a batch confirmed at once after a
 * stall) used to pile their "KO!" and names on top of each other, unreadable. Pop-ups all rise at
 * the same speed, so one placed clear of the others stays clear for its whole life.
 *
 * Pure and allocation-free (it reads the live pop-ups in place): the pop-ups call it once per
 * knock-out, never per frame.
 */

/** What the stacking needs to know of a pop-up on screen (world units). */
export interface PopupBox {
  /** Whether it is on screen now. */
  readonly active: boolean;
  /** Its centre now. */
  readonly cx: number;
  readonly cy: number;
  /** Half its width (the wider of its two lines). */
  readonly halfWidth: number;
}

/**
 * The centre y for a pop-up centred on (x, y), `halfWidth` half wide and `height` tall (every
 * pop-up is as tall): `y` itself if it covers no active box; otherwise moved up just clear of the
 * boxes it meets, one after another. If that would take it above `minY` (off the top of the
 * arena), moved down instead. Boxes that only touch do not overlap.
 */
export function stackPopup(x: number, y: number, halfWidth: number, height: number, boxes: readonly PopupBox[], minY: number): number {
  const up = clearOf(x, y, halfWidth, height, boxes, -1);
  return up >= minY ? up : clearOf(x, y, halfWidth, height, boxes, 1);
}

/** `y` moved in `direction` (-1 up, +1 down) until it overlaps no box. */
function clearOf(x: number, y: number, halfWidth: number, height: number, boxes: readonly PopupBox[], direction: -1 | 1): number {
  let at = y;
  // Each pass moves past at least one box, so as many passes as boxes (and one to confirm) suffice.
  for (let pass = 0; pass <= boxes.length; pass++) {
    let moved = false;
    for (let i = 0; i < boxes.length; i++) {
      const b = boxes[i]!;
      if (!b.active || Math.abs(b.cx - x) >= b.halfWidth + halfWidth || Math.abs(b.cy - at) >= height) continue;
      at = b.cy + direction * height;
      moved = true;
    }
    if (!moved) return at;
  }
  return at;
}
