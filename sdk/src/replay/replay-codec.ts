import { BinaryReader } from '../kit/binary-reader.ts';
import { BinaryReadError } from '../kit/binary-read-error.ts';
import { BinaryWriter } from '../kit/binary-writer.ts';
import { hashBytes } from '../kit/hash.ts';
import { MAX_INPUT_BYTES, MAX_PLAYERS } from '../protocol/messages.ts';
import type { Replay, ReplayAbsence, ReplayDecision, ReplayTrack } from './replay-format.ts';
import {
  MAX_REPLAY_FPS,
  MAX_REPLAY_FRAMES,
  MAX_REPLAY_NAME_BYTES,
  MAX_REPLAY_SETTINGS_BYTES,
  OLDEST_READ_REPLAY_VERSION,
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
/** Bytes of one absence at the least: a 1-byte gap and a 1-byte length. */
const MIN_ABSENCE_BYTES = 2;

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
    w.varUint(track.absences.length);
    let present = 0; // the end of the previous absence
    for (const absence of track.absences) {
      w.varUint(absence.from - present).varUint(absence.to - absence.from);
      present = absence.to;
    }
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
 * Reads a replay written by {@link encodeReplay}, in format version 2 or (from an older SDK) 1.
 * Anything else (a truncated or corrupted file,
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
    if (version < OLDEST_READ_REPLAY_VERSION || version > REPLAY_VERSION) fail(`replay format version ${version} is not one this SDK reads (${OLDEST_READ_REPLAY_VERSION} to ${REPLAY_VERSION})`, 4);
    // Integrity before meaning: a file damaged anywhere is refused as damaged, not as whatever field it broke.
    const bodyEnd = bytes.length - TRAILER_BYTES;
    const stored = (bytes[bodyEnd]! | (bytes[bodyEnd + 1]! << 8) | (bytes[bodyEnd + 2]! << 16) | (bytes[bodyEnd + 3]! << 24)) >>> 0;
    if (hashBytes(bytes.subarray(0, bodyEnd)) !== stored) fail('the replay is damaged: its trailing checksum does not match its bytes', bodyEnd);
    const body = new BinaryReader(bytes.subarray(0, bodyEnd));
    return readBody(body, version);
  } catch (error) {
    if (error instanceof ReplayFormatError) throw error;
    if (error instanceof BinaryReadError) throw new ReplayFormatError(`the replay ends too early or holds a bad number: ${error.message}`, error.offset);
    throw new ReplayFormatError(`unreadable replay: ${error instanceof Error ? error.message : String(error)}`, r.offset);
  }
}

/** Everything between the version byte and the trailer (`r` reads the body only, positioned at byte 0). */
function readBody(r: BinaryReader, version: number): Replay {
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
  for (let p = 0; p < players; p++) tracks.push(readTrack(r, p, frameCount, inputSize, version, fail));
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

function readTrack(r: BinaryReader, p: number, frameCount: number, inputSize: number, version: number, fail: (message: string, offset?: number) => never): ReplayTrack {
  const absences = version === 1 ? readDepartureV1(r, p, frameCount, fail) : readAbsences(r, p, frameCount, fail);
  let present = frameCount;
  for (const absence of absences) present -= absence.to - absence.from;
  let at = r.offset;
  const runs = r.readVarUint();
  // Each run takes at least 1 + inputSize bytes, so a hostile count cannot make us allocate more than the file.
  if (runs > Math.floor(r.remaining / (1 + inputSize))) fail(`player ${p}'s ${runs} input runs cannot fit in the ${r.remaining} bytes left`, at);
  if ((runs === 0) !== (present === 0)) fail(`player ${p} has ${runs} input runs for ${present} frames present`, at);
  const runEnds = new Uint32Array(runs);
  const runInputs = new Uint8Array(runs * inputSize);
  let frame = 0;
  for (let i = 0; i < runs; i++) {
    at = r.offset;
    const length = r.readVarUint();
    if (length === 0) fail(`player ${p}'s input run ${i} is empty`, at);
    if (length > present - frame) fail(`player ${p}'s input runs go past its ${present} frames present`, at);
    frame += length;
    runEnds[i] = frame;
    const offset = i * inputSize;
    for (let b = 0; b < inputSize; b++) runInputs[offset + b] = r.readU8();
    if (i > 0 && sameInput(runInputs, offset - inputSize, offset, inputSize)) fail(`player ${p}'s input runs ${i - 1} and ${i} hold the same input (runs must be merged)`, at);
  }
  if (frame !== present) fail(`player ${p}'s input runs cover ${frame} of its ${present} frames present`);
  return { runEnds, runInputs, absences };
}

/** Version 2: the count, then per absence its gap from the previous one's end (from 0) and its length. */
function readAbsences(r: BinaryReader, p: number, frameCount: number, fail: (message: string, offset?: number) => never): ReplayAbsence[] {
  let at = r.offset;
  const count = r.readVarUint();
  if (count > Math.floor(r.remaining / MIN_ABSENCE_BYTES)) fail(`player ${p}'s ${count} absences cannot fit in the ${r.remaining} bytes left`, at);
  const absences: ReplayAbsence[] = [];
  let end = 0;
  for (let i = 0; i < count; i++) {
    at = r.offset;
    const gap = r.readVarUint();
    // A gap of 0 after an absence would make two touching absences, which are one: not the one encoding.
    if (i > 0 && gap === 0) fail(`player ${p}'s absence ${i} starts where absence ${i - 1} ends (absences must be merged)`, at);
    const from = end + gap;
    if (from >= frameCount) fail(`player ${p}'s absence ${i} starts at frame ${from}, not before the ${frameCount} frames recorded end`, at);
    at = r.offset;
    const length = r.readVarUint();
    if (length === 0) fail(`player ${p}'s absence ${i} is empty`, at);
    if (length > frameCount - from) fail(`player ${p}'s absence ${i} goes past the ${frameCount} frames recorded`, at);
    end = from + length;
    absences.push({ from, to: end });
  }
  return absences;
}

/** Version 1: one varint L, 0 for a player that never left, else the frame it left at + 1 (it never came back). */
function readDepartureV1(r: BinaryReader, p: number, frameCount: number, fail: (message: string, offset?: number) => never): ReplayAbsence[] {
  const at = r.offset;
  const gone = r.readVarUint();
  if (gone > frameCount + 1) fail(`player ${p} leaves at frame ${gone - 1}, past the ${frameCount} frames recorded`, at);
  // Leaving at frameCount itself (allowed by version 1) leaves no frame absent.
  return gone >= 1 && gone - 1 < frameCount ? [{ from: gone - 1, to: frameCount }] : [];
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
    if (!Array.isArray(track.absences)) bad(`player ${p}'s absences must be an array`);
    let present = replay.frameCount;
    let lastEnd = -1;
    track.absences.forEach((absence, i) => {
      const { from, to } = absence;
      if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > replay.frameCount || from >= to) bad(`player ${p}'s absence ${i} must be a non-empty [from, to) within 0..frameCount, got [${String(from)}, ${String(to)})`);
      if (from <= lastEnd) bad(`player ${p}'s absence ${i} [${from}, ${to}) overlaps, touches or comes before absence ${i - 1} (absences must be in frame order, apart)`);
      lastEnd = to;
      present -= to - from;
    });
    const runs = track.runEnds.length;
    if (track.runInputs.length !== runs * d.inputSize) bad(`player ${p}'s runInputs must hold ${runs * d.inputSize} bytes`);
    let previous = 0;
    for (let i = 0; i < runs; i++) {
      const runEnd = track.runEnds[i]!;
      if (runEnd <= previous) bad(`player ${p}'s run ends must ascend strictly`);
      if (i > 0 && sameInput(track.runInputs, (i - 1) * d.inputSize, i * d.inputSize, d.inputSize)) bad(`player ${p}'s runs ${i - 1} and ${i} hold the same input`);
      previous = runEnd;
    }
    if (previous !== present) bad(`player ${p}'s runs cover ${previous} of its ${present} frames present`);
  });
  if (replay.checksums.length !== replay.checksumFrames.length) bad('checksums and checksumFrames differ in length');
  let previous = -1;
  for (const frame of replay.checksumFrames) {
    if (frame <= previous || frame > replay.frameCount) bad('checksum frames must ascend strictly and be at most frameCount');
    previous = frame;
  }
}
