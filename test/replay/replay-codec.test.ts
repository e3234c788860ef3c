import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { hashBytes } from '../../sdk/src/kit/hash.ts';
import { InputStatus } from '../../sdk/src/core/game.ts';
import { ReplayRecorder } from '../../sdk/src/replay/replay-recorder.ts';
import { decodeReplay, encodeReplay } from '../../sdk/src/replay/replay-codec.ts';
import { ReplayFormatError } from '../../sdk/src/replay/replay-format-error.ts';
import type { Replay } from '../../sdk/src/replay/replay-format.ts';
import { ReplayPlayer } from '../../sdk/src/replay/replay-player.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';

const C = InputStatus.Confirmed;
const D = InputStatus.Disconnected;

/**
 * A small replay: 3 players, 3-byte inputs, 400 frames of held-then-changed inputs; player 1 out
 * over [100, 180) and [300, 340), player 2 leaving at 250 for good.
 */
function sampleReplay(seed = 1, withNames = true): Replay {
  const rng = new Prng(seed);
  const recorder = new ReplayRecorder({
    players: 3,
    inputSize: 3,
    fps: 30,
    seed: 0xdeadbeef,
    matchId: 42,
    settings: Uint8Array.of(7, 8, 9),
    ...(withNames ? { names: ['Ann', 'Zoë', '名前'] } : {}),
  });
  const inputs = [new Uint8Array(3), new Uint8Array(3), new Uint8Array(3)];
  for (let f = 0; f < 400; f++) {
    for (let p = 0; p < 3; p++) if (rng.nextInt(10) === 0) inputs[p]!.set([rng.nextInt(256), rng.nextInt(4), 0]);
    const gone = f >= 250;
    const away = (f >= 100 && f < 180) || (f >= 300 && f < 340);
    if (gone) inputs[2]!.fill(0);
    const sent = away ? [inputs[0]!, new Uint8Array(3), inputs[2]!] : inputs;
    recorder.onConfirmedInputs(f, sent, [C, away ? D : C, gone ? D : C]);
    if (f % 20 === 0) recorder.onChecksum(f, rng.nextU32());
  }
  recorder.onChecksum(400, 1);
  recorder.onChecksum(420, 2); // past the inputs recorded: left out of the replay
  return recorder.replay();
}

/** Rewrites the trailer so that a mutated body reaches the parser instead of the integrity check. */
function resealed(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4) return bytes;
  const out = bytes.slice();
  const hash = hashBytes(out.subarray(0, out.length - 4));
  new DataView(out.buffer).setUint32(out.length - 4, hash, true);
  return out;
}

function decodeError(bytes: Uint8Array): ReplayFormatError {
  try {
    decodeReplay(bytes);
  } catch (error) {
    if (error instanceof ReplayFormatError) return error;
    throw error;
  }
  throw new Error('decoded');
}

/** A replay written by the version-1 encoder (before returns existed), kept to prove old files stay readable. */
const V1_GOLDEN_HEX =
  '42535250010103021e0403020109000000010501610362c3a90163c8010002320100960103009701052000002000012000022000031600040001c80107070500000000003292c4d5e6322489abcd32b64d81b43201efcdabbf204242';

describe('the replay format', () => {
  it('round trips, names and settings included, and starts with the magic and version', () => {
    const replay = sampleReplay();
    expect(replay.frameCount).toBe(400);
    expect(replay.tracks.map((t) => t.absences)).toEqual([[], [{ from: 100, to: 180 }, { from: 300, to: 340 }], [{ from: 250, to: 400 }]]);
    expect(replay.tracks[1]!.runEnds.at(-1)).toBe(400 - 80 - 40); // runs count present frames only
    expect(replay.checksumFrames.at(-1)).toBe(400);
    const bytes = encodeReplay(replay);
    expect(Array.from(bytes.subarray(0, 5))).toEqual([0x42, 0x53, 0x52, 0x50, 2]);
    const decoded = decodeReplay(bytes);
    expect(decoded).toEqual(replay);
    expect(decoded.decision.names).toEqual(['Ann', 'Zoë', '名前']);
    const plain = sampleReplay(1, false);
    expect(decodeReplay(encodeReplay(plain))).toEqual(plain);
    expect('names' in decodeReplay(encodeReplay(plain)).decision).toBe(false);
  });

  it('the recorder stores runs: an input held for a long time costs one run', () => {
    const recorder = new ReplayRecorder({ players: 2, inputSize: 2, seed: 1 });
    const held = [Uint8Array.of(1, 0), Uint8Array.of(0, 0)];
    for (let f = 0; f < 36_000; f++) recorder.onConfirmedInputs(f, held, [C, C]);
    const replay = recorder.replay();
    expect(replay.tracks.map((t) => t.runEnds.length)).toEqual([1, 1]);
    expect(encodeReplay(replay).length).toBe(40); // 17 header, 1 settings, 3 frame count, 7 per player, 1 checksum count, 4 trailer
  });

  it('refuses what is not a replay, naming the problem', () => {
    const bytes = encodeReplay(sampleReplay());
    expect(decodeError(bytes.subarray(0, 10)).message).toMatch(/too short/);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0x50;
    expect(decodeError(wrongMagic).message).toMatch(/not a Backspin replay/);
    const newer = bytes.slice();
    newer[4] = 3;
    expect(decodeError(newer).message).toMatch(/version 3 is not one this SDK reads \(1 to 2\)/);
    newer[4] = 0;
    expect(decodeError(newer).message).toMatch(/version 0 is not one/);
    const damaged = bytes.slice();
    damaged[40] = damaged[40]! ^ 0x10;
    expect(decodeError(damaged).message).toMatch(/damaged/);
    expect(decodeError(bytes.subarray(0, bytes.length - 1)).message).toMatch(/damaged/);
    const players = bytes.slice();
    players[6] = 17;
    expect(decodeError(resealed(players)).message).toMatch(/player count 17 is not in 1\.\.16 \(at byte 6\)/);
    const extra = new Uint8Array(bytes.length + 1);
    extra.set(bytes.subarray(0, bytes.length - 4));
    expect(decodeError(resealed(extra)).message).toMatch(/unexpected bytes/);
    expect(decodeError('BSRP' as unknown as Uint8Array).message).toMatch(/Uint8Array/);
  });

  it('refuses hostile counts before allocating for them', () => {
    // players 1, input size 64, a frame count of 2^31 - 1 and a claim of 2^32 - 1 runs in a tiny file.
    const body = [0x42, 0x53, 0x52, 0x50, 1, 0, 1, 64, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x07, 0, 0xff, 0xff, 0xff, 0xff, 0x0f];
    const hostile = resealed(Uint8Array.from([...body, 0, 0, 0, 0]));
    expect(decodeError(hostile).message).toMatch(/input runs cannot fit/);
    const checksums = [0x42, 0x53, 0x52, 0x50, 1, 0, 1, 1, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f];
    expect(decodeError(resealed(Uint8Array.from([...checksums, 0, 0, 0, 0]))).message).toMatch(/checksums cannot fit/);
  });

  it('encodeReplay refuses a replay that breaks the rules, so every file written decodes', () => {
    const replay = sampleReplay();
    expect(() => encodeReplay({ ...replay, frameCount: 401 })).toThrow(ReplayFormatError);
    expect(() => encodeReplay({ ...replay, checksumFrames: replay.checksumFrames.slice().reverse() })).toThrow(/ascend/);
    expect(() => encodeReplay({ ...replay, decision: { ...replay.decision, seed: -1 } })).toThrow(/u32/);
    expect(() => encodeReplay({ ...replay, decision: { ...replay.decision, names: ['x'.repeat(65), 'a', 'b'] } })).toThrow(/64/);
  });

  it('the recorder refuses frames out of order, a session that did not start at frame 0, and a decision it could not write', () => {
    const recorder = new ReplayRecorder({ players: 2, inputSize: 1, seed: 1 });
    const zero = [Uint8Array.of(0), Uint8Array.of(0)];
    // What a rejoined session hands over first: the frame of the state it loaded.
    expect(() => recorder.onConfirmedInputs(1234, zero, [C, C])).toThrow(/a replay starts at frame 0, but the first inputs handed over are of frame 1234.*rejoin/);
    recorder.onConfirmedInputs(0, zero, [C, D]);
    expect(() => recorder.onConfirmedInputs(2, zero, [C, C])).toThrow(/expected the inputs of frame 1, got frame 2/);
    expect(() => recorder.onConfirmedInputs(1, [Uint8Array.of(0), Uint8Array.of(1)], [C, D])).toThrow(/non-zero/);
    // A seed is not wrapped into range: the game rebuilt from it would not be the one played.
    expect(() => new ReplayRecorder({ players: 2, inputSize: 1, seed: -1 })).toThrow(/u32/);
    expect(() => new ReplayRecorder({ players: 2, inputSize: 1, seed: 1, names: ['only one'] })).toThrow(/1 names for 2 players/);
  });

  it('the recorder takes a player leaving, coming back and leaving again, and the player gives the game exactly those statuses', () => {
    // Player 1: present 0..9 (input 5), out 10..19, back 20..29 (input 5 again, then 6 from 25), out from 30 to the end (40).
    const script = (f: number): [number, InputStatus] => (f < 10 ? [5, C] : f < 20 ? [0, D] : f < 25 ? [5, C] : f < 30 ? [6, C] : [0, D]);
    const recorder = new ReplayRecorder({ players: 2, inputSize: 1, seed: 3 });
    for (let f = 0; f < 40; f++) {
      const [input, status] = script(f);
      recorder.onConfirmedInputs(f, [Uint8Array.of(f % 3), Uint8Array.of(input)], [C, status]);
    }
    const replay = recorder.replay();
    expect(replay.tracks[1]!.absences).toEqual([{ from: 10, to: 20 }, { from: 30, to: 40 }]);
    // Runs count present frames: 5 held over 0..9 and 20..24 is one run of 15, then 6 for 5.
    expect(Array.from(replay.tracks[1]!.runEnds)).toEqual([15, 20]);
    expect(Array.from(replay.tracks[1]!.runInputs)).toEqual([5, 6]);
    const decoded = decodeReplay(encodeReplay(replay));
    expect(decoded).toEqual(replay);
    const game = new TestGame(2);
    const seen: [number, InputStatus][] = [];
    const step = game.step.bind(game);
    game.step = (inputs) => {
      seen.push([inputs[1]!.input[0]!, inputs[1]!.status]);
      step(inputs);
    };
    const player = new ReplayPlayer({ game, input: bytesInputCodec(1), replay: decoded, keyframeIntervalFrames: 8 });
    player.playToEnd();
    expect(seen).toEqual(Array.from({ length: 40 }, (_, f) => script(f)));
    // A seek lands inside and after an absence with the right run and status.
    for (const target of [33, 12, 22, 0, 27, 5]) {
      player.seek(target);
      seen.length = 0;
      player.stepFrames(40 - target);
      expect(seen, `from ${target}`).toEqual(Array.from({ length: 40 - target }, (_, i) => script(target + i)));
    }
  });

  it('reads version 1 files: one departure, never a return', () => {
    // Written by the version-1 encoder: 3 players, 2-byte inputs, 200 frames, player 1 left at frame 150.
    const v1 = Uint8Array.from(Buffer.from(V1_GOLDEN_HEX, 'hex'));
    expect(v1[4]).toBe(1);
    const replay = decodeReplay(v1);
    expect(replay.frameCount).toBe(200);
    expect(replay.decision).toEqual({ players: 3, inputSize: 2, fps: 30, seed: 0x01020304, matchId: 9, settings: Uint8Array.of(5), names: ['a', 'bé', 'c'] });
    expect(replay.tracks.map((t) => t.absences)).toEqual([[], [{ from: 150, to: 200 }], []]);
    expect(Array.from(replay.tracks[1]!.runEnds)).toEqual([32, 64, 96, 128, 150]);
    expect(Array.from(replay.checksumFrames)).toEqual([0, 50, 100, 150, 200]);
    // Written again, it is version 2, and reads back the same.
    const v2 = encodeReplay(replay);
    expect(v2[4]).toBe(2);
    expect(decodeReplay(v2)).toEqual(replay);
    const statuses: InputStatus[] = [];
    const game = new TestGame(3);
    const step = game.step.bind(game);
    game.step = (inputs) => {
      statuses.push(inputs[1]!.status);
      step(inputs);
    };
    new ReplayPlayer({ game, input: bytesInputCodec(2), replay }).playToEnd();
    expect(statuses.indexOf(D)).toBe(150);
    expect(statuses.slice(150).every((s) => s === D)).toBe(true);
  });

  it('refuses absences that touch, are empty or go past the end; the encoder refuses them unsorted or overlapping', () => {
    // 1 player, 1-byte inputs, 10 frames; one track of absences as given, then the runs of its present frames.
    const file = (absences: number[], present: number): Uint8Array =>
      resealed(Uint8Array.from([0x42, 0x53, 0x52, 0x50, 2, 0, 1, 1, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, ...absences, ...(present > 0 ? [1, present, 7] : [0]), 0, 0, 0, 0, 0]));
    expect(decodeReplay(file([2, 2, 3, 1, 3], 4)).tracks[0]!.absences).toEqual([{ from: 2, to: 5 }, { from: 6, to: 9 }]);
    expect(decodeError(file([2, 2, 3, 0, 3], 4)).message).toMatch(/absence 1 starts where absence 0 ends \(absences must be merged\)/);
    expect(decodeError(file([1, 2, 0], 10)).message).toMatch(/absence 0 is empty/);
    expect(decodeError(file([1, 4, 7], 0)).message).toMatch(/absence 0 goes past the 10 frames/);
    expect(decodeError(file([1, 10, 1], 0)).message).toMatch(/absence 0 starts at frame 10, not before/);
    expect(decodeError(file([2, 0, 3, 1, 1], 5)).message).toMatch(/input runs cover 5 of its 6 frames present/);
    expect(decodeError(file([0x7f, 0xff, 0xff, 0xff, 0x0f], 0)).message).toMatch(/absences cannot fit/);
    const replay = sampleReplay();
    const track = replay.tracks[1]!;
    const withAbsences = (absences: { from: number; to: number }[]): Replay => ({ ...replay, tracks: [replay.tracks[0]!, { ...track, absences }, replay.tracks[2]!] });
    expect(() => encodeReplay(withAbsences([{ from: 300, to: 340 }, { from: 100, to: 180 }]))).toThrow(/overlaps, touches or comes before/);
    expect(() => encodeReplay(withAbsences([{ from: 100, to: 180 }, { from: 170, to: 210 }]))).toThrow(/overlaps, touches or comes before/);
    expect(() => encodeReplay(withAbsences([{ from: 100, to: 180 }, { from: 180, to: 220 }]))).toThrow(/overlaps, touches or comes before/);
    expect(() => encodeReplay(withAbsences([{ from: 100, to: 100 }]))).toThrow(/non-empty/);
    expect(() => encodeReplay(withAbsences([{ from: 390, to: 401 }]))).toThrow(/within 0..frameCount/);
  });

  it('fuzz: 5000 seeded mutations and truncations (of replays with returns, and of a version-1 file) are each a clean ReplayFormatError or a valid replay that re-encodes to the same bytes', () => {
    const valid = [encodeReplay(sampleReplay(1)), encodeReplay(sampleReplay(2, false)), Uint8Array.from(Buffer.from(V1_GOLDEN_HEX, 'hex'))];
    const rng = new Prng(0xf022);
    const outcomes = { decoded: 0, refused: 0 };
    const messages = new Set<string>();
    const started = performance.now();
    for (let i = 0; i < 5000; i++) {
      const base = valid[i % 3]!;
      let bytes: Uint8Array = base.slice();
      const kind = rng.nextInt(6);
      const at = rng.nextInt(bytes.length);
      if (kind === 0) bytes[at] = rng.nextInt(256);
      else if (kind === 1) bytes[at] = bytes[at]! ^ (1 << rng.nextInt(8));
      else if (kind === 2) bytes = bytes.slice(0, at);
      else if (kind === 3) bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1 + rng.nextInt(8))]);
      else if (kind === 4) bytes = Uint8Array.from([...bytes.subarray(0, at), rng.nextInt(256), ...bytes.subarray(at)]);
      else for (let k = 0; k < 4; k++) bytes[rng.nextInt(bytes.length)] = rng.nextInt(256);
      // Most cases are resealed, so that they reach the parser and not just the integrity check.
      if (rng.nextInt(8) !== 0) bytes = resealed(bytes);
      let replay: Replay | undefined;
      try {
        replay = decodeReplay(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(ReplayFormatError);
        messages.add((error as Error).message.replace(/[0-9]+/g, 'N'));
        outcomes.refused++;
        continue;
      }
      outcomes.decoded++;
      if (bytes[4] === 2) expect(Buffer.compare(encodeReplay(replay), bytes)).toBe(0);
      else expect(decodeReplay(encodeReplay(replay))).toEqual(replay); // version 1 is read, and written again as 2
    }
    console.info(`replay decoder fuzz: ${outcomes.decoded} decoded, ${outcomes.refused} refused with ${messages.size} distinct messages, ${(performance.now() - started).toFixed(0)} ms`);
    expect(outcomes.refused).toBeGreaterThan(3000);
    expect(outcomes.decoded).toBeGreaterThan(100); // mutated inputs, checksums and seeds still form replays
    expect(messages.size).toBeGreaterThan(15);
  });
});
