import type { InputCodec } from 'backspin';
import { DIRECTIONS } from './arena-math.ts';

/**
 * One player's input for one frame, packed in a u16 so that holding keys produces the same bytes
 * frame after frame (which the protocol compresses to almost nothing):
 * - bits 0..5: {@link ArenaButton} flags;
 * - bits 8..15: aim code, 0 = no aim ("aim where you move"), 1..32 = direction 0..31 (see
 *   `DIRECTION_X` in arena-math.ts: 0 is +x, growing clockwise on screen).
 *
 * A plain number rather than an object so that decoding allocates nothing per frame.
 */
export type ArenaInput = number;

/** Button bits of an {@link ArenaInput}. Up is -y (screen up). */
export const ArenaButton = {
  Up: 1,
  Down: 2,
  Left: 4,
  Right: 8,
  /** Held: fire every `FIRE_COOLDOWN_FRAMES`. */
  Fire: 16,
  /** Pressed (edge): dash, if the dash cooldown is over. */
  Dash: 32,
} as const;
export type ArenaButton = (typeof ArenaButton)[keyof typeof ArenaButton];

/** All button bits. */
export const ARENA_BUTTON_MASK = 0x3f;
/** The aim value meaning "no explicit aim: shoot where you move or last moved". */
export const AIM_NONE = -1;
/** The neutral input (nothing held, no aim); also what a Disconnected player sends. */
export const NEUTRAL_INPUT: ArenaInput = 0;

/**
 * Builds an input from button flags (OR of {@link ArenaButton}) and an aim direction (0..31, or
 * {@link AIM_NONE}). Unknown button bits are dropped; an aim outside 0..31 throws a RangeError.
 */
export function arenaInput(buttons: number, aim: number = AIM_NONE): ArenaInput {
  if (aim !== AIM_NONE && (!Number.isInteger(aim) || aim < 0 || aim >= DIRECTIONS)) {
    throw new RangeError(`aim must be ${AIM_NONE} or an integer in 0..${DIRECTIONS - 1}, got ${aim}`);
  }
  return (buttons & ARENA_BUTTON_MASK) | ((aim + 1) << 8);
}

/** The button flags of an input. */
export function inputButtons(input: ArenaInput): number {
  return input & ARENA_BUTTON_MASK;
}

/** The aim direction of an input, 0..31, or {@link AIM_NONE}. */
export function inputAim(input: ArenaInput): number {
  return ((input >> 8) & 0xff) - 1;
}

/**
 * The 2-byte wire form: byte 0 = buttons, byte 1 = aim code. Decoding sanitises what a buggy or
 * hostile peer might send (unknown button bits cleared, an aim code above 32 read as "no aim"), so
 * every peer steps the same valid input.
 */
export const arenaInputCodec: InputCodec<ArenaInput> = {
  size: 2,
  encode(input, out) {
    out[0] = input & ARENA_BUTTON_MASK;
    out[1] = (input >> 8) & 0xff;
  },
  decode(bytes) {
    const aimCode = bytes[1]!;
    return (bytes[0]! & ARENA_BUTTON_MASK) | ((aimCode <= DIRECTIONS ? aimCode : 0) << 8);
  },
};
