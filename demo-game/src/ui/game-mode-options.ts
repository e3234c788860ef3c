import { ARENA_MODES, ARENA_MODE_LABELS } from '../sim/index.ts';

/** The game modes as `select` options (value: the mode's number, as the room's `gameMode` carries it). */
export function gameModeOptions(): (readonly [string, string])[] {
  return ARENA_MODES.map((mode) => [String(mode), ARENA_MODE_LABELS[mode]] as const);
}
