/**
 * The determinism kit: building blocks for simulations that give bit-identical results on every
 * engine. docs/determinism.md explains what breaks determinism in JavaScript and how to use these.
 */
export { Prng, PRNG_STATE_WORDS } from './prng.ts';
export type { Fixed } from './fixed-point.ts';
export {
  FIXED_FRACTION_BITS,
  FIXED_ONE,
  FIXED_HALF,
  FIXED_MAX,
  FIXED_MIN,
  FIXED_PI,
  FIXED_HALF_PI,
  FIXED_TWO_PI,
  toFixed,
  fixedFromRatio,
  fixedToNumber,
  fixedToInt,
  fixedMul,
  fixedDiv,
  fixedSqrt,
  fixedSin,
  fixedCos,
  fixedAtan2,
  fixedFloor,
  fixedCeil,
  fixedRound,
  fixedAbs,
  fixedMin,
  fixedMax,
  fixedClamp,
  fixedLerp,
} from './fixed-point.ts';
export { hashBytes, Hasher } from './hash.ts';
export { BinaryWriter, DEFAULT_WRITER_CAPACITY } from './binary-writer.ts';
export { BinaryReader } from './binary-reader.ts';
export { BinaryReadError } from './binary-read-error.ts';
