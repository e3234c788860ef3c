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

export function playerColor(player: number): number {
  return PLAYER_COLORS[player % PLAYER_COLORS.length]!;
}

/** The colour as CSS, for text and DOM. */
export function playerCss(player: number): string {
  return `#${playerColor(player).toString(16).padStart(6, '0')}`;
}
