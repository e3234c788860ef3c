import { fixedFromRatio, toFixed } from 'backspin';

// Every length is in field units (one unit is one canvas pixel), as Q16.16 fixed point; speeds
// are units per frame, durations are frames (60 per second).

export const FIELD_W = toFixed(640);
export const FIELD_H = toFixed(360);
export const BALL = toFixed(8);
export const PADDLE_W = toFixed(8);
export const PADDLE_H = toFixed(56);
/** Left edge of player 0's paddle; player 1's mirrors it. */
export const LEFT_X = toFixed(16);
export const RIGHT_X = FIELD_W - LEFT_X - PADDLE_W;
export const PADDLE_SPEED = toFixed(5);
/** Horizontal speed of a serve, gained per paddle hit, and its cap (below BALL + PADDLE_W, so the ball cannot pass through a paddle). */
export const SERVE_SPEED = toFixed(4);
export const SPEED_UP = fixedFromRatio(1, 4);
export const MAX_SPEED = toFixed(12);
/** Vertical speed of a ball hit by a paddle's very edge; the centre sends it straight. */
export const MAX_VY = toFixed(7);
/** Pause before each serve, and after a game is won. */
export const SERVE_FRAMES = 60;
export const GAME_OVER_FRAMES = 180;
export const WINNING_SCORE = 7;
