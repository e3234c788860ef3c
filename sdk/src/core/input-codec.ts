/**
 * Turns a game's input value into the fixed number of bytes the protocol carries, and back.
 *
 * Inputs travel as exactly `size` bytes per player per frame; runs of identical inputs compress
 * to almost nothing on the wire, so keep an input's byte form stable while a key is held (no
 * counters or timestamps in inputs).
 */
export interface InputCodec<I> {
  /** Bytes per input, 1..64. */
  readonly size: number;
  /** Writes `input` into `out` (exactly `size` bytes, pre-zeroed). */
  encode(input: I, out: Uint8Array): void;
  /**
   * Reads an input from `bytes` (exactly `size` bytes). The session reuses `bytes` after
   * `Game.step` returns, so a decoder that returns a view must document that the value is only
   * valid during the step.
   */
  decode(bytes: Uint8Array): I;
}

/**
 * The default codec: the input is its own bytes. `decode` returns the very buffer it is given, so
 * the input a game sees in `step` is only valid during that call (copy it to keep it).
 */
export function bytesInputCodec(size: number): InputCodec<Uint8Array> {
  return {
    size,
    encode(input, out) {
      if (input.length !== size) {
        throw new RangeError(`input must be exactly ${size} bytes, got ${input.length}`);
      }
      out.set(input);
    },
    decode: (bytes) => bytes,
  };
}
