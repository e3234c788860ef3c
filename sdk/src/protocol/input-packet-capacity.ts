import type { EncodeContext } from './codec-context.ts';
import { statusCodeBytes } from './connect-status-codec.ts';
import { maxInputRunBytes } from './input-run-codec.ts';
import { MAX_INPUTS_PER_PACKET, MAX_PACKET_BYTES } from './messages.ts';
import { HEADER_BYTES } from './packet-header.ts';
import { MAX_VARINT_BYTES } from './var-int.ts';

/**
 * How many inputs one Input packet can always carry. `encodePacket` throws when a packet would
 * exceed MAX_PACKET_BYTES, which only an input run of many changing inputs can cause; a sender
 * that never puts more than this many inputs in one message never sees that error.
 */

/** Most bytes of an Input packet before its input run, for `playerCount` players. */
export function maxInputHeadBytes(playerCount: number): number {
  return (
    HEADER_BYTES +
    MAX_VARINT_BYTES + // currentFrame
    statusCodeBytes(playerCount) +
    MAX_VARINT_BYTES * playerCount + // status extensions
    MAX_VARINT_BYTES // startFrame delta (the run has no count: it ends with the packet)
  );
}

/**
 * The most inputs (at most MAX_INPUTS_PER_PACKET) that fit one Input packet whatever their
 * content and frame numbers. Usually far more fit (unchanged inputs cost almost nothing).
 * E.g. 4 players: 128 inputs of up to 8 bytes, 72 of 16 bytes, 18 of 64 bytes (16 players: 16).
 */
export function inputsThatAlwaysFit(ctx: Pick<EncodeContext, 'playerCount' | 'inputSize'>): number {
  const budget = MAX_PACKET_BYTES - maxInputHeadBytes(ctx.playerCount);
  let count = Math.min(MAX_INPUTS_PER_PACKET, Math.floor(budget / ctx.inputSize));
  while (count > 0 && maxInputRunBytes(count * ctx.inputSize) > budget) count--;
  return count;
}
