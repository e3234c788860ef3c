import { InputStatus, FIXED_ONE, FIXED_TWO_PI, fixedDiv, fixedMul, fixedSqrt, fixedToNumber, Hasher, int32StateCodec, Prng } from 'backspin';
import type { Game, PlayerInput, Fixed, StateCodec } from 'backspin';
import { ArenaConfig as C } from './arena-config.ts';
import type { ArenaInput } from './arena-input.ts';
import { ArenaButton, inputAim, inputButtons } from './arena-input.ts';
import { coarseLengthSquared, coarseSquare, DIRECTION_X, DIRECTION_Y, DIRECTIONS } from './arena-math.ts';
import { ArenaPhase, ArenaState, cloneInto } from './arena-state.ts';
import { ArenaMode, isArenaMode } from './arena-mode.ts';
import { ringHoldFramesLeft, ringRadius } from './arena-ring.ts';

/** Options of a match. Every peer must pass the same values. */
export interface ArenaGameOptions {
  /** Players, 2..8, in session player order. */
  readonly players: number;
  /** The agreed match seed (any integer): spawn points come from it. */
  readonly seed: number;
  /** The way to play (default Classic). A RangeError for a mode this build does not have. */
  readonly mode?: ArenaMode | undefined;
  /**
   * A shorter match than the rules' (`?shortMatch=`, app/short-match.ts), for tests and demos that
   * need a whole online match in seconds: each round lasts `roundFrames` (frames) and `roundsToWin`
   * rounds win. Absent: the rules' own (ArenaConfig). Every peer must pass the same.
   */
  readonly short?: { readonly roundFrames: number; readonly roundsToWin: number };
}

/**
 * Direction 0..31 of the movement keys (bits 0..3: up, down, left, right), -1 for none. Opposite
 * keys cancel; diagonals use the 45° directions, so they are as fast as straight moves.
 */
const MOVE_DIRECTION = Int8Array.from([
  -1, 24, 8, -1, // none, up, down, up+down
  16, 20, 12, 16, // left, up-left, down-left, up+down+left
  0, 28, 4, 0, // right, up-right, down-right, up+down+right
  -1, 24, 8, -1, // left+right: cancels to the vertical part only
]);

const BULLET_HIT_SQ = coarseSquare(C.PLAYER_RADIUS + C.BULLET_RADIUS);
const BODY_DIAMETER = 2 * C.PLAYER_RADIUS;
const BODY_DIAMETER_SQ = coarseSquare(BODY_DIAMETER);

/**
 * The arena simulation: a deterministic top-down ring-out brawler for 2 to 8 players, driven by a
 * Backspin session. Integer and Q16.16 math only, randomness from a seeded {@link Prng} whose state
 * lives in the saved state, and no allocation per frame.
 *
 * Rules in short: move (acceleration and friction), dash on a cooldown (ramming a player shoves
 * them), hold fire to shoot along your aim; hits add damage % and knock back harder the more damage
 * you carry; leaving the circle is a knock-out (a point for whoever hit you last, minus one if
 * nobody did), followed by a respawn at a seeded point. A round lasts `ROUND_FRAMES`; the most
 * points wins it. A shared lead goes to sudden death, where the first player to lead alone wins
 * (after `SUDDEN_DEATH_FRAMES`, a draw). `ROUNDS_TO_WIN` rounds win the match
 * (`ROUNDS_TO_WIN_LARGE` with `LARGE_MATCH_PLAYERS` or more). A Disconnected player
 * leaves play; if fewer than two remain, the match ends. One whose input is no longer
 * Disconnected (it rejoined the match) comes back as after a knock-out, its score kept. In the
 * shrinking-ring mode (`ArenaMode.ShrinkingRing`) the ring a player must stay inside closes over
 * the round (arena-ring.ts); everything else is the same.
 *
 * Renderers read the getters below (they convert to JS numbers for drawing) or `state` directly;
 * neither may be written to.
 */
export class ArenaGame implements Game<ArenaInput, ArenaState> {
  private s: ArenaState;
  private readonly prng: Prng;
  private readonly hasher = new Hasher();
  private bytesCodec: StateCodec<ArenaState> | undefined;
  /** Frames per round, and rounds that win the match with the short rules; undefined: ArenaConfig's. */
  private readonly roundFrames: number;
  private readonly shortRoundsToWin: number | undefined;

  constructor(options: ArenaGameOptions) {
    this.roundFrames = options.short?.roundFrames ?? C.ROUND_FRAMES;
    this.shortRoundsToWin = options.short?.roundsToWin;
    if (!Number.isInteger(this.roundFrames) || this.roundFrames < 1 || (this.shortRoundsToWin !== undefined && (!Number.isInteger(this.shortRoundsToWin) || this.shortRoundsToWin < 1))) {
      throw new RangeError(`ArenaGame: short needs whole roundFrames and roundsToWin of at least 1, got ${JSON.stringify(options.short)}`);
    }
    const mode = options.mode ?? ArenaMode.Classic;
    if (!isArenaMode(mode)) throw new RangeError(`ArenaGame: unknown mode ${String(mode)}`);
    this.s = new ArenaState(options.players, mode);
    this.prng = new Prng(options.seed);
    this.startRound();
    this.prng.saveState(this.s.rng);
  }

  /** The live state, read-only for callers (a bot or a renderer). */
  get state(): ArenaState {
    return this.s;
  }

  get players(): number {
    return this.s.players;
  }

  step(inputs: readonly PlayerInput<ArenaInput>[]): void {
    const s = this.s;
    if (inputs.length !== s.players) {
      throw new RangeError(`step needs ${s.players} inputs, got ${inputs.length}`);
    }
    for (let p = 0; p < s.players; p++) {
      if (inputs[p]!.status === InputStatus.Disconnected && s.removed[p] === 0) this.removePlayer(p);
      else if (inputs[p]!.status !== InputStatus.Disconnected && s.removed[p] === 1 && s.phase !== ArenaPhase.MatchOver) this.restorePlayer(p);
    }
    switch (s.phase) {
      case ArenaPhase.Countdown:
        if (--s.phaseTimer <= 0) {
          s.phase = ArenaPhase.Playing;
          s.phaseTimer = this.roundFrames;
        }
        break;
      case ArenaPhase.Playing:
        this.stepPlay(inputs);
        if (s.phase === ArenaPhase.Playing && --s.phaseTimer <= 0) {
          const leader = this.roundLeader();
          if (leader >= 0) this.endRound(leader);
          else {
            s.phase = ArenaPhase.SuddenDeath;
            s.phaseTimer = C.SUDDEN_DEATH_FRAMES;
          }
        }
        break;
      case ArenaPhase.SuddenDeath: {
        this.stepPlay(inputs);
        const leader = this.roundLeader();
        if (leader >= 0) this.endRound(leader);
        else if (--s.phaseTimer <= 0) this.endRound(-1);
        break;
      }
      case ArenaPhase.RoundOver:
        if (--s.phaseTimer <= 0) {
          if (s.matchWinner >= 0) s.phase = ArenaPhase.MatchOver;
          else this.startRound();
        }
        break;
      default:
        break;
    }
    // Buttons are tracked in every phase, so a dash held through the countdown is not a press.
    for (let p = 0; p < s.players; p++) s.prevButtons[p] = inputButtons(inputs[p]!.input);
    if (s.phase !== ArenaPhase.MatchOver && this.activePlayers() < 2) this.endMatch();
    s.frame = (s.frame + 1) | 0;
    this.prng.saveState(s.rng);
  }

  save(reuse?: ArenaState): ArenaState {
    const target = reuse !== undefined && reuse.players === this.s.players && reuse.mode === this.s.mode ? reuse : new ArenaState(this.s.players, this.s.mode);
    return cloneInto(this.s, target);
  }

  load(state: ArenaState): void {
    cloneInto(state, this.s);
    this.prng.loadState(this.s.rng);
  }

  /** The state as bytes (its words, little-endian), for a player who rejoins the match. */
  encodeState(state: ArenaState): Uint8Array {
    return this.stateBytes().encode(state);
  }

  /** A state from `encodeState`'s bytes; a RangeError if they are not one of this match's size. */
  decodeState(bytes: Uint8Array): ArenaState {
    return this.stateBytes().decode(bytes);
  }

  private stateBytes(): StateCodec<ArenaState> {
    this.bytesCodec ??= int32StateCodec<ArenaState>({
      words: (state) => state.words,
      fromWords: (words) => {
        const state = new ArenaState(this.s.players, this.s.mode);
        if (words.length !== state.words.length) {
          throw new RangeError(`an arena state for ${state.players} players is ${state.words.length} words, got ${words.length}`);
        }
        state.words.set(words);
        return state;
      },
    });
    return this.bytesCodec;
  }

  /**
   * MurmurHash3 of every state word, fed as little-endian int32: the same on every platform. A
   * mode other than Classic is hashed too, so a peer or a replay in the wrong mode fails at the
   * first checksum; Classic's checksums (and its replays' recorded ones) are as before modes.
   */
  checksum(): number {
    const h = this.hasher.reset(0);
    const words = this.s.words;
    for (let i = 0; i < words.length; i++) h.updateI32(words[i]!);
    if (this.s.mode !== ArenaMode.Classic) h.updateI32(this.s.mode);
    return h.digest();
  }

  // ---- Renderer getters: JS numbers for drawing, never fed back into the simulation. ----

  get frame(): number {
    return this.s.frame;
  }
  get phase(): ArenaPhase {
    return this.s.phase;
  }
  /** Frames left in the current phase (countdown, round clock or result screen). */
  get phaseFramesLeft(): number {
    return this.s.phaseTimer;
  }
  /** The round being played, from 1. */
  get round(): number {
    return this.s.round;
  }
  get roundWinner(): number {
    return this.s.roundWinner;
  }
  get matchWinner(): number {
    return this.s.matchWinner;
  }
  /** Rounds a player must win to win this match (fewer in large matches). */
  get roundsToWin(): number {
    return this.shortRoundsToWin ?? (this.s.players >= C.LARGE_MATCH_PLAYERS ? C.ROUNDS_TO_WIN_LARGE : C.ROUNDS_TO_WIN);
  }
  /** The way this match is played. */
  get mode(): ArenaMode {
    return this.s.mode;
  }
  /** The floor's full radius in units (the ring at its widest). */
  get arenaRadius(): number {
    return fixedToNumber(C.ARENA_RADIUS);
  }
  /** The ring's radius now, in units: beyond it a player is out (the full radius in Classic). */
  get ringRadius(): number {
    return fixedToNumber(ringRadius(this.s.mode, this.s.phase, this.s.phaseTimer));
  }
  /** The smallest the ring gets in this phase (units): where it is heading, for a renderer. */
  get ringTargetRadius(): number {
    if (this.s.mode !== ArenaMode.ShrinkingRing) return this.arenaRadius;
    return fixedToNumber(this.s.phase === ArenaPhase.SuddenDeath ? C.RING_FINAL_RADIUS : C.RING_MIN_RADIUS);
  }
  /** Frames until the ring starts closing this round (0 once it closes, or in Classic). */
  get ringHoldFramesLeft(): number {
    return ringHoldFramesLeft(this.s.mode, this.s.phase, this.s.phaseTimer);
  }
  isAlive(p: number): boolean {
    return this.s.alive[p] === 1;
  }
  isRemoved(p: number): boolean {
    return this.s.removed[p] === 1;
  }
  isDashing(p: number): boolean {
    return this.s.dashTimer[p]! > 0;
  }
  isStunned(p: number): boolean {
    return this.s.stun[p]! > 0;
  }
  isInvulnerable(p: number): boolean {
    return this.s.invulnerable[p]! > 0;
  }
  playerX(p: number): number {
    return fixedToNumber(this.s.x[p]!);
  }
  playerY(p: number): number {
    return fixedToNumber(this.s.y[p]!);
  }
  /** Facing in radians (clockwise on screen from +x), for drawing. */
  playerAngle(p: number): number {
    return (this.s.facing[p]! * fixedToNumber(FIXED_TWO_PI)) / DIRECTIONS;
  }
  playerDamage(p: number): number {
    return this.s.damage[p]!;
  }
  playerScore(p: number): number {
    return this.s.score[p]!;
  }
  playerRoundPoints(p: number): number {
    return this.s.roundPoints[p]!;
  }
  respawnFramesLeft(p: number): number {
    return this.s.respawnTimer[p]!;
  }
  /** Frames until the player may dash again (for a cooldown ring). */
  dashCooldownLeft(p: number): number {
    return this.s.dashCooldown[p]!;
  }
  get bulletCapacity(): number {
    return C.BULLET_CAPACITY;
  }
  isBulletActive(i: number): boolean {
    return this.s.bulletLife[i]! > 0;
  }
  bulletX(i: number): number {
    return fixedToNumber(this.s.bulletX[i]!);
  }
  bulletY(i: number): number {
    return fixedToNumber(this.s.bulletY[i]!);
  }
  bulletOwner(i: number): number {
    return this.s.bulletOwner[i]!;
  }

  // ---- Simulation ----

  private stepPlay(inputs: readonly PlayerInput<ArenaInput>[]): void {
    const s = this.s;
    for (let p = 0; p < s.players; p++) {
      if (s.alive[p] === 1) this.stepPlayer(p, inputs[p]!.input);
      else if (s.removed[p] === 0 && --s.respawnTimer[p]! <= 0) this.respawn(p);
    }
    this.stepBullets();
    this.resolveBodies();
    const ringSq = coarseSquare(ringRadius(s.mode, s.phase, s.phaseTimer));
    for (let p = 0; p < s.players; p++) {
      if (s.alive[p] === 1 && coarseLengthSquared(s.x[p]!, s.y[p]!) > ringSq) this.knockOut(p);
    }
  }

  private stepPlayer(p: number, input: ArenaInput): void {
    const s = this.s;
    const buttons = inputButtons(input);
    const pressed = buttons & ~s.prevButtons[p]!;
    const move = MOVE_DIRECTION[buttons & 15]!;
    const aim = inputAim(input);
    if (s.fireCooldown[p]! > 0) s.fireCooldown[p]!--;
    if (s.dashCooldown[p]! > 0) s.dashCooldown[p]!--;
    if (s.invulnerable[p]! > 0) s.invulnerable[p]!--;
    if (s.lastHitTimer[p]! > 0 && --s.lastHitTimer[p]! === 0) s.lastHitBy[p] = -1;

    if (s.dashTimer[p]! > 0) {
      s.dashTimer[p]!--; // the dash keeps its velocity: no control, no drag
    } else if (s.stun[p]! > 0) {
      s.stun[p]!--;
      s.vx[p] = s.vx[p]! - fixedMul(s.vx[p]!, C.STUN_DRAG);
      s.vy[p] = s.vy[p]! - fixedMul(s.vy[p]!, C.STUN_DRAG);
    } else {
      if (aim >= 0) s.facing[p] = aim;
      else if (move >= 0) s.facing[p] = move;
      if ((pressed & ArenaButton.Dash) !== 0 && s.dashCooldown[p] === 0) {
        const d = move >= 0 ? move : s.facing[p]!;
        s.vx[p] = fixedMul(DIRECTION_X[d]!, C.DASH_SPEED);
        s.vy[p] = fixedMul(DIRECTION_Y[d]!, C.DASH_SPEED);
        s.dashTimer[p] = C.DASH_FRAMES;
        s.dashCooldown[p] = C.DASH_COOLDOWN_FRAMES;
      } else {
        if (move >= 0) {
          s.vx[p] = s.vx[p]! + fixedMul(DIRECTION_X[move]!, C.ACCELERATION);
          s.vy[p] = s.vy[p]! + fixedMul(DIRECTION_Y[move]!, C.ACCELERATION);
        }
        s.vx[p] = s.vx[p]! - fixedMul(s.vx[p]!, C.DRAG);
        s.vy[p] = s.vy[p]! - fixedMul(s.vy[p]!, C.DRAG);
        if ((buttons & ArenaButton.Fire) !== 0 && s.fireCooldown[p] === 0) this.fire(p, s.facing[p]!);
      }
    }
    s.x[p] = s.x[p]! + s.vx[p]!;
    s.y[p] = s.y[p]! + s.vy[p]!;
  }

  /** Spawns a bullet just outside the shooter's body, and pushes the shooter back a little. */
  private fire(p: number, dir: number): void {
    const s = this.s;
    s.fireCooldown[p] = C.FIRE_COOLDOWN_FRAMES;
    const slot = s.bulletLife.indexOf(0);
    if (slot < 0) return; // pool full: the shot fizzles (identically on every peer)
    const dx = DIRECTION_X[dir]!;
    const dy = DIRECTION_Y[dir]!;
    const muzzle = C.PLAYER_RADIUS + C.BULLET_RADIUS + FIXED_ONE;
    s.bulletX[slot] = s.x[p]! + fixedMul(dx, muzzle);
    s.bulletY[slot] = s.y[p]! + fixedMul(dy, muzzle);
    s.bulletDir[slot] = dir;
    s.bulletOwner[slot] = p;
    s.bulletLife[slot] = C.BULLET_LIFE_FRAMES;
    s.vx[p] = s.vx[p]! - fixedMul(dx, C.RECOIL);
    s.vy[p] = s.vy[p]! - fixedMul(dy, C.RECOIL);
  }

  private stepBullets(): void {
    const s = this.s;
    for (let b = 0; b < C.BULLET_CAPACITY; b++) {
      if (s.bulletLife[b] === 0) continue;
      const dir = s.bulletDir[b]!;
      const bx = s.bulletX[b]! + fixedMul(DIRECTION_X[dir]!, C.BULLET_SPEED);
      const by = s.bulletY[b]! + fixedMul(DIRECTION_Y[dir]!, C.BULLET_SPEED);
      s.bulletX[b] = bx;
      s.bulletY[b] = by;
      s.bulletLife[b]!--;
      const owner = s.bulletOwner[b]!;
      for (let p = 0; p < s.players; p++) {
        if (p === owner || s.alive[p] === 0 || s.invulnerable[p]! > 0) continue;
        if (coarseLengthSquared(s.x[p]! - bx, s.y[p]! - by) > BULLET_HIT_SQ) continue;
        this.hit(p, owner, DIRECTION_X[dir]!, DIRECTION_Y[dir]!, C.HIT_DAMAGE);
        s.bulletLife[b] = 0;
        break;
      }
    }
  }

  /**
   * Adds damage to `p` and throws it along the unit vector (ux, uy) at a speed growing with its
   * damage; interrupts a dash and stuns for longer the more damage it carries.
   */
  private hit(p: number, by: number, ux: Fixed, uy: Fixed, damage: number): void {
    const s = this.s;
    const total = Math.min(s.damage[p]! + damage, C.MAX_DAMAGE);
    s.damage[p] = total;
    const speed = C.KNOCKBACK_BASE + total * C.KNOCKBACK_PER_DAMAGE; // ≤ 27 units/frame, no overflow
    s.vx[p] = fixedMul(ux, speed);
    s.vy[p] = fixedMul(uy, speed);
    s.stun[p] = C.STUN_BASE_FRAMES + (total >> 3);
    s.dashTimer[p] = 0;
    s.lastHitBy[p] = by;
    s.lastHitTimer[p] = C.KO_CREDIT_FRAMES;
  }

  /**
   * Pushes overlapping bodies apart (half the overlap each). A dashing player that rams one who is
   * not dashing shoves them like a hit and stops. Spawn-protected players pass through everyone.
   */
  private resolveBodies(): void {
    const s = this.s;
    for (let i = 0; i < s.players; i++) {
      if (s.alive[i] === 0 || s.invulnerable[i]! > 0) continue;
      for (let j = i + 1; j < s.players; j++) {
        if (s.alive[j] === 0 || s.invulnerable[j]! > 0) continue;
        const dx = s.x[j]! - s.x[i]!;
        const dy = s.y[j]! - s.y[i]!;
        if (coarseLengthSquared(dx, dy) >= BODY_DIAMETER_SQ) continue;
        // Both legs are below 32 units here, so the squares fit in Q16.16.
        const length = fixedSqrt(fixedMul(dx, dx) + fixedMul(dy, dy));
        // Normal from i to j; coincident centres are split along x, lower id to the left.
        const nx = length === 0 ? FIXED_ONE : fixedDiv(dx, length);
        const ny = length === 0 ? 0 : fixedDiv(dy, length);
        const half = (BODY_DIAMETER - length) >> 1;
        s.x[i] = s.x[i]! - fixedMul(nx, half);
        s.y[i] = s.y[i]! - fixedMul(ny, half);
        s.x[j] = s.x[j]! + fixedMul(nx, half);
        s.y[j] = s.y[j]! + fixedMul(ny, half);
        const iDashing = s.dashTimer[i]! > 0;
        const jDashing = s.dashTimer[j]! > 0;
        if (iDashing && !jDashing) {
          this.hit(j, i, nx, ny, C.SHOVE_DAMAGE);
          this.stopDash(i);
        } else if (jDashing && !iDashing) {
          this.hit(i, j, -nx | 0, -ny | 0, C.SHOVE_DAMAGE);
          this.stopDash(j);
        }
      }
    }
  }

  /** Ends a dash on impact: the rammer keeps a quarter of its speed. */
  private stopDash(p: number): void {
    const s = this.s;
    s.dashTimer[p] = 0;
    s.vx[p] = s.vx[p]! >> 2;
    s.vy[p] = s.vy[p]! >> 2;
  }

  private knockOut(p: number): void {
    const s = this.s;
    s.alive[p] = 0;
    s.respawnTimer[p] = C.RESPAWN_FRAMES;
    s.falls[p]!++;
    const hitter = s.lastHitBy[p]!;
    if (hitter >= 0 && hitter !== p && s.lastHitTimer[p]! > 0) s.roundPoints[hitter]!++;
    else s.roundPoints[p]!--;
    s.lastHitBy[p] = -1;
    s.lastHitTimer[p] = 0;
  }

  /**
   * Brings a knocked-out player back at a seeded point near the centre, protected for a while:
   * within `RESPAWN_RADIUS_UNITS`, or half the ring's radius once a shrinking ring is smaller.
   */
  private respawn(p: number): void {
    const s = this.s;
    const dir = this.prng.nextInt(DIRECTIONS);
    const ringUnits = ringRadius(s.mode, s.phase, s.phaseTimer) >> 16;
    const radius = this.prng.nextInt(Math.min(C.RESPAWN_RADIUS_UNITS, ringUnits >> 1) + 1) << 16;
    this.placePlayer(p, fixedMul(DIRECTION_X[dir]!, radius), fixedMul(DIRECTION_Y[dir]!, radius), (dir + 16) & 31);
  }

  /** Resets a player's body to a fresh spawn at (x, y), facing `facing`. */
  private placePlayer(p: number, x: Fixed, y: Fixed, facing: number): void {
    const s = this.s;
    s.x[p] = x;
    s.y[p] = y;
    s.vx[p] = 0;
    s.vy[p] = 0;
    s.facing[p] = facing;
    s.damage[p] = 0;
    s.stun[p] = 0;
    s.dashTimer[p] = 0;
    s.dashCooldown[p] = 0;
    s.fireCooldown[p] = 0;
    s.respawnTimer[p] = 0;
    s.lastHitBy[p] = -1;
    s.lastHitTimer[p] = 0;
    s.alive[p] = 1;
    s.invulnerable[p] = C.SPAWN_INVULNERABLE_FRAMES;
  }

  /** Clears the field and puts every remaining player on the spawn ring, rotated by a seeded offset. */
  private startRound(): void {
    const s = this.s;
    s.round = s.round + 1;
    s.phase = ArenaPhase.Countdown;
    s.phaseTimer = C.COUNTDOWN_FRAMES;
    s.bulletLife.fill(0);
    const offset = this.prng.nextInt(DIRECTIONS);
    for (let p = 0; p < s.players; p++) {
      s.roundPoints[p] = 0;
      if (s.removed[p] === 1) continue;
      const dir = (offset + Math.floor((p * DIRECTIONS) / s.players)) & 31;
      const x = fixedMul(DIRECTION_X[dir]!, C.SPAWN_RING_RADIUS);
      const y = fixedMul(DIRECTION_Y[dir]!, C.SPAWN_RING_RADIUS);
      this.placePlayer(p, x, y, (dir + 16) & 31); // facing the centre
      s.invulnerable[p] = 0; // everyone starts together after the countdown: no protection needed
    }
  }

  /** The one remaining player with the most points this round, or -1 if the lead is shared. */
  private roundLeader(): number {
    const s = this.s;
    let best = -1;
    let tied = false;
    for (let p = 0; p < s.players; p++) {
      if (s.removed[p] === 1) continue;
      if (best < 0 || s.roundPoints[p]! > s.roundPoints[best]!) {
        best = p;
        tied = false;
      } else if (s.roundPoints[p] === s.roundPoints[best]) {
        tied = true;
      }
    }
    return tied ? -1 : best;
  }

  /** Ends the round: `winner` (-1 for a draw) scores it, and may win the match. */
  private endRound(winner: number): void {
    const s = this.s;
    s.roundWinner = winner;
    if (winner >= 0 && ++s.score[winner]! >= this.roundsToWin) s.matchWinner = winner;
    s.phase = ArenaPhase.RoundOver;
    s.phaseTimer = C.ROUND_OVER_FRAMES;
  }

  /** Ends the match because fewer than two players remain: the last one (if any) wins. */
  private endMatch(): void {
    const s = this.s;
    s.matchWinner = -1;
    for (let p = 0; p < s.players; p++) if (s.removed[p] === 0) s.matchWinner = p;
    s.phase = ArenaPhase.MatchOver;
    s.phaseTimer = 0;
  }

  private removePlayer(p: number): void {
    const s = this.s;
    s.removed[p] = 1;
    s.alive[p] = 0;
    s.respawnTimer[p] = 0;
    s.vx[p] = 0;
    s.vy[p] = 0;
  }

  /**
   * A removed player is back (it rejoined the match): in play again, respawning as after a
   * knock-out (a seeded point, after `RESPAWN_FRAMES`), with its points and rounds as they were.
   * In a match already over it stays out.
   */
  private restorePlayer(p: number): void {
    const s = this.s;
    s.removed[p] = 0;
    s.alive[p] = 0;
    s.respawnTimer[p] = C.RESPAWN_FRAMES;
  }

  private activePlayers(): number {
    const s = this.s;
    let n = 0;
    for (let p = 0; p < s.players; p++) if (s.removed[p] === 0) n++;
    return n;
  }
}
