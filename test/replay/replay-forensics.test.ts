import { describe, expect, it } from 'vitest';
import { SimulatedMatch } from '../../sdk/src/sim/simulated-match.ts';
import { NETWORK_PRESETS } from '../../sdk/src/sim/network-presets.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import type { PlayerInput } from '../../sdk/src/core/game.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import { ReplayRecorder } from '../../sdk/src/replay/replay-recorder.ts';
import { ReplayPlayer } from '../../sdk/src/replay/replay-player.ts';
import { decodeReplay, encodeReplay } from '../../sdk/src/replay/replay-codec.ts';

/**
 * TestGame with a bug that shows from frame `from` on: its step folds in a counter that the
 * recorded match never had (think of a timestamp, an unseeded random number, or a value that
 * depends on how fast the machine is). Frames before `from` step exactly as TestGame's.
 */
class DriftingGame extends TestGame {
  private drift = 0;
  constructor(players: number, private readonly from: number) {
    super(players);
  }
  override step(inputs: readonly PlayerInput<Uint8Array>[]): void {
    const frame = this.frame;
    super.step(inputs);
    if (frame >= this.from) {
      this.drift++;
      const state = this.save();
      state[2] = (state[2]! + this.drift) | 0;
      this.load(state);
    }
  }
}

describe('replay forensics: a non-deterministic game is caught at the right frame', () => {
  const recorder = new ReplayRecorder({ players: 3, inputSize: 2, seed: 21 });
  const match = new SimulatedMatch({
    players: 3,
    seed: 21,
    profile: NETWORK_PRESETS.wifi,
    session: { checksumIntervalFrames: 10 },
    hooks: (p) => (p === 0 ? { onConfirmedInputs: recorder.onConfirmedInputs, onChecksum: recorder.onChecksum } : undefined),
  });
  match.runFrames(2000, 60_000);
  const replay = decodeReplay(encodeReplay(recorder.replay()));

  it('the recorded match itself verifies', () => {
    const player = new ReplayPlayer({ game: new TestGame(3), input: bytesInputCodec(2), replay });
    expect(player.playToEnd()).toBeUndefined();
    expect(player.checksumsVerified).toBe(replay.checksums.length);
    expect(replay.checksums.length).toBeGreaterThan(190);
  });

  // The bug first changes the state that frame `from` steps into, the state at the start of
  // frame from + 1: the first recorded checksum at or after that frame is where it shows.
  it.each([0, 1, 9, 10, 11, 1234, 1239, 1240, 1901])('a game that goes wrong at frame %i is caught at the next checksummed frame', (from) => {
    const frames = Array.from(replay.checksumFrames);
    const expectedFrame = frames.find((f) => f >= from + 1)!;
    const player = new ReplayPlayer({ game: new DriftingGame(3, from), input: bytesInputCodec(2), replay });
    const mismatch = player.playToEnd();
    expect(mismatch?.frame).toBe(expectedFrame);
    expect(mismatch?.lastGoodFrame).toBe(frames[frames.indexOf(expectedFrame) - 1] ?? -1);
    expect(mismatch?.expected).toBe(replay.checksums[frames.indexOf(expectedFrame)]);
    expect(mismatch?.actual).not.toBe(mismatch?.expected);
    // Every checksum before it matched.
    expect(player.checksumsVerified).toBe(frames.indexOf(expectedFrame));
  });

  it('seeking back before the fault and playing again reports the same first frame', () => {
    const player = new ReplayPlayer({ game: new DriftingGame(3, 700), input: bytesInputCodec(2), replay, keyframeIntervalFrames: 100 });
    player.stepFrames(1000);
    expect(player.mismatch?.frame).toBe(710);
    player.seek(300);
    player.stepFrames(900);
    expect(player.mismatch?.frame).toBe(710);
  });
});
