import { ArenaConfig } from './arena-config.ts';
import type { ArenaInput } from './arena-input.ts';
import { ArenaButton, arenaInput, NEUTRAL_INPUT } from './arena-input.ts';
import { coarseLengthSquared, coarseSquare, directionFromVector } from './arena-math.ts';
import type { ArenaState } from './arena-state.ts';
import { ringRadius } from './arena-ring.ts';

/** Beyond this distance from the centre the bot walks back inward instead of chasing (0.7 R). */
const SAFE_RADIUS_SQ = coarseSquare(fixedMultiple(ArenaConfig.ARENA_RADIUS, 7, 10));
/** The bot fires when its target is within this range (a bit under a bullet's reach). */
const FIRE_RANGE_SQ = coarseSquare(fixedMultiple(ArenaConfig.BULLET_SPEED * ArenaConfig.BULLET_LIFE_FRAMES, 3, 4));
/** The bot considers a dash when its target is this close. */
const DASH_RANGE_SQ = coarseSquare(ArenaConfig.PLAYER_RADIUS * 8);
/** Dead zone of a movement axis, so the bot does not jitter around a target it has reached. */
const AXIS_DEAD_ZONE = ArenaConfig.PLAYER_RADIUS;

function fixedMultiple(value: number, num: number, den: number): number {
  return Math.floor((value * num) / den); // integers far below 2^53: exact
}

/** A 32-bit mix of (frame, player), so bots decide "sometimes" without Math.random. */
function mix(frame: number, player: number): number {
  let h = Math.imul(frame ^ Math.imul(player + 1, 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One movement axis: -1 / 0 / +1 from a Fixed offset, with a dead zone. */
function axis(offset: number): number {
  return offset > AXIS_DEAD_ZONE ? 1 : offset < -AXIS_DEAD_ZONE ? -1 : 0;
}

/**
 * A simple deterministic opponent for "play against a bot": it walks toward the nearest opponent
 * in play (back toward the centre when it is near the edge of the ring as it is now), aims straight at it, fires when it is
 * in range, and now and then (a hash of frame and player, about one frame in 20) dashes when close.
 *
 * It is a pure function of the state, so a bot's input can be computed on one peer and sent like a
 * human's, or computed by every peer from the confirmed state. Integer math only; allocates nothing.
 */
export function botInput(state: ArenaState, player: number, frame: number): ArenaInput {
  if (state.alive[player] !== 1) return NEUTRAL_INPUT;
  const x = state.x[player]!;
  const y = state.y[player]!;
  let target = -1;
  let best = 0;
  for (let p = 0; p < state.players; p++) {
    if (p === player || state.alive[p] !== 1) continue;
    const d = coarseLengthSquared(state.x[p]! - x, state.y[p]! - y);
    if (target < 0 || d < best) {
      target = p;
      best = d;
    }
  }
  // Near the edge: head back to the centre first.
  const ring = ringRadius(state.mode, state.phase, state.phaseTimer);
  const safeSq = ring === ArenaConfig.ARENA_RADIUS ? SAFE_RADIUS_SQ : coarseSquare(fixedMultiple(ring, 7, 10));
  const nearEdge = coarseLengthSquared(x, y) > safeSq;
  const goalX = nearEdge || target < 0 ? 0 : state.x[target]!;
  const goalY = nearEdge || target < 0 ? 0 : state.y[target]!;
  const mx = axis(goalX - x);
  const my = axis(goalY - y);
  let buttons =
    (mx > 0 ? ArenaButton.Right : mx < 0 ? ArenaButton.Left : 0) | (my > 0 ? ArenaButton.Down : my < 0 ? ArenaButton.Up : 0);
  if (target < 0) return arenaInput(buttons);
  const aim = directionFromVector(state.x[target]! - x, state.y[target]! - y);
  if (best <= FIRE_RANGE_SQ) buttons |= ArenaButton.Fire;
  if (!nearEdge && best <= DASH_RANGE_SQ && mix(frame, player) % 20 === 0) buttons |= ArenaButton.Dash;
  return arenaInput(buttons, aim);
}
