/**
 * A player's look: a colour and a shape, each an index into the game's own palette and set of
 * shapes (the SDK never draws them). Colours are the player's identity on screen, so no two
 * players of a room hold the same one; shapes are a second cue and may repeat. Spectators have
 * no look: nobody draws them.
 */

/**
 * Colour indices a player may hold, 0..15: one per player slot, so that every player of a full
 * room can have a colour of its own. A game with a smaller palette says so with
 * `RoomAuthorityOptions.colors`.
 */
export const MEMBER_COLORS = 16;
/** Shape indices a player may hold, 0..15. A game with fewer shapes says so with `RoomAuthorityOptions.shapes`. */
export const MEMBER_SHAPES = 16;

/**
 * The lowest colour below `colors` that no player in `taken` holds, or -1 if every one is taken.
 * `taken` are colour indices (repeats and out-of-range values are harmless).
 */
export function lowestFreeColor(taken: Iterable<number>, colors: number): number {
  let held = 0;
  for (const c of taken) if (Number.isInteger(c) && c >= 0 && c < MEMBER_COLORS) held |= 1 << c;
  for (let c = 0; c < colors; c++) if ((held & (1 << c)) === 0) return c;
  return -1;
}
