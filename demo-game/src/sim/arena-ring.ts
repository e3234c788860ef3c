import type { Fixed } from 'backspin';
import { ArenaConfig as C } from './arena-config.ts';
import { ArenaMode } from './arena-mode.ts';
import { ArenaPhase } from './arena-state.ts';

/** 1/256 unit steps: the ring moves smoothly (a Fixed is 1/65536 unit; 1/256 keeps the products small). */
const STEP_SHIFT = 8;

/**
 * The ring's radius (Fixed) at a state's phase and phase timer: a player whose centre is beyond it
 * is out. In Classic it is always `ARENA_RADIUS`. In the shrinking ring it holds for
 * `RING_HOLD_FRAMES` of a round, closes linearly to `RING_MIN_RADIUS` over `RING_SHRINK_FRAMES`,
 * and in sudden death closes on to `RING_FINAL_RADIUS` over `RING_SUDDEN_SHRINK_FRAMES`. Outside
 * play (countdown, round over) it is open again.
 *
 * A pure function of the saved state (phase, phase timer) and the mode, so rollbacks, the bots and
 * the renderer all see the same ring, and the state needs no extra word. Integer math only: the
 * products stay below 2^27.
 */
export function ringRadius(mode: ArenaMode, phase: ArenaPhase, phaseTimer: number): Fixed {
  if (mode !== ArenaMode.ShrinkingRing) return C.ARENA_RADIUS;
  if (phase === ArenaPhase.Playing) {
    const closing = clamp(C.ROUND_FRAMES - phaseTimer - C.RING_HOLD_FRAMES, C.RING_SHRINK_FRAMES);
    return closeBy(C.ARENA_RADIUS, C.RING_MIN_RADIUS, closing, C.RING_SHRINK_FRAMES);
  }
  if (phase === ArenaPhase.SuddenDeath) {
    const closing = clamp(C.SUDDEN_DEATH_FRAMES - phaseTimer, C.RING_SUDDEN_SHRINK_FRAMES);
    return closeBy(C.RING_MIN_RADIUS, C.RING_FINAL_RADIUS, closing, C.RING_SUDDEN_SHRINK_FRAMES);
  }
  return C.ARENA_RADIUS;
}

/** Frames until the ring starts closing in this phase (0 while it closes or when it never will). */
export function ringHoldFramesLeft(mode: ArenaMode, phase: ArenaPhase, phaseTimer: number): number {
  if (mode !== ArenaMode.ShrinkingRing || phase !== ArenaPhase.Playing) return 0;
  return Math.max(0, phaseTimer - (C.ROUND_FRAMES - C.RING_HOLD_FRAMES));
}

/** `from` moved `done / total` of the way to `to`, in whole 1/256 units. */
function closeBy(from: Fixed, to: Fixed, done: number, total: number): Fixed {
  const span = (from - to) >> STEP_SHIFT;
  return from - (Math.floor((span * done) / total) << STEP_SHIFT);
}

function clamp(frames: number, max: number): number {
  return frames < 0 ? 0 : frames > max ? max : frames;
}
