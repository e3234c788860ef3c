import { MAX_INPUT_BYTES, MAX_PLAYERS } from './messages.ts';
import type { RejoinMessageCodec } from './messages.ts';

/**
 * What the encoder needs from the session. Shaped like `DecodeContext` on purpose: a session can
 * hand the same object (its player count, input size and input queues) to both directions.
 */
export interface EncodeContext {
  /** Players in the session, 1..MAX_PLAYERS: the length of every status list. */
  readonly playerCount: number;
  /** Bytes per input, 1..MAX_INPUT_BYTES. */
  readonly inputSize: number;
  /**
   * The sender's copy of `player`'s input at `frame` (`inputSize` bytes): the XOR reference of an
   * Input message, asked for `frame = startFrame - 1` only when the message carries inputs and
   * `startFrame > 0` (frame -1 is the all-zero input and is never asked for). Undefined makes the
   * encoder throw: the sender must keep the reference until the run is acknowledged.
   */
  previousInput(player: number, frame: number): Uint8Array | undefined;
  /** The rejoin's messages, for a session that takes part in rejoins. */
  readonly rejoin?: RejoinMessageCodec;
}

/**
 * Throws a `RangeError` unless `playerCount` and `inputSize` are in range. A bad context is the
 * session's bug, not the peer's, so both the encoder and the decoder throw for it.
 */
export function assertCodecContext(ctx: { readonly playerCount: number; readonly inputSize: number }): void {
  const { playerCount, inputSize } = ctx;
  if (!Number.isInteger(playerCount) || playerCount < 1 || playerCount > MAX_PLAYERS) {
    throw new RangeError(`playerCount must be an integer in 1..${MAX_PLAYERS}, got ${playerCount}`);
  }
  if (!Number.isInteger(inputSize) || inputSize < 1 || inputSize > MAX_INPUT_BYTES) {
    throw new RangeError(`inputSize must be an integer in 1..${MAX_INPUT_BYTES}, got ${inputSize}`);
  }
}
