import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { hashBytes } from '../../sdk/src/kit/hash.ts';
import { InputStatus } from '../../sdk/src/core/game.ts';
import { ReplayRecorder } from '../../sdk/src/replay/replay-recorder.ts';
import { decodeReplay, encodeReplay } from '../../sdk/src/replay/replay-codec.ts';
import { ReplayFormatError } from '../../sdk/src/replay/replay-format-error.ts';
import type { Replay } from '../../sdk/src/replay/replay-format.ts';

const C = InputStatus.Confirmed;
const D = InputStatus.Disconnected;

/** A small replay: 3 players, 3-byte inputs, 400 frames of held-then-changed inputs, player 2 leaving at 250. */
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
    if (gone) inputs[2]!.fill(0);
    recorder.onConfirmedInputs(f, inputs, [C, C, gone ? D : C]);
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

describe('the replay format', () => {
  it('round trips, names and settings included, and starts with the magic and version', () => {
    const replay = sampleReplay();
    expect(replay.frameCount).toBe(400);
    expect(replay.tracks[2]!.disconnectedFrom).toBe(250);
    expect(replay.checksumFrames.at(-1)).toBe(400);
    const bytes = encodeReplay(replay);
    expect(Array.from(bytes.subarray(0, 5))).toEqual([0x42, 0x53, 0x52, 0x50, 1]);
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
    newer[4] = 2;
    expect(decodeError(newer).message).toMatch(/version 2 is not the one this SDK reads \(1\)/);
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

  it('the recorder refuses frames out of order, a player coming back, and a decision it could not write', () => {
    const recorder = new ReplayRecorder({ players: 2, inputSize: 1, seed: 1 });
    const zero = [Uint8Array.of(0), Uint8Array.of(0)];
    expect(() => recorder.onConfirmedInputs(1, zero, [C, C])).toThrow(/expected the inputs of frame 0/);
    recorder.onConfirmedInputs(0, zero, [C, D]);
    expect(() => recorder.onConfirmedInputs(1, zero, [C, C])).toThrow(/came back/);
    expect(() => recorder.onConfirmedInputs(1, [Uint8Array.of(0), Uint8Array.of(1)], [C, D])).toThrow(/non-zero/);
    // A seed is not wrapped into range: the game rebuilt from it would not be the one played.
    expect(() => new ReplayRecorder({ players: 2, inputSize: 1, seed: -1 })).toThrow(/u32/);
    expect(() => new ReplayRecorder({ players: 2, inputSize: 1, seed: 1, names: ['only one'] })).toThrow(/1 names for 2 players/);
  });

  it('fuzz: 5000 seeded mutations and truncations are each a clean ReplayFormatError or a valid replay that re-encodes to the same bytes', () => {
    const valid = [encodeReplay(sampleReplay(1)), encodeReplay(sampleReplay(2, false))];
    const rng = new Prng(0xf022);
    const outcomes = { decoded: 0, refused: 0 };
    const messages = new Set<string>();
    const started = performance.now();
    for (let i = 0; i < 5000; i++) {
      const base = valid[i % 2]!;
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
      expect(Buffer.compare(encodeReplay(replay), bytes)).toBe(0);
    }
    console.info(`replay decoder fuzz: ${outcomes.decoded} decoded, ${outcomes.refused} refused with ${messages.size} distinct messages, ${(performance.now() - started).toFixed(0)} ms`);
    expect(outcomes.refused).toBeGreaterThan(3000);
    expect(outcomes.decoded).toBeGreaterThan(100); // mutated inputs, checksums and seeds still form replays
    expect(messages.size).toBeGreaterThan(15);
  });
});
