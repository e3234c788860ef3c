import { FIXED_PI, FIXED_TWO_PI, fixedAtan2, fixedCos, fixedDiv, fixedRound, fixedSin } from 'backspin';
import type { Fixed } from 'backspin';

/**
 * Integer geometry shared by the arena simulation, its bot and its input helpers. Nothing here
 * touches a float: every result is bit-identical on every engine.
 */

/** How many directions aims, facings, dashes and bullets are quantized to (one step = 11.25°). */
export const DIRECTIONS = 32;

/**
 * Unit vectors of the 32 directions, Q16.16. Direction 0 points along +x and the index grows
 * clockwise on screen (y points down): 8 is down, 16 is left, 24 is up. Built once from the kit's
 * table-based `fixedCos`/`fixedSin`, so the values are the same everywhere.
 */
export const DIRECTION_X: Int32Array = new Int32Array(DIRECTIONS);
/** See {@link DIRECTION_X}. */
export const DIRECTION_Y: Int32Array = new Int32Array(DIRECTIONS);
for (let d = 0; d < DIRECTIONS; d++) {
  // d · 2π / 32; the division by 32 is a shift, exact.
  const angle = (d * FIXED_TWO_PI) >> 5;
  DIRECTION_X[d] = fixedCos(angle);
  DIRECTION_Y[d] = fixedSin(angle);
}

/**
 * The nearest of the 32 directions to the vector (dx, dy) (any int32 of one scale, e.g. Fixed
 * units). (0, 0) gives 0. Used by the bot, and by a renderer turning a mouse offset into an aim.
 */
export function directionFromVector(dx: number, dy: number): number {
  const angle: Fixed = fixedAtan2(dy, dx); // [-π, π]
  // angle · 16 / π is the direction in Q16.16; |angle · 16| < 2^22, no overflow.
  const steps = fixedDiv(angle * 16, FIXED_PI);
  return (fixedRound(steps) >> 16) & (DIRECTIONS - 1);
}

/**
 * dx² + dy² in (1/256 unit)² for Fixed dx, dy: each leg is first shifted to 1/256 of a unit, so
 * for any int32 inputs the squares are below 2^46 and their sum is an exact integer in a double.
 * Compare it with {@link coarseSquare} of a distance. 1/256 of a unit is far below anything
 * visible, and it keeps the test exact where `fixedMul(dx, dx)` would wrap beyond 181 units.
 */
export function coarseLengthSquared(dx: Fixed, dy: Fixed): number {
  const cx = dx >> 8;
  const cy = dy >> 8;
  return cx * cx + cy * cy;
}

/** A Fixed distance squared on the scale of {@link coarseLengthSquared}. */
export function coarseSquare(distance: Fixed): number {
  const c = distance >> 8;
  return c * c;
}
