import type { InputCodec } from 'backspin';

/** The buttons a player holds this frame: bit flags in one byte. */
export const PongButton = { Up: 1, Down: 2 } as const;

/**
 * One byte on the wire. Decoding keeps only the two known bits, so a buggy or hostile peer cannot
 * make the simulations step an input the rules do not know.
 */
export const pongInputCodec: InputCodec<number> = {
  size: 1,
  encode(input, out) {
    out[0] = input & 3;
  },
  decode: (bytes) => bytes[0]! & 3,
};
