import { describe, expect, it } from 'vitest';
import type { FeedbackSink } from '../../demo-game/src/feedback/feedback-sink.ts';
import { MatchEventTracker } from '../../demo-game/src/feedback/match-event-tracker.ts';
import { ArenaGame } from '../../demo-game/src/sim/arena-game.ts';
import type { ArenaInput } from '../../demo-game/src/sim/arena-input.ts';
import { ArenaButton, arenaInput, NEUTRAL_INPUT } from '../../demo-game/src/sim/arena-input.ts';
import { ArenaPhase } from '../../demo-game/src/sim/arena-state.ts';
import type { ArenaState } from '../../demo-game/src/sim/arena-state.ts';
import { stackPopup } from '../../demo-game/src/render/popup-stack.ts';
import { parkOthers, place, skipCountdown, stepWith } from './arena-helpers.ts';

/**
 * The match feedback's event logic (demo-game/src/feedback/match-event-tracker.ts) under
 * rollbacks, the way the renderer meets them: it sees one state per render frame, and between two
 * looks a session may have loaded an older state and re-simulated it with corrected inputs. A
 * rollback is played here by `load` of a saved state and stepping again with other inputs.
 */

/** Every event, as a short line: what the tests compare. */
class Recorder implements FeedbackSink {
  readonly lines: string[] = [];
  shot(owner: number): void {
    this.lines.push(`shot ${owner}`);
  }
  hit(victim: number, attacker: number, _x: number, _y: number, _vx: number, _vy: number, damage: number): void {
    this.lines.push(`hit ${victim} by ${attacker} at ${damage}%`);
  }
  dash(player: number): void {
    this.lines.push(`dash ${player}`);
  }
  knockoutBurst(victim: number): void {
    this.lines.push(`burst ${victim}`);
  }
  knockout(victim: number, by: number): void {
    this.lines.push(by >= 0 ? `${by} knocked out ${victim}` : `${victim} fell out`);
  }
  countdown(count: number): void {
    this.lines.push(`countdown ${count}`);
  }
  roundOver(round: number, winner: number): void {
    this.lines.push(`round ${round} to ${winner}`);
  }
  matchOver(winner: number): void {
    this.lines.push(`match to ${winner}`);
  }
  /** The lines matching `pattern`. */
  only(pattern: RegExp): string[] {
    return this.lines.filter((l) => pattern.test(l));
  }
}

const RIGHT = arenaInput(ArenaButton.Right);
const LEFT = arenaInput(ArenaButton.Left);
const FIRE_RIGHT = arenaInput(ArenaButton.Fire, 0);
const KO_EVENTS = /burst|knocked out|fell out/;

/** A 2-player game in play, player 1 at rest near the right edge (x = 335 of 360) and player 0 at x = 255. */
function edgeScene(): ArenaGame {
  const game = new ArenaGame({ players: 2, seed: 7 });
  skipCountdown(game);
  parkOthers(game, [0, 1]);
  place(game, 0, 255, 0);
  place(game, 1, 335, 0);
  return game;
}

/**
 * Steps `frames` frames with `inputs(frame offset)` and lets the tracker look after each one, as
 * the renderer would, with `confirmed(frame)` as the session's confirmed frame.
 */
function play(game: ArenaGame, tracker: MatchEventTracker, frames: number, inputs: (i: number) => readonly ArenaInput[], confirmed: (frame: number) => number): void {
  for (let i = 0; i < frames; i++) {
    stepWith(game, inputs(i));
    tracker.observe(game.state, confirmed(game.frame));
  }
}

function runsOut(i: number): readonly ArenaInput[] {
  return [NEUTRAL_INPUT, i >= 0 ? RIGHT : NEUTRAL_INPUT];
}
function staysIn(): readonly ArenaInput[] {
  return [NEUTRAL_INPUT, LEFT];
}

describe('MatchEventTracker: knock-outs under rollback', () => {
  it('announces a knock-out only once its frame is confirmed, and shows its burst at once', () => {
    const game = edgeScene();
    const sink = new Recorder();
    const tracker = new MatchEventTracker(sink);
    tracker.observe(game.state, game.frame);
    const start = game.frame;
    // Predicted: player 1 runs out; nothing after `start` is confirmed yet.
    play(game, tracker, 20, runsOut, () => start - 1);
    expect(game.state.falls[1]).toBe(1);
    expect(sink.only(KO_EVENTS)).toEqual(['burst 1']);
    // Confirmation arrives; the knock-out is announced once, however often the tracker looks.
    tracker.observe(game.state, game.frame);
    tracker.observe(game.state, game.frame);
    expect(sink.only(KO_EVENTS)).toEqual(['burst 1', '1 fell out']);
  });

  it('never announces a knock-out that a rollback undoes', () => {
    const game = edgeScene();
    const sink = new Recorder();
    const tracker = new MatchEventTracker(sink);
    tracker.observe(game.state, game.frame);
    const start = game.frame;
    const before = game.save();
    play(game, tracker, 20, runsOut, () => start - 1);
    expect(game.state.falls[1]).toBe(1);
    // The rollback: player 1's real input was Left all along.
    game.load(before);
    play(game, tracker, 21, staysIn, () => start - 1);
    expect(game.state.falls[1]).toBe(0);
    // Now every frame is confirmed: still no knock-out to announce.
    play(game, tracker, 30, staysIn, (frame) => frame);
    expect(sink.only(KO_EVENTS)).toEqual(['burst 1']);
    expect(sink.only(/knocked out|fell out/)).toEqual([]);
  });

  it('announces a knock-out that a rollback re-simulates exactly once, and does not show its burst again', () => {
    const game = edgeScene();
    const sink = new Recorder();
    const tracker = new MatchEventTracker(sink);
    tracker.observe(game.state, game.frame);
    const start = game.frame;
    const before = game.save();
    play(game, tracker, 20, runsOut, () => start - 1);
    // Rollback 1: the real inputs had player 1 start running two frames later; the knock-out
    // happens again, two frames later, while the renderer keeps looking.
    game.load(before);
    play(game, tracker, 22, (i) => runsOut(i - 2), () => start - 1);
    // Rollback 2, to just before the knock-out: re-simulated with the same inputs.
    game.load(before);
    play(game, tracker, 23, (i) => runsOut(i - 2), () => start + 5);
    expect(game.state.falls[1]).toBe(1);
    play(game, tracker, 10, staysIn, (frame) => frame);
    expect(sink.only(KO_EVENTS)).toEqual(['burst 1', '1 fell out']);
  });

  it('shows one burst and one announcement when a rollback undoes a knock-out and a later one redoes it', () => {
    const game = edgeScene();
    const sink = new Recorder();
    const tracker = new MatchEventTracker(sink);
    tracker.observe(game.state, game.frame);
    const start = game.frame;
    const before = game.save();
    play(game, tracker, 20, runsOut, () => start - 1);
    game.load(before);
    play(game, tracker, 21, staysIn, () => start - 1); // undone: seen without the knock-out
    game.load(before);
    play(game, tracker, 22, runsOut, () => start - 1); // redone by a later correction
    play(game, tracker, 5, staysIn, (frame) => frame); // confirmed
    expect(sink.only(KO_EVENTS)).toEqual(['burst 1', '1 fell out']);
  });

  it('credits the knock-out to the player whose shot threw the victim out', () => {
    const game = edgeScene();
    const sink = new Recorder();
    const tracker = new MatchEventTracker(sink);
    game.state.damage[1] = 150; // a battered player flies far
    tracker.observe(game.state, game.frame);
    play(game, tracker, 40, () => [FIRE_RIGHT, NEUTRAL_INPUT], (frame) => frame);
    expect(game.state.falls[1]).toBe(1);
    expect(sink.only(KO_EVENTS)).toEqual(['burst 1', '0 knocked out 1']);
    expect(sink.only(/^shot 0/).length).toBeGreaterThan(0);
  });

  it('announces each of a player\'s knock-outs in turn', () => {
    const game = edgeScene();
    const sink = new Recorder();
    const tracker = new MatchEventTracker(sink);
    tracker.observe(game.state, game.frame);
    play(game, tracker, 20, runsOut, (frame) => frame);
    // Through the respawn and its protection, then out again.
    play(game, tracker, 200, staysIn, (frame) => frame);
    place(game, 1, 335, 0);
    play(game, tracker, 20, runsOut, (frame) => frame);
    expect(game.state.falls[1]).toBe(2);
    expect(sink.only(/fell out/)).toEqual(['1 fell out', '1 fell out']);
    expect(sink.only(/burst/)).toEqual(['burst 1', 'burst 1']);
  });
});

describe('MatchEventTracker: predicted hits, shots and dashes', () => {
  it('shows a hit once when a rollback re-simulates it, and a different hit again', () => {
    const game = new ArenaGame({ players: 2, seed: 3 });
    skipCountdown(game);
    place(game, 0, -60, 0);
    place(game, 1, 0, 0);
    const sink = new Recorder();
    const tracker = new MatchEventTracker(sink);
    tracker.observe(game.state, game.frame);
    const before = game.save();
    const fire = () => [FIRE_RIGHT, NEUTRAL_INPUT];
    play(game, tracker, 8, fire, () => 0);
    expect(sink.only(/^hit/)).toEqual(['hit 1 by 0 at 7%']);
    expect(sink.only(/^shot/)).toEqual(['shot 0']);
    // Rollback to before the shot, seen there (no hit yet), then the same frames again.
    game.load(before);
    tracker.observe(game.state, 0);
    play(game, tracker, 8, fire, () => 0);
    expect(sink.only(/^hit/)).toEqual(['hit 1 by 0 at 7%']);
    expect(sink.only(/^shot/)).toEqual(['shot 0']);
    // The second bullet (12 frames after the first) is a new hit.
    play(game, tracker, 14, fire, () => 0);
    expect(sink.only(/^hit/)).toEqual(['hit 1 by 0 at 7%', 'hit 1 by 0 at 14%']);
  });

  it('shows a dash once across a rollback that re-simulates it', () => {
    const game = new ArenaGame({ players: 2, seed: 3 });
    skipCountdown(game);
    place(game, 0, -100, 0);
    place(game, 1, 100, 100);
    const sink = new Recorder();
    const tracker = new MatchEventTracker(sink);
    tracker.observe(game.state, game.frame);
    const before = game.save();
    const dash = (i: number) => [i === 0 ? arenaInput(ArenaButton.Dash | ArenaButton.Up) : NEUTRAL_INPUT, NEUTRAL_INPUT];
    play(game, tracker, 4, dash, () => 0);
    game.load(before);
    play(game, tracker, 6, dash, () => 0);
    expect(sink.only(/^dash/)).toEqual(['dash 0']);
  });
});

describe('MatchEventTracker: countdown and results', () => {
  /** Steps a fresh 2-player match with neutral inputs until `phase`, looking every frame. */
  function runUntil(game: ArenaGame, tracker: MatchEventTracker, done: (s: ArenaState) => boolean, confirmedLag: number): void {
    const neutral = [NEUTRAL_INPUT, NEUTRAL_INPUT];
    for (let i = 0; i < 20_000 && !done(game.state); i++) {
      stepWith(game, neutral);
      tracker.observe(game.state, game.frame - confirmedLag);
    }
  }

  it('counts down 2, 1, go in round 1 (its "3" is the opening line) and 3, 2, 1, go after', () => {
    const game = new ArenaGame({ players: 2, seed: 11 });
    const sink = new Recorder();
    const tracker = new MatchEventTracker(sink);
    tracker.observe(game.state, game.frame);
    runUntil(game, tracker, (s) => s.phase === ArenaPhase.Playing, 0);
    expect(sink.only(/countdown/)).toEqual(['countdown 2', 'countdown 1', 'countdown 0']);
    runUntil(game, tracker, (s) => s.round === 2 && s.phase === ArenaPhase.Playing, 0);
    expect(sink.only(/countdown/).slice(3)).toEqual(['countdown 3', 'countdown 2', 'countdown 1', 'countdown 0']);
  });

  it('announces a round result once, only when the deciding frame is confirmed', () => {
    const game = new ArenaGame({ players: 2, seed: 11 });
    const sink = new Recorder();
    const tracker = new MatchEventTracker(sink);
    tracker.observe(game.state, game.frame);
    // Player 1 walks out once: player 0 leads and takes the round when the clock runs out.
    skipCountdown(game);
    place(game, 1, 335, 0);
    play(game, tracker, 20, runsOut, (frame) => frame);
    // The rest of the round, with confirmation 8 frames behind the prediction.
    runUntil(game, tracker, (s) => s.phase === ArenaPhase.RoundOver, 8);
    expect(sink.only(/^round/)).toEqual([]);
    for (let i = 0; i < 7; i++) tracker.observe(game.state, game.frame - 8 + i);
    expect(sink.only(/^round/)).toEqual([]);
    tracker.observe(game.state, game.frame - 1);
    tracker.observe(game.state, game.frame);
    expect(sink.only(/^round/)).toEqual(['round 1 to 0']);
  });
});


describe('knock-out pop-ups close together are stacked, not piled up (popup-stack.ts)', () => {
  const H = 96;
  const box = (cx: number, cy: number, halfWidth = 60, active = true) => ({ cx, cy, halfWidth, active });
  const overlaps = (a: { cx: number; cy: number; halfWidth: number }, b: { cx: number; cy: number; halfWidth: number }) =>
    Math.abs(a.cx - b.cx) < a.halfWidth + b.halfWidth && Math.abs(a.cy - b.cy) < H;

  it('a pop-up alone, or beside the others, stays where its knock-out was', () => {
    expect(stackPopup(500, 400, 60, H, [], 0)).toBe(400);
    expect(stackPopup(500, 400, 60, H, [box(700, 400), box(500, 400, 60, false)], 0)).toBe(400);
  });

  it('four knock-outs at one spot (a batch confirmed at once) make a readable column, none covering another', () => {
    const boxes: ReturnType<typeof box>[] = [];
    for (let i = 0; i < 4; i++) {
      const x = 500 + i * 7;
      const y = stackPopup(x, 400 + i * 5, 70, H, boxes, 0);
      boxes.push(box(x, y, 70));
    }
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!), `${i} and ${j}`).toBe(false);
    expect(boxes.map((b) => b.cy)).toEqual([400, 304, 208, 112]);
  });

  it('near the top of the arena it stacks downwards instead, still clear of the others', () => {
    const boxes = [box(500, 120), box(500, 30)];
    const y = stackPopup(500, 110, 60, H, boxes, 60);
    expect(y).toBe(216);
    for (const b of boxes) expect(overlaps(b, box(500, y))).toBe(false);
  });
});
