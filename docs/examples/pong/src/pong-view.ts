import { fixedToNumber } from 'backspin';
import { BALL, FIELD_H, FIELD_W, LEFT_X, PADDLE_H, PADDLE_W, RIGHT_X } from './pong-rules.ts';
import { Slot } from './pong-state.ts';

const INK = '#e8e8e8';
const MINE = '#7fd4ff';

/**
 * Draws a game state on a canvas the field's size (one unit, one pixel). It only reads the state,
 * every render frame, and keeps no copy: after a rollback the corrected positions simply appear.
 */
export function drawPong(ctx: CanvasRenderingContext2D, s: Int32Array | undefined, localPlayer: number): void {
  const w = fixedToNumber(FIELD_W), h = fixedToNumber(FIELD_H);
  ctx.fillStyle = '#111';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#444';
  for (let y = 4; y < h; y += 24) ctx.fillRect(w / 2 - 1, y, 2, 12);
  if (s === undefined) return;
  const px = fixedToNumber(PADDLE_W), ph = fixedToNumber(PADDLE_H);
  [LEFT_X, RIGHT_X].forEach((x, p) => {
    ctx.fillStyle = p === localPlayer ? MINE : INK;
    ctx.fillRect(fixedToNumber(x), fixedToNumber(s[Slot.Paddle + p]!), px, ph);
  });
  ctx.fillStyle = INK;
  const ball = fixedToNumber(BALL);
  ctx.fillRect(fixedToNumber(s[Slot.BallX]!), fixedToNumber(s[Slot.BallY]!), ball, ball);
  ctx.font = '48px monospace';
  ctx.textAlign = 'center';
  ctx.fillText(String(s[Slot.Score]), w / 4, 60);
  ctx.fillText(String(s[Slot.Score + 1]), (3 * w) / 4, 60);
  const winner = s[Slot.Winner]!;
  if (winner !== 0) {
    ctx.font = '32px monospace';
    ctx.fillText(winner - 1 === localPlayer ? 'You win!' : 'You lose', w / 2, h / 2 - 40);
  }
}
