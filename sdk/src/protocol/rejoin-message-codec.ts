import { MAX_PACKET_BYTES, MessageType } from './messages.ts';
import type { DecodeResult, Message, RejoinMessageCodec } from './messages.ts';
import { MAX_FRAME } from './frame-range.ts';
import { MALFORMED, TRUNCATED, UNKNOWN_TYPE, accepted, failure, readU32 } from './decode-packet.ts';
import { checkFrame, checkPlayer, checkU32, isU16, writeU32 } from './encode-packet.ts';
import { HEADER_BYTES, writePacketHeader } from './packet-header.ts';
import { readUVarInt, uvarintSize, writeUVarInt } from './var-int.ts';

/**
 * The wire format of the rejoin's messages, StateChunk (10), StateAck (11) and Readmit (12)
 * (docs/protocol.md). Apart from the rest of the codec so that a game whose sessions never
 * rejoin does not carry it: a `RejoinableSession` hands it to its packet codec, and a plain
 * `P2PSession` drops these types as `unknown-type`. Same rules as the rest: the reader never
 * throws for any bytes, the writer throws a RangeError for anything a reader would drop.
 */
export const rejoinMessageCodec: RejoinMessageCodec = { read, write };

/** Reads the body of a packet of `type` (10..12), its header checked already (`argument`: the type argument). */
function read(data: Uint8Array, type: number, argument: number, token: number): DecodeResult {
  const length = data.length;
  switch (type) {
    case MessageType.StateChunk:
      return readStateChunk(data, token);
    case MessageType.StateAck: {
      if (length < HEADER_BYTES + 2) return TRUNCATED;
      const transferId = data[HEADER_BYTES]! | (data[HEADER_BYTES + 1]! << 8);
      const next = readUVarInt(data, HEADER_BYTES + 2);
      if (next < 0) return failure(next);
      if (next > MAX_FRAME) return MALFORMED;
      const at = HEADER_BYTES + 2 + uvarintSize(next);
      if (length < at + 4) return TRUNCATED;
      if (length !== at + 4) return MALFORMED;
      return accepted(token, { type: MessageType.StateAck, transferId, next, mask: readU32(data, at) });
    }
    case MessageType.Readmit: {
      const frame = readUVarInt(data, HEADER_BYTES);
      if (frame < 0) return failure(frame);
      if (frame > MAX_FRAME) return MALFORMED;
      const at = HEADER_BYTES + uvarintSize(frame);
      if (length < at + 1) return TRUNCATED;
      const flags = data[at]!;
      if (length !== at + 1 || flags > 1) return MALFORMED;
      return accepted(token, { type: MessageType.Readmit, player: argument, frame, agreed: flags === 1 });
    }
    default:
      return UNKNOWN_TYPE;
  }
}

/** A StateChunk: transfer id (u16), frame, total length, hash (u32), index, then the chunk's bytes to the end. */
function readStateChunk(data: Uint8Array, token: number): DecodeResult {
  const length = data.length;
  if (length < HEADER_BYTES + 2) return TRUNCATED;
  const transferId = data[HEADER_BYTES]! | (data[HEADER_BYTES + 1]! << 8);
  let at = HEADER_BYTES + 2;
  const frame = readUVarInt(data, at);
  if (frame < 0) return failure(frame);
  if (frame > MAX_FRAME) return MALFORMED;
  at += uvarintSize(frame);
  const totalBytes = readUVarInt(data, at);
  if (totalBytes < 0) return failure(totalBytes);
  if (totalBytes < 1 || totalBytes > MAX_FRAME) return MALFORMED;
  at += uvarintSize(totalBytes);
  if (length < at + 4) return TRUNCATED;
  const hash = readU32(data, at);
  at += 4;
  const index = readUVarInt(data, at);
  if (index < 0) return failure(index);
  if (index > MAX_FRAME) return MALFORMED;
  at += uvarintSize(index);
  if (at >= length) return TRUNCATED;
  return accepted(token, { type: MessageType.StateChunk, transferId, frame, totalBytes, hash, index, bytes: data.slice(at) });
}

/** Writes `message` (one of the three) into `out` (at least MAX_PACKET_BYTES long); returns the packet size. */
function write(out: Uint8Array, message: Message, token: number, playerCount: number): number {
  switch (message.type) {
    case MessageType.StateChunk: {
      const m = message;
      if (!isU16(m.transferId)) throw new RangeError(`StateChunk.transferId must be an integer in 0..65535, got ${m.transferId}`);
      checkFrame(m.frame, 'StateChunk.frame');
      if (!Number.isInteger(m.totalBytes) || m.totalBytes < 1 || m.totalBytes > MAX_FRAME) {
        throw new RangeError(`StateChunk.totalBytes must be an integer in 1..${MAX_FRAME}, got ${m.totalBytes}`);
      }
      checkU32(m.hash, 'StateChunk.hash');
      checkFrame(m.index, 'StateChunk.index');
      if (m.bytes.length === 0) throw new RangeError('StateChunk.bytes must not be empty');
      writePacketHeader(out, message.type, 0, token);
      out[HEADER_BYTES] = m.transferId & 0xff;
      out[HEADER_BYTES + 1] = m.transferId >>> 8;
      let at = writeUVarInt(out, HEADER_BYTES + 2, m.frame);
      at = writeUVarInt(out, at, m.totalBytes);
      at = writeU32(out, at, m.hash);
      at = writeUVarInt(out, at, m.index);
      if (at + m.bytes.length > MAX_PACKET_BYTES) {
        throw new RangeError(`StateChunk of ${m.bytes.length} bytes exceeds MAX_PACKET_BYTES = ${MAX_PACKET_BYTES}`);
      }
      out.set(m.bytes, at);
      return at + m.bytes.length;
    }
    case MessageType.StateAck: {
      if (!isU16(message.transferId)) throw new RangeError(`StateAck.transferId must be an integer in 0..65535, got ${message.transferId}`);
      checkFrame(message.next, 'StateAck.next');
      checkU32(message.mask, 'StateAck.mask');
      writePacketHeader(out, message.type, 0, token);
      out[HEADER_BYTES] = message.transferId & 0xff;
      out[HEADER_BYTES + 1] = message.transferId >>> 8;
      const at = writeUVarInt(out, HEADER_BYTES + 2, message.next);
      return writeU32(out, at, message.mask);
    }
    case MessageType.Readmit: {
      checkPlayer(message.player, playerCount, 'Readmit.player');
      checkFrame(message.frame, 'Readmit.frame');
      if (typeof message.agreed !== 'boolean') throw new RangeError(`Readmit.agreed must be a boolean, got ${String(message.agreed)}`);
      writePacketHeader(out, message.type, message.player, token);
      const at = writeUVarInt(out, HEADER_BYTES, message.frame);
      out[at] = message.agreed ? 1 : 0;
      return at + 1;
    }
    default:
      throw new RangeError(`message type ${message.type} is not one of the rejoin's`);
  }
}
