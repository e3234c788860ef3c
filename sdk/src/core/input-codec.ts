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
 *
 * `encode` rejects anything but a Uint8Array of exactly `size` bytes: a TypeError for another type
 * (a number, a plain array, a string, undefined), a RangeError for another length. Both are thrown
 * from `advanceFrame` before the input is queued, so the session is left as it was.
 */
export function bytesInputCodec(size: number): InputCodec<Uint8Array> {
  return {
    size,
    encode(input, out) {
      if (!(input instanceof Uint8Array)) {
        throw new TypeError(`the input must be a Uint8Array of ${size} byte${size === 1 ? '' : 's'} (bytesInputCodec), got ${describeValue(input)}`);
      }
      if (input.length !== size) {
        throw new RangeError(`the input must be exactly ${size} byte${size === 1 ? '' : 's'}, got ${input.length}`);
      }
      out.set(input);
    },
    decode: (bytes) => bytes,
  };
}

/** What a wrong input was, for an error message: `number 3`, `Array(2)`, `undefined`, `Int16Array`. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  if (typeof value === 'string') return `string "${value.length > 16 ? `${value.slice(0, 16)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}
