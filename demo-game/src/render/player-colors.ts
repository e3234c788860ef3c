/**
 * One colour per player handle (8 players), distinct on a dark background and for common
 * colour-blindness. None is near white: a player that is hit flashes white (arena-view.ts), and
 * an eighth player in light grey (#e0e0e0) looked hit all match. The eighth is a sandy tan.
 */
export const PLAYER_COLORS = [0x4fc3f7, 0xff8a65, 0x81c784, 0xffd54f, 0xba68c8, 0xf06292, 0x4db6ac, 0xd4a373] as const;

export function playerColor(player: number): number {
  return PLAYER_COLORS[player % PLAYER_COLORS.length]!;
}

/** The colour as CSS, for text and DOM. */
export function playerCss(player: number): string {
  return `#${playerColor(player).toString(16).padStart(6, '0')}`;
}
