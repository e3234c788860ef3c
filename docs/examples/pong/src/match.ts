import type { PongGame } from './pong-game.ts';

/** What the page drives, offline or online: ticked from the render loop and a timer, then drawn. */
export interface Match {
  /** The game this page shows (its newest frame, predicted where remote inputs are missing); none before a match starts. */
  readonly game: PongGame | undefined;
  /** Which paddle is this page's: 0 left, 1 right. */
  readonly localPlayer: number;
  /** `nowMs`: performance.now(); `input`: this player's buttons, read once per frame advanced. */
  tick(nowMs: number, input: () => number): void;
  /** One status line: network conditions, round trip, rollbacks, or what the room waits for. */
  status(nowMs: number): string;
  dispose(): void;
}
