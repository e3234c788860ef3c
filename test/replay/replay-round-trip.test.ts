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
    expect(replay.tracks.map((t) => t.absences)).toEqual([[], [], [], [{ from: dropFrame + 1, to: replay.frameCount }]]);
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
    expect(b.tracks[3]!.absences[0]!.from).toBe(a.tracks[3]!.absences[0]!.from);
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

describe('a recorded match with a rejoin, round trip', () => {
  /**
   * Player 2 of 4 (wifi) crashes, stays away ~4 s (its drop is agreed), comes back into its own
   * slot (`restart`: a new session in rejoin mode, `readmit` on the others), plays on, and does it
   * once more. Player 0, a survivor that played from frame 0, records.
   */
  const recorder = new ReplayRecorder({ players: 4, inputSize: 2, seed: 91, matchId: 6 });
  const match = new SimulatedMatch({
    players: 4,
    seed: 91,
    profile: NETWORK_PRESETS.wifi,
    session: { checksumIntervalFrames: 10 },
    hooks: (p) => (p === 0 ? { onConfirmedInputs: recorder.onConfirmedInputs, onChecksum: recorder.onChecksum } : undefined),
  });
  match.runUntil(3000);
  for (let round = 0; round < 2; round++) {
    match.kill(2);
    match.runUntil(match.clock.now() + 4000);
    match.restart(2);
    match.runUntil(match.clock.now() + 6000);
  }
  const events = match.peers[0]!.events;
  const left = events.flatMap((e) => (e.type === 'disconnected' && e.player === 2 ? [e.frame + 1] : []));
  const back = events.flatMap((e) => (e.type === 'readmitted' && e.player === 2 ? [e.frame] : []));

  it('records both absences at the agreed frames, round trips, and playing it back verifies every checksum with those statuses', () => {
    expect(left).toHaveLength(2);
    expect(back).toHaveLength(2);
    expect(match.compareChecksums().mismatchedFrames).toEqual([]);
    const replay = recorder.replay();
    expect(replay.tracks[2]!.absences).toEqual([
      { from: left[0]!, to: back[0]! },
      { from: left[1]!, to: back[1]! },
    ]);
    expect(replay.tracks.filter((_, p) => p !== 2).every((t) => t.absences.length === 0)).toBe(true);
    expect(replay.frameCount).toBeGreaterThan(back[1]! + 200);
    const bytes = encodeReplay(replay);
    const decoded = decodeReplay(bytes);
    expect(decoded).toEqual(replay);
    expect(encodeReplay(decoded)).toEqual(bytes);
    // Checksums from before, between and after the absences are all there.
    const checksumFrames = Array.from(decoded.checksumFrames);
    expect(checksumFrames.filter((f) => f > back[1]!).length).toBeGreaterThan(20);
    expect(checksumFrames.filter((f) => f > back[0]! && f < left[1]!).length).toBeGreaterThan(20);

    const statuses: InputStatus[] = [];
    const game = new TestGame(4);
    const step = game.step.bind(game);
    game.step = (inputs) => {
      statuses.push(inputs[2]!.status);
      step(inputs);
    };
    const player = new ReplayPlayer({ game, input: bytesInputCodec(2), replay: decoded });
    expect(player.playToEnd()).toBeUndefined();
    expect(player.checksumsVerified).toBe(decoded.checksums.length);
    expect(decoded.checksums.length).toBeGreaterThan(100);
    const expected = statuses.map((_, f) => (left.some((from, i) => f >= from && f < back[i]!) ? InputStatus.Disconnected : InputStatus.Confirmed));
    expect(statuses).toEqual(expected);
    expect(statuses.filter((s) => s === InputStatus.Disconnected).length).toBe(back[0]! - left[0]! + back[1]! - left[1]!);
  });

  it("a seek into and out of each absence lands on straight play's state", () => {
    const replay = recorder.replay();
    const straight = new TestGame(4);
    const ref = new ReplayPlayer({ game: straight, input: bytesInputCodec(2), replay, keyframeIntervalFrames: 0 });
    const targets = [left[0]! + 3, back[0]! + 1, left[1]! - 1, back[1]!, replay.frameCount];
    const reference = targets.map((f) => {
      ref.seek(f);
      return straight.checksum();
    });
    const game = new TestGame(4);
    const player = new ReplayPlayer({ game, input: bytesInputCodec(2), replay, keyframeIntervalFrames: 100 });
    player.playToEnd();
    for (const i of [3, 0, 4, 2, 1]) {
      player.seek(targets[i]!);
      expect(game.checksum(), `frame ${targets[i]}`).toBe(reference[i]);
    }
    expect(player.mismatch).toBeUndefined();
  });
});
