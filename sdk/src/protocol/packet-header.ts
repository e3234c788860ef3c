import { MessageType, PROTOCOL_MAGIC, PROTOCOL_VERSION } from './messages.ts';

/**
 * The 5-byte header that starts every packet (docs/protocol.md, "Header"):
 *
 * | offset | size | field                                                          |
 * |--------|------|----------------------------------------------------------------|
 * | 0      | 1    | magic, `PROTOCOL_MAGIC` (0xb5)                                 |
 * | 1      | 1    | version, `PROTOCOL_VERSION`                                    |
 * | 2      | 1    | type byte: message type (low 4 bits), type argument (high 4)  |
 * | 3      | 2    | token, u16 little-endian                                       |
 *
 * The type argument is the player handle for Input, SyncRequest, SyncReply and Readmit (MAX_PLAYERS is 16,
 * so a handle fits in 4 bits) and 0 for every other type. Folding the handle into the type byte
 * makes it free for the most frequent packet, Input, whoever's inputs it carries.
 */

/** Bytes of the header. */
export const HEADER_BYTES = 5;

/** Byte offsets of the header's fields. */
export const HeaderOffset = {
  Magic: 0,
  Version: 1,
  Type: 2,
  Token: 3,
} as const;
export type HeaderOffset = (typeof HeaderOffset)[keyof typeof HeaderOffset];

/** Mask of the message type in the type byte. */
export const TYPE_MASK = 0x0f;
/** Shift of the type argument in the type byte. */
export const TYPE_ARGUMENT_SHIFT = 4;

/** Whether the type byte of messages of `type` carries a player handle as its argument. */
export function typeTakesPlayer(type: number): boolean {
  return type === MessageType.Input || type === MessageType.SyncRequest || type === MessageType.SyncReply || type === MessageType.Readmit;
}

/**
 * Writes the header into `out[0..5)`. The caller has checked that `out` holds 5 bytes, `argument`
 * is 0..15 and `token` is a u16.
 */
export function writePacketHeader(out: Uint8Array, type: MessageType, argument: number, token: number): void {
  out[HeaderOffset.Magic] = PROTOCOL_MAGIC;
  out[HeaderOffset.Version] = PROTOCOL_VERSION;
  out[HeaderOffset.Type] = type | (argument << TYPE_ARGUMENT_SHIFT);
  out[HeaderOffset.Token] = token & 0xff;
  out[HeaderOffset.Token + 1] = token >>> 8;
}
