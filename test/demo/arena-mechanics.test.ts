import { describe, expect, it } from 'vitest';
import { InputStatus } from '../../sdk/src/core/game.ts';
import { ArenaGame } from '../../demo-game/src/sim/arena-game.ts';
import { ArenaConfig as C } from '../../demo-game/src/sim/arena-config.ts';
import { AIM_NONE, ArenaButton, arenaInput, arenaInputCodec, inputAim, inputButtons } from '../../demo-game/src/sim/arena-input.ts';
import type { ArenaInput } from '../../demo-game/src/sim/arena-input.ts';
import { DIRECTION_X, DIRECTION_Y, directionFromVector } from '../../demo-game/src/sim/arena-math.ts';
import { ArenaPhase } from '../../demo-game/src/sim/arena-state.ts';
import { parkOthers, place, skipCountdown, stepMany, stepWith, UNIT } from './arena-helpers.ts';

const N = 0; // neutral input

function playingGame(players = 2): ArenaGame {
  const game = new ArenaGame({ players, seed: 3 });
  skipCountdown(game);
  expect(game.phase).toBe(ArenaPhase.Playing);
  return game;
}

/** Steps until player `p` takes damage or `limit` frames pass; returns frames stepped, or -1. */
function stepUntilHit(game: ArenaGame, p: number, inputs: ArenaInput[], limit = 60): number {
  const before = game.playerDamage(p);
  for (let f = 1; f <= limit; f++) {
    stepWith(game, inputs);
    if (game.playerDamage(p) !== before) return f;
  }
  return -1;
}

describe('arena input', () => {
  it('round-trips through the 2-byte codec and sanitises garbage', () => {
    const bytes = new Uint8Array(2);
    for (const input of [arenaInput(0), arenaInput(ArenaButton.Fire | ArenaButton.Left, 31), arenaInput(63, 0)]) {
      bytes.fill(0);
      arenaInputCodec.encode(input, bytes);
      expect(arenaInputCodec.decode(bytes)).toBe(input);
    }
    const decoded = arenaInputCodec.decode(Uint8Array.of(0xff, 200));
    expect(inputButtons(decoded)).toBe(63);
    expect(inputAim(decoded)).toBe(AIM_NONE);
    expect(() => arenaInput(0, 32)).toThrow(RangeError);
  });

  it('quantizes vectors to the 32 directions (0 = +x, clockwise on screen)', () => {
    expect(directionFromVector(UNIT, 0)).toBe(0);
    expect(directionFromVector(0, UNIT)).toBe(8);
    expect(directionFromVector(-UNIT, 0)).toBe(16);
    expect(directionFromVector(0, -UNIT)).toBe(24);
    expect(directionFromVector(UNIT, UNIT)).toBe(4);
    for (let d = 0; d < 32; d++) expect(directionFromVector(DIRECTION_X[d]!, DIRECTION_Y[d]!)).toBe(d);
  });
});

describe('arena mechanics', () => {
  it('a bullet hits, adds damage, knocks back along its path, and hurts more at high damage', () => {
    const game = playingGame();
    place(game, 0, -100, 0);
    place(game, 1, 0, 0);
    const fireRight = [arenaInput(ArenaButton.Fire, 0), N];
    expect(stepUntilHit(game, 1, fireRight)).toBeGreaterThan(0);
    expect(game.playerDamage(1)).toBe(C.HIT_DAMAGE);
    expect(game.state.lastHitBy[1]).toBe(0);
    expect(game.isStunned(1)).toBe(true);
    const lightKnock = game.state.vx[1]!;
    expect(lightKnock).toBeGreaterThan(2 * UNIT);
    expect(game.state.vy[1]).toBe(0);
    // The same shot at 100 % damage throws more than twice as hard.
    const heavy = playingGame();
    place(heavy, 0, -100, 0);
    place(heavy, 1, 0, 0);
    heavy.state.damage[1] = 100;
    stepUntilHit(heavy, 1, [arenaInput(ArenaButton.Fire, 0), N]);
    expect(heavy.playerDamage(1)).toBe(100 + C.HIT_DAMAGE);
    expect(heavy.state.vx[1]!).toBeGreaterThan(2 * lightKnock);
    // Its own bullets never hit the shooter; the recoil pushed the shooter back (-x).
    expect(game.playerDamage(0)).toBe(0);
    expect(game.state.vx[0]!).toBeLessThan(0);
  });

  it('a dash goes further than running, and respects its cooldown', () => {
    const run = playingGame();
    place(run, 0, -150, 0);
    place(run, 1, 0, 250);
    stepMany(run, 20, [arenaInput(ArenaButton.Right), N]);
    const ran = run.playerX(0) + 150;

    const dash = playingGame();
    place(dash, 0, -150, 0);
    place(dash, 1, 0, 250);
    stepWith(dash, [arenaInput(ArenaButton.Right | ArenaButton.Dash), N]);
    expect(dash.isDashing(0)).toBe(true);
    stepMany(dash, 19, [arenaInput(ArenaButton.Right), N]);
    const dashed = dash.playerX(0) + 150;
    expect(dashed).toBeGreaterThan(1.5 * ran);
    expect(ran).toBeGreaterThan(40); // running is not nothing either

    // 20 frames after the first dash, a new press does nothing; once the cooldown is over it works.
    stepWith(dash, [arenaInput(ArenaButton.Left | ArenaButton.Dash), N]);
    expect(dash.isDashing(0)).toBe(false);
    // The next dash is allowed exactly DASH_COOLDOWN_FRAMES frames after the first (frame 0 → 50).
    stepMany(dash, C.DASH_COOLDOWN_FRAMES - 21, [arenaInput(ArenaButton.Left), N]);
    expect(dash.dashCooldownLeft(0)).toBe(1);
    stepWith(dash, [arenaInput(ArenaButton.Left | ArenaButton.Dash), N]);
    expect(dash.isDashing(0)).toBe(true);
    // Holding Dash is not a new press: no second dash when the cooldown ends.
    stepMany(dash, C.DASH_COOLDOWN_FRAMES + 5, [arenaInput(ArenaButton.Dash), N]);
    expect(dash.isDashing(0)).toBe(false);
  });

  it('a dash into a player shoves them like a hit', () => {
    const game = playingGame();
    place(game, 0, -60, 0);
    place(game, 1, 0, 0);
    stepWith(game, [arenaInput(ArenaButton.Right | ArenaButton.Dash), N]);
    stepUntilHit(game, 1, [N, N], 10);
    expect(game.playerDamage(1)).toBe(C.SHOVE_DAMAGE);
    expect(game.state.vx[1]!).toBeGreaterThan(0);
    expect(game.isDashing(0)).toBe(false);
  });

  it('a player pushed off the edge is knocked out, credited to the hitter, and respawns after the delay', () => {
    const game = playingGame();
    place(game, 0, 0, 0);
    place(game, 1, 355, 0);
    game.state.vx[1] = 8 * UNIT;
    game.state.lastHitBy[1] = 0;
    game.state.lastHitTimer[1] = 100;
    stepWith(game, [N, N]);
    expect(game.isAlive(1)).toBe(false);
    expect(game.playerRoundPoints(0)).toBe(1);
    expect(game.state.falls[1]).toBe(1);
    stepMany(game, C.RESPAWN_FRAMES - 1, [N, N]);
    expect(game.isAlive(1)).toBe(false);
    stepWith(game, [N, N]);
    expect(game.isAlive(1)).toBe(true);
    expect(game.isInvulnerable(1)).toBe(true);
    expect(game.playerDamage(1)).toBe(0);
    expect(Math.hypot(game.playerX(1), game.playerY(1))).toBeLessThanOrEqual(C.RESPAWN_RADIUS_UNITS + 1);
    // Walking off alone is a self knock-out: minus one point.
    place(game, 0, -355, 0);
    game.state.vx[0] = -8 * UNIT;
    stepWith(game, [N, N]);
    expect(game.isAlive(0)).toBe(false);
    expect(game.playerRoundPoints(0)).toBe(0);
  });

  it('a round ends on time, the top scorer wins it, a shared lead goes to sudden death, and 3 rounds win the match', () => {
    const game = playingGame(3);
    game.state.roundPoints[1] = 2;
    game.state.phaseTimer = 1;
    stepWith(game, [N, N, N]);
    expect(game.phase).toBe(ArenaPhase.RoundOver);
    expect(game.roundWinner).toBe(1);
    expect(game.playerScore(1)).toBe(1);
    stepMany(game, C.ROUND_OVER_FRAMES, [N, N, N]);
    expect(game.phase).toBe(ArenaPhase.Countdown);
    expect(game.round).toBe(2);
    expect(game.playerRoundPoints(1)).toBe(0);

    // A shared lead when the clock runs out: sudden death, play goes on, and the first to lead
    // alone wins the round.
    skipCountdown(game);
    game.state.roundPoints[0] = 1;
    game.state.roundPoints[2] = 1;
    game.state.phaseTimer = 1;
    stepWith(game, [N, N, N]);
    expect(game.phase).toBe(ArenaPhase.SuddenDeath);
    expect(game.phaseFramesLeft).toBe(C.SUDDEN_DEATH_FRAMES);
    stepMany(game, 30, [N, N, N]);
    expect(game.phase).toBe(ArenaPhase.SuddenDeath);
    game.state.roundPoints[2] = 2; // player 2 scores
    stepWith(game, [N, N, N]);
    expect(game.phase).toBe(ArenaPhase.RoundOver);
    expect(game.roundWinner).toBe(2);
    expect([0, 1, 2].map((p) => game.playerScore(p))).toEqual([0, 1, 1]);

    // Nobody breaks the tie within SUDDEN_DEATH_FRAMES: a draw.
    stepMany(game, C.ROUND_OVER_FRAMES, [N, N, N]);
    skipCountdown(game);
    game.state.phaseTimer = 1;
    stepWith(game, [N, N, N]);
    expect(game.phase).toBe(ArenaPhase.SuddenDeath);
    [-100, 0, 100].forEach((x, p) => place(game, p, x, 0)); // apart and idle: no knock-out will happen
    stepMany(game, C.SUDDEN_DEATH_FRAMES - 1, [N, N, N]);
    expect(game.phase).toBe(ArenaPhase.SuddenDeath);
    stepWith(game, [N, N, N]);
    expect(game.phase).toBe(ArenaPhase.RoundOver);
    expect(game.roundWinner).toBe(-1);
    expect([0, 1, 2].map((p) => game.playerScore(p))).toEqual([0, 1, 1]);

    stepMany(game, C.ROUND_OVER_FRAMES, [N, N, N]);
    skipCountdown(game);
    expect(game.roundsToWin).toBe(C.ROUNDS_TO_WIN);
    game.state.score[2] = C.ROUNDS_TO_WIN - 1;
    game.state.roundPoints[2] = 1;
    game.state.phaseTimer = 1;
    stepWith(game, [N, N, N]);
    expect(game.matchWinner).toBe(2);
    stepMany(game, C.ROUND_OVER_FRAMES, [N, N, N]);
    expect(game.phase).toBe(ArenaPhase.MatchOver);
    const held = [arenaInput(ArenaButton.Right | ArenaButton.Fire), N, N];
    stepWith(game, held);
    const frozen = game.state.words.slice(1); // everything but the frame counter
    stepMany(game, 100, held);
    expect(game.state.words.slice(1)).toEqual(frozen);
  });

  it('a Disconnected player leaves play for good; with one player left the match ends', () => {
    const game = playingGame(3);
    parkOthers(game, [0, 2]);
    place(game, 0, -100, 0);
    place(game, 2, 0, 0);
    const gone = [InputStatus.Confirmed, InputStatus.Confirmed, InputStatus.Disconnected];
    stepWith(game, [N, N, N], gone);
    expect(game.isRemoved(2)).toBe(true);
    expect(game.isAlive(2)).toBe(false);
    // Bullets pass through where it stood, and it never respawns, even across a round change.
    for (let f = 0; f < 40; f++) stepWith(game, [arenaInput(ArenaButton.Fire, 0), N, N], gone);
    expect(game.playerDamage(2)).toBe(0);
    game.state.roundPoints[0] = 1; // a clear winner: no sudden death
    game.state.phaseTimer = 1;
    for (let f = 0; f < 1 + C.ROUND_OVER_FRAMES + C.COUNTDOWN_FRAMES + C.RESPAWN_FRAMES; f++) stepWith(game, [N, N, N], gone);
    expect(game.phase).toBe(ArenaPhase.Playing);
    expect(game.isAlive(2)).toBe(false);
    expect(game.isAlive(0) && game.isAlive(1)).toBe(true);
    stepWith(game, [N, N, N], [InputStatus.Disconnected, InputStatus.Confirmed, InputStatus.Disconnected]);
    expect(game.phase).toBe(ArenaPhase.MatchOver);
    expect(game.matchWinner).toBe(1);
  });

  it('a Disconnected player that rejoins the match (its input no longer Disconnected) respawns as after a knock-out, its score kept; deterministic', () => {
    const run = () => {
      const game = playingGame(3);
      const gone = [InputStatus.Confirmed, InputStatus.Confirmed, InputStatus.Disconnected];
      game.state.score[2] = 1;
      game.state.roundPoints[2] = 2;
      stepWith(game, [N, N, N], gone);
      expect(game.isRemoved(2)).toBe(true);
      for (let f = 0; f < 30; f++) stepWith(game, [N, N, N], gone);
      stepWith(game, [N, N, N]); // back: its inputs count again
      expect(game.isRemoved(2)).toBe(false);
      expect(game.isAlive(2)).toBe(false);
      expect(game.respawnFramesLeft(2)).toBe(C.RESPAWN_FRAMES - 1); // counting down from this step on
      stepMany(game, C.RESPAWN_FRAMES, [N, N, N]);
      expect(game.isAlive(2)).toBe(true);
      expect(game.state.score[2]).toBe(1);
      expect(game.state.roundPoints[2]).toBe(2);
      return game.checksum();
    };
    expect(run()).toBe(run());
  });

  it('a player back after the match is over stays out', () => {
    const game = playingGame(2);
    stepWith(game, [N, N], [InputStatus.Confirmed, InputStatus.Disconnected]);
    expect(game.phase).toBe(ArenaPhase.MatchOver);
    stepWith(game, [N, N]);
    expect(game.isRemoved(1)).toBe(true);
  });

  it('a respawned player is briefly immune to bullets', () => {
    const game = playingGame();
    place(game, 0, -100, 0);
    place(game, 1, 0, 0);
    game.state.invulnerable[1] = 60;
    expect(stepUntilHit(game, 1, [arenaInput(ArenaButton.Fire, 0), N], 30)).toBe(-1);
  });
});
