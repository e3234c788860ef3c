import { BinaryReader } from '../kit/binary-reader.ts';
import { BinaryReadError } from '../kit/binary-read-error.ts';
import { BinaryWriter } from '../kit/binary-writer.ts';
import { hashBytes } from '../kit/hash.ts';
import { MAX_INPUT_BYTES, MAX_PLAYERS } from '../protocol/messages.ts';
import type { Replay, ReplayDecision, ReplayTrack } from './replay-format.ts';
import {
  MAX_REPLAY_FPS,
  MAX_REPLAY_FRAMES,
  MAX_REPLAY_NAME_BYTES,
  MAX_REPLAY_SETTINGS_BYTES,
  REPLAY_MAGIC,
  REPLAY_VERSION,
} from './replay-format.ts';
import { ReplayFormatError } from './replay-format-error.ts';

/** Flags byte: bit 0, player names follow the settings. Other bits are reserved (0). */
const FLAG_NAMES = 1;
/** Bytes of the fixed header: magic 4, version 1, flags 1, players 1, input size 1, fps 1, seed 4, match id 4. */
const HEADER_BYTES = 17;
/** Bytes of the trailer: the u32 MurmurHash3 of everything before it. */
const TRAILER_BYTES = 4;
/** Bytes of one checksum entry at the least: a 1-byte frame delta and the u32. */
const MIN_CHECKSUM_BYTES = 5;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The replay as bytes, in format version {@link REPLAY_VERSION} (docs/replays.md, byte by byte).
 * Throws a {@link ReplayFormatError} if `replay` breaks the format's rules (a value out of range,
 * runs that do not cover the frames, checksums out of order), so that every file written decodes.
 */
export function encodeReplay(replay: Replay): Uint8Array {
  checkReplay(replay);
  const d = replay.decision;
  const w = new BinaryWriter(64 + replay.checksums.length * 6);
  for (const byte of REPLAY_MAGIC) w.u8(byte);
  w.u8(REPLAY_VERSION).u8(d.names !== undefined ? FLAG_NAMES : 0);
  w.u8(d.players).u8(d.inputSize).u8(d.fps).u32(d.seed).u32(d.matchId);
  w.varUint(d.settings.length).bytes(d.settings);
  if (d.names !== undefined) {
    for (const name of d.names) {
      const bytes = utf8.encode(name);
      w.varUint(bytes.length).bytes(bytes);
    }
  }
  w.varUint(replay.frameCount);
  for (const track of replay.tracks) {
    w.varUint(track.disconnectedFrom + 1);
    w.varUint(track.runEnds.length);
    let start = 0;
    for (let r = 0; r < track.runEnds.length; r++) {
      const end = track.runEnds[r]!;
      w.varUint(end - start).bytes(track.runInputs.subarray(r * d.inputSize, (r + 1) * d.inputSize));
      start = end;
    }
  }
  w.varUint(replay.checksums.length);
  let previous = 0;
  for (let i = 0; i < replay.checksums.length; i++) {
    const frame = replay.checksumFrames[i]!;
    w.varUint(frame - previous).u32(replay.checksums[i]!);
    previous = frame;
  }
  w.u32(hashBytes(w.view()));
  return w.finish();
}

/**
 * Reads a replay written by {@link encodeReplay}. Anything else (a truncated or corrupted file,
 * another format, a newer version, a value out of range, trailing bytes) throws a
 * {@link ReplayFormatError} saying what and where; nothing else is ever thrown. Allocation is
 * bounded by the input's length whatever its counts claim, and decoding takes one pass.
 */
export function decodeReplay(bytes: Uint8Array): Replay {
  if (!(bytes instanceof Uint8Array)) throw new ReplayFormatError('a replay must be a Uint8Array', 0);
  const r = new BinaryReader(bytes);
  const fail = (message: string, offset: number = r.offset): never => {
    throw new ReplayFormatError(message, offset);
  };
  try {
    if (bytes.length < HEADER_BYTES + TRAILER_BYTES) fail(`too short for a replay: ${bytes.length} bytes`, 0);
    for (let i = 0; i < REPLAY_MAGIC.length; i++) if (r.readU8() !== REPLAY_MAGIC[i]) fail('not a Backspin replay (bad magic)', 0);
    const version = r.readU8();
    if (version !== REPLAY_VERSION) fail(`replay format version ${version} is not the one this SDK reads (${REPLAY_VERSION})`, 4);
    // Integrity before meaning: a file damaged anywhere is refused as damaged, not as whatever field it broke.
    const bodyEnd = bytes.length - TRAILER_BYTES;
    const stored = (bytes[bodyEnd]! | (bytes[bodyEnd + 1]! << 8) | (bytes[bodyEnd + 2]! << 16) | (bytes[bodyEnd + 3]! << 24)) >>> 0;
    if (hashBytes(bytes.subarray(0, bodyEnd)) !== stored) fail('the replay is damaged: its trailing checksum does not match its bytes', bodyEnd);
    const body = new BinaryReader(bytes.subarray(0, bodyEnd));
    return readBody(body);
  } catch (error) {
    if (error instanceof ReplayFormatError) throw error;
    if (error instanceof BinaryReadError) throw new ReplayFormatError(`the replay ends too early or holds a bad number: ${error.message}`, error.offset);
    throw new ReplayFormatError(`unreadable replay: ${error instanceof Error ? error.message : String(error)}`, r.offset);
  }
}

/** Everything between the version byte and the trailer (`r` reads the body only, positioned at byte 0). */
function readBody(r: BinaryReader): Replay {
  const fail = (message: string, offset: number = r.offset): never => {
    throw new ReplayFormatError(message, offset);
  };
  r.readBytes(5); // magic and version, checked already
  const flags = r.readU8();
  if ((flags & ~FLAG_NAMES) !== 0) fail(`unknown flags 0x${flags.toString(16)}`, 5);
  const players = r.readU8();
  if (players < 1 || players > MAX_PLAYERS) fail(`player count ${players} is not in 1..${MAX_PLAYERS}`, 6);
  const inputSize = r.readU8();
  if (inputSize < 1 || inputSize > MAX_INPUT_BYTES) fail(`input size ${inputSize} is not in 1..${MAX_INPUT_BYTES}`, 7);
  const fps = r.readU8();
  if (fps < 1 || fps > MAX_REPLAY_FPS) fail(`frame rate ${fps} is not in 1..${MAX_REPLAY_FPS}`, 8);
  const seed = r.readU32();
  const matchId = r.readU32();
  let at = r.offset;
  const settingsLength = r.readVarUint();
  if (settingsLength > MAX_REPLAY_SETTINGS_BYTES) fail(`settings of ${settingsLength} bytes exceed ${MAX_REPLAY_SETTINGS_BYTES}`, at);
  const settings = r.readBytes(settingsLength);
  let names: string[] | undefined;
  if ((flags & FLAG_NAMES) !== 0) {
    names = [];
    for (let p = 0; p < players; p++) {
      at = r.offset;
      const length = r.readVarUint();
      if (length > MAX_REPLAY_NAME_BYTES) fail(`player ${p}'s name of ${length} bytes exceeds ${MAX_REPLAY_NAME_BYTES}`, at);
      const raw = r.readBytes(length);
      try {
        names.push(strictUtf8.decode(raw));
      } catch {
        fail(`player ${p}'s name is not valid UTF-8`, at);
      }
    }
  }
  at = r.offset;
  const frameCount = r.readVarUint();
  if (frameCount > MAX_REPLAY_FRAMES) fail(`frame count ${frameCount} exceeds ${MAX_REPLAY_FRAMES}`, at);
  const tracks: ReplayTrack[] = [];
  for (let p = 0; p < players; p++) tracks.push(readTrack(r, p, frameCount, inputSize, fail));
  at = r.offset;
  const count = r.readVarUint();
  if (count > Math.floor(r.remaining / MIN_CHECKSUM_BYTES)) fail(`${count} checksums cannot fit in the ${r.remaining} bytes left`, at);
  const checksumFrames = new Uint32Array(count);
  const checksums = new Uint32Array(count);
  let frame = 0;
  for (let i = 0; i < count; i++) {
    at = r.offset;
    const delta = r.readVarUint();
    if (i > 0 && delta === 0) fail(`checksum ${i} repeats frame ${frame}`, at);
    frame += delta;
    if (frame > frameCount) fail(`checksum ${i} is of frame ${frame}, past the ${frameCount} frames recorded`, at);
    checksumFrames[i] = frame;
    checksums[i] = r.readU32();
  }
  if (r.remaining !== 0) fail(`${r.remaining} unexpected bytes after the checksums`);
  const decision: ReplayDecision = names === undefined ? { players, inputSize, fps, seed, matchId, settings } : { players, inputSize, fps, seed, matchId, settings, names };
  return { decision, frameCount, tracks, checksumFrames, checksums };
}

function readTrack(r: BinaryReader, p: number, frameCount: number, inputSize: number, fail: (message: string, offset?: number) => never): ReplayTrack {
  let at = r.offset;
  const gone = r.readVarUint();
  if (gone > frameCount + 1) fail(`player ${p} leaves at frame ${gone - 1}, past the ${frameCount} frames recorded`, at);
  const disconnectedFrom = gone - 1;
  const end = disconnectedFrom >= 0 ? disconnectedFrom : frameCount;
  at = r.offset;
  const runs = r.readVarUint();
  // Each run takes at least 1 + inputSize bytes, so a hostile count cannot make us allocate more than the file.
  if (runs > Math.floor(r.remaining / (1 + inputSize))) fail(`player ${p}'s ${runs} input runs cannot fit in the ${r.remaining} bytes left`, at);
  if ((runs === 0) !== (end === 0)) fail(`player ${p} has ${runs} input runs for ${end} frames`, at);
  const runEnds = new Uint32Array(runs);
  const runInputs = new Uint8Array(runs * inputSize);
  let frame = 0;
  for (let i = 0; i < runs; i++) {
    at = r.offset;
    const length = r.readVarUint();
    if (length === 0) fail(`player ${p}'s input run ${i} is empty`, at);
    if (length > end - frame) fail(`player ${p}'s input runs go past frame ${end}`, at);
    frame += length;
    runEnds[i] = frame;
    const offset = i * inputSize;
    for (let b = 0; b < inputSize; b++) runInputs[offset + b] = r.readU8();
    if (i > 0 && sameInput(runInputs, offset - inputSize, offset, inputSize)) fail(`player ${p}'s input runs ${i - 1} and ${i} hold the same input (runs must be merged)`, at);
  }
  if (frame !== end) fail(`player ${p}'s input runs cover ${frame} of its ${end} frames`);
  return { runEnds, runInputs, disconnectedFrom };
}

function sameInput(bytes: Uint8Array, a: number, b: number, size: number): boolean {
  for (let i = 0; i < size; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

/** Every rule the decoder enforces, checked on a `Replay` object before it is written. */
function checkReplay(replay: Replay): void {
  const bad = (message: string): never => {
    throw new ReplayFormatError(`cannot encode this replay: ${message}`, -1);
  };
  const d = replay.decision;
  const isU32 = (v: unknown): boolean => typeof v === 'number' && v >>> 0 === v;
  if (!Number.isInteger(d.players) || d.players < 1 || d.players > MAX_PLAYERS) bad(`players must be 1..${MAX_PLAYERS}, got ${String(d.players)}`);
  if (!Number.isInteger(d.inputSize) || d.inputSize < 1 || d.inputSize > MAX_INPUT_BYTES) bad(`inputSize must be 1..${MAX_INPUT_BYTES}, got ${String(d.inputSize)}`);
  if (!Number.isInteger(d.fps) || d.fps < 1 || d.fps > MAX_REPLAY_FPS) bad(`fps must be 1..${MAX_REPLAY_FPS}, got ${String(d.fps)}`);
  if (!isU32(d.seed) || !isU32(d.matchId)) bad('seed and matchId must be u32');
  if (!(d.settings instanceof Uint8Array) || d.settings.length > MAX_REPLAY_SETTINGS_BYTES) bad(`settings must be a Uint8Array of at most ${MAX_REPLAY_SETTINGS_BYTES} bytes`);
  if (d.names !== undefined) {
    if (d.names.length !== d.players) bad(`${d.names.length} names for ${d.players} players`);
    for (const name of d.names) if (typeof name !== 'string' || utf8.encode(name).length > MAX_REPLAY_NAME_BYTES) bad(`a name must be a string of at most ${MAX_REPLAY_NAME_BYTES} UTF-8 bytes`);
  }
  if (!Number.isInteger(replay.frameCount) || replay.frameCount < 0 || replay.frameCount > MAX_REPLAY_FRAMES) bad(`frameCount must be 0..${MAX_REPLAY_FRAMES}`);
  if (replay.tracks.length !== d.players) bad(`${replay.tracks.length} tracks for ${d.players} players`);
  replay.tracks.forEach((track, p) => {
    const from = track.disconnectedFrom;
    if (!Number.isInteger(from) || from < -1 || from > replay.frameCount) bad(`player ${p}'s disconnectedFrom must be -1..frameCount`);
    const end = from >= 0 ? from : replay.frameCount;
    const runs = track.runEnds.length;
    if (track.runInputs.length !== runs * d.inputSize) bad(`player ${p}'s runInputs must hold ${runs * d.inputSize} bytes`);
    let previous = 0;
    for (let i = 0; i < runs; i++) {
      const runEnd = track.runEnds[i]!;
      if (runEnd <= previous) bad(`player ${p}'s run ends must ascend strictly`);
      if (i > 0 && sameInput(track.runInputs, (i - 1) * d.inputSize, i * d.inputSize, d.inputSize)) bad(`player ${p}'s runs ${i - 1} and ${i} hold the same input`);
      previous = runEnd;
    }
    if (previous !== end) bad(`player ${p}'s runs cover ${previous} of its ${end} frames`);
  });
  if (replay.checksums.length !== replay.checksumFrames.length) bad('checksums and checksumFrames differ in length');
  let previous = -1;
  for (const frame of replay.checksumFrames) {
    if (frame <= previous || frame > replay.frameCount) bad('checksum frames must ascend strictly and be at most frameCount');
    previous = frame;
  }
}
