import { describe, expect, it } from 'vitest';
import { PLAYER_COLORS, paletteCss, playerColor, playerCss } from '../../demo-game/src/render/player-colors.ts';
import { usePlayerLooks } from '../../demo-game/src/render/player-looks.ts';
import { markGlyph, playerGlyph, playerMark } from '../../demo-game/src/render/player-marks.ts';

/**
 * Colour-blindness simulation matrices for linear RGB at full severity (Machado, Oliveira and
 * Fernandes, "A Physiologically-based Model for Simulation of Color Vision Deficiency", 2009).
 */
const VISIONS = {
  normal: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  protanopia: [0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998],
  deuteranopia: [0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.01182, 0.04294, 0.968881],
  tritanopia: [1.255528, -0.076749, -0.178779, -0.078411, 0.930809, 0.147602, 0.004733, 0.691367, 0.3039],
} as const;

type Lab = readonly [number, number, number];

/** sRGB component 0..255 to linear light. */
function linear(c: number): number {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** CIE L*a*b* (D65) of 0xRRGGBB as seen with `vision`. */
function labAs(rgb: number, vision: readonly number[]): Lab {
  const c = [linear((rgb >> 16) & 255), linear((rgb >> 8) & 255), linear(rgb & 255)];
  const [r, g, b] = [0, 1, 2].map((row) => Math.min(1, Math.max(0, vision[row * 3]! * c[0]! + vision[row * 3 + 1]! * c[1]! + vision[row * 3 + 2]! * c[2]!))) as [number, number, number];
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
  const y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** ΔE*ab (CIE 1976): 2.3 is about a just-noticeable difference between two patches side by side. */
function deltaE(a: Lab, b: Lab): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** The closest pair among the first `count` colours with `vision`: [distance, i, j]. */
function closestPair(colors: readonly number[], count: number, vision: readonly number[]): [number, number, number] {
  let best: [number, number, number] = [Infinity, -1, -1];
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      const d = deltaE(labAs(colors[i]!, vision), labAs(colors[j]!, vision));
      if (d < best[0]) best = [d, i, j];
    }
  }
  return best;
}

/**
 * Every pair ≥ 20 ΔE with every kind of vision: the players are small shapes that move, seen
 * at a glance from a sofa, so they need far more than a just-noticeable 2.3, about ten times it.
 * (The palette before this test had a pair at 4.5 under protanopia.)
 */
const MIN_PAIR_DELTA_E = 20;
/** In a match of up to 4 (most parties), more: ≥ 30. */
const MIN_PAIR_DELTA_E_4 = 30;

describe('player colours', () => {
  it.each(Object.entries(VISIONS))('with %s, every pair of the 8 colours is at least 20 ΔE apart (30 among the first 4)', (name, vision) => {
    const [all, i, j] = closestPair(PLAYER_COLORS, 8, vision);
    expect(all, `${name}: players ${i + 1} and ${j + 1}`).toBeGreaterThanOrEqual(MIN_PAIR_DELTA_E);
    const [four, a, b] = closestPair(PLAYER_COLORS, 4, vision);
    expect(four, `${name}: players ${a + 1} and ${b + 1}`).toBeGreaterThanOrEqual(MIN_PAIR_DELTA_E_4);
  });

  it('no colour is near the white hit flash, with any vision, and each stands out on the dark floor', () => {
    const floor = labAs(0x15203a, VISIONS.normal);
    for (const [p, color] of PLAYER_COLORS.entries()) {
      for (const vision of Object.values(VISIONS)) expect(deltaE(labAs(color, vision), [100, 0, 0]), `player ${p + 1}`).toBeGreaterThanOrEqual(20);
      const lab = labAs(color, VISIONS.normal);
      expect(lab[0], `player ${p + 1} lightness`).toBeGreaterThanOrEqual(50);
      expect(deltaE(lab, floor), `player ${p + 1} on the floor`).toBeGreaterThanOrEqual(40);
    }
  });

  it('the simulation is the real thing: red and green, far apart normally, nearly meet for the red-green blind', () => {
    const normal = deltaE(labAs(0xd04040, VISIONS.normal), labAs(0x40a040, VISIONS.normal));
    const deutan = deltaE(labAs(0xd04040, VISIONS.deuteranopia), labAs(0x40a040, VISIONS.deuteranopia));
    expect(normal).toBeGreaterThan(80);
    expect(deutan).toBeLessThan(normal / 3);
    // And the palette before this one fails the bar (orange and tan under protanopia).
    expect(closestPair([0x4fc3f7, 0xff8a65, 0x81c784, 0xffd54f, 0xba68c8, 0xf06292, 0x4db6ac, 0xd4a373], 8, VISIONS.protanopia)[0]).toBeLessThan(MIN_PAIR_DELTA_E);
  });

  it('every player has its own mark besides its colour', () => {
    const marks = PLAYER_COLORS.map((_, p) => playerMark(p));
    expect(new Set(marks).size).toBe(8);
    expect(new Set(PLAYER_COLORS.map((_, p) => playerGlyph(p))).size).toBe(8);
  });

  it("a match draws each player in the colour and mark it chose (the match decision's, by handle); a replay goes back to the handle's own", () => {
    usePlayerLooks([6, 0, 3], [4, 4, 7]);
    try {
      expect([0, 1, 2].map(playerColor)).toEqual([PLAYER_COLORS[6], PLAYER_COLORS[0], PLAYER_COLORS[3]]);
      expect(playerCss(0)).toBe('#e6cc33');
      expect([0, 1, 2].map(playerGlyph)).toEqual(['★', '★', '✖']);
      // Handles past the decision's players keep their own.
      expect(playerColor(5)).toBe(PLAYER_COLORS[5]);
    } finally {
      usePlayerLooks();
    }
    expect(playerColor(0)).toBe(PLAYER_COLORS[0]);
    expect(playerGlyph(1)).toBe(markGlyph(1));
    // A spectator's chat line is grey, none of the players' colours.
    expect(PLAYER_COLORS.map((_, c) => paletteCss(c))).not.toContain(paletteCss(-1));
  });
});
