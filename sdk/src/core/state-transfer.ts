import { hashBytes } from '../kit/hash.ts';

/**
 * A game state sent reliably over unordered, lossy datagrams: the path by which a player who joins
 * or rejoins a running match gets the match's state (issue 13). The sender cuts the bytes into
 * chunks of `STATE_CHUNK_BYTES`, keeps at most a window of them unacknowledged, and sends a chunk
 * again when its acknowledgement is overdue; the receiver acknowledges what it holds (everything
 * below one index, plus a bitmap of the 32 chunks after it) and checks the whole state's hash
 * before anyone loads it. Pure: time is passed in, and the session carries the messages.
 *
 * Why a window rather than everything at once: a state of hundreds of kB must not flood the link
 * that also carries the match's inputs. With 32 chunks of 1000 bytes per round trip it moves about
 * 200 kB/s at a 160 ms round trip and much more on a LAN, while the demo's 1.6 kB state is two
 * chunks in one round trip.
 */

/** Payload bytes per chunk: with the packet header and chunk fields, within the 1200-byte packet limit. */
export const STATE_CHUNK_BYTES = 1000;
/** Chunks sent and not yet acknowledged, at most (the sender's window). */
export const STATE_WINDOW_CHUNKS = 32;
/** Chunks an acknowledgement's bitmap covers beyond its `next`. */
export const STATE_ACK_MASK_CHUNKS = 32;
/** Default largest state a receiver accepts (bytes): 16 MiB. */
export const DEFAULT_MAX_STATE_BYTES = 16 * 1024 * 1024;

/** One piece of a state on its way. Every chunk repeats the transfer's header fields. */
export interface StateChunk {
  /** Which transfer (u16): a sender that starts over (a newer state, another sender) takes a new one. */
  readonly transferId: number;
  /** The state is the one at the start of this frame. */
  readonly frame: number;
  /** Length of the whole state (bytes, 1..2^31-1). */
  readonly totalBytes: number;
  /** `hashBytes` of the whole state (u32), checked before it is used. */
  readonly hash: number;
  /** Which chunk: its bytes start at `index * STATE_CHUNK_BYTES`. */
  readonly index: number;
  /** `STATE_CHUNK_BYTES` bytes, fewer for the last chunk. */
  readonly bytes: Uint8Array;
}

/** The receiver's acknowledgement: which chunks it holds. */
export interface StateAck {
  readonly transferId: number;
  /** Every chunk below this index has arrived. */
  readonly next: number;
  /** Bit i (0..31) set: chunk `next + 1 + i` has arrived too (chunk `next` has not). */
  readonly mask: number;
}

/** How many chunks a state of `totalBytes` bytes takes. */
export function stateChunkCount(totalBytes: number): number {
  return Math.ceil(totalBytes / STATE_CHUNK_BYTES);
}

/** Sends one state: `take` what is due each poll, hand it every `StateAck` that arrives. */
export class StateSender {
  readonly transferId: number;
  readonly frame: number;
  readonly hash: number;
  private readonly bytes: Uint8Array;
  private readonly count: number;
  /** When each chunk last went out (ms), NaN if never. */
  private readonly sentAtMs: Float64Array;
  private readonly acked: Uint8Array;
  /** Lowest chunk not yet acknowledged (== count when done). */
  private lowest = 0;
  private ackedCount = 0;
  private sentCount = 0;

  /**
   * @param transferId u16 naming this transfer.
   * @param frame The frame whose starting state `bytes` is.
   * @param bytes The state (copied: the caller may reuse its array).
   */
  constructor(transferId: number, frame: number, bytes: Uint8Array) {
    if (!Number.isInteger(transferId) || transferId < 0 || transferId > 0xffff) throw new RangeError(`transferId must be a u16, got ${String(transferId)}`);
    if (!Number.isInteger(frame) || frame < 0) throw new RangeError(`frame must be an integer >= 0, got ${String(frame)}`);
    if (bytes.length === 0) throw new RangeError('a state of 0 bytes cannot be sent');
    this.transferId = transferId;
    this.frame = frame;
    this.bytes = bytes.slice();
    this.hash = hashBytes(this.bytes);
    this.count = stateChunkCount(bytes.length);
    this.sentAtMs = new Float64Array(this.count).fill(Number.NaN);
    this.acked = new Uint8Array(this.count);
  }

  /** Every chunk has been acknowledged. */
  get done(): boolean {
    return this.ackedCount === this.count;
  }

  /** Chunks acknowledged so far, and in all. */
  get progress(): { readonly acked: number; readonly total: number } {
    return { acked: this.ackedCount, total: this.count };
  }

  /** Chunk packets sent so far, first sends and resends (for stats and tests). */
  get chunksSent(): number {
    return this.sentCount;
  }

  /**
   * The chunks due at `nowMs`, in index order, at most `max`: within the window from the lowest
   * unacknowledged chunk, those never sent and those sent at least `resendAfterMs` ago without an
   * acknowledgement (a round trip and some margin: the caller knows the link's).
   */
  take(nowMs: number, resendAfterMs: number, max = STATE_WINDOW_CHUNKS): StateChunk[] {
    const out: StateChunk[] = [];
    const end = Math.min(this.count, this.lowest + STATE_WINDOW_CHUNKS);
    for (let i = this.lowest; i < end && out.length < max; i++) {
      if (this.acked[i] === 1) continue;
      const sent = this.sentAtMs[i]!;
      if (!Number.isNaN(sent) && nowMs - sent < resendAfterMs) continue;
      this.sentAtMs[i] = nowMs;
      this.sentCount++;
      const start = i * STATE_CHUNK_BYTES;
      out.push({
        transferId: this.transferId,
        frame: this.frame,
        totalBytes: this.bytes.length,
        hash: this.hash,
        index: i,
        bytes: this.bytes.subarray(start, Math.min(start + STATE_CHUNK_BYTES, this.bytes.length)),
      });
    }
    return out;
  }

  /** An acknowledgement arrived; one for another transfer, or naming chunks that do not exist, is ignored. Returns whether it was taken. */
  onAck(ack: StateAck): boolean {
    if (ack.transferId !== this.transferId) return false;
    if (!Number.isInteger(ack.next) || ack.next < 0 || ack.next > this.count) return false;
    for (let i = this.lowest; i < ack.next; i++) this.markAcked(i);
    for (let bit = 0; bit < STATE_ACK_MASK_CHUNKS; bit++) {
      const i = ack.next + 1 + bit;
      if (i >= this.count) break;
      if ((ack.mask >>> bit) & 1) this.markAcked(i);
    }
    while (this.lowest < this.count && this.acked[this.lowest] === 1) this.lowest++;
    return true;
  }

  private markAcked(i: number): void {
    if (this.acked[i] === 1) return;
    this.acked[i] = 1;
    this.ackedCount++;
  }
}

/** Why a receiver refused a chunk (it is counted and dropped; nothing else changes). */
export type StateChunkRefusal = 'too-big' | 'bad-header' | 'bad-index' | 'bad-length' | 'changed-header';

/** What `StateReceiver.onChunk` made of a chunk. */
export type StateChunkResult =
  | { readonly kind: 'new' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'refused'; readonly reason: StateChunkRefusal };

/** A state received whole, its hash checked. */
export interface ReceivedState {
  readonly frame: number;
  readonly bytes: Uint8Array;
}

/**
 * Receives one state at a time. A chunk of another transfer than the current one starts over (the
 * sender took a newer state, or another peer now sends it); what arrived of the old one is dropped.
 * The session hands it only chunks from the peer it expects the state from.
 */
export class StateReceiver {
  private readonly maxBytes: number;
  private transferId = -1;
  private frame = -1;
  private totalBytes = 0;
  private hash = 0;
  private count = 0;
  private buffer: Uint8Array | undefined;
  private have: Uint8Array = new Uint8Array(0);
  private haveCount = 0;
  private nextMissing = 0;
  private failedHash = false;
  /** The current transfer's state was taken (or failed its hash): its chunks are only acknowledged now. */
  private finished = false;

  /** @param maxBytes Largest state accepted (bytes); a bigger one is refused before anything is allocated. */
  constructor(maxBytes = DEFAULT_MAX_STATE_BYTES) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be an integer >= 1, got ${String(maxBytes)}`);
    this.maxBytes = maxBytes;
  }

  /** A transfer has started (some chunk of it arrived). */
  get started(): boolean {
    return this.transferId >= 0;
  }

  /** Every chunk of the current transfer has arrived (see `take` for the hash check). */
  get complete(): boolean {
    return this.started && this.haveCount === this.count;
  }

  /** The current transfer's state has been taken (or dropped on a hash mismatch). */
  get done(): boolean {
    return this.finished;
  }

  /** Chunks held of the current transfer, and in all (0 / 0 before any). */
  get progress(): { readonly received: number; readonly total: number } {
    return { received: this.haveCount, total: this.count };
  }

  /** The complete state's bytes did not match its hash: the transfer was dropped, and needs to be sent again. */
  get hashFailed(): boolean {
    return this.failedHash;
  }

  onChunk(chunk: StateChunk): StateChunkResult {
    const { transferId, frame, totalBytes, hash, index, bytes } = chunk;
    if (!Number.isInteger(transferId) || transferId < 0 || transferId > 0xffff || !Number.isInteger(frame) || frame < 0 || !Number.isInteger(hash) || hash < 0 || hash > 0xffffffff) {
      return refused('bad-header');
    }
    if (!Number.isInteger(totalBytes) || totalBytes < 1) return refused('bad-header');
    if (totalBytes > this.maxBytes) return refused('too-big');
    const count = stateChunkCount(totalBytes);
    if (!Number.isInteger(index) || index < 0 || index >= count) return refused('bad-index');
    const expected = index < count - 1 ? STATE_CHUNK_BYTES : totalBytes - (count - 1) * STATE_CHUNK_BYTES;
    if (bytes.length !== expected) return refused('bad-length');
    if (transferId === this.transferId) {
      if (frame !== this.frame || totalBytes !== this.totalBytes || hash !== this.hash) return refused('changed-header');
    } else {
      this.start(transferId, frame, totalBytes, hash, count);
    }
    if (this.finished || this.have[index] === 1) return { kind: 'duplicate' };
    this.buffer!.set(bytes, index * STATE_CHUNK_BYTES);
    this.have[index] = 1;
    this.haveCount++;
    while (this.nextMissing < this.count && this.have[this.nextMissing] === 1) this.nextMissing++;
    return { kind: 'new' };
  }

  /**
   * The acknowledgement to send for the current transfer; undefined before any chunk arrived. Still
   * sent once the state is taken, so that a sender whose last acknowledgement was lost stops.
   */
  ack(): StateAck | undefined {
    if (!this.started) return undefined;
    let mask = 0;
    for (let bit = 0; bit < STATE_ACK_MASK_CHUNKS; bit++) {
      const i = this.nextMissing + 1 + bit;
      if (i >= this.count) break;
      if (this.have[i] === 1) mask |= 1 << bit;
    }
    return { transferId: this.transferId, next: this.nextMissing, mask: mask >>> 0 };
  }

  /**
   * The state, once complete and its hash checked, exactly once; undefined before and after. A
   * state whose bytes do not match its hash is dropped (`hashFailed`): the sender must start a new
   * transfer (another `transferId`).
   */
  take(): ReceivedState | undefined {
    if (this.finished || !this.complete || this.buffer === undefined) return undefined;
    const bytes = this.buffer;
    this.buffer = undefined;
    this.finished = true;
    if (hashBytes(bytes) !== this.hash) {
      this.failedHash = true;
      return undefined;
    }
    return { frame: this.frame, bytes };
  }

  private start(transferId: number, frame: number, totalBytes: number, hash: number, count: number): void {
    this.transferId = transferId;
    this.frame = frame;
    this.totalBytes = totalBytes;
    this.hash = hash;
    this.count = count;
    this.buffer = new Uint8Array(totalBytes);
    this.have = new Uint8Array(count);
    this.haveCount = 0;
    this.nextMissing = 0;
    this.finished = false;
    this.failedHash = false;
  }
}

function refused(reason: StateChunkRefusal): StateChunkResult {
  return { kind: 'refused', reason };
}
