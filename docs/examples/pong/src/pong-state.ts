import { PRNG_STATE_WORDS } from 'backspin';

/**
 * Where each field lives in the game's one Int32Array: saving is one copy, the checksum one pass,
 * and nothing can be left out of either. Positions and speeds are Q16.16 fixed point.
 */
export const Slot = {
  Frame: 0,
  BallX: 1,
  BallY: 2,
  BallVX: 3,
  BallVY: 4,
  /** Top edge of player 0's paddle; player 1's is the next word. */
  Paddle: 5,
  /** Player 0's points; player 1's is the next word. */
  Score: 7,
  /** Frames until the ball moves (a serve or the pause after a game). */
  Wait: 9,
  /** 0 while playing, else 1 + the winner's handle. */
  Winner: 10,
  /** The Prng's words, saved after every step so a rollback draws the same numbers again. */
  Rng: 11,
} as const;

export const STATE_WORDS = Slot.Rng + PRNG_STATE_WORDS;
