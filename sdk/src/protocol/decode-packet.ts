import { assertCodecContext } from './codec-context.ts';
import { readConnectStatuses } from './connect-status-codec.ts';
import { MAX_FRAME, NO_FRAME } from './frame-range.ts';
import { measureInputRun, readInputRunDeltas, undoInputDeltas, zeroReference } from './input-run-codec.ts';
import {
  DropReason,
  MAX_INPUTS_PER_PACKET,
  MAX_PACKET_BYTES,
  MessageType,
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
} from './messages.ts';
import type { ConnectStatus, DecodeContext, DecodeResult, Message } from './messages.ts';
import { HEADER_BYTES, HeaderOffset, TYPE_ARGUMENT_SHIFT, TYPE_MASK, typeTakesPlayer } from './packet-header.ts';
import { ReadError, isReadError } from './read-error.ts';
import { readUVarInt, readVarInt, uvarintSize, varIntSize } from './var-int.ts';

/**
 * Bytes -> packet, per docs/protocol.md, for bytes straight off the network: every field is
 * checked and anything off is a counted drop, never an exception. Errors travel as `ReadError`
 * return values rather than throws because garbage is an expected input here.
 *
 * The only throws are the session's own bugs: an invalid `ctx` (player count, input size, or a
 * reference input of the wrong size) or an exception from `ctx.previousInput`.
 */

function dropped(reason: DropReason): DecodeResult {
  return Object.freeze({ ok: false, reason });
}

/** One shared, frozen result per reason: a drop allocates nothing. */
export const TRUNCATED = dropped(DropReason.Truncated);
const OVERSIZED = dropped(DropReason.Oversized);
const MAGIC = dropped(DropReason.Magic);
const VERSION = dropped(DropReason.Version);
export const UNKNOWN_TYPE = dropped(DropReason.UnknownType);
export const MALFORMED = dropped(DropReason.Malformed);
const GAP = dropped(DropReason.Gap);

/** The drop for a failed read (`ReadError`). */
export function failure(error: number): DecodeResult {
  return error === ReadError.Truncated ? TRUNCATED : MALFORMED;
}

export function accepted(token: number, message: Message): DecodeResult {
  return { ok: true, packet: { token, message } };
}

export function readU32(data: Uint8Array, at: number): number {
  return (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
}

/**
 * Decodes one packet. Never throws for any bytes, never modifies `data` and keeps no reference to
 * it (the decoded inputs are a fresh copy). Checks, in order: size (oversized), magic, version,
 * header length (truncated), type, then the body field by field (truncated / malformed), trailing
 * bytes (malformed) and finally, for an Input message with inputs, the XOR reference (gap).
 */
export function decodePacket(data: Uint8Array, ctx: DecodeContext): DecodeResult {
  assertCodecContext(ctx);
  const length = data.length;
  if (length > MAX_PACKET_BYTES) return OVERSIZED;
  if (length === 0) return TRUNCATED;
  if (data[HeaderOffset.Magic] !== PROTOCOL_MAGIC) return MAGIC;
  if (length <= HeaderOffset.Version) return TRUNCATED;
  if (data[HeaderOffset.Version] !== PROTOCOL_VERSION) return VERSION;
  if (length < HEADER_BYTES) return TRUNCATED;
  const typeByte = data[HeaderOffset.Type]!;
  const type = typeByte & TYPE_MASK;
  const argument = typeByte >>> TYPE_ARGUMENT_SHIFT;
  const token = data[HeaderOffset.Token]! | (data[HeaderOffset.Token + 1]! << 8);
  if (type < MessageType.SyncRequest || type > MessageType.Readmit) return UNKNOWN_TYPE;
  if (typeTakesPlayer(type)) {
    if (argument >= ctx.playerCount) return MALFORMED;
  } else if (argument !== 0) {
    return UNKNOWN_TYPE;
  }
  switch (type) {
    case MessageType.SyncRequest:
    case MessageType.SyncReply:
      return readSync(data, type, argument, token);
    case MessageType.Input:
      return readInput(data, ctx, argument, token);
    case MessageType.InputAck:
      return readInputAck(data, ctx, token);
    case MessageType.QualityReport: {
      if (length < HEADER_BYTES + 4) return TRUNCATED;
      const pingMs = readU32(data, HEADER_BYTES);
      const frameAdvantage = readVarInt(data, HEADER_BYTES + 4);
      if (isReadError(frameAdvantage)) return failure(frameAdvantage);
      const at = HEADER_BYTES + 4 + varIntSize(frameAdvantage);
      const packetsSent = readUVarInt(data, at);
      if (packetsSent < 0) return failure(packetsSent);
      if (at + uvarintSize(packetsSent) !== length) return MALFORMED;
      return accepted(token, { type: MessageType.QualityReport, pingMs, frameAdvantage, packetsSent });
    }
    case MessageType.QualityReply:
      if (length < HEADER_BYTES + 4) return TRUNCATED;
      if (length !== HEADER_BYTES + 4) return MALFORMED;
      return accepted(token, { type: MessageType.QualityReply, pongMs: readU32(data, HEADER_BYTES) });
    case MessageType.KeepAlive:
      if (length !== HEADER_BYTES) return MALFORMED;
      return accepted(token, { type: MessageType.KeepAlive });
    case MessageType.ChecksumReport: {
      const frame = readUVarInt(data, HEADER_BYTES);
      if (frame < 0) return failure(frame);
      if (frame > MAX_FRAME) return MALFORMED;
      const at = HEADER_BYTES + uvarintSize(frame);
      if (length < at + 4) return TRUNCATED;
      if (length !== at + 4) return MALFORMED;
      return accepted(token, { type: MessageType.ChecksumReport, frame, checksum: readU32(data, at) });
    }
    case MessageType.StateChunk:
    case MessageType.StateAck:
    case MessageType.Readmit:
      // The rejoin's messages: only a session that takes part in rejoins reads them.
      return ctx.rejoin === undefined ? UNKNOWN_TYPE : ctx.rejoin.read(data, type, argument, token);
    case MessageType.Goodbye: {
      const shifted = readUVarInt(data, HEADER_BYTES);
      if (shifted < 0) return failure(shifted);
      if (shifted > MAX_FRAME - NO_FRAME) return MALFORMED;
      if (HEADER_BYTES + uvarintSize(shifted) !== length) return MALFORMED;
      return accepted(token, { type: MessageType.Goodbye, lastFrame: shifted + NO_FRAME });
    }
    default:
      return UNKNOWN_TYPE;
  }
}

function readSync(data: Uint8Array, type: number, player: number, token: number): DecodeResult {
  const length = data.length;
  if (length < HEADER_BYTES + 8) return TRUNCATED;
  const nonce = readU32(data, HEADER_BYTES);
  const fingerprint = readU32(data, HEADER_BYTES + 4);
  const epoch = readUVarInt(data, HEADER_BYTES + 8);
  if (epoch < 0) return failure(epoch);
  if (HEADER_BYTES + 8 + uvarintSize(epoch) !== length) return MALFORMED;
  return accepted(
    token,
    type === MessageType.SyncRequest
      ? { type: MessageType.SyncRequest, nonce, fingerprint, player, epoch }
      : { type: MessageType.SyncReply, nonce, fingerprint, player, epoch },
  );
}

function readInput(data: Uint8Array, ctx: DecodeContext, player: number, token: number): DecodeResult {
  const { playerCount, inputSize } = ctx;
  let at = HEADER_BYTES;
  const currentFrame = readUVarInt(data, at);
  if (currentFrame < 0) return failure(currentFrame);
  if (currentFrame > MAX_FRAME) return MALFORMED;
  at += uvarintSize(currentFrame);
  const statuses: ConnectStatus[] = [];
  at = readConnectStatuses(data, at, playerCount, currentFrame, statuses);
  if (at < 0) return failure(at);
  const startDelta = readVarInt(data, at);
  if (isReadError(startDelta)) return failure(startDelta);
  at += varIntSize(startDelta);
  const startFrame = currentFrame - startDelta;
  if (startFrame < 0 || startFrame > MAX_FRAME) return MALFORMED;
  // The run has no length prefix: it is the rest of the packet.
  const runBytes = measureInputRun(data, at, MAX_INPUTS_PER_PACKET * inputSize);
  if (runBytes < 0) return failure(runBytes);
  if (runBytes % inputSize !== 0) return MALFORMED;
  const count = runBytes / inputSize;
  if (count > 0 && startFrame + count - 1 > MAX_FRAME) return MALFORMED;
  const inputs = new Uint8Array(runBytes);
  at = readInputRunDeltas(data, at, inputs);
  if (at < 0) return failure(at);
  if (at !== data.length) return MALFORMED;
  if (count > 0) {
    let reference = zeroReference(inputSize);
    if (startFrame > 0) {
      const previous = ctx.previousInput(player, startFrame - 1);
      if (previous === undefined) return GAP;
      if (previous.length !== inputSize) {
        throw new RangeError(`previousInput returned ${previous.length} bytes, expected inputSize = ${inputSize}`);
      }
      reference = previous;
    }
    undoInputDeltas(inputs, inputSize, reference);
  }
  return accepted(token, { type: MessageType.Input, player, currentFrame, statuses, startFrame, inputs });
}

function readInputAck(data: Uint8Array, ctx: DecodeContext, token: number): DecodeResult {
  const currentFrame = readUVarInt(data, HEADER_BYTES);
  if (currentFrame < 0) return failure(currentFrame);
  if (currentFrame > MAX_FRAME) return MALFORMED;
  const statuses: ConnectStatus[] = [];
  const at = readConnectStatuses(data, HEADER_BYTES + uvarintSize(currentFrame), ctx.playerCount, currentFrame, statuses);
  if (at < 0) return failure(at);
  if (at !== data.length) return MALFORMED;
  return accepted(token, { type: MessageType.InputAck, currentFrame, statuses });
}
