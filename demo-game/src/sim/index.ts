/**
 * The arena demo's simulation: a deterministic, allocation-free rollback game for 2 to 8 players.
 * No Phaser here; a renderer reads `ArenaGame`'s getters.
 */
export { ArenaGame } from './arena-game.ts';
export type { ArenaGameOptions } from './arena-game.ts';
export { ArenaState, ArenaPhase, cloneInto } from './arena-state.ts';
export { ArenaConfig } from './arena-config.ts';
export { ArenaMode, ARENA_MODES, ARENA_MODE_KEYS, ARENA_MODE_LABELS, isArenaMode } from './arena-mode.ts';
export { ringRadius } from './arena-ring.ts';
export {
  ArenaButton,
  ARENA_BUTTON_MASK,
  AIM_NONE,
  NEUTRAL_INPUT,
  arenaInput,
  inputButtons,
  inputAim,
  arenaInputCodec,
} from './arena-input.ts';
export type { ArenaInput } from './arena-input.ts';
export { DIRECTIONS, DIRECTION_X, DIRECTION_Y, directionFromVector, coarseLengthSquared, coarseSquare } from './arena-math.ts';
export { botInput } from './arena-bot.ts';
