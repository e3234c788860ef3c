/**
 * What the match feedback (sound, particles, pop-ups, the kill feed) is told about, by
 * {@link MatchEventTracker}. Positions are arena units ((0, 0) the arena's centre, +y down),
 * velocities units per frame, players are handles 0..7. Each method is called once per event,
 * however often rollbacks re-simulate it; `knockout`, `roundOver` and `matchOver` only once the
 * frame that decided them is confirmed, so a rollback can never take them back.
 */
export interface FeedbackSink {
  /** `owner` fired a bullet from (x, y) along `direction` (0..31, as the simulation counts). Predicted. */
  shot(owner: number, x: number, y: number, direction: number): void;
  /**
   * `victim` was hit (by a bullet or a dash) and now carries `damage` %; (vx, vy) is the knockback
   * it flies off with. `attacker` is -1 when unknown. Predicted.
   */
  hit(victim: number, attacker: number, x: number, y: number, vx: number, vy: number, damage: number): void;
  /** `player` started a dash at (x, y). Predicted. */
  dash(player: number, x: number, y: number): void;
  /** `victim` left the ring at (x, y) in the predicted state: the visual burst only, shown at once. */
  knockoutBurst(victim: number, x: number, y: number): void;
  /** A confirmed knock-out: `by` scored it, or -1 if `victim` fell out on its own. */
  knockout(victim: number, by: number, x: number, y: number): void;
  /** The countdown shows `count` (3, 2, 1), or 0 for "go". */
  countdown(count: number): void;
  /** Round `round` ended, confirmed: `winner` took it (-1 for a draw), and the match goes on. */
  roundOver(round: number, winner: number): void;
  /** The match ended, confirmed: `winner` won it (-1 when nobody is left to win). */
  matchOver(winner: number): void;
}
