import type { Page } from 'playwright-core';
import { Prng } from '../../sdk/src/kit/prng.ts';

/** The keys one player uses (Playwright key names). */
export interface KeySet {
  readonly up: string;
  readonly down: string;
  readonly left: string;
  readonly right: string;
  readonly fire: string;
  readonly dash: string;
}

export const WASD_KEYS: KeySet = { up: 'KeyW', down: 'KeyS', left: 'KeyA', right: 'KeyD', fire: 'Space', dash: 'ShiftLeft' };
export const ARROW_KEYS: KeySet = { up: 'ArrowUp', down: 'ArrowDown', left: 'ArrowLeft', right: 'ArrowRight', fire: 'KeyJ', dash: 'KeyK' };

/** Shortest and longest time one combination of keys is held (ms): several frames, so no press falls between two samples. */
const HOLD_MIN_MS = 150;
const HOLD_MAX_MS = 450;

/**
 * Plays `page` with the keyboard for `durationMs`: every few hundred ms a seeded choice of
 * direction (or none), fire and dash, pressing and releasing only the keys that change, as a
 * player's fingers do. Every key is up again when it resolves. Returns how many key presses it sent.
 */
export async function playKeyPattern(page: Page, keys: KeySet, seed: number, durationMs: number): Promise<number> {
  const rng = new Prng(seed);
  const held = new Set<string>();
  let presses = 0;
  const end = performance.now() + durationMs;
  try {
    while (performance.now() < end) {
      const wanted = new Set<string>();
      const vertical = rng.nextInt(3);
      if (vertical === 1) wanted.add(keys.up);
      if (vertical === 2) wanted.add(keys.down);
      const horizontal = rng.nextInt(3);
      if (horizontal === 1) wanted.add(keys.left);
      if (horizontal === 2) wanted.add(keys.right);
      if (rng.nextInt(2) === 0) wanted.add(keys.fire);
      if (rng.nextInt(4) === 0) wanted.add(keys.dash);
      for (const key of [...held]) {
        if (wanted.has(key)) continue;
        await page.keyboard.up(key);
        held.delete(key);
      }
      for (const key of wanted) {
        if (held.has(key)) continue;
        await page.keyboard.down(key);
        held.add(key);
        presses++;
      }
      const hold = rng.nextRange(HOLD_MIN_MS, HOLD_MAX_MS);
      await new Promise((resolve) => setTimeout(resolve, Math.min(hold, Math.max(0, end - performance.now()))));
    }
  } finally {
    for (const key of held) await page.keyboard.up(key).catch(() => undefined);
  }
  return presses;
}
