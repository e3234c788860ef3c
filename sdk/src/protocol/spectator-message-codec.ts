import { MAX_INPUTS_PER_PACKET, MAX_PACKET_BYTES, MAX_PLAYERS, MessageType, PROTOCOL_MAGIC, PROTOCOL_VERSION } from './messages.ts';
import type { DecodeResult, StateAckMessage, StateChunkMessage } from './messages.ts';
import { MAX_FRAME } from './frame-range.ts';
import { MALFORMED, TRUNCATED, UNKNOWN_TYPE, accepted, failure, readU32 } from './decode-packet.ts';
import { checkFrame, checkU32, writeU32 } from './encode-packet.ts';
import { HEADER_BYTES, HeaderOffset, TYPE_ARGUMENT_SHIFT, TYPE_MASK, writePacketHeader } from './packet-header.ts';
import { readUVarInt, uvarintSize, writeUVarInt } from './var-int.ts';
import { encodeInputRun, measureInputRun, readInputRunDeltas, undoInputDeltas, zeroReference } from './input-run-codec.ts';
import { rejoinMessageCodec } from './rejoin-message-codec.ts';

/**
 * The wire format between a spectator and the player's peer that feeds it (docs/protocol.md,
 * "Spectators"): Spectate (13) and SpectatorInputs (14), plus the rejoin's StateChunk (10) and
 * StateAck (11) for the state a spectator joins with. Its own module, read only by a
 * `SpectatorFeed` and a `SpectatorSession`: a `P2PSession` never reads types 13 and 14 (they are
 * `unknown-type` there), and a game without spectators does not carry this code. Same rules as
 * the rest of the codec: the reader never throws for any bytes, the writer throws a RangeError for
 * anything a reader would drop.
 */

/** The spectators' message types (4 bits like every type; 10..12 are the rejoin's). */
export const SpectatorMessageType = {
  /** Spectator → feed: join, acknowledge, keep alive, leave. */
  Spectate: 13,
  /** Feed → spectator: a run of confirmed inputs of every player, and confirmed checksums. */
  SpectatorInputs: 14,
} as const;
export type SpectatorMessageType = (typeof SpectatorMessageType)[keyof typeof SpectatorMessageType];

/** Checksums one SpectatorInputs carries, at most. */
export const MAX_SPECTATOR_CHECKSUMS = 4;

/**
 * From a spectator, every ~33 ms while inputs flow and every 250 ms otherwise: it asks for (and
 * acknowledges everything before) frame `next`, and the checksums after `checksumThrough`.
 */
export interface SpectateMessage {
  readonly type: typeof SpectatorMessageType.Spectate;
  /** `sessionFingerprint` of the match the spectator watches (u32): a feed of another match refuses it. */
  readonly fingerprint: number;
  /** First frame whose inputs the spectator lacks: it holds the state at the start of some frame at or before it, and every input from there. */
  readonly next: number;
  /** Newest frame whose confirmed checksum it holds (-1: none). */
  readonly checksumThrough: number;
  /** The spectator leaves: the feed forgets it at once. */
  readonly leaving: boolean;
}

/** A confirmed checksum: of the state at the start of `frame`. */
export interface FrameChecksum {
  readonly frame: number;
  /** u32. */
  readonly checksum: number;
}

/**
 * From the feed: every player's confirmed inputs for `inputs.length / (playerCount * inputSize)`
 * frames from `startFrame` (frame by frame, player by player), and how far the match is confirmed.
 */
export interface SpectatorInputsMessage {
  readonly type: typeof SpectatorMessageType.SpectatorInputs;
  readonly startFrame: number;
  /** Newest frame the feed holds confirmed inputs for (>= the run's last frame; -1: none yet). */
  readonly liveFrame: number;
  /** Bit p set: player p is Disconnected in every frame of the run (its inputs all zero). */
  readonly absent: number;
  /** Confirmed checksums the spectator has not acknowledged, at most MAX_SPECTATOR_CHECKSUMS. */
  readonly checksums: readonly FrameChecksum[];
  /** The frames' inputs, `playerCount * inputSize` bytes a frame; may be empty (a keepalive). */
  readonly inputs: Uint8Array;
}

export type SpectatorMessage = SpectateMessage | SpectatorInputsMessage | StateChunkMessage | StateAckMessage;

/** A decoded spectator packet: the sender's token and the message. */
export interface SpectatorPacket {
  readonly token: number;
  readonly message: SpectatorMessage;
}

/** What both ends know of the match: its player count and input size. */
export interface SpectatorCodecContext {
  readonly playerCount: number;
  readonly inputSize: number;
}

export type SpectatorDecodeResult = { readonly ok: true; readonly packet: SpectatorPacket } | Extract<DecodeResult, { ok: false }>;

/**
 * Bytes -> a spectator packet; never throws, never keeps `data`. Types 10 and 11 are read by the
 * rejoin's codec; anything else that is not 13 or 14 is `unknown-type` (a session's Input, say).
 */
export function decodeSpectatorPacket(data: Uint8Array, ctx: SpectatorCodecContext): SpectatorDecodeResult {
  const length = data.length;
  if (length > MAX_PACKET_BYTES) return { ok: false, reason: 'oversized' };
  if (length === 0) return TRUNCATED as SpectatorDecodeResult;
  if (data[HeaderOffset.Magic] !== PROTOCOL_MAGIC) return { ok: false, reason: 'magic' };
  if (length <= HeaderOffset.Version) return TRUNCATED as SpectatorDecodeResult;
  if (data[HeaderOffset.Version] !== PROTOCOL_VERSION) return { ok: false, reason: 'version' };
  if (length < HEADER_BYTES) return TRUNCATED as SpectatorDecodeResult;
  const typeByte = data[HeaderOffset.Type]!;
  const type = typeByte & TYPE_MASK;
  const token = data[HeaderOffset.Token]! | (data[HeaderOffset.Token + 1]! << 8);
  if (typeByte >>> TYPE_ARGUMENT_SHIFT !== 0) return UNKNOWN_TYPE as SpectatorDecodeResult;
  switch (type) {
    case MessageType.StateChunk:
    case MessageType.StateAck:
      return rejoinMessageCodec.read(data, type, 0, token) as SpectatorDecodeResult;
    case SpectatorMessageType.Spectate:
      return readSpectate(data, token);
    case SpectatorMessageType.SpectatorInputs:
      return readInputs(data, ctx, token);
    default:
      return UNKNOWN_TYPE as SpectatorDecodeResult;
  }
}

function readSpectate(data: Uint8Array, token: number): SpectatorDecodeResult {
  const length = data.length;
  if (length < HEADER_BYTES + 4) return TRUNCATED as SpectatorDecodeResult;
  const fingerprint = readU32(data, HEADER_BYTES);
  let at = HEADER_BYTES + 4;
  const next = readUVarInt(data, at);
  if (next < 0) return failure(next) as SpectatorDecodeResult;
  if (next > MAX_FRAME) return MALFORMED as SpectatorDecodeResult;
  at += uvarintSize(next);
  const shifted = readUVarInt(data, at);
  if (shifted < 0) return failure(shifted) as SpectatorDecodeResult;
  if (shifted > MAX_FRAME) return MALFORMED as SpectatorDecodeResult;
  at += uvarintSize(shifted);
  if (length < at + 1) return TRUNCATED as SpectatorDecodeResult;
  const flags = data[at]!;
  if (length !== at + 1 || flags > 1) return MALFORMED as SpectatorDecodeResult;
  return ok(token, { type: SpectatorMessageType.Spectate, fingerprint, next, checksumThrough: shifted - 1, leaving: flags === 1 });
}

function readInputs(data: Uint8Array, ctx: SpectatorCodecContext, token: number): SpectatorDecodeResult {
  const frameBytes = ctx.playerCount * ctx.inputSize;
  let at = HEADER_BYTES;
  const startFrame = readUVarInt(data, at);
  if (startFrame < 0) return failure(startFrame) as SpectatorDecodeResult;
  if (startFrame > MAX_FRAME) return MALFORMED as SpectatorDecodeResult;
  at += uvarintSize(startFrame);
  const liveDelta = readUVarInt(data, at);
  if (liveDelta < 0) return failure(liveDelta) as SpectatorDecodeResult;
  at += uvarintSize(liveDelta);
  const absent = readUVarInt(data, at);
  if (absent < 0) return failure(absent) as SpectatorDecodeResult;
  if (absent >= 1 << ctx.playerCount) return MALFORMED as SpectatorDecodeResult;
  at += uvarintSize(absent);
  if (at >= data.length) return TRUNCATED as SpectatorDecodeResult;
  const count = data[at++]!;
  if (count > MAX_SPECTATOR_CHECKSUMS) return MALFORMED as SpectatorDecodeResult;
  const checksums: FrameChecksum[] = [];
  for (let i = 0; i < count; i++) {
    const frame = readUVarInt(data, at);
    if (frame < 0) return failure(frame) as SpectatorDecodeResult;
    if (frame > MAX_FRAME) return MALFORMED as SpectatorDecodeResult;
    at += uvarintSize(frame);
    if (data.length < at + 4) return TRUNCATED as SpectatorDecodeResult;
    checksums.push({ frame, checksum: readU32(data, at) });
    at += 4;
  }
  const runBytes = measureInputRun(data, at, MAX_INPUTS_PER_PACKET * frameBytes);
  if (runBytes < 0) return failure(runBytes) as SpectatorDecodeResult;
  if (runBytes % frameBytes !== 0) return MALFORMED as SpectatorDecodeResult;
  const frames = runBytes / frameBytes;
  const last = startFrame + frames - 1;
  const liveFrame = last + liveDelta;
  if (last > MAX_FRAME || liveFrame > MAX_FRAME) return MALFORMED as SpectatorDecodeResult;
  const inputs = new Uint8Array(runBytes);
  at = readInputRunDeltas(data, at, inputs);
  if (at < 0) return failure(at) as SpectatorDecodeResult;
  if (at !== data.length) return MALFORMED as SpectatorDecodeResult;
  undoInputDeltas(inputs, frameBytes, zeroReference(frameBytes));
  return ok(token, { type: SpectatorMessageType.SpectatorInputs, startFrame, liveFrame, absent, checksums, inputs });
}

function ok(token: number, message: SpectatorMessage): SpectatorDecodeResult {
  return accepted(token, message as never) as SpectatorDecodeResult;
}

/**
 * Writes a spectator packet into `out` (at least MAX_PACKET_BYTES long) and returns the bytes
 * written (a subarray of `out`), or undefined when a SpectatorInputs' run does not fit in one
 * packet (send fewer frames). Throws a RangeError for a field a reader would refuse.
 */
export function encodeSpectatorPacket(out: Uint8Array, token: number, message: SpectatorMessage, ctx: SpectatorCodecContext): Uint8Array | undefined {
  if (out.length < MAX_PACKET_BYTES) throw new RangeError(`the output buffer must hold ${MAX_PACKET_BYTES} bytes`);
  if (!Number.isInteger(token) || token < 0 || token > 0xffff) throw new RangeError(`token must be an integer in 0..65535, got ${token}`);
  switch (message.type) {
    case MessageType.StateChunk:
    case MessageType.StateAck:
      return out.subarray(0, rejoinMessageCodec.write(out, message, token, ctx.playerCount));
    case SpectatorMessageType.Spectate: {
      checkU32(message.fingerprint, 'Spectate.fingerprint');
      checkFrame(message.next, 'Spectate.next');
      checkFrame(message.checksumThrough + 1, 'Spectate.checksumThrough + 1');
      writePacketHeader(out, message.type as unknown as MessageType, 0, token);
      let at = writeU32(out, HEADER_BYTES, message.fingerprint);
      at = writeUVarInt(out, at, message.next);
      at = writeUVarInt(out, at, message.checksumThrough + 1);
      out[at] = message.leaving ? 1 : 0;
      return out.subarray(0, at + 1);
    }
    case SpectatorMessageType.SpectatorInputs:
      return writeInputs(out, token, message, ctx);
    default:
      throw new RangeError(`message type ${String((message as { type: unknown }).type)} is not a spectator's`);
  }
}

function writeInputs(out: Uint8Array, token: number, m: SpectatorInputsMessage, ctx: SpectatorCodecContext): Uint8Array | undefined {
  const { playerCount, inputSize } = ctx;
  if (!Number.isInteger(playerCount) || playerCount < 1 || playerCount > MAX_PLAYERS) throw new RangeError(`playerCount must be in 1..${MAX_PLAYERS}`);
  const frameBytes = playerCount * inputSize;
  if (m.inputs.length % frameBytes !== 0) throw new RangeError(`SpectatorInputs.inputs has ${m.inputs.length} bytes, not whole frames of ${frameBytes}`);
  const frames = m.inputs.length / frameBytes;
  if (frames > MAX_INPUTS_PER_PACKET) throw new RangeError(`SpectatorInputs holds ${frames} frames, more than ${MAX_INPUTS_PER_PACKET}`);
  checkFrame(m.startFrame, 'SpectatorInputs.startFrame');
  const last = m.startFrame + frames - 1;
  if (!Number.isInteger(m.liveFrame) || m.liveFrame < last || m.liveFrame > MAX_FRAME) throw new RangeError(`SpectatorInputs.liveFrame must be in ${last}..${MAX_FRAME}, got ${m.liveFrame}`);
  if (!Number.isInteger(m.absent) || m.absent < 0 || m.absent >= 1 << playerCount) throw new RangeError(`SpectatorInputs.absent must be a mask of ${playerCount} players, got ${m.absent}`);
  if (m.checksums.length > MAX_SPECTATOR_CHECKSUMS) throw new RangeError(`SpectatorInputs carries at most ${MAX_SPECTATOR_CHECKSUMS} checksums`);
  writePacketHeader(out, m.type as unknown as MessageType, 0, token);
  let at = writeUVarInt(out, HEADER_BYTES, m.startFrame);
  at = writeUVarInt(out, at, m.liveFrame - last);
  at = writeUVarInt(out, at, m.absent);
  out[at++] = m.checksums.length;
  for (const c of m.checksums) {
    checkFrame(c.frame, 'SpectatorInputs.checksums.frame');
    checkU32(c.checksum, 'SpectatorInputs.checksums.checksum');
    at = writeUVarInt(out, at, c.frame);
    at = writeU32(out, at, c.checksum);
  }
  const end = encodeInputRun(m.inputs, frameBytes, zeroReference(frameBytes), out, at, MAX_PACKET_BYTES);
  return end < 0 ? undefined : out.subarray(0, end);
}
