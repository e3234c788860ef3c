import { ArenaConfig } from '../sim/arena-config.ts';

/**
 * Which palette colour and which mark each player handle of the current match is drawn with.
 * Online, the players chose them in the lobby and the room's match decision carries them by
 * handle (`MatchDecision.colors`, `shapes`), the same on every peer; a local match, a replay and
 * the time before any match use the handle's own (player 0 colour 0 and mark 0, and so on).
 *
 * Module state rather than a parameter: every renderer (arena, scoreboard, kill feed, pop-ups,
 * particles, results) asks by handle through `playerColor`, `playerCss` and `playerGlyph`, and
 * one match is drawn at a time. The match scene sets it as it starts; nothing else changes it.
 * Two small typed arrays, written once per match: nothing is allocated while drawing.
 */
const colorOf = Int8Array.from({ length: ArenaConfig.MAX_PLAYERS }, (_, p) => p);
const shapeOf = Int8Array.from({ length: ArenaConfig.MAX_PLAYERS }, (_, p) => p);

/** The looks of the match about to be drawn, by handle; undefined (or missing entries): each handle's own. */
export function usePlayerLooks(colors?: readonly number[], shapes?: readonly number[]): void {
  for (let p = 0; p < colorOf.length; p++) {
    colorOf[p] = lookIndex(colors?.[p], p);
    shapeOf[p] = lookIndex(shapes?.[p], p);
  }
}

/** The palette index player `player` is drawn in. */
export function lookColor(player: number): number {
  return player >= 0 && player < colorOf.length ? colorOf[player]! : player;
}

/** The mark index player `player` wears. */
export function lookShape(player: number): number {
  return player >= 0 && player < shapeOf.length ? shapeOf[player]! : player;
}

/** A chosen index (0..15, from the room), or the handle's own for none. */
function lookIndex(value: number | undefined, player: number): number {
  return value !== undefined && Number.isInteger(value) && value >= 0 && value < 16 ? value : player;
}
