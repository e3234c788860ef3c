import type { DecodeContext, DecodeResult, Packet, RejoinMessageCodec } from '../protocol/messages.ts';
import { MAX_PACKET_BYTES } from '../protocol/messages.ts';
import type { EncodeContext } from '../protocol/codec-context.ts';
import { encodePacket } from '../protocol/encode-packet.ts';
import { decodePacket } from '../protocol/decode-packet.ts';

/**
 * The session's side of the wire codec: one context (player count, input size and the session's
 * input queues as XOR references) for both directions, and one reused output buffer, so that
 * sending a packet allocates nothing.
 */
export class PacketCodec {
  private readonly ctx: EncodeContext & DecodeContext;
  private readonly out = new Uint8Array(MAX_PACKET_BYTES);

  constructor(playerCount: number, inputSize: number, previousInput: (player: number, frame: number) => Uint8Array | undefined, rejoin?: RejoinMessageCodec) {
    this.ctx = rejoin === undefined ? { playerCount, inputSize, previousInput } : { playerCount, inputSize, previousInput, rejoin };
  }

  /** Encodes into the shared buffer: the result is valid until the next `encode`. */
  encode(packet: Packet): Uint8Array {
    return encodePacket(packet, this.ctx, this.out);
  }

  decode(data: Uint8Array): DecodeResult {
    return decodePacket(data, this.ctx);
  }
}
