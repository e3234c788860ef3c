/**
 * The frame numbers the wire format can carry. Frames count up from 0 at 60 fps; 2^31 - 1 frames
 * is over a year of play, so the i32 range is never a practical limit, and keeping every frame
 * (and every difference of two frames, modulo 2^32) within 32 bits keeps the codec in integer math.
 */

/** "No frame yet": the `lastFrame` of a player whose first input is not held. */
export const NO_FRAME = -1;
/** Largest frame on the wire. */
export const MAX_FRAME = 0x7fff_ffff;

/** Whether `frame` is a frame number: an integer in 0..MAX_FRAME. */
export function isFrame(frame: number): boolean {
  return Number.isInteger(frame) && frame >= 0 && frame <= MAX_FRAME;
}

/** Whether `frame` is a valid "last frame held": an integer in -1..MAX_FRAME. */
export function isLastFrame(frame: number): boolean {
  return Number.isInteger(frame) && frame >= NO_FRAME && frame <= MAX_FRAME;
}
