/** The Backspin wire protocol: message types, and the codec between them and packet bytes. */
export * from './messages.ts';
export { assertCodecContext } from './codec-context.ts';
export type { EncodeContext } from './codec-context.ts';
export { encodePacket } from './encode-packet.ts';
export { decodePacket } from './decode-packet.ts';
export { HEADER_BYTES, HeaderOffset, TYPE_ARGUMENT_SHIFT, TYPE_MASK, typeTakesPlayer, writePacketHeader } from './packet-header.ts';
export { MAX_FRAME, NO_FRAME, isFrame, isLastFrame } from './frame-range.ts';
export { ReadError, isReadError } from './read-error.ts';
export {
  MAX_VARINT_BYTES,
  readUVarInt,
  readVarInt,
  uvarintSize,
  varIntSize,
  writeUVarInt,
  writeVarInt,
  zigzagDecode,
  zigzagEncode,
} from './var-int.ts';
export {
  MAX_TOKEN_SPAN,
  measureInputRun,
  decodeInputRun,
  encodeInputRun,
  maxInputRunBytes,
  readInputRunDeltas,
  undoInputDeltas,
} from './input-run-codec.ts';
export {
  lastFrameFromDelta,
  readConnectStatuses,
  statusCodeBytes,
  statusDelta,
  writeConnectStatuses,
} from './connect-status-codec.ts';
export { inputsThatAlwaysFit, maxInputHeadBytes } from './input-packet-capacity.ts';
