/**
 * One peer's part in the agreement on the frame F at which a returning player re-enters a running
 * match (docs/rejoin-and-spectators.md). It mirrors the drop agreement: every survivor commits to a
 * proposal once, and F is the latest proposal of every survivor, so each survivor's own proposal
 * bounds F from below and nobody waits for an answer it cannot get.
 *
 * - The returning peer, once it has loaded the match's state and caught up, proposes a frame a
 *   little ahead of the others (their frames plus a round trip).
 * - A survivor commits when it first hears a proposal: the later of that and its own next frame.
 *   From then until F is known it takes no frame from its proposal on as final (`cap`): every
 *   frame it ever confirmed with the player absent lies before F, so no confirmed frame changes.
 * - F is final at a survivor once it holds every remaining survivor's proposal. Whoever knows F
 *   says so (`agreed`) to everyone who has not shown it knows, so it also reaches the returning
 *   peer and any survivor whose proposals were lost.
 *
 * Pure bookkeeping: the session decides who the survivors are, sends what `due` returns as Readmit
 * messages and hands it every Readmit that arrives.
 */
export class Readmission {
  /** The returning player's handle. */
  readonly player: number;
  private own = -1;
  private agreedFrame = -1;
  /** Each peer's committed proposal (frame), -1 until heard. */
  private readonly proposals: Int32Array;
  /** Each peer has told us it knows F. */
  private readonly knows: Uint8Array;
  /** Each peer asked (a proposal) after we knew F: answer at once. */
  private readonly answerDue: Uint8Array;
  /** When a Readmit last went to each peer (ms). */
  private readonly sentMs: Float64Array;

  constructor(player: number, playerCount: number) {
    this.player = player;
    this.proposals = new Int32Array(playerCount).fill(-1);
    this.knows = new Uint8Array(playerCount);
    this.answerDue = new Uint8Array(playerCount);
    this.sentMs = new Float64Array(playerCount).fill(-Infinity);
  }

  /** Our committed proposal (frame), -1 before. */
  get proposal(): number {
    return this.own;
  }

  /** The agreed re-entry frame F, -1 until known. */
  get frame(): number {
    return this.agreedFrame;
  }

  get agreed(): boolean {
    return this.agreedFrame >= 0;
  }

  /**
   * While we have proposed and F is not known: the newest frame we may take as final for the
   * returning player (its absence is certain only before our own proposal). Undefined otherwise.
   */
  get cap(): number | undefined {
    return this.own >= 0 && this.agreedFrame < 0 ? this.own - 1 : undefined;
  }

  /** The latest proposal heard from anyone (-1: none): a survivor commits on hearing one. */
  get heard(): number {
    let max = -1;
    for (let p = 0; p < this.proposals.length; p++) if (this.proposals[p]! > max) max = this.proposals[p]!;
    return max;
  }

  /** Commits our proposal (once; later calls change nothing). It goes out to every peer at once. */
  propose(frame: number): void {
    if (this.own >= 0 || this.agreedFrame >= 0) return;
    this.own = frame;
    this.sentMs.fill(-Infinity);
  }

  /** A Readmit from peer `from`: a proposal, or the agreed frame (which we adopt if we lack it). */
  receive(from: number, frame: number, agreed: boolean): void {
    if (from < 0 || from >= this.proposals.length) return;
    if (agreed) {
      this.knows[from] = 1;
      if (this.agreedFrame < 0) this.settle(frame);
      return;
    }
    // A proposal is committed once: a later different one is a forgery or a bug, and is ignored.
    if (this.proposals[from]! < 0) this.proposals[from] = frame;
    if (this.agreedFrame >= 0) this.answerDue[from] = 1;
  }

  /**
   * Decides F once we have proposed and every survivor (`isSurvivor`; the returning player and we
   * ourselves are not asked) has too: the latest proposal. Returns F, or -1 while undecided.
   */
  decide(local: number, isSurvivor: (player: number) => boolean): number {
    if (this.agreedFrame >= 0) return this.agreedFrame;
    if (this.own < 0) return -1;
    let frame = this.own;
    for (let p = 0; p < this.proposals.length; p++) {
      if (p === local || p === this.player || !isSurvivor(p)) continue;
      const proposal = this.proposals[p]!;
      if (proposal < 0) return -1;
      if (proposal > frame) frame = proposal;
    }
    this.settle(frame);
    return frame;
  }

  /**
   * What to send `peer` at `nowMs`, or undefined: our proposal every `intervalMs` until F is
   * known; then F, at once to a peer that asked and every `intervalMs` to one that has not shown
   * it knows (`peerKnows`: e.g. its statuses already show the player back).
   */
  due(peer: number, nowMs: number, intervalMs: number, peerKnows: boolean): { readonly frame: number; readonly agreed: boolean } | undefined {
    if (this.agreedFrame >= 0) {
      const asked = this.answerDue[peer] === 1;
      if (!asked && (this.knows[peer] === 1 || peerKnows || nowMs - this.sentMs[peer]! < intervalMs)) return undefined;
      this.answerDue[peer] = 0;
      this.sentMs[peer] = nowMs;
      return { frame: this.agreedFrame, agreed: true };
    }
    if (this.own < 0 || nowMs - this.sentMs[peer]! < intervalMs) return undefined;
    this.sentMs[peer] = nowMs;
    return { frame: this.own, agreed: false };
  }

  private settle(frame: number): void {
    this.agreedFrame = frame;
    this.sentMs.fill(-Infinity);
  }
}
