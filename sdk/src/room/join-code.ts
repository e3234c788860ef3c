/**
 * Join codes: what a player types (or reads off a QR code) to join a room.
 *
 * A code is 6 characters from a 31-character alphabet: the digits 2..9 and the letters A..Z
 * without I, L and O. The characters left out (0/O, 1/I/L) are the ones people confuse when they
 * read a code off a screen or hear it across a room; what is left is case-insensitive on input.
 *
 * ## Why 6 characters is enough
 *
 * The code space is 31^6 = 887,503,681 codes (about 2^29.7). Codes are drawn uniformly (see
 * {@link generateJoinCode}), so a guess names a live room with probability R / 31^6 for R live
 * rooms. The host refuses more than 10 failed join attempts per minute per address (14,400 a
 * day). With the authority's default cap of 64 rooms all open all the time, one address hits
 * *some* room on average once every 31^6 / (64 × 10) ≈ 1.39 million minutes (≈ 2.6 years), about
 * 0.1 % per day; a particular room takes on average 31^6 / 2 guesses ≈ 84 years. On a LAN that is
 * out of reach, and a room can also have a password. The code is an address, not a key: if
 * guessing must be ruled out, use a password.
 *
 * Unguessable only if the `random` source is: in production pass a cryptographic source (e.g.
 * `crypto.getRandomValues`), never a seeded PRNG.
 */

/** The characters of a code, in digit order (value 0 is '2'). */
export const JOIN_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** Characters in a code. */
export const JOIN_CODE_LENGTH = 6;
/** Number of distinct codes: 31^6 = 887,503,681. */
export const JOIN_CODE_SPACE = JOIN_CODE_ALPHABET.length ** JOIN_CODE_LENGTH;

const TWO_POW_32 = 0x100000000;
/**
 * Draws at or above this are rejected: it is the largest multiple of the code space that fits in
 * 2^32 (4 × 31^6), so every code has exactly 4 accepted draws mapping to it. About 17 % of draws
 * are rejected.
 */
const ACCEPT_BELOW = Math.floor(TWO_POW_32 / JOIN_CODE_SPACE) * JOIN_CODE_SPACE;
/**
 * Rejections in a row before giving up: with a uniform source 64 in a row happen with probability
 * 0.17^64 ≈ 10^-49, so reaching it means the source is broken (e.g. stuck at 0xFFFFFFFF).
 */
const MAX_DRAWS = 64;
/** Longer inputs are refused before any work is done on them (characters). */
const MAX_INPUT_LENGTH = 64;
const CANONICAL = /^[2-9A-HJKMNP-Z]{6}$/;

/**
 * A new code, uniform over the whole code space: one u32 draw gives the whole code, as 6 base-31
 * digits of the draw modulo 31^6, with rejection sampling so that no code is more likely than
 * another (no modulo bias). `random` must return a uniform integer in [0, 2^32). Throws a
 * `RangeError` if it returns anything else, or a draw is rejected 64 times in a row.
 */
export function generateJoinCode(random: () => number): string {
  for (let attempt = 0; attempt < MAX_DRAWS; attempt++) {
    const draw = random();
    if (!Number.isInteger(draw) || draw < 0 || draw >= TWO_POW_32) {
      throw new RangeError(`generateJoinCode: random() returned ${String(draw)}, not a u32`);
    }
    if (draw >= ACCEPT_BELOW) continue;
    let value = draw % JOIN_CODE_SPACE;
    let code = '';
    for (let i = 0; i < JOIN_CODE_LENGTH; i++) {
      code += JOIN_CODE_ALPHABET[value % JOIN_CODE_ALPHABET.length]!;
      value = Math.floor(value / JOIN_CODE_ALPHABET.length);
    }
    return code;
  }
  throw new RangeError(`generateJoinCode: ${MAX_DRAWS} draws in a row out of range; the random source is broken`);
}

/**
 * The canonical code for what a person typed: spaces and dashes (any Unicode space or dash the
 * keyboard may produce) are removed and letters upper-cased. Returns undefined unless the result
 * is 6 characters of the alphabet. Never throws, whatever `input` is.
 */
export function normalizeJoinCode(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return undefined;
  const code = input.replace(/[\s\p{Pd}]/gu, '').toUpperCase();
  return CANONICAL.test(code) ? code : undefined;
}

/** Whether `value` is a code in canonical form (what the authority hands out). */
export function isJoinCode(value: unknown): value is string {
  return typeof value === 'string' && CANONICAL.test(value);
}

/** A code as shown to people: two groups of three, `ABC-DEF` (normalizeJoinCode accepts it back). */
export function formatJoinCode(code: string): string {
  return `${code.slice(0, 3)}-${code.slice(3)}`;
}
