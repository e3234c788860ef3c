import { lookColor } from './player-looks.ts';

/**
 * One colour per player handle (8 players), told apart on the dark floor with normal colour
 * vision and under protanopia, deuteranopia and tritanopia: every pair is at least 22 ΔE (CIE
 * L*a*b*, 1976) apart after a full-severity colour-blindness simulation, about ten times a
 * just-noticeable difference (test/demo/player-colors.test.ts measures it; the palette before
 * had an orange and a tan 4.5 apart under protanopia). They are ordered so that the first players
 * differ most: up to 4 players, every pair is at least 35 apart for every kind of vision.
 *
 * None is near white (a player that is hit flashes white, arena-view.ts) or too dark for the
 * floor (L* 56 to 84). Colour is never the only cue: every player also has a mark
 * (player-marks.ts) on its body, its name tag and the scoreboard.
 */
export const PLAYER_COLORS = [0x4d80ff, 0xcc801a, 0x9980b3, 0x1ae6b3, 0x99e680, 0x00aa66, 0xe6cc33, 0xff99ff] as const;

/** The palette's colours as CSS (made once: text is recoloured often, never with a new string). */
const PALETTE_CSS: readonly string[] = PLAYER_COLORS.map((c) => `#${c.toString(16).padStart(6, '0')}`);
/** For a member without a colour (a spectator's chat line): a neutral grey, none of the palette's. */
const NO_COLOR_CSS = '#b0bec5';

/** The colour player handle `player` is drawn in this match (its chosen one online, player-looks.ts). */
export function playerColor(player: number): number {
  return paletteColor(lookColor(player));
}

/** The colour as CSS, for text and DOM. */
export function playerCss(player: number): string {
  return paletteCss(lookColor(player));
}

/**
 * Palette entry `index` (a room member's `color`). The room accepts up to 16 colours and the
 * palette has 8; the demo's rooms have at most 8 players, so the lowest free colour is always one
 * of the 8 and the picker offers no other: a higher index (a hand-made request) wraps around.
 */
export function paletteColor(index: number): number {
  return PLAYER_COLORS[index % PLAYER_COLORS.length]!;
}

/** Palette entry `index` as CSS; a neutral grey for none (a negative index or undefined). */
export function paletteCss(index: number | undefined): string {
  return index === undefined || index < 0 ? NO_COLOR_CSS : PALETTE_CSS[index % PALETTE_CSS.length]!;
}
