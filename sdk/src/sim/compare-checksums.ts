/** Result of comparing several peers' confirmed checksums. */
export interface ChecksumComparison {
  /** Frames that at least two peers checksummed. */
  readonly framesCompared: number;
  /** Frames where two peers disagree, ascending (empty when in sync). */
  readonly mismatchedFrames: readonly number[];
}

/**
 * Compares every peer's confirmed checksums (frame → checksum, as `onChecksum` reports them): the
 * independent check that tests and benchmarks make on top of the sessions' own desync detection.
 */
export function compareChecksums(peers: Iterable<ReadonlyMap<number, number>>): ChecksumComparison {
  const first = new Map<number, number>();
  const seen = new Map<number, number>();
  const mismatched = new Set<number>();
  let compared = 0;
  for (const checksums of peers) {
    for (const [frame, checksum] of checksums) {
      const count = (seen.get(frame) ?? 0) + 1;
      seen.set(frame, count);
      if (count === 1) {
        first.set(frame, checksum);
        continue;
      }
      if (count === 2) compared++;
      if (first.get(frame) !== checksum) mismatched.add(frame);
    }
  }
  return { framesCompared: compared, mismatchedFrames: [...mismatched].sort((a, b) => a - b) };
}
