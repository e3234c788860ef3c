import { toFixed } from 'backspin';
import { PongButton } from './pong-input.ts';
import { BALL, FIELD_H, FIELD_W, PADDLE_H } from './pong-rules.ts';
import { Slot } from './pong-state.ts';

/** How close (units) the paddle's centre must be to its target before the bot stops moving. */
const DEAD_ZONE = toFixed(8);
/** The bot watches the ball only within this distance of its own side (units): it reacts late, so it can be beaten. */
const SIGHT = toFixed(400);

/**
 * The computer's buttons for `player`, from the game state alone (no clock, no randomness), so it
 * is deterministic: the simulation itself uses it for a player who dropped out.
 */
export function botInput(s: Int32Array, player: number): number {
  const centre = s[Slot.Paddle + player]! + PADDLE_H / 2;
  const ballX = s[Slot.BallX]!;
  const coming = player === 0 ? s[Slot.BallVX]! < 0 && ballX < SIGHT : s[Slot.BallVX]! > 0 && ballX > FIELD_W - SIGHT;
  const target = coming ? s[Slot.BallY]! + BALL / 2 : FIELD_H / 2;
  if (target < centre - DEAD_ZONE) return PongButton.Up;
  if (target > centre + DEAD_ZONE) return PongButton.Down;
  return 0;
}
