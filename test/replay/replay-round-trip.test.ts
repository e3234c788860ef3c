import { describe, expect, it } from 'vitest';
import { SimulatedMatch } from '../../sdk/src/sim/simulated-match.ts';
import { NETWORK_PRESETS } from '../../sdk/src/sim/network-presets.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import { InputStatus } from '../../sdk/src/core/game.ts';
import { ReplayRecorder } from '../../sdk/src/replay/replay-recorder.ts';
import { ReplayPlayer } from '../../sdk/src/replay/replay-player.ts';
import { decodeReplay, encodeReplay } from '../../sdk/src/replay/replay-codec.ts';
import type { Replay } from '../../sdk/src/replay/replay-format.ts';

/** A 4-player wifi match of TestGame, player 3 crashing after 10 s; recorders on players 0 and 1. */
function recordedMatch(): { match: SimulatedMatch; recorders: ReplayRecorder[]; dropFrame: number } {
  const recorders = [0, 1].map((p) => new ReplayRecorder({ players: 4, inputSize: 2, seed: 77, matchId: 5, names: ['ann', 'bo', 'cy', `dee ${p}`] }));
  const match = new SimulatedMatch({
    players: 4,
    seed: 77,
    profile: NETWORK_PRESETS.wifi,
    session: { checksumIntervalFrames: 10 },
    hooks: (p) => (p < 2 ? { onConfirmedInputs: recorders[p]!.onConfirmedInputs, onChecksum: recorders[p]!.onChecksum } : undefined),
  });
  match.runFrames(600, 60_000);
  match.kill(3);
  match.runUntil(match.clock.now() + 15_000);
  const event = match.peers[0]!.events.find((e) => e.type === 'disconnected' && e.player === 3);
  if (event?.type !== 'disconnected') throw new Error('player 3 was never dropped');
  return { match, recorders, dropFrame: event.frame };
}

function play(replay: Replay, game = new TestGame(replay.decision.players)): ReplayPlayer<Uint8Array, Int32Array> {
  return new ReplayPlayer({ game, input: bytesInputCodec(replay.decision.inputSize), replay });
}

describe('a recorded match, round trip', () => {
  const { match, recorders, dropFrame } = recordedMatch();

  it('records every frame simulated and confirmed, the drop at the agreed frame, and the confirmed checksums', () => {
    const session = match.peers[0]!.session;
    const replay = recorders[0]!.replay();
    expect(replay.frameCount).toBe(Math.min(session.confirmedFrame, session.currentFrame - 1) + 1);
    expect(replay.frameCount).toBeGreaterThan(dropFrame + 600);
    expect(replay.tracks.map((t) => t.disconnectedFrom)).toEqual([-1, -1, -1, dropFrame + 1]);
    // Every checksum peer 0 confirmed (up to the recorded frames) is in the replay.
    const confirmed = [...match.peers[0]!.checksums].filter(([frame]) => frame <= replay.frameCount);
    expect(Array.from(replay.checksumFrames)).toEqual(confirmed.map(([frame]) => frame));
    expect(Array.from(replay.checksums)).toEqual(confirmed.map(([, checksum]) => checksum));
    expect(replay.checksums.length).toBeGreaterThan(100);
  });

  it('encode → decode gives the same replay, and playing it back verifies every checksum', () => {
    const replay = recorders[0]!.replay();
    const bytes = encodeReplay(replay);
    const decoded = decodeReplay(bytes);
    expect(decoded).toEqual(replay);
    expect(encodeReplay(decoded)).toEqual(bytes);
    const player = play(decoded);
    expect(player.playToEnd()).toBeUndefined();
    expect(player.checksumsVerified).toBe(replay.checksums.length);
    expect(player.frame).toBe(replay.frameCount);
    expect(player.done).toBe(true);
  });

  it("two peers' recordings agree on every frame both recorded", () => {
    const a = recorders[0]!.replay();
    const b = recorders[1]!.replay();
    const frames = Math.min(a.frameCount, b.frameCount);
    const pa = play(a);
    const pb = play(b);
    pa.stepFrames(frames);
    pb.stepFrames(frames);
    expect(pa.mismatch).toBeUndefined();
    expect(pb.mismatch).toBeUndefined();
    const ga = new TestGame(4);
    const gb = new TestGame(4);
    play(a, ga).stepFrames(frames);
    play(b, gb).stepFrames(frames);
    expect(ga.frame).toBe(frames);
    expect(gb.checksum()).toBe(ga.checksum());
    expect(b.tracks[3]!.disconnectedFrom).toBe(a.tracks[3]!.disconnectedFrom);
  });

  it('seek backwards and forwards lands on the same states as straight play, and checksums still verify', () => {
    const replay = recorders[0]!.replay();
    const straight = new TestGame(4);
    const reference: number[] = [];
    const ref = new ReplayPlayer({ game: straight, input: bytesInputCodec(2), replay, keyframeIntervalFrames: 0 });
    for (let f = 0; f <= replay.frameCount; f += 97) {
      ref.seek(f);
      reference.push(straight.checksum());
    }
    const game = new TestGame(4);
    const player = new ReplayPlayer({ game, input: bytesInputCodec(2), replay, keyframeIntervalFrames: 120 });
    player.playToEnd();
    const order = reference.map((_, i) => i).reverse();
    for (const i of [...order, ...order.reverse()]) {
      player.seek(i * 97);
      expect(player.frame).toBe(i * 97);
      expect(game.checksum()).toBe(reference[i]);
    }
    expect(player.mismatch).toBeUndefined();
    expect(player.checksumsVerified).toBe(replay.checksums.length);
  });

  it('advance() steps fps × playbackRate frames per second of real time', () => {
    const player = play(recorders[0]!.replay());
    expect(player.advance(1000)).toBe(60);
    player.playbackRate = 4;
    expect(player.advance(500)).toBe(120);
    player.playbackRate = 0.5;
    let frames = 0;
    for (let i = 0; i < 60; i++) frames += player.advance(1000 / 60);
    expect(frames).toBe(30);
    player.playbackRate = 0;
    expect(player.advance(10_000)).toBe(0);
    expect(() => (player.playbackRate = -1)).toThrow(RangeError);
  });

  it('a Disconnected player gets the all-zero input with status Disconnected from its agreed frame on', () => {
    const replay = recorders[0]!.replay();
    const seen: InputStatus[][] = [];
    const game = new TestGame(4);
    const step = game.step.bind(game);
    game.step = (inputs) => {
      seen.push(inputs.map((i) => i.status));
      step(inputs);
    };
    const player = new ReplayPlayer({ game, input: bytesInputCodec(2), replay });
    player.stepFrames(dropFrame + 2);
    expect(seen[dropFrame]![3]).toBe(InputStatus.Confirmed);
    expect(seen[dropFrame + 1]![3]).toBe(InputStatus.Disconnected);
  });
});
