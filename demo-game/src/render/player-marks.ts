import type Phaser from 'phaser';
import { lookShape } from './player-looks.ts';

/**
 * A second cue besides colour, one per player handle: a shape drawn on the player's body and the
 * same shape as a character before its name (name tag, scoreboard), so players who cannot tell
 * two colours apart can still say "I'm the triangle". Shapes that stay distinct when drawn 8
 * pixels wide: filled, outlined only by their silhouette.
 */
export const PlayerMark = {
  Dot: 0,
  Triangle: 1,
  Square: 2,
  Diamond: 3,
  Star: 4,
  TriangleDown: 5,
  Plus: 6,
  Cross: 7,
} as const;
export type PlayerMark = (typeof PlayerMark)[keyof typeof PlayerMark];

/** The marks' characters, by mark (geometric shapes that the usual system fonts have). */
const GLYPHS = ['●', '▲', '■', '◆', '★', '▼', '✚', '✖'] as const;

/** Marks there are (the shapes a player can pick in the lobby). */
export const MARK_COUNT = GLYPHS.length;

/** The mark player handle `player` wears this match (its chosen shape online, player-looks.ts). */
export function playerMark(player: number): PlayerMark {
  return (lookShape(player) % GLYPHS.length) as PlayerMark;
}

/** The player's mark as a character, for text (names, scoreboard, DOM). */
export function playerGlyph(player: number): string {
  return GLYPHS[playerMark(player)]!;
}

/** Mark `shape` (a room member's `shape`) as a character, for the lobby. */
export function markGlyph(shape: number): string {
  return GLYPHS[shape % GLYPHS.length]!;
}

/**
 * Draws player `player`'s mark centred on (x, y), `size` across (screen units), filled with
 * the graphics' current fill style.
 */
export function drawPlayerMark(g: Phaser.GameObjects.Graphics, player: number, x: number, y: number, size: number): void {
  const r = size / 2;
  switch (playerMark(player)) {
    case PlayerMark.Dot:
      g.fillCircle(x, y, r * 0.8);
      break;
    case PlayerMark.Triangle:
      g.fillTriangle(x, y - r, x + r, y + r * 0.8, x - r, y + r * 0.8);
      break;
    case PlayerMark.Square:
      g.fillRect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6);
      break;
    case PlayerMark.Diamond:
      g.fillTriangle(x, y - r, x + r, y, x - r, y);
      g.fillTriangle(x, y + r, x + r, y, x - r, y);
      break;
    case PlayerMark.Star: {
      // Five points: a pentagon of triangles from the centre to each point and its neighbours' inner corners.
      for (let k = 0; k < 5; k++) {
        const a = -Math.PI / 2 + (k * 2 * Math.PI) / 5;
        const left = a - Math.PI / 5;
        const right = a + Math.PI / 5;
        const inner = r * 0.45;
        g.fillTriangle(x + Math.cos(a) * r, y + Math.sin(a) * r, x + Math.cos(left) * inner, y + Math.sin(left) * inner, x + Math.cos(right) * inner, y + Math.sin(right) * inner);
        g.fillTriangle(x, y, x + Math.cos(left) * inner, y + Math.sin(left) * inner, x + Math.cos(right) * inner, y + Math.sin(right) * inner);
      }
      break;
    }
    case PlayerMark.TriangleDown:
      g.fillTriangle(x, y + r, x + r, y - r * 0.8, x - r, y - r * 0.8);
      break;
    case PlayerMark.Plus:
      g.fillRect(x - r, y - r * 0.3, r * 2, r * 0.6);
      g.fillRect(x - r * 0.3, y - r, r * 0.6, r * 2);
      break;
    case PlayerMark.Cross: {
      const w = r * 0.3;
      const d = r * 0.85;
      // Two bars at 45°, each as two triangles.
      g.fillTriangle(x - d - w, y - d + w, x - d + w, y - d - w, x + d + w, y + d - w);
      g.fillTriangle(x - d - w, y - d + w, x + d - w, y + d + w, x + d + w, y + d - w);
      g.fillTriangle(x + d - w, y - d - w, x + d + w, y - d + w, x - d + w, y + d + w);
      g.fillTriangle(x + d - w, y - d - w, x - d - w, y + d - w, x - d + w, y + d + w);
      break;
    }
  }
}
