/**
 * Thrown by `decodeReplay` for bytes that are not a valid replay (truncated, corrupted, another
 * format or version, a value out of range), and by `encodeReplay` for a `Replay` that breaks the
 * format's rules. A file is untrusted input: catch this one type and tell the user the file is
 * not a replay this version can play.
 */
export class ReplayFormatError extends Error {
  /** Always 'ReplayFormatError'. */
  override readonly name = 'ReplayFormatError';
  /** Byte offset at which decoding failed (-1 when encoding). */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(offset >= 0 ? `${message} (at byte ${offset})` : message);
    this.offset = offset;
  }
}
