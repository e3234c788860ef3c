/**
 * How the protocol's readers report bad bytes: as a returned number, never an exception. Received
 * packets are untrusted and arrive every frame, so a failed read is ordinary control flow there.
 *
 * Both codes lie below -2^31, outside every value a reader can return (u32, i32, byte offsets), so
 * one comparison (`isReadError`) tells a result from an error whatever the reader.
 */
export const ReadError = {
  /** The bytes end before the item does. */
  Truncated: -0x1_0000_0001,
  /** The bytes are complete but not a valid encoding (overlong, out of range, inconsistent). */
  Malformed: -0x1_0000_0002,
} as const;
export type ReadError = (typeof ReadError)[keyof typeof ReadError];

/** Whether a reader's result is a {@link ReadError} rather than a value or offset. */
export function isReadError(result: number): result is ReadError {
  return result < -0x8000_0000;
}
