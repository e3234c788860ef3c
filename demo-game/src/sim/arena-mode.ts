/**
 * The ways to play the arena, chosen for the whole match in the match settings (the room's
 * `gameMode`, the title screen for offline matches) and recorded in a replay's settings. Every
 * peer must build its `ArenaGame` with the same mode.
 */
export const ArenaMode = {
  /** The arena as it always was: a fixed ring, knock-outs score. */
  Classic: 0,
  /**
   * The ring closes in over the round (see `ringRadius`), so every round ends in a scramble on a
   * small floor; in sudden death it closes further. Knock-outs score as in Classic; being caught
   * outside by the ring counts as falling out.
   */
  ShrinkingRing: 1,
} as const;
export type ArenaMode = (typeof ArenaMode)[keyof typeof ArenaMode];

/** Every mode, in menu order. */
export const ARENA_MODES: readonly ArenaMode[] = [ArenaMode.Classic, ArenaMode.ShrinkingRing];

/** What players read in menus and on the HUD. */
export const ARENA_MODE_LABELS: Readonly<Record<ArenaMode, string>> = {
  [ArenaMode.Classic]: 'Classic',
  [ArenaMode.ShrinkingRing]: 'Shrinking ring',
};

/** Stable names for files (a replay's settings text): never renamed, only added to. */
export const ARENA_MODE_KEYS: Readonly<Record<ArenaMode, string>> = {
  [ArenaMode.Classic]: 'classic',
  [ArenaMode.ShrinkingRing]: 'shrinking-ring',
};

/** Whether `value` is a mode this build plays (for values that came from a room or a file). */
export function isArenaMode(value: unknown): value is ArenaMode {
  return (ARENA_MODES as readonly unknown[]).includes(value);
}
