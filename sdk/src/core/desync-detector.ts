/**
 * Compares our checksums of confirmed frames with the ones peers report.
 *
 * Only confirmed frames are ever compared: a checksum enters here only once every input before
 * its frame is final, so a prediction can never cause a false alarm. Both sides keep a bounded
 * history (a peer's report may arrive before or after our own checksum of that frame), and a
 * report for a frame we no longer remember is ignored rather than guessed at.
 */
export class DesyncDetector {
  private readonly local = new Map<number, number>();
  private readonly pending: Map<number, number>[];
  private newestLocal = -1;

  /**
   * @param playerCount Players in the session.
   * @param history How many checksummed frames to remember per side.
   */
  constructor(playerCount: number, private readonly history = 32) {
    this.pending = Array.from({ length: playerCount }, () => new Map<number, number>());
  }

  /** Our checksum of `frame`; returns the peers whose earlier report disagrees. */
  addLocal(frame: number, checksum: number, onMismatch: (player: number, remote: number) => void): void {
    this.local.set(frame, checksum);
    if (frame > this.newestLocal) this.newestLocal = frame;
    if (this.local.size > this.history) this.evictOldest(this.local);
    for (let player = 0; player < this.pending.length; player++) {
      const reports = this.pending[player];
      const remote = reports?.get(frame);
      if (reports === undefined || remote === undefined) continue;
      reports.delete(frame);
      if (remote !== checksum) onMismatch(player, remote);
    }
  }

  /** A peer's checksum of `frame`. Returns our checksum when the two differ, else undefined. */
  addRemote(player: number, frame: number, checksum: number): number | undefined {
    const mine = this.local.get(frame);
    if (mine !== undefined) return mine !== checksum ? mine : undefined;
    if (frame <= this.newestLocal) return undefined; // too old: already forgotten or never ours
    const reports = this.pending[player];
    if (reports === undefined) return undefined;
    reports.set(frame, checksum);
    if (reports.size > this.history) this.evictOldest(reports);
    return undefined;
  }

  private evictOldest(map: Map<number, number>): void {
    let oldest = Infinity;
    for (const frame of map.keys()) if (frame < oldest) oldest = frame;
    map.delete(oldest);
  }
}
