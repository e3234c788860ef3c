import type { PeerAddress } from '../transport/transport.ts';
import { LossEstimator } from './loss-estimator.ts';
import { TimeSync } from './time-sync.ts';

/**
 * Handshake requests remembered per peer: a reply counts only while its request is remembered,
 * so this many resend intervals (P2PSession's SYNC_RETRY_MS, 30 ms) bound the round trip a
 * handshake can complete over (about 1.9 s).
 */
const SYNC_OUTSTANDING = 64;
/**
 * Quality reports sent after a route change to measure the new route, and their spacing (ms).
 * Until as many answers have arrived, the round-trip estimate is their median: the new route's
 * within about 500 ms plus a round trip, even though the peer may switch a moment after us (so
 * that its first answers still take the old route) and one answer may be reordered or delayed.
 */
const ROUTE_PROBES = 6;
const ROUTE_PROBE_MS = 100;

export const LinkState = {
  /** Handshake round trips under way. */
  Syncing: 0,
  /** Synchronized; inputs flow. */
  Running: 1,
  /**
   * Dropped: its packets are ignored, and nothing is sent to it but, now and then, our statuses
   * in answer to one of its valid packets, so that it learns it was dropped.
   */
  Disconnected: 2,
} as const;
export type LinkState = (typeof LinkState)[keyof typeof LinkState];

/**
 * Everything the session knows about one remote peer: handshake progress, timers, round-trip
 * estimate, the peer's latest view of every player, time sync and traffic counters. Plain state
 * with small helpers; the session decides what to send and when.
 */
export class PeerLink {
  state: LinkState = LinkState.Syncing;
  /** The peer's session token (u16) once learned from its handshake; -1 before. */
  remoteToken = -1;
  /** An `incompatible-peer` event was raised for this peer already (one is enough). */
  incompatibleReported = false;

  syncRemaining: number;
  /** When the last handshake request went out (ms). */
  syncSentMs = -Infinity;
  /** When the first one went out (ms; NaN before), and when a peer that never answered is next named in a `synchronizing` event. */
  syncStartedMs = Number.NaN;
  syncSilentNoticeMs = 0;
  syncDone = 0;
  /**
   * Handshake requests still unanswered (nonce, send time): a reply to any of them counts, so a
   * round trip longer than the resend interval still completes the handshake.
   */
  private readonly syncNonces = new Float64Array(SYNC_OUTSTANDING).fill(-1);
  private readonly syncNonceMs = new Float64Array(SYNC_OUTSTANDING);
  private syncNext = 0;

  lastReceiveMs = -Infinity;
  lastSendMs = -Infinity;
  lastInputSendMs = -Infinity;
  /** Our current frame when we last sent our inputs to this peer. */
  lastInputSendFrame = -Infinity;
  lastQualityMs = -Infinity;
  interrupted = false;
  /** We received inputs that we have not acknowledged in a packet yet. */
  ackPending = false;
  /** Our drop count (`P2PSession.drops`) as of the last statuses sent to this peer. */
  statusesSentDrops = 0;
  /** When statuses (an Input or InputAck) last went to this peer (ms). */
  lastStatusesSendMs = -Infinity;
  /** Newest own-input frame included in a packet to this peer. */
  sentThrough = -1;
  /** While the session rejoins after an isolation: this peer answered a probe sent since (it still has us). */
  rejoined = false;
  /** When the last rejoin probe (a QualityReport) went to this peer (ms). */
  probeSentMs = -Infinity;
  /** When we last answered a packet of this peer after dropping it, telling it so (ms). */
  droppedReplyMs = -Infinity;
  /** When inputs of a departed player were last forwarded to this peer, per player (ms). */
  readonly forwardSentMs: Float64Array;

  /** Smoothed round trip (ms); -1 until the first sample, and again after a route change. */
  srttMs = -1;
  rttVarMs = 0;
  /**
   * QualityReplies to reports sent before this time (ms) are not round-trip samples: after a route
   * change they measured the old route, or half of each. -Infinity: all count; Infinity: none, until
   * the first route probe goes out and sets it to its send time.
   */
  private rttSinceMs = -Infinity;
  /** Route probes (quality reports ROUTE_PROBE_MS apart) still to send after a route change. */
  private routeProbesLeft = 0;
  /** Round trips measured since the route changed (ms): the estimate is their median until full. */
  private readonly routeSamples = new Float64Array(ROUTE_PROBES);
  private routeSampleCount = ROUTE_PROBES;

  /** The peer's view: last frame it holds of each player's inputs (-1: none). Only grows. */
  readonly remoteLastFrame: Int32Array;
  /** The peer's view: players it has dropped. Only ever set. */
  readonly remoteDisconnected: Uint8Array;
  /** The peer's newest reported current frame and when we heard it (ms). */
  remoteFrame = -1;
  remoteFrameAtMs = 0;

  readonly timeSync = new TimeSync();
  readonly loss = new LossEstimator();

  rollbackFrames = 0;
  packetsSent = 0;
  packetsReceived = 0;
  bytesSent = 0;
  bytesReceived = 0;
  private windowStartMs = -1;
  private windowSent = 0;
  private windowReceived = 0;
  sendBytesPerSecond = 0;
  receiveBytesPerSecond = 0;

  constructor(
    readonly player: number,
    readonly address: PeerAddress,
    playerCount: number,
    syncRoundTrips: number,
  ) {
    this.syncRemaining = syncRoundTrips;
    this.remoteLastFrame = new Int32Array(playerCount).fill(-1);
    this.remoteDisconnected = new Uint8Array(playerCount);
    this.forwardSentMs = new Float64Array(playerCount).fill(-Infinity);
  }

  /** Remembers a handshake request sent at `nowMs`. */
  noteSyncRequest(nonce: number, nowMs: number): void {
    this.syncNonces[this.syncNext] = nonce;
    this.syncNonceMs[this.syncNext] = nowMs;
    this.syncNext = (this.syncNext + 1) % SYNC_OUTSTANDING;
    this.syncSentMs = nowMs;
    if (Number.isNaN(this.syncStartedMs)) this.syncStartedMs = nowMs;
  }

  /** Matches a handshake reply: the round trip (ms), or -1 for an unknown or repeated nonce. */
  takeSyncReply(nonce: number, nowMs: number): number {
    for (let i = 0; i < SYNC_OUTSTANDING; i++) {
      if (this.syncNonces[i] === nonce) {
        this.syncNonces[i] = -1; // a duplicate of this reply must not count twice
        return nowMs - this.syncNonceMs[i]!;
      }
    }
    return -1;
  }

  /** Folds a round-trip sample into the estimate (RFC 6298 style smoothing). */
  addRttSample(rttMs: number): void {
    const sample = Math.max(0, rttMs);
    if (this.srttMs < 0) {
      this.srttMs = sample;
      this.rttVarMs = sample / 2;
    } else {
      this.rttVarMs = 0.75 * this.rttVarMs + 0.25 * Math.abs(this.srttMs - sample);
      this.srttMs = 0.875 * this.srttMs + 0.125 * sample;
    }
  }

  /**
   * The route to this peer changed below the transport (e.g. relay → direct). The round-trip
   * estimate goes back to unknown, so that the new route's samples take over at once rather than
   * at gain 1/8: with one sample per quality report (1 s), the old route's figure would linger
   * about 10 s. Time sync starts over too (its samples used the old round trip). Then ROUTE_PROBES
   * quality reports go out ROUTE_PROBE_MS apart, the first at once, to measure the new route (see
   * `onQualityReply`); replies to earlier reports no longer count (they measured the old route, or
   * half of each). Nothing here touches inputs, frames or checksums.
   */
  resetRoute(): void {
    this.srttMs = -1;
    this.rttVarMs = 0;
    this.rttSinceMs = Infinity;
    this.routeProbesLeft = ROUTE_PROBES;
    this.routeSampleCount = 0;
    this.timeSync.restart();
  }

  /** Whether a quality report is due at `nowMs`: every `intervalMs`, or a route probe. */
  qualityReportDue(nowMs: number, intervalMs: number): boolean {
    const sinceMs = nowMs - this.lastQualityMs;
    return sinceMs >= intervalMs || (this.routeProbesLeft > 0 && sinceMs >= ROUTE_PROBE_MS);
  }

  /** A quality report goes out at `nowMs` (its `pingMs` is `floor(nowMs)`). */
  noteQualityReport(nowMs: number): void {
    this.lastQualityMs = nowMs;
    if (this.routeProbesLeft === 0) return;
    this.routeProbesLeft--;
    if (this.rttSinceMs === Infinity) this.rttSinceMs = nowMs;
  }

  /**
   * A QualityReply echoing `pongMs` (u32 ms, our send time) arrived at `nowMs`: a round-trip
   * sample, unless it answers a report sent before the route last changed. The first ROUTE_PROBES
   * samples since a change set the estimate to their median (and the deviation to their mean
   * distance from it) rather than being smoothed in: the peer may still have answered the first
   * probes over the old route, and one answer may have been reordered, lost or duplicated.
   */
  onQualityReply(pongMs: number, nowMs: number): void {
    const nowU32 = Math.floor(nowMs) >>> 0;
    const sample = (nowU32 - pongMs) >>> 0;
    if (this.rttSinceMs === Infinity) return; // no report sent since the route changed
    if (this.rttSinceMs !== -Infinity) {
      // Modulo 2^32 (`pingMs` wraps every 49.7 days): sent at or after the first probe?
      const since = Math.floor(this.rttSinceMs) >>> 0;
      if ((pongMs - since) >>> 0 > (nowU32 - since) >>> 0) return;
    }
    if (this.routeSampleCount >= ROUTE_PROBES) {
      this.addRttSample(sample);
      return;
    }
    this.routeSamples[this.routeSampleCount++] = sample;
    const sorted = this.routeSamples.slice(0, this.routeSampleCount).sort(); // numeric: a typed array
    const n = sorted.length;
    const median = n % 2 === 1 ? sorted[n >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
    let deviation = 0;
    for (const value of sorted) deviation += Math.abs(value - median);
    this.srttMs = median;
    this.rttVarMs = deviation / n;
  }

  noteSent(bytes: number, nowMs: number): void {
    this.packetsSent++;
    this.bytesSent += bytes;
    this.windowSent += bytes;
    this.lastSendMs = nowMs;
  }

  noteReceived(bytes: number): void {
    this.packetsReceived++;
    this.bytesReceived += bytes;
    this.windowReceived += bytes;
  }

  /** Rolls the one-second traffic window. */
  tick(nowMs: number): void {
    if (this.windowStartMs < 0) this.windowStartMs = nowMs;
    const span = nowMs - this.windowStartMs;
    if (span >= 1000) {
      this.sendBytesPerSecond = (this.windowSent * 1000) / span;
      this.receiveBytesPerSecond = (this.windowReceived * 1000) / span;
      this.windowSent = 0;
      this.windowReceived = 0;
      this.windowStartMs = nowMs;
    }
  }

  /** Merges a status view from the peer: frames only grow, a drop is never undone. */
  mergeStatus(player: number, lastFrame: number, disconnected: boolean): void {
    if (lastFrame > (this.remoteLastFrame[player] ?? -1)) this.remoteLastFrame[player] = lastFrame;
    if (disconnected) this.remoteDisconnected[player] = 1;
  }
}
