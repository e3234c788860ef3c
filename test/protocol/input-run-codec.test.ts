import { describe, expect, it } from 'vitest';
import {
  decodeInputRun,
  encodeInputRun,
  maxInputRunBytes,
  measureInputRun,
  readInputRunDeltas,
  undoInputDeltas,
} from '../../sdk/src/protocol/input-run-codec.ts';
import { ReadError } from '../../sdk/src/protocol/read-error.ts';
import { TestRng, fromHex, hex } from './protocol-fixtures.ts';

function encode(inputs: Uint8Array, inputSize: number, reference: Uint8Array): Uint8Array {
  const out = new Uint8Array(maxInputRunBytes(inputs.length) + 8);
  const end = encodeInputRun(inputs, inputSize, reference, out, 0);
  expect(end).toBeGreaterThanOrEqual(0);
  return out.slice(0, end);
}

function decode(code: Uint8Array, count: number, inputSize: number, reference: Uint8Array): Uint8Array {
  const out = new Uint8Array(count * inputSize);
  expect(decodeInputRun(code, 0, out, inputSize, reference)).toBe(code.length);
  return out;
}

/** One input of `deltas.length` bytes against a zero reference: its run code codes `deltas` as-is. */
function codeOfDeltas(deltas: number[]): string {
  return hex(encode(Uint8Array.from(deltas), deltas.length, new Uint8Array(deltas.length)));
}

describe('input run coding', () => {
  it('codes the worked example of docs/protocol.md', () => {
    const reference = fromHex('01 00');
    const inputs = fromHex('01 00  01 00  05 00  05 00  05 00  04 80');
    // XOR deltas: 00 00 | 00 00 | 04 00 | 00 00 | 00 00 | 01 80
    const code = encode(inputs, 2, reference);
    expect(hex(code)).toBe('83 00 04 84 01 01 80');
    expect(hex(decode(code, 6, 2, reference))).toBe(hex(inputs));
  });

  it('codes a run of unchanged inputs as one byte', () => {
    const reference = fromHex('05 00');
    const inputs = fromHex('05 00'.repeat(8));
    expect(hex(encode(inputs, 2, reference))).toBe('8f');
    // 128 bytes is the longest single zero run; 129 needs a second token.
    expect(hex(encode(new Uint8Array(128), 64, new Uint8Array(64)))).toBe('ff');
    expect(hex(encode(new Uint8Array(129), 1, new Uint8Array(1)))).toBe('ff 80');
  });

  it('codes an empty run as nothing', () => {
    expect(encode(new Uint8Array(0), 4, new Uint8Array(4)).length).toBe(0);
    expect(readInputRunDeltas(fromHex('ff'), 0, new Uint8Array(0))).toBe(0);
  });

  it('keeps a lone zero inside a literal only between two nonzero bytes', () => {
    expect(codeOfDeltas([5, 0, 5])).toBe('02 05 00 05');
    expect(codeOfDeltas([5, 0, 0, 5])).toBe('00 05 81 00 05');
    expect(codeOfDeltas([0, 5])).toBe('80 00 05');
    expect(codeOfDeltas([5, 0])).toBe('00 05 80');
    expect(codeOfDeltas([0])).toBe('80');
  });

  it('splits literals at 128 bytes', () => {
    const inputs = new Uint8Array(200).fill(0x11);
    const code = encode(inputs, 200, new Uint8Array(200));
    expect(code.length).toBe(202);
    expect(code[0]).toBe(0x7f);
    expect(code[129]).toBe(71);
    expect(hex(decode(code, 1, 200, new Uint8Array(200)))).toBe(hex(inputs));
  });

  it('never exceeds maxInputRunBytes, for every zero/nonzero pattern up to 14 bytes', () => {
    const out = new Uint8Array(64);
    let worst = -Infinity;
    for (let n = 1; n <= 14; n++) {
      const zero = new Uint8Array(n);
      for (let pattern = 0; pattern < 2 ** n; pattern++) {
        const deltas = new Uint8Array(n);
        for (let i = 0; i < n; i++) deltas[i] = (pattern >>> i) & 1 ? 0x41 : 0;
        const end = encodeInputRun(deltas, n, zero, out, 0);
        worst = Math.max(worst, end - maxInputRunBytes(n));
      }
    }
    expect(worst).toBe(0);
  });

  it('emits a shortest token sequence (against an exhaustive search)', () => {
    // Fewest bytes to code `deltas` with any tokens, by dynamic programming over positions.
    const shortest = (deltas: Uint8Array): number => {
      const best = new Array<number>(deltas.length + 1).fill(Infinity);
      best[0] = 0;
      for (let i = 0; i < deltas.length; i++) {
        for (let span = 1; span <= 128 && i + span <= deltas.length; span++) {
          best[i + span] = Math.min(best[i + span]!, best[i]! + 1 + span);
        }
        for (let span = 1; span <= 128 && i + span <= deltas.length && deltas[i + span - 1] === 0; span++) {
          best[i + span] = Math.min(best[i + span]!, best[i]! + 1);
        }
      }
      return best[deltas.length]!;
    };
    const out = new Uint8Array(512);
    const excess: string[] = [];
    const check = (deltas: Uint8Array): void => {
      const n = deltas.length;
      if (encodeInputRun(deltas, n, new Uint8Array(n), out, 0) !== shortest(deltas)) excess.push(hex(deltas));
    };
    for (let n = 1; n <= 10; n++) {
      for (let pattern = 0; pattern < 2 ** n; pattern++) {
        check(Uint8Array.from({ length: n }, (_, i) => ((pattern >>> i) & 1 ? 3 : 0)));
      }
    }
    // Around the 128-byte token limit: a long literal or zero run, then every 5-byte tail.
    for (const fill of [0, 3]) {
      for (const head of [126, 127, 128, 129, 255, 256]) {
        for (let pattern = 0; pattern < 32; pattern++) {
          const deltas = new Uint8Array(head + 5).fill(fill);
          for (let k = 0; k < 5; k++) deltas[head + k] = (pattern >>> k) & 1 ? 3 : 0;
          check(deltas);
        }
      }
    }
    expect(excess).toEqual([]);
  });

  it('round-trips random runs and leaves the inputs untouched', () => {
    const rng = new TestRng(7);
    for (let trial = 0; trial < 3000; trial++) {
      const inputSize = rng.between(1, 64);
      const count = rng.between(0, trial < 2900 ? 12 : 128);
      const reference = rng.bytes(inputSize);
      const inputs = new Uint8Array(count * inputSize);
      const changeRate = rng.pick([0, 0.05, 0.3, 1]);
      for (let k = 0; k < count; k++) {
        const previous = k === 0 ? reference : inputs.subarray((k - 1) * inputSize, k * inputSize);
        for (let i = 0; i < inputSize; i++) {
          inputs[k * inputSize + i] = rng.chance(changeRate) ? rng.next() & 0xff : previous[i]!;
        }
      }
      const before = hex(inputs);
      const code = encode(inputs, inputSize, reference);
      expect(code.length).toBeLessThanOrEqual(maxInputRunBytes(inputs.length));
      expect(hex(inputs)).toBe(before);
      expect(hex(decode(code, count, inputSize, reference))).toBe(before);
    }
  });

  it('reports -1 when the code would pass `end`, without writing past it', () => {
    const inputs = fromHex('01 02 03 04');
    const out = new Uint8Array(8).fill(0xee);
    expect(encodeInputRun(inputs, 4, new Uint8Array(4), out, 2, 6)).toBe(-1);
    expect(hex(out.subarray(6))).toBe('ee ee');
    expect(encodeInputRun(inputs, 4, new Uint8Array(4), out, 2, 7)).toBe(7);
  });

  it('refuses mismatched sizes', () => {
    const out = new Uint8Array(16);
    expect(() => encodeInputRun(new Uint8Array(3), 2, new Uint8Array(2), out, 0)).toThrow(RangeError);
    expect(() => encodeInputRun(new Uint8Array(4), 2, new Uint8Array(3), out, 0)).toThrow(RangeError);
    expect(() => undoInputDeltas(new Uint8Array(4), 2, new Uint8Array(1))).toThrow(RangeError);
  });

  it('decodes exactly the expected length and rejects anything else', () => {
    const deltas = new Uint8Array(4);
    // Exactly 4 bytes, then trailing bytes are left to the caller.
    expect(readInputRunDeltas(fromHex('81 01 aa bb 99'), 0, deltas)).toBe(4);
    expect(hex(deltas)).toBe('00 00 aa bb');
    // A zero run or literal that overshoots the expected length is malformed.
    expect(readInputRunDeltas(fromHex('84'), 0, deltas)).toBe(ReadError.Malformed);
    expect(readInputRunDeltas(fromHex('82 01 aa bb'), 0, deltas)).toBe(ReadError.Malformed);
    // Too few bytes: the tokens end early, or a literal is cut off.
    expect(readInputRunDeltas(fromHex('82'), 0, deltas)).toBe(ReadError.Truncated);
    expect(readInputRunDeltas(fromHex('03 01 02'), 0, deltas)).toBe(ReadError.Truncated);
    expect(readInputRunDeltas(new Uint8Array(0), 0, deltas)).toBe(ReadError.Truncated);
  });

  it('measures a run that ends with the data, without a length prefix', () => {
    const limit = 256;
    expect(measureInputRun(new Uint8Array(0), 0, limit)).toBe(0);
    expect(measureInputRun(fromHex('aa bb'), 2, limit)).toBe(0); // nothing after `offset`
    expect(measureInputRun(fromHex('83 00 04 84 01 01 80'), 0, limit)).toBe(12);
    // From `offset`: the bytes before it are not tokens (`05` would be a cut-off literal).
    expect(measureInputRun(fromHex('05 80 81 01 aa bb'), 1, limit)).toBe(5);
    expect(measureInputRun(fromHex('ff'), 0, limit)).toBe(128);
    expect(measureInputRun(Uint8Array.of(0x7f, ...new Uint8Array(128).fill(0x11)), 0, limit)).toBe(128);
    // A literal cut off by the end of the data.
    expect(measureInputRun(fromHex('00'), 0, limit)).toBe(ReadError.Truncated);
    expect(measureInputRun(fromHex('81 03 01 02 03'), 0, limit)).toBe(ReadError.Truncated);
    // More than `limit` bytes, by a zero run or a literal; exactly `limit` is fine.
    expect(measureInputRun(fromHex('ff ff'), 0, limit)).toBe(256);
    expect(measureInputRun(fromHex('ff ff 80'), 0, limit)).toBe(ReadError.Malformed);
    expect(measureInputRun(fromHex('ff fe 01 aa bb'), 0, limit)).toBe(ReadError.Malformed);
    expect(measureInputRun(fromHex('87'), 0, 7)).toBe(ReadError.Malformed);
    expect(measureInputRun(fromHex('87'), 0, 8)).toBe(8);
  });

  it('measures every encoded run as its input byte count, leaving the data untouched', () => {
    const rng = new TestRng(11);
    for (let trial = 0; trial < 500; trial++) {
      const inputSize = rng.between(1, 64);
      const count = rng.between(0, 128);
      const inputs = new Uint8Array(count * inputSize);
      for (let i = 0; i < inputs.length; i++) inputs[i] = rng.chance(0.1) ? rng.next() & 0xff : 0;
      const code = encode(inputs, inputSize, new Uint8Array(inputSize));
      const before = hex(code);
      expect(measureInputRun(code, 0, inputs.length)).toBe(inputs.length);
      if (inputs.length > 0) expect(measureInputRun(code, 0, inputs.length - 1)).toBe(ReadError.Malformed);
      expect(hex(code)).toBe(before);
    }
  });

  it('accepts any token split of the same bytes', () => {
    const reference = new Uint8Array(2);
    // Canonically 81 00 07; here as two zero runs and a literal of one.
    expect(hex(decode(fromHex('80 80 00 07'), 1, 3, new Uint8Array(3)))).toBe('00 00 07');
    expect(hex(decode(fromHex('01 00 00'), 1, 2, reference))).toBe('00 00');
  });
});
