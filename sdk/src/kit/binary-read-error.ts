/**
 * Thrown by `BinaryReader` when the input is malformed: a read past the end, an overlong or
 * non-canonical varint, or a bool byte other than 0 or 1. Input from the network is untrusted, so
 * decoders catch this one type and drop the message instead of acting on garbage.
 */
export class BinaryReadError extends Error {
  /** Always 'BinaryReadError'. */
  override readonly name = 'BinaryReadError';
  /** Byte offset in the reader's input at which the failing read started. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.offset = offset;
  }
}
