import { ReadError } from './read-error.ts';

/**
 * Compression of a run of one player's inputs (docs/protocol.md, "Input run coding").
 *
 * Step 1, XOR delta: byte `i` of the run becomes `inputs[i] ^ prev[i]`, where `prev` is the same
 * byte of the previous frame's input; for the first input it is the supplied reference (the input
 * at `startFrame - 1`). An input that did not change becomes all zeros, and inputs rarely change
 * from frame to frame.
 *
 * Step 2, run-length tokens over the delta bytes. Each token starts with a control byte `c`:
 *
 * - `c` in 0x00..0x7f: literal, the next `c + 1` bytes (1..128) are delta bytes;
 * - `c` in 0x80..0xff: zero run, `c - 0x7f` (1..128) zero delta bytes, nothing follows.
 *
 * There is no length prefix: in an Input packet the run is the rest of the packet, and
 * `measureInputRun` counts its bytes before `readInputRunDeltas` produces exactly that many.
 *
 * Any token sequence that produces the right bytes decodes. This encoder emits a shortest one:
 * a zero run for every maximal run of at least 2 zero bytes, and for a lone zero byte unless it
 * sits between two nonzero bytes and fits in the current literal (it costs no more there); runs
 * and literals longer than 128 bytes are split. An unchanged run of up to 128 bytes costs 1 byte.
 */

/** Most delta bytes covered by one token. */
export const MAX_TOKEN_SPAN = 128;
/** Control bytes at or above this start a zero run. */
const ZERO_RUN_FLAG = 0x80;

/** The all-zero input of each size, made on first use. */
const zeroInputs: (Uint8Array | undefined)[] = [];

/**
 * The all-zero input of `inputSize` bytes: the XOR reference of a run starting at frame 0 (the
 * input "at frame -1"). Shared between calls; never write to it.
 */
export function zeroReference(inputSize: number): Uint8Array {
  let zero = zeroInputs[inputSize];
  if (zero === undefined) {
    zero = new Uint8Array(inputSize);
    zeroInputs[inputSize] = zero;
  }
  return zero;
}

/** Delta byte `i` of `inputs` (inputs of `inputSize` bytes, after `reference`). */
function deltaAt(inputs: Uint8Array, inputSize: number, reference: Uint8Array, i: number): number {
  return inputs[i]! ^ (i < inputSize ? reference[i]! : inputs[i - inputSize]!);
}

/** Throws unless `inputs` holds whole inputs of `inputSize` bytes and `reference` is one input. */
function checkRun(inputs: Uint8Array, inputSize: number, reference: Uint8Array): void {
  if (inputs.length % inputSize !== 0) {
    throw new RangeError(`inputs length ${inputs.length} is not a multiple of the input size ${inputSize}`);
  }
  if (reference.length !== inputSize) {
    throw new RangeError(`reference input has ${reference.length} bytes, expected ${inputSize}`);
  }
}

/**
 * Writes the run code of `inputs` (whole inputs of `inputSize` bytes, possibly none) at `offset`,
 * XOR-delta coded against `reference` (the input before the first, `inputSize` bytes). Returns the
 * offset after it, or -1 if it would pass `end` (the bytes before `end` are then scratch). Throws
 * a `RangeError` for mismatched sizes. Allocates nothing.
 */
export function encodeInputRun(
  inputs: Uint8Array,
  inputSize: number,
  reference: Uint8Array,
  out: Uint8Array,
  offset: number,
  end: number = out.length,
): number {
  checkRun(inputs, inputSize, reference);
  const n = inputs.length;
  const limit = Math.min(end, out.length);
  let at = offset;
  let i = 0;
  while (i < n) {
    if (deltaAt(inputs, inputSize, reference, i) === 0) {
      let j = i + 1;
      while (j < n && deltaAt(inputs, inputSize, reference, j) === 0) j++;
      // Zero run [i, j): one control byte per 128 bytes.
      while (i < j) {
        const span = Math.min(j - i, MAX_TOKEN_SPAN);
        if (at >= limit) return -1;
        out[at++] = ZERO_RUN_FLAG + span - 1;
        i += span;
      }
    } else {
      // Literal from i: take nonzero bytes, and a lone zero between two nonzero bytes.
      let j = i + 1;
      while (j < n && j - i < MAX_TOKEN_SPAN) {
        if (deltaAt(inputs, inputSize, reference, j) !== 0) j++;
        else if (j + 1 < n && deltaAt(inputs, inputSize, reference, j + 1) !== 0) j++;
        else break;
      }
      const span = j - i;
      if (at + 1 + span > limit) return -1;
      out[at++] = span - 1;
      for (; i < j; i++) out[at++] = deltaAt(inputs, inputSize, reference, i);
    }
  }
  return at;
}

/**
 * Most bytes `encodeInputRun` writes for a run of `byteCount` input bytes, whatever their content:
 * `byteCount + ceil(byteCount / 128)` (the all-literal case; zero runs of 2+ bytes pay for the
 * control bytes of the literals around them).
 */
export function maxInputRunBytes(byteCount: number): number {
  return byteCount + Math.ceil(byteCount / MAX_TOKEN_SPAN);
}

/**
 * Counts the delta bytes that the run tokens from `offset` to the end of `data` produce, without
 * producing them: an Input packet's run has no length prefix, it ends with the packet. Returns
 * the count, `ReadError.Truncated` if a literal is cut off by the end, or `ReadError.Malformed` if
 * the count would exceed `limit`. Never throws.
 */
export function measureInputRun(data: Uint8Array, offset: number, limit: number): number {
  const end = data.length;
  let at = offset;
  let total = 0;
  while (at < end) {
    const control = data[at++]!;
    if (control >= ZERO_RUN_FLAG) {
      total += control - ZERO_RUN_FLAG + 1;
    } else {
      const span = control + 1;
      if (at + span > end) return ReadError.Truncated;
      at += span;
      total += span;
    }
    if (total > limit) return ReadError.Malformed;
  }
  return total;
}

/**
 * Reads run tokens at `offset` until exactly `deltas.length` delta bytes are produced into
 * `deltas`. Returns the offset after the last token, `ReadError.Truncated` if `data` ends first,
 * or `ReadError.Malformed` if a token overshoots. Never throws; does not modify `data`.
 */
export function readInputRunDeltas(data: Uint8Array, offset: number, deltas: Uint8Array): number {
  const n = deltas.length;
  const end = data.length;
  let at = offset;
  let o = 0;
  while (o < n) {
    if (at >= end) return ReadError.Truncated;
    const control = data[at++]!;
    if (control >= ZERO_RUN_FLAG) {
      const span = control - ZERO_RUN_FLAG + 1;
      if (span > n - o) return ReadError.Malformed;
      deltas.fill(0, o, o + span);
      o += span;
    } else {
      const span = control + 1;
      if (span > n - o) return ReadError.Malformed;
      if (at + span > end) return ReadError.Truncated;
      for (let k = 0; k < span; k++) deltas[o + k] = data[at + k]!;
      at += span;
      o += span;
    }
  }
  return at;
}

/**
 * Turns XOR deltas back into inputs in place: each input is XORed with the one before it, the
 * first with `reference` (`inputSize` bytes). Throws a `RangeError` for mismatched sizes.
 */
export function undoInputDeltas(deltas: Uint8Array, inputSize: number, reference: Uint8Array): void {
  checkRun(deltas, inputSize, reference);
  const n = deltas.length;
  const first = Math.min(inputSize, n);
  for (let i = 0; i < first; i++) deltas[i]! ^= reference[i]!;
  for (let i = inputSize; i < n; i++) deltas[i]! ^= deltas[i - inputSize]!;
}

/**
 * Reads a run code at `offset` into `out` (whose length, a multiple of `inputSize`, says how many
 * inputs to expect), undoing the XOR deltas against `reference`. Returns the offset after it or a
 * {@link ReadError}; on error `out` holds scratch.
 */
export function decodeInputRun(
  data: Uint8Array,
  offset: number,
  out: Uint8Array,
  inputSize: number,
  reference: Uint8Array,
): number {
  const after = readInputRunDeltas(data, offset, out);
  if (after >= 0) undoInputDeltas(out, inputSize, reference);
  return after;
}
