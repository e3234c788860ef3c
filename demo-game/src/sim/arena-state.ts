import { PRNG_STATE_WORDS } from 'backspin';
import { ArenaConfig } from './arena-config.ts';
import { ArenaMode } from './arena-mode.ts';

/** Phases of a match. */
export const ArenaPhase = {
  /** Players frozen on their spawn points; `phaseTimer` counts down to the start. */
  Countdown: 0,
  /** The round is on; `phaseTimer` is the frames left. */
  Playing: 1,
  /** The round is decided (`roundWinner`); `phaseTimer` counts down to the next round. */
  RoundOver: 2,
  /** The match is decided (`matchWinner`); nothing moves any more. */
  MatchOver: 3,
  /**
   * The clock ran out with the lead shared: play goes on until one player leads alone (that
   * player wins the round), or `phaseTimer` runs out (a draw).
   */
  SuddenDeath: 4,
} as const;
export type ArenaPhase = (typeof ArenaPhase)[keyof typeof ArenaPhase];

/** Int32 words before the per-player fields: frame, phase, phaseTimer, round, roundWinner, matchWinner. */
const META_WORDS = 6;
/** Int32 fields per player (see the player arrays of {@link ArenaState}). */
const PLAYER_FIELDS = 20;
/** Int32 fields per bullet. */
const BULLET_FIELDS = 5;

/**
 * The whole simulation state of an arena match, as Int32Array views over one ArrayBuffer: a save is
 * one `words.set`, a checksum one pass over `words`, and nothing here is a float or an object
 * reference that a load could miss. Positions and velocities are Fixed (Q16.16 units, units/frame);
 * timers are frames left (0 = off); booleans are 0/1; player ids are 0..players-1 or -1 for none.
 */
export class ArenaState {
  readonly players: number;
  /**
   * The match's mode: fixed for the match, so it is not one of the `words` (a Classic state is
   * word for word what it was before modes existed); `cloneInto` refuses to mix modes.
   */
  readonly mode: ArenaMode;
  /** Every word of the state, for copying and hashing. */
  readonly words: Int32Array;

  // Players, indexed by player id.
  /** Position (Fixed); (0, 0) is the arena centre, +y is down on screen. */
  readonly x: Int32Array;
  readonly y: Int32Array;
  /** Velocity (Fixed units/frame). */
  readonly vx: Int32Array;
  readonly vy: Int32Array;
  /** Direction 0..31 the player faces (and shoots when the input has no aim). */
  readonly facing: Int32Array;
  /** Damage % (0..MAX_DAMAGE): the more, the further hits throw. Reset on respawn. */
  readonly damage: Int32Array;
  /** Hit-stun frames left: no control, low drag. */
  readonly stun: Int32Array;
  /** Dash frames left (the player keeps the dash velocity). */
  readonly dashTimer: Int32Array;
  /** Frames until the next dash is allowed. */
  readonly dashCooldown: Int32Array;
  /** Frames until the next shot is allowed. */
  readonly fireCooldown: Int32Array;
  /** Frames of spawn protection left (no hits, no body contact). */
  readonly invulnerable: Int32Array;
  /** Frames until a knocked-out player respawns. */
  readonly respawnTimer: Int32Array;
  /** 1 while in play (not knocked out, not removed). */
  readonly alive: Int32Array;
  /** 1 once the player disconnected: out of play for the rest of the match. */
  readonly removed: Int32Array;
  /** Buttons held last frame, to detect presses (dash). */
  readonly prevButtons: Int32Array;
  /** Who hit this player last (-1 none), credited with a knock-out within `lastHitTimer` frames. */
  readonly lastHitBy: Int32Array;
  readonly lastHitTimer: Int32Array;
  /** Knock-outs scored this round (minus one per self knock-out). */
  readonly roundPoints: Int32Array;
  /** Rounds won this match. */
  readonly score: Int32Array;
  /** Times knocked out this match (statistics for the scoreboard). */
  readonly falls: Int32Array;

  // Bullets, a fixed pool; a slot is free when its life is 0.
  readonly bulletX: Int32Array;
  readonly bulletY: Int32Array;
  /** Direction 0..31 of travel. */
  readonly bulletDir: Int32Array;
  /** Player who fired it (never hit by it). */
  readonly bulletOwner: Int32Array;
  /** Frames left; 0 = free slot. */
  readonly bulletLife: Int32Array;

  /** The simulation's PRNG state (4 words, see `Prng.saveState`). */
  readonly rng: Uint32Array;

  constructor(players: number, mode: ArenaMode = ArenaMode.Classic) {
    if (!Number.isInteger(players) || players < ArenaConfig.MIN_PLAYERS || players > ArenaConfig.MAX_PLAYERS) {
      throw new RangeError(
        `players must be an integer in ${ArenaConfig.MIN_PLAYERS}..${ArenaConfig.MAX_PLAYERS}, got ${players}`,
      );
    }
    this.players = players;
    this.mode = mode;
    const capacity = ArenaConfig.BULLET_CAPACITY;
    const total = META_WORDS + PLAYER_FIELDS * players + BULLET_FIELDS * capacity + PRNG_STATE_WORDS;
    const buffer = new ArrayBuffer(total * 4);
    this.words = new Int32Array(buffer);
    let offset = META_WORDS;
    const take = (length: number): Int32Array => {
      const view = new Int32Array(buffer, offset * 4, length);
      offset += length;
      return view;
    };
    this.x = take(players);
    this.y = take(players);
    this.vx = take(players);
    this.vy = take(players);
    this.facing = take(players);
    this.damage = take(players);
    this.stun = take(players);
    this.dashTimer = take(players);
    this.dashCooldown = take(players);
    this.fireCooldown = take(players);
    this.invulnerable = take(players);
    this.respawnTimer = take(players);
    this.alive = take(players);
    this.removed = take(players);
    this.prevButtons = take(players);
    this.lastHitBy = take(players).fill(-1);
    this.lastHitTimer = take(players);
    this.roundPoints = take(players);
    this.score = take(players);
    this.falls = take(players);
    this.bulletX = take(capacity);
    this.bulletY = take(capacity);
    this.bulletDir = take(capacity);
    this.bulletOwner = take(capacity);
    this.bulletLife = take(capacity);
    this.rng = new Uint32Array(buffer, offset * 4, PRNG_STATE_WORDS);
    this.roundWinner = -1;
    this.matchWinner = -1;
  }

  /** Frames stepped since the match began. */
  get frame(): number {
    return this.words[0]!;
  }
  set frame(value: number) {
    this.words[0] = value;
  }
  get phase(): ArenaPhase {
    return this.words[1]! as ArenaPhase;
  }
  set phase(value: ArenaPhase) {
    this.words[1] = value;
  }
  /** Frames left in the current phase (see {@link ArenaPhase}). */
  get phaseTimer(): number {
    return this.words[2]!;
  }
  set phaseTimer(value: number) {
    this.words[2] = value;
  }
  /** Round number, from 1. */
  get round(): number {
    return this.words[3]!;
  }
  set round(value: number) {
    this.words[3] = value;
  }
  /** Winner of the last finished round, -1 for a draw or none yet. */
  get roundWinner(): number {
    return this.words[4]!;
  }
  set roundWinner(value: number) {
    this.words[4] = value;
  }
  /** Winner of the match, -1 while undecided (or when nobody is left). */
  get matchWinner(): number {
    return this.words[5]!;
  }
  set matchWinner(value: number) {
    this.words[5] = value;
  }
}

/**
 * Copies `from` into `to` (same player count and mode) and returns `to`: no allocation, so a
 * session that hands back an old save costs one 2 KB copy per frame. Throws a RangeError on a
 * player-count or mode mismatch.
 */
export function cloneInto(from: ArenaState, to: ArenaState): ArenaState {
  if (from.players !== to.players) {
    throw new RangeError(`cloneInto: ${from.players} players into a state for ${to.players}`);
  }
  if (from.mode !== to.mode) throw new RangeError(`cloneInto: a state of mode ${from.mode} into one of mode ${to.mode}`);
  if (from !== to) to.words.set(from.words);
  return to;
}
