import { ArenaPhase } from '../sim/index.ts';
import type { ArenaGame } from '../sim/index.ts';

/**
 * Tells when a rollback session's match is over for sure: the (possibly predicted) state first
 * showed the match decided at some frame, and every input up to that frame is now confirmed, so
 * no rollback can undo it. Waiting for the whole session to be confirmed instead could wait
 * long: on a link slower than the input delay, confirmation trails the present by a few frames
 * and catches up only when the session stalls.
 */
export class MatchOverWatch {
  private overAt: number | undefined;

  /** Call after every tick. */
  update(game: ArenaGame): void {
    if (game.phase !== ArenaPhase.MatchOver) this.overAt = undefined; // a rollback undid a predicted end
    else this.overAt ??= game.frame;
  }

  /** Whether the match is decided in confirmed frames. */
  decided(confirmedFrame: number): boolean {
    return this.overAt !== undefined && confirmedFrame >= this.overAt;
  }
}
