/**
 * Reconnect tokens: the secret a member presents to come back into its own slot after its
 * connection dropped. 128 bits from four u32 draws, written as 32 lowercase hex digits: far too
 * many to guess, and safe in JSON, URLs and storage.
 */

/** Hex digits in a token. */
export const RECONNECT_TOKEN_LENGTH = 32;
const TOKEN = /^[0-9a-f]{32}$/;
const TWO_POW_32 = 0x100000000;

/**
 * A new token from four draws of `random` (a uniform u32 source; cryptographic in production).
 * Throws a `RangeError` if a draw is not a u32.
 */
export function generateReconnectToken(random: () => number): string {
  let token = '';
  for (let i = 0; i < 4; i++) {
    const draw = random();
    if (!Number.isInteger(draw) || draw < 0 || draw >= TWO_POW_32) {
      throw new RangeError(`generateReconnectToken: random() returned ${String(draw)}, not a u32`);
    }
    token += draw.toString(16).padStart(8, '0');
  }
  return token;
}

/** Whether `value` has the form of a token (32 lowercase hex digits). */
export function isReconnectToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}
