import { describe, expect, it } from 'vitest';
import { FramePacer, P2PSession } from '../../sdk/src/index.ts';
import type { PlayerSpec } from '../../sdk/src/index.ts';
import { PERFECT_NETWORK_PROFILE, SimulatedNetwork } from '../../sdk/src/sim/index.ts';
import type { FeedbackSink } from '../../demo-game/src/feedback/feedback-sink.ts';
import { MatchEventTracker } from '../../demo-game/src/feedback/match-event-tracker.ts';
import { driveSession } from '../../demo-game/src/match/drive-session.ts';
import { ArenaButton, ArenaGame, arenaInput, arenaInputCodec, NEUTRAL_INPUT } from '../../demo-game/src/sim/index.ts';
import type { ArenaInput, ArenaState } from '../../demo-game/src/sim/index.ts';
import { place } from './arena-helpers.ts';

/**
 * The match feedback's knock-out logic against real rollbacks: two P2P sessions over Backspin's
 * simulated network with 150 ms each way, so peer 0 predicts peer 1's input (its last one, held)
 * for up to 8 frames and rolls back when the real one arrives. Player 1 runs at the ring's edge:
 * peer 0 predicts it running out, then learns it turned back (a knock-out a rollback undoes), or
 * that it kept running but fired (a rollback that re-simulates the knock-out). Peer 0's tracker
 * looks once per 16 ms render frame, as the match scene's does.
 */

const RIGHT = arenaInput(ArenaButton.Right);
const LEFT = arenaInput(ArenaButton.Left);
const RIGHT_FIRING = arenaInput(ArenaButton.Right | ArenaButton.Fire);
/** Player 1 changes its input once its centre passes this x (units; the ring's radius is 360). */
const TURN_AT_X = 338;

class KnockoutLog implements FeedbackSink {
  bursts = 0;
  readonly announced: string[] = [];
  shot(): void {}
  hit(): void {}
  dash(): void {}
  countdown(): void {}
  roundOver(): void {}
  matchOver(): void {}
  knockoutBurst(): void {
    this.bursts++;
  }
  knockout(victim: number, by: number): void {
    this.announced.push(by >= 0 ? `${by} knocked out ${victim}` : `${victim} fell out`);
  }
}

/** Plays 5 s with player 1 starting at x = 315, facing right; `player1` picks its input from its own game. */
function playAtTheEdge(player1: (s: ArenaState) => ArenaInput) {
  let now = 0;
  const network = new SimulatedNetwork({ seed: 4, clock: { now: () => now }, profile: { ...PERFECT_NETWORK_PROFILE, rttMs: 300 } });
  const peers = [0, 1].map((me) => {
    const game = new ArenaGame({ players: 2, seed: 8 });
    // Both peers' games start alike, so the sessions agree (players are frozen through the countdown).
    place(game, 0, -200, 0);
    place(game, 1, 315, 0);
    const players: PlayerSpec[] = [0, 1].map((p) => (p === me ? { kind: 'local' } : { kind: 'remote', address: `sim:${p}` }));
    const session = new P2PSession<ArenaInput, ArenaState>({ players, game, transport: network.endpoint(`sim:${me}`), input: arenaInputCodec, seed: me + 1, inputDelay: 0, maxPrediction: 8, fps: 60 });
    return { game, session, pacer: new FramePacer(60) };
  });
  const log = new KnockoutLog();
  const tracker = new MatchEventTracker(log);
  const [a, b] = [peers[0]!, peers[1]!];
  for (; now < 5000; now += 16) {
    driveSession(a.session, a.pacer, now, () => NEUTRAL_INPUT);
    driveSession(b.session, b.pacer, now, () => player1(b.game.state));
    tracker.observe(a.game.state, a.session.confirmedFrame);
  }
  return { log, falls: a.game.state.falls[1]!, otherFalls: b.game.state.falls[1]!, rollbackFrames: a.session.peerStats(1).rollbackFrames };
}

describe('match feedback under real rollbacks (two sessions, 300 ms round trip)', () => {
  it('a knock-out that peer 0 predicted and a rollback undid is never announced', () => {
    const { log, falls, otherFalls, rollbackFrames } = playAtTheEdge((s) => (s.x[1]! < TURN_AT_X * 65536 ? RIGHT : LEFT));
    expect(rollbackFrames).toBeGreaterThan(0);
    expect([falls, otherFalls]).toEqual([0, 0]);
    // The predicted fall was seen (its burst shown at once), and nothing more.
    expect(log.bursts).toBe(1);
    expect(log.announced).toEqual([]);
  });

  it('a knock-out that a rollback re-simulates is announced exactly once', () => {
    const { log, falls, otherFalls, rollbackFrames } = playAtTheEdge((s) => (s.x[1]! < TURN_AT_X * 65536 ? RIGHT : RIGHT_FIRING));
    expect(rollbackFrames).toBeGreaterThan(0);
    expect([falls, otherFalls]).toEqual([1, 1]);
    expect(log.bursts).toBe(1);
    expect(log.announced).toEqual(['1 fell out']);
  });
});
