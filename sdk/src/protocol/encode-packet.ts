import { assertCodecContext } from './codec-context.ts';
import type { EncodeContext } from './codec-context.ts';
import { writeConnectStatuses } from './connect-status-codec.ts';
import { MAX_FRAME, NO_FRAME, isFrame, isLastFrame } from './frame-range.ts';
import { encodeInputRun, zeroReference } from './input-run-codec.ts';
import { MAX_INPUTS_PER_PACKET, MAX_PACKET_BYTES, MessageType } from './messages.ts';
import type { ConnectStatus, InputMessage, Message, Packet } from './messages.ts';
import { HEADER_BYTES, writePacketHeader } from './packet-header.ts';
import { writeUVarInt, writeVarInt } from './var-int.ts';

/**
 * Packet -> bytes, per docs/protocol.md. Everything the receiver would reject is refused here with
 * a `RangeError` naming the field: the session built the message, so it is the session's bug.
 */

/**
 * Where packets are built when the caller's buffer cannot hold a maximal packet. Every field
 * except the input run is bounded far below MAX_PACKET_BYTES, so writing into a buffer of
 * MAX_PACKET_BYTES bytes only ever overflows in the run, which `encodeInputRun` reports.
 */
const scratch = new Uint8Array(MAX_PACKET_BYTES);

export function isU16(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffff;
}

function isU32(value: number): boolean {
  return value >>> 0 === value;
}

export function checkU32(value: number, field: string): void {
  if (!isU32(value)) throw new RangeError(`${field} must be an integer in 0..2^32-1, got ${value}`);
}

export function checkFrame(frame: number, field: string): void {
  if (!isFrame(frame)) throw new RangeError(`${field} must be an integer in 0..${MAX_FRAME}, got ${frame}`);
}

export function checkPlayer(player: number, playerCount: number, field: string): void {
  if (!Number.isInteger(player) || player < 0 || player >= playerCount) {
    throw new RangeError(`${field} must be a player handle in 0..${playerCount - 1}, got ${player}`);
  }
}

function checkStatuses(statuses: readonly ConnectStatus[], playerCount: number, field: string): void {
  if (statuses.length !== playerCount) {
    throw new RangeError(`${field} has ${statuses.length} entries, expected playerCount = ${playerCount}`);
  }
}

export function writeU32(out: Uint8Array, at: number, value: number): number {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
  out[at + 2] = (value >>> 16) & 0xff;
  out[at + 3] = value >>> 24;
  return at + 4;
}

/**
 * Encodes `packet`. With `out` of at least MAX_PACKET_BYTES bytes the packet is built in place
 * and a subarray of `out` returned (no buffer is allocated); with a smaller `out` it is copied
 * there (throws if it does not fit); without `out` a fresh exact-size array is returned, which the
 * caller may hand to a transport that keeps it.
 *
 * Throws a `RangeError` for: an invalid context, a token that is not a u16, an unknown message
 * type, a player handle outside 0..playerCount-1, a frame outside its range (0..2^31-1;
 * `lastFrame` -1..2^31-1), a u32 field or i32 `frameAdvantage` out of range, a status list whose
 * length is not playerCount, inputs that are not whole inputs or more than MAX_INPUTS_PER_PACKET
 * of them, a run passing frame 2^31-1, a missing XOR reference, and a packet that would exceed
 * MAX_PACKET_BYTES (too many changing inputs: send fewer).
 */
export function encodePacket(packet: Packet, ctx: EncodeContext, out?: Uint8Array): Uint8Array {
  assertCodecContext(ctx);
  const { token, message } = packet;
  if (!isU16(token)) throw new RangeError(`token must be an integer in 0..65535, got ${token}`);
  const direct = out !== undefined && out.length >= MAX_PACKET_BYTES;
  const buffer = direct ? out : scratch;
  const size = writeMessage(buffer, message, token, ctx);
  if (direct) return out.subarray(0, size);
  if (out === undefined) return scratch.slice(0, size);
  if (size > out.length) {
    throw new RangeError(`packet of ${size} bytes does not fit in the ${out.length}-byte output buffer`);
  }
  for (let i = 0; i < size; i++) out[i] = scratch[i]!;
  return out.subarray(0, size);
}

/** Writes header and body into `out` (at least MAX_PACKET_BYTES long); returns the packet size. */
function writeMessage(out: Uint8Array, message: Message, token: number, ctx: EncodeContext): number {
  const { playerCount } = ctx;
  switch (message.type) {
    case MessageType.SyncRequest:
    case MessageType.SyncReply: {
      const name = message.type === MessageType.SyncRequest ? 'SyncRequest' : 'SyncReply';
      checkPlayer(message.player, playerCount, `${name}.player`);
      checkU32(message.nonce, `${name}.nonce`);
      checkU32(message.fingerprint, `${name}.fingerprint`);
      checkU32(message.epoch, `${name}.epoch`);
      writePacketHeader(out, message.type, message.player, token);
      let at = writeU32(out, HEADER_BYTES, message.nonce);
      at = writeU32(out, at, message.fingerprint);
      return writeUVarInt(out, at, message.epoch);
    }
    case MessageType.Input:
      return writeInput(out, message, token, ctx);
    case MessageType.InputAck: {
      checkFrame(message.currentFrame, 'InputAck.currentFrame');
      checkStatuses(message.statuses, playerCount, 'InputAck.statuses');
      writePacketHeader(out, message.type, 0, token);
      const at = writeUVarInt(out, HEADER_BYTES, message.currentFrame);
      return writeConnectStatuses(out, at, message.statuses, message.currentFrame);
    }
    case MessageType.QualityReport: {
      checkU32(message.pingMs, 'QualityReport.pingMs');
      checkU32(message.packetsSent, 'QualityReport.packetsSent');
      const advantage = message.frameAdvantage;
      if ((advantage | 0) !== advantage) {
        throw new RangeError(`QualityReport.frameAdvantage must be an integer in -2^31..2^31-1, got ${advantage}`);
      }
      writePacketHeader(out, message.type, 0, token);
      const at = writeU32(out, HEADER_BYTES, message.pingMs);
      return writeUVarInt(out, writeVarInt(out, at, advantage), message.packetsSent);
    }
    case MessageType.QualityReply:
      checkU32(message.pongMs, 'QualityReply.pongMs');
      writePacketHeader(out, message.type, 0, token);
      return writeU32(out, HEADER_BYTES, message.pongMs);
    case MessageType.KeepAlive:
      writePacketHeader(out, message.type, 0, token);
      return HEADER_BYTES;
    case MessageType.ChecksumReport: {
      checkFrame(message.frame, 'ChecksumReport.frame');
      checkU32(message.checksum, 'ChecksumReport.checksum');
      writePacketHeader(out, message.type, 0, token);
      const at = writeUVarInt(out, HEADER_BYTES, message.frame);
      return writeU32(out, at, message.checksum);
    }
    case MessageType.Goodbye:
      if (!isLastFrame(message.lastFrame)) {
        throw new RangeError(`Goodbye.lastFrame must be an integer in -1..${MAX_FRAME}, got ${message.lastFrame}`);
      }
      writePacketHeader(out, message.type, 0, token);
      return writeUVarInt(out, HEADER_BYTES, message.lastFrame - NO_FRAME);
    case MessageType.StateChunk:
    case MessageType.StateAck:
    case MessageType.Readmit:
      if (ctx.rejoin === undefined) throw new RangeError(`message type ${message.type} (the rejoin's) needs a context with the rejoin codec`);
      return ctx.rejoin.write(out, message, token, playerCount);
    default:
      throw new RangeError(`unknown message type ${String((message as { type: unknown }).type)}`);
  }
}

function writeInput(out: Uint8Array, message: InputMessage, token: number, ctx: EncodeContext): number {
  const { playerCount, inputSize } = ctx;
  const { player, currentFrame, statuses, startFrame, inputs } = message;
  checkPlayer(player, playerCount, 'Input.player');
  checkFrame(currentFrame, 'Input.currentFrame');
  checkFrame(startFrame, 'Input.startFrame');
  checkStatuses(statuses, playerCount, 'Input.statuses');
  if (inputs.length % inputSize !== 0) {
    throw new RangeError(`Input.inputs has ${inputs.length} bytes, not a multiple of inputSize = ${inputSize}`);
  }
  const count = inputs.length / inputSize;
  if (count > MAX_INPUTS_PER_PACKET) {
    throw new RangeError(`Input.inputs holds ${count} inputs, more than MAX_INPUTS_PER_PACKET = ${MAX_INPUTS_PER_PACKET}`);
  }
  if (count > 0 && startFrame + count - 1 > MAX_FRAME) {
    throw new RangeError(`Input run ${startFrame}+${count} passes frame ${MAX_FRAME}`);
  }
  // Fetched before anything is written: the callback is the caller's code (it might encode too).
  let reference = zeroReference(inputSize);
  if (count > 0 && startFrame > 0) {
    const previous = ctx.previousInput(player, startFrame - 1);
    if (previous === undefined) {
      throw new RangeError(`no reference input for player ${player} at frame ${startFrame - 1} (startFrame - 1)`);
    }
    if (previous.length !== inputSize) {
      throw new RangeError(`reference input has ${previous.length} bytes, expected inputSize = ${inputSize}`);
    }
    reference = previous;
  }
  writePacketHeader(out, MessageType.Input, player, token);
  let at = writeUVarInt(out, HEADER_BYTES, currentFrame);
  at = writeConnectStatuses(out, at, statuses, currentFrame);
  at = writeVarInt(out, at, currentFrame - startFrame);
  // No count: the run ends with the packet.
  const end = encodeInputRun(inputs, inputSize, reference, out, at, MAX_PACKET_BYTES);
  if (end < 0) {
    throw new RangeError(
      `Input packet of ${count} inputs of ${inputSize} bytes exceeds MAX_PACKET_BYTES = ${MAX_PACKET_BYTES}: send fewer inputs`,
    );
  }
  return end;
}
