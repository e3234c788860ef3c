/**
 * Q16.16 fixed-point arithmetic for deterministic simulations.
 *
 * A `Fixed` is a plain JS number holding an int32: the real value times 65536. Range
 * [-32768, 32767.99998], resolution 1/65536 (about 1.5e-5).
 *
 * Why not floats: `+ - * /` on doubles are IEEE-754 correctly rounded and identical everywhere, but
 * `Math.sin`, `Math.atan2`, `Math.exp`, ... are only "implementation-approximated" by the
 * ECMAScript spec and differ in the last bits between engines and versions, and any float result
 * that is later truncated or compared can flip a branch. Everything here is integer arithmetic whose
 * result is defined bit for bit, so every engine computes the same value.
 *
 * Rules that hold for every function in this file:
 * - Arithmetic (`fixedMul`, `fixedDiv`, `fixedLerp`, `fixedRound`, `fixedAbs`, ...) **wraps** on
 *   overflow: the result is the exact mathematical result reduced modulo 2^32 into the int32 range,
 *   as `| 0` does. It never saturates and never throws on overflow.
 * - Rounding of `fixedMul`, `fixedDiv` and `fixedLerp` is toward negative infinity (floor), the same
 *   as an arithmetic right shift of the exact 64-bit product or quotient.
 * - Constructors (`toFixed`, `fixedFromRatio`) validate instead: they throw a `RangeError` for a
 *   non-integer argument or a result outside the int32 range, because they usually build constants
 *   and a silent wrap there hides a bug.
 * - Division by zero and the square root of a negative number throw a `RangeError`.
 * - Arguments are expected to be int32 values (results of these functions). Other numbers are
 *   coerced with ToInt32 (as `| 0` does) by the bitwise operators inside.
 *
 * Internally some functions hold intermediate integers of up to 2^51 in doubles. Every such value
 * is an integer below 2^53, where double `+`, `-`, `*` and division by a power of two are exact; the
 * few true divisions are floored in a way that is provably exact (see `floorDiv`). Results therefore
 * never depend on floating-point rounding.
 */

/** A Q16.16 fixed-point value: an int32 holding the real value times 65536. */
export type Fixed = number;

/** Bits after the binary point. */
export const FIXED_FRACTION_BITS = 16;
/** 1.0 */
export const FIXED_ONE: Fixed = 0x10000;
/** 0.5 */
export const FIXED_HALF: Fixed = 0x8000;
/** Largest value, 32767.99998. */
export const FIXED_MAX: Fixed = 0x7fffffff;
/** Smallest value, -32768. */
export const FIXED_MIN: Fixed = -0x80000000;
/** π rounded to the nearest 1/65536 (205887 = 3.1415863). */
export const FIXED_PI: Fixed = 205887;
/** π/2 rounded to the nearest 1/65536 (102944 = 1.5707970). */
export const FIXED_HALF_PI: Fixed = 102944;
/** 2π rounded to the nearest 1/65536 (411775 = 6.2831879). Not exactly `2 * FIXED_PI`. */
export const FIXED_TWO_PI: Fixed = 411775;

const TWO_POW_16 = 0x10000;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * `floor(n / d)`, exactly, for integers with |n| <= 2^51 and d >= 1.
 *
 * Why the double division is exact here: ECMAScript requires `/` to be IEEE-754 correctly rounded,
 * so the computed quotient is within half an ulp of n/d. An ulp of |n/d| <= 2^51 / d is at most 1/d,
 * while a non-integer n/d lies at least 1/d away from the integers on either side, so rounding can
 * never carry it across one and the floor is the true floor. (An integer quotient is representable and
 * comes out exactly.) The BigInt property tests in test/kit/fixed-point.test.ts confirm it.
 */
function floorDiv(n: number, d: number): number {
  return Math.floor(n / d);
}

function isInt32(n: number): boolean {
  return (n | 0) === n;
}

/** The integer `n` as a Fixed. Throws a RangeError unless `n` is an integer in [-32768, 32767]. */
export function toFixed(n: number): Fixed {
  if (!Number.isInteger(n) || n < -0x8000 || n > 0x7fff) {
    throw new RangeError(`toFixed: ${n} is not an integer in [-32768, 32767]`);
  }
  return n << 16;
}

/**
 * `num / den` as a Fixed, rounded to the nearest 1/65536 (ties toward +∞). Built from integers only,
 * so it is the way to write a fractional constant: `fixedFromRatio(1, 10)` is 0.1 (6554).
 * Throws a RangeError unless both are int32 integers, `den` is not 0 and the result fits.
 */
export function fixedFromRatio(num: number, den: number): Fixed {
  if (!isInt32(num) || !isInt32(den)) {
    throw new RangeError(`fixedFromRatio: ${num}/${den} needs int32 integers`);
  }
  if (den === 0) throw new RangeError('fixedFromRatio: division by zero');
  let n = num;
  let d = den;
  if (d < 0) {
    n = -n;
    d = -d;
  }
  // floor(n * 2^16 / d + 1/2) = floor((2 * n * 2^16 + d) / (2 * d)); |2 * n * 2^16| <= 2^48.
  const q = floorDiv(n * 0x20000 + d, 2 * d);
  if (q < INT32_MIN || q > INT32_MAX) {
    throw new RangeError(`fixedFromRatio: ${num}/${den} is outside the Q16.16 range`);
  }
  return q | 0;
}

/**
 * The value as a JS number, e.g. for drawing or display. **Never feed the result back into the
 * simulation**: it is a float, and any float math on it is where determinism is lost.
 */
export function fixedToNumber(f: Fixed): number {
  return f / TWO_POW_16;
}

/** The largest integer <= `f`, as a plain integer (not Fixed): `f >> 16`. For grid or tile indices. */
export function fixedToInt(f: Fixed): number {
  return f >> 16;
}

/**
 * `a * b`, exact then floored to 1/65536 and wrapped to int32. Splits both into a signed high and
 * an unsigned low 16-bit half so every partial product is below 2^32 and exact; a plain `a * b`
 * would be rounded by the double multiplication once it exceeds 2^53.
 */
export function fixedMul(a: Fixed, b: Fixed): Fixed {
  const ah = a >> 16;
  const al = a & 0xffff;
  const bh = b >> 16;
  const bl = b & 0xffff;
  // a*b/2^16 = ah*bh*2^16 + ah*bl + al*bh + al*bl/2^16; only the last term has a fraction.
  return ((Math.imul(ah, bh) << 16) + ah * bl + al * bh + ((al * bl) >>> 16)) | 0;
}

/**
 * `a / b`, exact then floored to 1/65536 and wrapped to int32 (for example
 * `fixedDiv(FIXED_MIN, -FIXED_ONE)`, -32768 / -1, wraps to FIXED_MIN). Throws a RangeError when `b` is 0.
 */
export function fixedDiv(a: Fixed, b: Fixed): Fixed {
  let n = (a | 0) * TWO_POW_16; // |n| <= 2^47
  let d = b | 0;
  if (d === 0) throw new RangeError('fixedDiv: division by zero');
  if (d < 0) {
    n = -n;
    d = -d;
  }
  return floorDiv(n, d) | 0;
}

/**
 * The square root, exactly floored to 1/65536: the largest r with r*r <= f*65536 (in raw units).
 * Digit-by-digit binary method on integers below 2^47, 12 to 24 iterations. Throws a RangeError for
 * a negative argument.
 */
export function fixedSqrt(f: Fixed): Fixed {
  const x = f | 0;
  if (x < 0) throw new RangeError(`fixedSqrt: negative argument ${x}`);
  if (x === 0) return 0;
  let rem = x * TWO_POW_16; // root of x/2^16, in units of 2^-16, is the root of x * 2^16
  // Highest power of four <= rem: rem has (32 - clz32(x)) + 16 bits.
  const exponent = (47 - Math.clz32(x)) & ~1; // even, 16..46
  let bit = (1 << (exponent - 16)) * TWO_POW_16;
  let root = 0;
  while (bit >= 1) {
    const trial = root + bit;
    if (rem >= trial) {
      rem -= trial;
      root = root / 2 + bit; // root is always even here, so /2 is exact
    } else {
      root = root / 2;
    }
    bit /= 4;
  }
  return root;
}

/**
 * sin(k·π/512)·65536 rounded to nearest, k = 0..256 (a quarter turn), computed offline with 60-digit
 * arithmetic. Entry 257 repeats entry 255 so interpolation at the last point can read one past it.
 * Marked pure for bundlers: a game that never calls fixedSin or fixedCos does not carry the table
 * (about 1 kB gzipped with the atan one).
 */
const SIN_QUARTER = /* @__PURE__ */ Int32Array.from([
  0, 402, 804, 1206, 1608, 2010, 2412, 2814, 3216, 3617, 4019, 4420,
  4821, 5222, 5623, 6023, 6424, 6824, 7224, 7623, 8022, 8421, 8820, 9218,
  9616, 10014, 10411, 10808, 11204, 11600, 11996, 12391, 12785, 13180, 13573, 13966,
  14359, 14751, 15143, 15534, 15924, 16314, 16703, 17091, 17479, 17867, 18253, 18639,
  19024, 19409, 19792, 20175, 20557, 20939, 21320, 21699, 22078, 22457, 22834, 23210,
  23586, 23961, 24335, 24708, 25080, 25451, 25821, 26190, 26558, 26925, 27291, 27656,
  28020, 28383, 28745, 29106, 29466, 29824, 30182, 30538, 30893, 31248, 31600, 31952,
  32303, 32652, 33000, 33347, 33692, 34037, 34380, 34721, 35062, 35401, 35738, 36075,
  36410, 36744, 37076, 37407, 37736, 38064, 38391, 38716, 39040, 39362, 39683, 40002,
  40320, 40636, 40951, 41264, 41576, 41886, 42194, 42501, 42806, 43110, 43412, 43713,
  44011, 44308, 44604, 44898, 45190, 45480, 45769, 46056, 46341, 46624, 46906, 47186,
  47464, 47741, 48015, 48288, 48559, 48828, 49095, 49361, 49624, 49886, 50146, 50404,
  50660, 50914, 51166, 51417, 51665, 51911, 52156, 52398, 52639, 52878, 53114, 53349,
  53581, 53812, 54040, 54267, 54491, 54714, 54934, 55152, 55368, 55582, 55794, 56004,
  56212, 56418, 56621, 56823, 57022, 57219, 57414, 57607, 57798, 57986, 58172, 58356,
  58538, 58718, 58896, 59071, 59244, 59415, 59583, 59750, 59914, 60075, 60235, 60392,
  60547, 60700, 60851, 60999, 61145, 61288, 61429, 61568, 61705, 61839, 61971, 62101,
  62228, 62353, 62476, 62596, 62714, 62830, 62943, 63054, 63162, 63268, 63372, 63473,
  63572, 63668, 63763, 63854, 63944, 64031, 64115, 64197, 64277, 64354, 64429, 64501,
  64571, 64639, 64704, 64766, 64827, 64884, 64940, 64993, 65043, 65091, 65137, 65180,
  65220, 65259, 65294, 65328, 65358, 65387, 65413, 65436, 65457, 65476, 65492, 65505,
  65516, 65525, 65531, 65535, 65536,
  65531,
]);

/** atan(k/128)·65536 rounded to nearest, k = 0..128, computed offline; entry 129 pads as above. */
const ATAN_TABLE = /* @__PURE__ */ Int32Array.from([
  0, 512, 1024, 1536, 2047, 2559, 3070, 3580, 4091, 4600, 5110, 5618,
  6126, 6633, 7140, 7645, 8150, 8653, 9156, 9657, 10158, 10657, 11155, 11652,
  12147, 12641, 13133, 13624, 14114, 14601, 15088, 15572, 16055, 16536, 17015, 17492,
  17968, 18441, 18913, 19382, 19850, 20315, 20779, 21240, 21699, 22156, 22610, 23062,
  23512, 23960, 24406, 24849, 25289, 25727, 26163, 26597, 27028, 27456, 27882, 28306,
  28727, 29145, 29561, 29975, 30386, 30794, 31200, 31603, 32003, 32401, 32797, 33190,
  33580, 33968, 34353, 34735, 35115, 35492, 35867, 36239, 36608, 36975, 37340, 37701,
  38060, 38417, 38771, 39123, 39472, 39818, 40162, 40503, 40842, 41178, 41512, 41844,
  42172, 42499, 42823, 43145, 43464, 43780, 44095, 44407, 44716, 45024, 45328, 45631,
  45931, 46229, 46525, 46818, 47109, 47398, 47685, 47969, 48251, 48531, 48809, 49085,
  49359, 49630, 49899, 50167, 50432, 50695, 50956, 51215, 51472,
  51472,
]);

/** round(2^32 / 2π): turns a Fixed angle into a u32 phase (2^32 = one turn) via fixedMul. */
const PHASE_PER_RADIAN = 683565276;

/** sin of a quarter-turn phase p in [0, 2^30], linear interpolation between table entries. */
function sinQuarter(p: number): number {
  const i = p >>> 22; // 256 segments per quarter turn
  const frac = (p >>> 6) & 0xffff; // position inside the segment, 16 bits
  const lo = SIN_QUARTER[i]!;
  const hi = SIN_QUARTER[i + 1]!;
  return lo + (((hi - lo) * frac + 0x8000) >> 16);
}

/** sin of a u32 phase (0..2^32 is one turn), as a Fixed in [-1, 1]. */
function sinPhase(phase: number): Fixed {
  const quadrant = phase >>> 30;
  const p = phase & 0x3fffffff;
  const v = quadrant & 1 ? sinQuarter(0x40000000 - p) : sinQuarter(p);
  return quadrant & 2 ? -v | 0 : v;
}

/**
 * Sine of an angle in radians, as a Fixed in [-FIXED_ONE, FIXED_ONE]. Any int32 angle is accepted;
 * it is reduced modulo 2π exactly in integer arithmetic. Quarter-wave table of 257 entries with
 * linear interpolation.
 *
 * Measured error against the true sine (test/kit/fixed-point.test.ts, every input in [-π, π]):
 * at most 1.85e-5, about 1.2 units of 1/65536 (table rounding + interpolation rounding + curvature).
 * Over the whole int32 angle range (±32768 rad) the rounding of the 2π reduction constant adds up to
 * 2.4e-5; measured maximum there 3.4e-5.
 */
export function fixedSin(angle: Fixed): Fixed {
  return sinPhase(fixedMul(angle, PHASE_PER_RADIAN));
}

/** Cosine of an angle in radians; same method and error as {@link fixedSin} (a quarter turn ahead). */
export function fixedCos(angle: Fixed): Fixed {
  return sinPhase((fixedMul(angle, PHASE_PER_RADIAN) + 0x40000000) | 0);
}

/** atan(t / 2^20) for t in [0, 2^20], as a Fixed in [0, π/4]. 128 interpolated segments. */
function atanUnit(t: number): number {
  const i = t >>> 13;
  const frac = t & 0x1fff;
  const lo = ATAN_TABLE[i]!;
  const hi = ATAN_TABLE[i + 1]!;
  return lo + (((hi - lo) * frac + 0x1000) >> 13);
}

/**
 * The angle of the vector (x, y) in radians, as a Fixed in [-FIXED_PI, FIXED_PI], like
 * `Math.atan2(y, x)`. Only the ratio matters, so `x` and `y` may be Fixed or plain int32 of the same
 * scale. atan2(0, 0) is 0; on the negative x axis the result is +FIXED_PI.
 *
 * Measured error against Math.atan2 (test/kit/fixed-point.test.ts, a grid plus 50 000 random
 * vectors of every magnitude): at most 3.1e-5 rad.
 */
export function fixedAtan2(y: Fixed, x: Fixed): Fixed {
  const yi = y | 0;
  const xi = x | 0;
  if (yi === 0) return xi < 0 ? FIXED_PI : 0;
  if (xi === 0) return yi > 0 ? FIXED_HALF_PI : -FIXED_HALF_PI;
  const ax = Math.abs(xi); // up to 2^31, exact as a double
  const ay = Math.abs(yi);
  // Octant reduction: the ratio of the smaller to the larger leg is in [0, 1].
  let angle =
    ay <= ax
      ? atanUnit(floorDiv(ay * 0x100000, ax))
      : FIXED_HALF_PI - atanUnit(floorDiv(ax * 0x100000, ay));
  if (xi < 0) angle = FIXED_PI - angle;
  return yi < 0 ? -angle | 0 : angle;
}

/** The largest integer value <= `f`, still as a Fixed. */
export function fixedFloor(f: Fixed): Fixed {
  return f & ~0xffff;
}

/** The smallest integer value >= `f`, still as a Fixed. Wraps to FIXED_MIN above 32767. */
export function fixedCeil(f: Fixed): Fixed {
  return (f + 0xffff) & ~0xffff;
}

/** The nearest integer value, ties toward +∞ (-0.5 rounds to 0), still as a Fixed. Wraps above 32767.5. */
export function fixedRound(f: Fixed): Fixed {
  return (f + FIXED_HALF) & ~0xffff;
}

/** |f|. Wraps: fixedAbs(FIXED_MIN) is FIXED_MIN, as in two's-complement integer code. */
export function fixedAbs(f: Fixed): Fixed {
  return f < 0 ? -f | 0 : f | 0;
}

/** The smaller of two fixed-point values. */
export function fixedMin(a: Fixed, b: Fixed): Fixed {
  return a < b ? a : b;
}

/** The larger of two fixed-point values. */
export function fixedMax(a: Fixed, b: Fixed): Fixed {
  return a > b ? a : b;
}

/** `f` limited to [lo, hi]. Throws a RangeError when lo > hi (an empty range is a bug, not a value). */
export function fixedClamp(f: Fixed, lo: Fixed, hi: Fixed): Fixed {
  if (lo > hi) throw new RangeError(`fixedClamp: empty range [${lo}, ${hi}]`);
  return f < lo ? lo : f > hi ? hi : f;
}

/**
 * `a + (b - a) * t`, exact then floored to 1/65536 and wrapped to int32. t = 0 gives a, t = FIXED_ONE
 * gives b, for every int32 a and b (b - a is kept exact even where it would overflow int32). t outside
 * [0, 1] extrapolates.
 */
export function fixedLerp(a: Fixed, b: Fixed, t: Fixed): Fixed {
  const ai = a | 0;
  const ti = t | 0;
  const d = (b | 0) - ai; // exact, |d| < 2^32
  const dh = Math.floor(d / TWO_POW_16); // exact: division by a power of two
  const dl = d - dh * TWO_POW_16; // 0..65535
  // d*t/2^16 = dh*t + dl*t/2^16, each product below 2^48.
  return (ai + dh * ti + Math.floor((dl * ti) / TWO_POW_16)) | 0;
}
