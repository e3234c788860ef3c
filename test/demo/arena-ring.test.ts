import { describe, expect, it } from 'vitest';
import { ArenaGame } from '../../demo-game/src/sim/arena-game.ts';
import { ArenaConfig as C } from '../../demo-game/src/sim/arena-config.ts';
import { ArenaMode } from '../../demo-game/src/sim/arena-mode.ts';
import { ringRadius } from '../../demo-game/src/sim/arena-ring.ts';
import { botInput } from '../../demo-game/src/sim/arena-bot.ts';
import { ArenaButton } from '../../demo-game/src/sim/arena-input.ts';
import { ArenaPhase, ArenaState, cloneInto } from '../../demo-game/src/sim/arena-state.ts';
import { parkOthers, place, skipCountdown, stepMany, stepWith } from './arena-helpers.ts';

const units = (fixed: number): number => fixed / 65536;
const ring = (phase: ArenaPhase, timer: number): number => units(ringRadius(ArenaMode.ShrinkingRing, phase, timer));

describe('the shrinking ring', () => {
  it('holds for 10 s, closes to 150 units over 25 s, holds, and closes to 90 in sudden death; Classic never moves', () => {
    const playing = (elapsed: number): number => ring(ArenaPhase.Playing, C.ROUND_FRAMES - elapsed);
    expect(ring(ArenaPhase.Countdown, 60)).toBe(360);
    expect(playing(0)).toBe(360);
    expect(playing(C.RING_HOLD_FRAMES)).toBe(360);
    expect(playing(C.RING_HOLD_FRAMES + C.RING_SHRINK_FRAMES / 2)).toBe(255);
    expect(playing(C.RING_HOLD_FRAMES + C.RING_SHRINK_FRAMES)).toBe(150);
    expect(playing(C.ROUND_FRAMES - 1)).toBe(150);
    // Never grows while it closes, in steps far below a pixel.
    for (let e = 1; e < C.ROUND_FRAMES; e++) {
      const step = playing(e - 1) - playing(e);
      expect(step).toBeGreaterThanOrEqual(0);
      expect(step).toBeLessThan(0.2);
    }
    expect(ring(ArenaPhase.SuddenDeath, C.SUDDEN_DEATH_FRAMES)).toBe(150);
    expect(ring(ArenaPhase.SuddenDeath, C.SUDDEN_DEATH_FRAMES - C.RING_SUDDEN_SHRINK_FRAMES)).toBe(90);
    expect(ring(ArenaPhase.SuddenDeath, 1)).toBe(90);
    expect(ring(ArenaPhase.RoundOver, 100)).toBe(360); // open again between rounds
    for (const phase of [ArenaPhase.Playing, ArenaPhase.SuddenDeath]) expect(units(ringRadius(ArenaMode.Classic, phase, 1))).toBe(360);
  });

  it('a player standing still is out the frame the ring passes it (a self knock-out), not before; in Classic it stays in', () => {
    for (const mode of [ArenaMode.ShrinkingRing, ArenaMode.Classic]) {
      const game = new ArenaGame({ players: 2, seed: 3, mode });
      skipCountdown(game);
      parkOthers(game, [0]);
      place(game, 1, 0, 0);
      place(game, 0, 200, 0);
      const neutral = [0, 0];
      let outAt = -1;
      for (let f = 0; f < C.ROUND_FRAMES - 10 && outAt < 0; f++) {
        const ringBefore = game.ringRadius;
        stepWith(game, neutral);
        if (!game.isAlive(0)) {
          outAt = f;
          expect(ringBefore).toBeLessThan(200 + 1); // the ring had reached it
        }
      }
      if (mode === ArenaMode.Classic) {
        expect(outAt).toBe(-1);
        continue;
      }
      // 160 of the 210 units closed: about 1143 frames after the 600 frames of hold.
      expect(outAt).toBeGreaterThan(C.RING_HOLD_FRAMES + 1100);
      expect(outAt).toBeLessThan(C.RING_HOLD_FRAMES + 1160);
      expect(game.playerRoundPoints(0)).toBe(-1);
      expect(game.state.falls[0]).toBe(1);
    }
  });

  it('respawns land inside half the ring once the ring is small', () => {
    const game = new ArenaGame({ players: 2, seed: 11, mode: ArenaMode.ShrinkingRing });
    skipCountdown(game);
    const neutral = [0, 0];
    stepMany(game, C.RING_HOLD_FRAMES + C.RING_SHRINK_FRAMES, neutral);
    expect(game.ringRadius).toBe(150);
    // Three respawns (90 frames each) fit in the round's last 300 frames.
    const seen = new Set<number>();
    for (let k = 0; k < 3; k++) {
      place(game, 0, 170, 0); // outside: out next frame, back after RESPAWN_FRAMES
      stepWith(game, neutral);
      expect(game.isAlive(0)).toBe(false);
      while (!game.isAlive(0)) stepWith(game, neutral);
      expect(game.phase).toBe(ArenaPhase.Playing);
      const distance = Math.hypot(game.playerX(0), game.playerY(0));
      expect(distance).toBeLessThanOrEqual(75);
      seen.add(distance);
    }
    expect(seen.size).toBeGreaterThan(1); // seeded points, not one fixed spot
  });

  it('a bot near the closed ring heads for the centre where, on the open floor, it would chase', () => {
    for (const mode of [ArenaMode.ShrinkingRing, ArenaMode.Classic]) {
      const game = new ArenaGame({ players: 2, seed: 4, mode });
      skipCountdown(game);
      stepMany(game, C.RING_HOLD_FRAMES + C.RING_SHRINK_FRAMES, [0, 0]);
      place(game, 0, 120, 0); // 120 of the ring's 150: beyond 0.7 of it
      place(game, 1, 120, 60); // the target, further out along the edge
      const buttons = botInput(game.state, 0, game.frame) & 0xff;
      if (mode === ArenaMode.ShrinkingRing) expect(buttons & (ArenaButton.Left | ArenaButton.Down)).toBe(ArenaButton.Left);
      else expect(buttons & (ArenaButton.Left | ArenaButton.Down)).toBe(ArenaButton.Down);
    }
  });

  it('the mode is part of the match: unknown modes are refused, states do not mix, checksums differ from frame 0', () => {
    expect(() => new ArenaGame({ players: 2, seed: 1, mode: 7 as ArenaMode })).toThrow(RangeError);
    const ringGame = new ArenaGame({ players: 2, seed: 1, mode: ArenaMode.ShrinkingRing });
    const classic = new ArenaGame({ players: 2, seed: 1 });
    expect(ringGame.checksum()).not.toBe(classic.checksum());
    expect(Array.from(ringGame.state.words)).toEqual(Array.from(classic.state.words));
    expect(() => cloneInto(ringGame.state, new ArenaState(2))).toThrow(RangeError);
    expect(ringGame.save().mode).toBe(ArenaMode.ShrinkingRing);
    expect(ringGame.save(new ArenaState(2)).mode).toBe(ArenaMode.ShrinkingRing); // a state of another mode is not reused
    expect(ringGame.decodeState(ringGame.encodeState(ringGame.save())).mode).toBe(ArenaMode.ShrinkingRing);
  });
});
