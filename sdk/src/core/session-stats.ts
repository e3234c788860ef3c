import type { DropReason } from '../protocol/messages.ts';

/** Network figures for one remote peer. Rates are over the last full second. */
export interface PeerStats {
  /** The peer's player handle. */
  readonly player: number;
  /**
   * Smoothed round-trip time (ms) on the route the packets take now. 0 until measured: before the
   * first sample, and for one round trip after `routeChanged` (the old route's figure is dropped).
   */
  readonly rttMs: number;
  /** Mean deviation of the round-trip time (ms). */
  readonly jitterMs: number;
  /** Fraction of this peer's packets lost on the way to us, in [0, 1]. */
  readonly lossRate: number;
  /** Payload bytes we sent to this peer per second (our datagrams, without UDP/IP headers). */
  readonly sendBytesPerSecond: number;
  /** Payload bytes we received from this peer per second. */
  readonly receiveBytesPerSecond: number;
  /** Our estimate of how many frames we run ahead of this peer (negative: behind). */
  readonly localFrameAdvantage: number;
  /** This peer's estimate of how many frames it runs ahead of us. */
  readonly remoteFrameAdvantage: number;
  /** Frames re-simulated because this peer's inputs differed from our prediction (total). */
  readonly rollbackFrames: number;
  /** Packets we sent to this peer (total). */
  readonly packetsSent: number;
  /** Packets we accepted from this peer (total). */
  readonly packetsReceived: number;
  /** Payload bytes we sent to this peer (total). */
  readonly bytesSent: number;
  /** Payload bytes we received from this peer (total). */
  readonly bytesReceived: number;
  /** Whether the peer is still in the session (not dropped). */
  readonly connected: boolean;
}

/** Figures for the whole session. */
export interface SessionStats {
  /** The frame the next `advanceFrame` simulates. */
  readonly currentFrame: number;
  /** Newest frame whose inputs are known from every player. */
  readonly confirmedFrame: number;
  /** Frames re-simulated in all (rollbacks). */
  readonly rollbackFrames: number;
  /** Longest single rollback (frames). */
  readonly maxRollbackFrames: number;
  /** Calls to `advanceFrame` that could not advance (prediction window full or lockstep wait). */
  readonly stallFrames: number;
  /** Packets dropped, by reason: decoder rejections plus `unknown-sender`, `spoofed`, `stale`, `incompatible`. */
  readonly dropped: Readonly<Record<DropReason | SessionDropReason, number>>;
  /** Checksum mismatches with peers (total; each is also a `desync` event). */
  readonly desyncs: number;
  /** One entry per remote player, dropped ones included. */
  readonly peers: readonly PeerStats[];
}

/** Drop reasons that the session (rather than the decoder) decides. */
export const SessionDropReason = {
  /** From an address that is not a player of this session. */
  UnknownSender: 'unknown-sender',
  /** Claims to be another player, or forwards inputs it may not forward. */
  Spoofed: 'spoofed',
  /** From a previous session (token mismatch), or from a dropped player. */
  Stale: 'stale',
  /** Other session parameters. */
  Incompatible: 'incompatible',
} as const;
export type SessionDropReason = (typeof SessionDropReason)[keyof typeof SessionDropReason];
