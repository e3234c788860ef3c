import type { RoomSettings } from './room-settings.ts';

/**
 * What the room authority decides when the owner starts a match: everything the players' sessions
 * must agree on. Each player configures its session from it (`matchId` and `epoch` go into the
 * session config, so packets of other matches and of earlier authorities are refused).
 */
export interface MatchDecision {
  /** Random u32 naming this match. */
  readonly matchId: number;
  /** Epoch of the authority that decided it (u32). */
  readonly epoch: number;
  /** Random u32 for the game's own randomness (e.g. a `Prng`), the same on every peer. */
  readonly seed: number;
  /** The players' slots, ascending; a player's session handle is its index here. 2..16 slots. */
  readonly players: readonly number[];
  /**
   * Each player's colour when the match started, by session handle (as `players`), all distinct:
   * every peer draws each player the same, whatever happens to the room during the match. The
   * simulation never depends on it.
   */
  readonly colors: readonly number[];
  /** Each player's shape when the match started, by session handle (as `colors`). */
  readonly shapes: readonly number[];
  /** The room's settings when the match started: every member's session uses them. */
  readonly settings: RoomSettings;
  /** The frame the match starts at. Always 0 for now; a new authority may restart later. */
  readonly startFrame: 0;
}

/** The session handle of `slot` in a match (its index in `players`), or -1 if it does not play. */
export function matchHandle(match: MatchDecision, slot: number): number {
  return match.players.indexOf(slot);
}
