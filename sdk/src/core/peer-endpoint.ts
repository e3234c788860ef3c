import type { PeerAddress } from '../transport/transport.ts';
import type { ConnectStatus, Message, Packet } from '../protocol/messages.ts';
import { MessageType } from '../protocol/messages.ts';
import { LossEstimator } from './loss-estimator.ts';
import { TimeSync } from './time-sync.ts';
import { explainFingerprint } from './session-fingerprint.ts';
import type { SessionDropReason } from './session-stats.ts';

/**
 * Handshake request resend interval (ms) while the peer answers (and during the first
 * SYNC_QUIET_AFTER_MS, before it can have). Short, because no peer starts its frame 0 before every
 * peer's handshakes are done: a lost request or reply that waited a long interval would hold up
 * the whole match's start. Requests in flight are remembered (SYNC_OUTSTANDING), so a round trip
 * longer than this interval only overlaps requests; a reply to any of them counts.
 */
const SYNC_RETRY_MS = 30;
/**
 * While our handshakes are all done and the session waits to start, the readiness notice (an Input
 * with no inputs) goes to each peer this often (ms): about one frame, so that a lost notice delays
 * that peer's start by about a frame, not by a round trip. It lasts only until the session runs
 * (then its real Inputs say the same), about one one-way trip for the last peer to be ready.
 */
const READY_RETRY_MS = 16;
/** A peer that has not answered at all for this long (ms) is asked only every SYNC_RETRY_QUIET_MS. */
const SYNC_QUIET_AFTER_MS = 1000;
const SYNC_RETRY_QUIET_MS = 200;
/**
 * Handshake requests remembered: a reply counts only while its request is remembered, so this many
 * resend intervals (SYNC_RETRY_MS) bound the round trip a handshake can complete over (about 1.9 s).
 */
const SYNC_OUTSTANDING = 64;
/**
 * How long a peer may leave every handshake request unanswered before a `synchronizing` event
 * names it with `silentMs`, and again every as long (ms): 3 s is about twenty requests, far beyond
 * any round trip, so the likely cause is a wrong address or a peer whose session is not running.
 */
const SYNC_SILENT_NOTICE_MS = 3000;
/**
 * Rejoin probes (QualityReports) go to a peer that has not answered one this often (ms): a
 * rejoining session stalls until all have, and a lossy link may need several tries.
 */
const PROBE_RETRY_MS = 100;
/** A quiet link sends a keepalive this often (ms). */
export const KEEPALIVE_MS = 200;
/** Goodbye is sent this many times: it is the one message that gets no answer. */
const GOODBYE_COPIES = 3;
/**
 * A dropped peer's valid packets are answered with our statuses (which say it was dropped) at
 * most this often (ms), so that it ends its session instead of playing on alone, and so that the
 * answers never outnumber what it sends.
 */
const DROPPED_REPLY_MS = 200;
/**
 * Quality reports sent after a route change to measure the new route, and their spacing (ms).
 * Until as many answers have arrived, the round-trip estimate is their median: the new route's
 * within about 500 ms plus a round trip, even though the peer may switch a moment after us (so
 * that its first answers still take the old route) and one answer may be reordered or delayed.
 */
const ROUTE_PROBES = 6;
const ROUTE_PROBE_MS = 100;

/** Where the protocol with one peer is. */
export const EndpointState = {
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
export type EndpointState = (typeof EndpointState)[keyof typeof EndpointState];

/**
 * What an endpoint reports to its session. The session drains them (`takeEvents`) after each
 * call that can raise one, so that they keep their order among the session's own events.
 */
export type EndpointEvent =
  /** One handshake round trip done (`count` of `total`), or, with `silentMs`, the peer never answered. */
  | { readonly type: 'synchronizing'; readonly count: number; readonly total: number; readonly silentMs?: number }
  /** Every handshake round trip done: inputs may flow. */
  | { readonly type: 'synchronized' }
  /** Silent for `disconnectNotifyStartMs`; dropped in `disconnectInMs` unless heard (or isolated). */
  | { readonly type: 'interrupted'; readonly disconnectInMs: number }
  /** Heard again after `interrupted`. */
  | { readonly type: 'resumed' }
  /** The peer's handshake shows a setup mistake (raised once per peer). */
  | { readonly type: 'incompatible'; readonly reason: string };

/** The session parameters an endpoint needs; fixed for its life. */
export interface PeerEndpointOptions {
  /** The remote peer's player handle. */
  readonly player: number;
  readonly address: PeerAddress;
  /** Our own player handle. */
  readonly localPlayer: number;
  readonly playerCount: number;
  /** Input size (bytes), for the explanation of a fingerprint mismatch. */
  readonly inputSize: number;
  /** The match id (u32) that went into the fingerprint. */
  readonly matchId: number;
  readonly fingerprint: number;
  readonly epoch: number;
  readonly syncRoundTrips: number;
  /** One frame (ms). */
  readonly frameMs: number;
  /** Frames between sends of unchanged inputs. */
  readonly inputResendFrames: number;
  readonly qualityReportMs: number;
  readonly disconnectNotifyStartMs: number;
  readonly disconnectTimeoutMs: number;
  /** Encodes (with our session token) and sends one message to this peer; returns its size in bytes. */
  readonly send: (message: Message) => number;
  /** A fresh handshake nonce (u32), from the session's seeded generator. */
  readonly nextNonce: () => number;
}

/**
 * What the session shares with its endpoints when they decide what to send. The session keeps one
 * and updates it in place (no allocation per frame); endpoints only read it.
 */
export interface SendContext {
  /** The session runs: frames advance, inputs may be sent. */
  readonly running: boolean;
  /**
   * Our handshakes with every peer are done (we are *ready*): until the session runs, each peer is
   * told so every READY_RETRY_MS by an Input message with no inputs.
   */
  readonly ready: boolean;
  /** The session's current frame. */
  readonly frame: number;
  /** Our statuses of every player, up to date, as Input and InputAck carry them. */
  readonly statuses: readonly ConnectStatus[];
  /** Players dropped in our view so far: a peer must hear of each drop at once. */
  readonly dropCount: number;
  /** Some dropped player's last frame is not agreed yet: statuses are repeated until it is. */
  readonly agreementPending: boolean;
  /** Lockstep: every input is awaited, so each goes out at once. */
  readonly lockstep: boolean;
  /** Newest local frame whose input differs from the one before (it must go out at once). */
  readonly lastChangeFrame: number;
  /** Newest frame of `player`'s inputs we hold (-1: none). */
  lastFrame(player: number): number;
  /** Whether we dropped `player`. */
  dropped(player: number): boolean;
  /** An Input message with `player`'s inputs from frame `from` on (as many as fit), or undefined if we hold none. */
  inputRun(player: number, from: number): Message | undefined;
}

const NO_EVENTS: readonly EndpointEvent[] = Object.freeze([]);
/** The inputs of a readiness notice: none. */
const NO_INPUTS = new Uint8Array(0);

/**
 * The protocol with one remote peer (one per address): the handshake, acknowledgements and the
 * timing of what goes out (inputs, statuses, quality reports, keepalives), the round trip, time
 * sync and loss estimates, silence timeouts and traffic figures. It owns all of that state; the
 * session reads it through getters, hands it decoded packets (`admit`, then `receive`), asks it
 * to send what is due (`flush`) and drains its events. Pure and synchronous: time is passed in.
 *
 * The session keeps what only it can do: input queues, prediction, rollback, the disconnect
 * agreement and desync detection.
 */
export class PeerEndpoint {
  readonly player: number;
  readonly address: PeerAddress;
  private readonly opts: PeerEndpointOptions;
  private readonly local: number;

  private stateValue: EndpointState = EndpointState.Syncing;
  private events: EndpointEvent[] = [];
  /** The peer's session token (u16) once learned from its handshake; -1 before. */
  private remoteToken = -1;
  /** An `incompatible` event was raised for this peer already (one is enough). */
  private incompatibleReported = false;

  private syncRemaining: number;
  private syncDone = 0;
  /** When the last handshake request went out (ms). */
  private syncSentMs = -Infinity;
  /** When the first one went out (ms; NaN before). */
  private syncStartedMs = Number.NaN;
  /** Silence (ms since the first request) after which a never-answering peer is next named. */
  private syncSilentNoticeMs = 0;
  /**
   * Handshake requests still unanswered (nonce, send time): a reply to any of them counts, so a
   * round trip longer than the resend interval still completes the handshake.
   */
  private readonly syncNonces = new Float64Array(SYNC_OUTSTANDING).fill(-1);
  private readonly syncNonceMs = new Float64Array(SYNC_OUTSTANDING);
  private syncNext = 0;

  private lastReceive = -Infinity;
  private lastSendMs = -Infinity;
  private lastInputSendMs = -Infinity;
  /** The session's frame when we last sent our inputs to this peer. */
  private lastInputSendFrame = -Infinity;
  private lastQualityMs = -Infinity;
  private interrupted = false;
  /** We received inputs that we have not acknowledged in a packet yet. */
  private ackPending = false;
  /** The session's drop count as of the last statuses sent to this peer. */
  private statusesSentDrops = 0;
  /** When statuses (an Input or InputAck) last went to this peer (ms). */
  private lastStatusesSendMs = -Infinity;
  /**
   * Our first own-input frame not sent to this peer before our newest drop, or -1 when the peer
   * has acknowledged it. Every packet that carries that input also carries our statuses with the
   * drop, so its acknowledgement proves the peer has heard of the drop from us (see `flush`).
   */
  private dropHeardFrom = -1;
  /** Newest own-input frame included in a packet to this peer. */
  private sentThrough = -1;
  /** When the session began rejoining after an isolation (ms), or -1: probes go out until answered. */
  private rejoinSinceMs = -1;
  /** This peer answered a probe sent since the rejoin began (it still has us). */
  private rejoinedValue = false;
  /** When the last rejoin probe (a QualityReport) went to this peer (ms). */
  private probeSentMs = -Infinity;
  /** When we last answered a packet of this peer after dropping it, telling it so (ms). */
  private droppedReplyMs = -Infinity;
  /** When inputs of a departed player were last forwarded to this peer, per player (ms). */
  private readonly forwardSentMs: Float64Array;

  /** Smoothed round trip (ms); -1 until the first sample, and again after a route change. */
  private srttMs = -1;
  private rttVarMs = 0;
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
  private readonly remoteLast: Int32Array;
  /**
   * The peer's view: players it has dropped. Set by a report of the drop whose last frame is at
   * least that player's floor; cleared only when the player is readmitted (`readmitted`).
   */
  private readonly remoteDropped: Uint8Array;
  /**
   * Per player, the lowest last frame a report of its drop must carry to count (-1: any). After a
   * readmission at frame F it is F - 1, so that reports of the earlier drop still in flight (their
   * last frame is before F - 1) cannot drop the player again.
   */
  private readonly dropFloor: Int32Array;
  /**
   * The peer told us its handshakes are all done: an Input message of its own arrived (empty, the
   * readiness notice of a peer waiting to start, or with inputs, from a peer that runs).
   */
  private peerReadyValue = false;
  /** When our last readiness notice went to this peer (ms). */
  private readySentMs = -Infinity;
  /** The peer's newest reported current frame and when we heard it (ms). */
  private remoteFrame = -1;
  private remoteFrameAtMs = 0;

  private readonly timeSync = new TimeSync();
  private readonly loss = new LossEstimator();

  private packetsSentCount = 0;
  private packetsReceivedCount = 0;
  private bytesSentCount = 0;
  private bytesReceivedCount = 0;
  private windowStartMs = -1;
  private windowSent = 0;
  private windowReceived = 0;
  private sendRate = 0;
  private receiveRate = 0;

  constructor(options: PeerEndpointOptions) {
    this.opts = options;
    this.player = options.player;
    this.address = options.address;
    this.local = options.localPlayer;
    this.syncRemaining = options.syncRoundTrips;
    this.remoteLast = new Int32Array(options.playerCount).fill(-1);
    this.remoteDropped = new Uint8Array(options.playerCount);
    this.dropFloor = new Int32Array(options.playerCount).fill(-1);
    this.forwardSentMs = new Float64Array(options.playerCount).fill(-Infinity);
  }

  // ---- what the session reads ------------------------------------------------------------------

  get state(): EndpointState {
    return this.stateValue;
  }

  /** When a valid packet of this peer last arrived (ms; -Infinity: never). */
  get lastReceiveMs(): number {
    return this.lastReceive;
  }

  /** While the session rejoins: whether this peer answered a probe sent since it began. */
  get rejoined(): boolean {
    return this.rejoinedValue;
  }

  /**
   * Whether the peer has told us that its handshakes with every peer are done (any Input message
   * of its own: a readiness notice, or its inputs once it runs). The session starts only once every
   * remaining peer has (see P2PSession's `checkStart`).
   */
  get peerReady(): boolean {
    return this.peerReadyValue;
  }

  /** Handshake round trips done. */
  get syncCount(): number {
    return this.syncDone;
  }

  /** The newest frame of `player`'s inputs this peer has told us it holds (-1: none): its acknowledgement. */
  remoteLastFrame(player: number): number {
    return this.remoteLast[player]!;
  }

  /** Whether this peer has told us it dropped `player`. */
  remoteDisconnected(player: number): boolean {
    return this.remoteDropped[player] === 1;
  }

  /** Frames we should give up so that this peer and we run level (0 until both estimates exist). */
  get framesAhead(): number {
    return this.timeSync.framesAhead;
  }

  /** Smoothed round trip (ms); 0 until measured. */
  get rttMs(): number {
    return Math.max(0, this.srttMs);
  }

  /** Mean deviation of the round trip (ms). */
  get jitterMs(): number {
    return this.rttVarMs;
  }

  get lossRate(): number {
    return this.loss.lossRate;
  }

  get localFrameAdvantage(): number {
    return this.timeSync.localAdvantage;
  }

  get remoteFrameAdvantage(): number {
    return this.timeSync.remoteAdvantage;
  }

  /** Payload bytes per second over the last full one-second window. */
  get sendBytesPerSecond(): number {
    return this.sendRate;
  }

  get receiveBytesPerSecond(): number {
    return this.receiveRate;
  }

  get packetsSent(): number {
    return this.packetsSentCount;
  }

  get packetsReceived(): number {
    return this.packetsReceivedCount;
  }

  get bytesSent(): number {
    return this.bytesSentCount;
  }

  get bytesReceived(): number {
    return this.bytesReceivedCount;
  }

  /** The events raised since the last call, oldest first. */
  takeEvents(): readonly EndpointEvent[] {
    if (this.events.length === 0) return NO_EVENTS;
    const out = this.events;
    this.events = [];
    return out;
  }

  // ---- what the session tells it ---------------------------------------------------------------

  /**
   * `player` is back in the match, its inputs restarting after `lastFrame` (the frame before its
   * agreed re-entry): the peer's report of its earlier drop is forgotten, and only a report with
   * a last frame of at least `lastFrame` drops it again. A returning peer passes MAX_FRAME for
   * itself until it re-enters, so that the survivors' reports of its absence do not end it.
   */
  setDropFloor(player: number, lastFrame: number): void {
    this.remoteDropped[player] = 0;
    this.dropFloor[player] = lastFrame;
  }

  /** The peer's newest reported frame, projected to `nowMs` (frames; -1 before any report). */
  projectedFrame(nowMs: number): number {
    if (this.remoteFrame < 0) return -1;
    return this.remoteFrame + (nowMs - this.remoteFrameAtMs + Math.max(0, this.srttMs) / 2) / this.opts.frameMs;
  }

  /** Sends one message of the rejoin (StateChunk, StateAck, Readmit) now, counted like any other. */
  sendRejoinMessage(message: Message, nowMs: number): void {
    if (this.stateValue === EndpointState.Disconnected) return;
    this.send(message, nowMs);
  }

  /** The session dropped this peer: from now on it is sent nothing but answers to its packets. */
  disconnect(): void {
    this.stateValue = EndpointState.Disconnected;
  }

  /**
   * The route to this peer changed below the transport (e.g. relay → direct). The round-trip
   * estimate goes back to unknown, so that the new route's samples take over at once rather than
   * at gain 1/8: with one sample per quality report (1 s), the old route's figure would linger
   * about 10 s. Time sync starts over too (its samples used the old round trip). Then ROUTE_PROBES
   * quality reports go out ROUTE_PROBE_MS apart, the first at once, to measure the new route;
   * replies to earlier reports no longer count (they measured the old route, or half of each).
   */
  routeChanged(): void {
    this.srttMs = -1;
    this.rttVarMs = 0;
    this.rttSinceMs = Infinity;
    this.routeProbesLeft = ROUTE_PROBES;
    this.routeSampleCount = 0;
    this.timeSync.restart();
  }

  /**
   * The silence was ours, not this peer's (we heard no one for a while, or the session just
   * started running): its silence timer restarts at `nowMs`.
   */
  restartSilence(nowMs: number): void {
    if (this.lastReceive < nowMs) this.lastReceive = nowMs;
  }

  /**
   * The session was isolated and hears peers again since `nowMs`: this peer may have dropped us
   * meanwhile, which only an answer to a probe sent from now on can tell. Probes (QualityReports)
   * go out every PROBE_RETRY_MS until one is answered (`rejoined`).
   */
  startRejoin(nowMs: number): void {
    this.rejoinSinceMs = nowMs;
    this.rejoinedValue = false;
    this.probeSentMs = -Infinity;
  }

  /** Our inputs were received from this peer: acknowledge them soon, in some packet. */
  inputsReceived(): void {
    this.ackPending = true;
  }

  /**
   * One sample per advanced frame of how far our `frame` runs ahead of this peer's: its newest
   * reported frame, projected forward by the time since it arrived plus half a round trip. None
   * while the round trip is unknown (right after a route change): it would use a wrong travel time.
   */
  sampleTimeSync(frame: number, nowMs: number): void {
    if (this.stateValue !== EndpointState.Running || this.remoteFrame < 0 || this.srttMs < 0) return;
    const travelMs = nowMs - this.remoteFrameAtMs + this.srttMs / 2;
    const remoteNow = this.remoteFrame + travelMs / this.opts.frameMs;
    this.timeSync.addLocalSample(frame - remoteNow);
  }

  /** Rolls the one-second traffic window. */
  tick(nowMs: number): void {
    if (this.windowStartMs < 0) this.windowStartMs = nowMs;
    const span = nowMs - this.windowStartMs;
    if (span >= 1000) {
      this.sendRate = (this.windowSent * 1000) / span;
      this.receiveRate = (this.windowReceived * 1000) / span;
      this.windowSent = 0;
      this.windowReceived = 0;
      this.windowStartMs = nowMs;
    }
  }

  /**
   * The silence timer (while the session runs): true once the peer has been silent for
   * `disconnectTimeoutMs` and `witnessed` (some other peer heard lately shows that our own link
   * works), when the session drops it; an `interrupted` event after `disconnectNotifyStartMs`.
   */
  checkSilence(nowMs: number, witnessed: boolean): boolean {
    const silentMs = nowMs - this.lastReceive;
    const timeout = this.opts.disconnectTimeoutMs;
    if (silentMs >= timeout && witnessed) return true;
    if (silentMs >= this.opts.disconnectNotifyStartMs && !this.interrupted) {
      this.interrupted = true;
      this.events.push({ type: 'interrupted', disconnectInMs: Math.max(0, timeout - silentMs) });
    }
    return false;
  }

  // ---- network in ------------------------------------------------------------------------------

  /**
   * First look at a decoded packet: the token must be the one learned in the handshake, and a
   * handshake message must name this peer's player, our fingerprint and epoch. Returns why it is
   * dropped, or undefined to go on with `receive` (the session first notes that it heard someone).
   */
  admit(packet: Packet): SessionDropReason | undefined {
    const { token, message } = packet;
    if (message.type !== MessageType.SyncRequest && message.type !== MessageType.SyncReply) {
      return token === this.remoteToken ? undefined : 'stale';
    }
    if (message.player !== this.player) {
      if (!this.incompatibleReported && this.remoteToken < 0) {
        // Before any valid handshake from that address this is a setup mistake: say which, once.
        // (Later, it is a forgery of a peer that once spoke right: counted, not raised.)
        this.incompatibleReported = true;
        const claim = Number.isInteger(message.player) ? message.player : -1;
        const reason =
          claim === this.local
            ? `the peer at ${this.address} says it is player ${claim}, this session's own local player: both sessions were given the same local player`
            : `the peer at ${this.address} says it is player ${claim}, but this session has player ${this.player} at that address: the two sessions list their players in different orders`;
        this.events.push({ type: 'incompatible', reason });
      }
      return 'spoofed';
    }
    const o = this.opts;
    if (message.fingerprint !== o.fingerprint || message.epoch !== o.epoch) {
      if (!this.incompatibleReported) {
        this.incompatibleReported = true;
        const reason =
          message.fingerprint !== o.fingerprint
            ? explainFingerprint(message.fingerprint, o.playerCount, o.inputSize, o.matchId)
            : `epoch differs: it has ${message.epoch}, we ${o.epoch} (a decision of another room authority)`;
        this.events.push({ type: 'incompatible', reason });
      }
      return 'incompatible';
    }
    if (this.remoteToken < 0) this.remoteToken = token;
    return token === this.remoteToken ? undefined : 'stale';
  }

  /**
   * An admitted packet of `bytes` bytes: counted, its protocol part handled (handshake, quality
   * reports, the peer's statuses, which acknowledge what we sent). Returns the message when the
   * session has more to do with it (Input, InputAck, ChecksumReport, Goodbye, and the rejoin's
   * StateChunk, StateAck and Readmit), else undefined.
   */
  receive(message: Message, bytes: number, nowMs: number): Message | undefined {
    this.packetsReceivedCount++;
    this.bytesReceivedCount += bytes;
    this.windowReceived += bytes;
    this.loss.recordArrival();
    this.lastReceive = nowMs;
    if (this.interrupted) {
      this.interrupted = false;
      this.events.push({ type: 'resumed' });
    }
    switch (message.type) {
      case MessageType.SyncRequest:
        this.send({ type: MessageType.SyncReply, nonce: message.nonce, fingerprint: this.opts.fingerprint, player: this.local, epoch: this.opts.epoch }, nowMs);
        return undefined;
      case MessageType.SyncReply:
        this.onSyncReply(message.nonce, nowMs);
        return undefined;
      case MessageType.Input:
        if (message.player === this.player) this.peerReadyValue = true;
        // An empty Input is a readiness notice from a peer that does not run yet: its frame 0 is
        // no position in time, and taking it as one would skew the first time-sync samples.
        this.onStatuses(message.inputs.length > 0 ? message.currentFrame : -1, message.statuses, nowMs);
        return message;
      case MessageType.InputAck:
        this.onStatuses(message.currentFrame, message.statuses, nowMs);
        return message;
      case MessageType.QualityReport:
        this.timeSync.setRemoteAdvantage(message.frameAdvantage / 8);
        this.loss.recordReport(message.packetsSent);
        this.send({ type: MessageType.QualityReply, pongMs: message.pingMs }, nowMs);
        return undefined;
      case MessageType.QualityReply:
        this.onQualityReply(message.pongMs, nowMs);
        return undefined;
      case MessageType.KeepAlive:
        return undefined;
      case MessageType.ChecksumReport:
      case MessageType.Goodbye:
      case MessageType.StateChunk:
      case MessageType.StateAck:
      case MessageType.Readmit:
        return message;
    }
  }

  /**
   * A packet from this peer after we dropped it: whether to answer it with our statuses (which
   * mark it dropped, so that it ends its session instead of playing on alone). At most every
   * DROPPED_REPLY_MS; only a packet that `decode` proves to be really its own (its token); never a
   * Goodbye, nor to a peer whose statuses say it dropped us too (it ignores us, and two such peers
   * would answer each other forever). `decode` runs only when the answer is due.
   */
  answersDropped(nowMs: number, decode: () => Packet | undefined): boolean {
    if (nowMs - this.droppedReplyMs < DROPPED_REPLY_MS || this.remoteToken < 0) return false;
    const packet = decode();
    if (packet === undefined || packet.token !== this.remoteToken) return false;
    const message = packet.message;
    if (message.type === MessageType.Goodbye) return false;
    if ((message.type === MessageType.Input || message.type === MessageType.InputAck) && message.statuses[this.local]?.disconnected === true) return false;
    this.droppedReplyMs = nowMs;
    return true;
  }

  private onSyncReply(nonce: number, nowMs: number): void {
    if (this.stateValue !== EndpointState.Syncing) return;
    const rtt = this.takeSyncReply(nonce, nowMs);
    if (rtt < 0) return;
    this.addRttSample(rtt);
    this.syncSentMs = -Infinity; // ask again on the next flush
    this.syncRemaining--;
    this.syncDone++;
    this.events.push({ type: 'synchronizing', count: this.syncDone, total: this.opts.syncRoundTrips });
    if (this.syncRemaining > 0) return;
    this.stateValue = EndpointState.Running;
    this.events.push({ type: 'synchronized' });
  }

  /** Matches a handshake reply: the round trip (ms), or -1 for an unknown or repeated nonce. */
  private takeSyncReply(nonce: number, nowMs: number): number {
    for (let i = 0; i < SYNC_OUTSTANDING; i++) {
      if (this.syncNonces[i] === nonce) {
        this.syncNonces[i] = -1; // a duplicate of this reply must not count twice
        return nowMs - this.syncNonceMs[i]!;
      }
    }
    return -1;
  }

  /** Merges the peer's statuses: frames only grow, a drop is undone only by a readmission. */
  private onStatuses(currentFrame: number, statuses: readonly ConnectStatus[], nowMs: number): void {
    if (currentFrame > this.remoteFrame) {
      this.remoteFrame = currentFrame;
      this.remoteFrameAtMs = nowMs;
    }
    for (let p = 0; p < this.remoteLast.length; p++) {
      const status = statuses[p]!;
      if (status.lastFrame > this.remoteLast[p]!) this.remoteLast[p] = status.lastFrame;
      if (status.disconnected && status.lastFrame >= this.dropFloor[p]!) this.remoteDropped[p] = 1;
    }
  }

  /** Folds a round-trip sample into the estimate (RFC 6298 style smoothing). */
  private addRttSample(rttMs: number): void {
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
   * A QualityReply echoing `pongMs` (u32 ms, our send time) arrived at `nowMs`: a round-trip
   * sample, unless it answers a report sent before the route last changed. The first ROUTE_PROBES
   * samples since a change set the estimate to their median (and the deviation to their mean
   * distance from it) rather than being smoothed in: the peer may still have answered the first
   * probes over the old route, and one answer may have been reordered, lost or duplicated.
   * While rejoining, an answer to a probe sent since the rejoin began marks the peer `rejoined`.
   */
  private onQualityReply(pongMs: number, nowMs: number): void {
    const nowU32 = Math.floor(nowMs) >>> 0;
    this.takeRttSample(pongMs, nowU32);
    if (this.rejoinSinceMs >= 0) {
      const since = Math.floor(this.rejoinSinceMs) >>> 0;
      if ((pongMs - since) >>> 0 <= (nowU32 - since) >>> 0) this.rejoinedValue = true;
    }
  }

  private takeRttSample(pongMs: number, nowU32: number): void {
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

  // ---- network out -----------------------------------------------------------------------------

  /**
   * Sends what is due to this peer at `nowMs`. `fromAdvance`: called right after a new local
   * input, when only our inputs are considered (changed ones at once, unchanged ones at the resend
   * interval); from `poll`, everything: handshake requests, inputs a stalled or paused session has
   * not sent for a while, forwarded inputs of departed players, statuses, quality reports,
   * rejoin probes and keepalives.
   */
  flush(ctx: SendContext, nowMs: number, fromAdvance: boolean): void {
    if (this.stateValue === EndpointState.Disconnected) return;
    if (this.stateValue === EndpointState.Syncing) {
      if (!fromAdvance) this.sendSyncRequest(nowMs);
      // A peer that finished its handshake first may already send inputs: acknowledge them.
      if (!ctx.running) return;
    }
    if (!fromAdvance && !ctx.running && ctx.ready && nowMs - this.readySentMs >= READY_RETRY_MS) this.sendReady(ctx, nowMs);
    this.sendInputs(ctx, nowMs, fromAdvance);
    if (fromAdvance) return;
    this.forwardInputs(ctx, nowMs);
    // Inputs carry acknowledgements and statuses while frames advance; an InputAck carries them
    // when they do not, and at once after a drop: a drop is agreed only when every survivor
    // has heard of it, and until then everyone may be stalled, with no inputs left to send.
    const resendMs = this.opts.inputResendFrames * this.opts.frameMs;
    const dropNews = this.statusesSentDrops !== ctx.dropCount;
    const agreeing = (ctx.agreementPending || this.dropUnheard()) && nowMs - this.lastStatusesSendMs >= resendMs;
    if (dropNews || agreeing || (this.ackPending && nowMs - this.lastSendMs >= resendMs + this.opts.frameMs)) {
      this.sendStatuses(ctx, nowMs);
    }
    const probe = this.rejoinSinceMs >= 0 && !this.rejoinedValue && nowMs - this.probeSentMs >= PROBE_RETRY_MS;
    if (probe || this.qualityReportDue(nowMs)) this.sendQualityReport(nowMs);
    if (nowMs - this.lastSendMs >= KEEPALIVE_MS) this.send({ type: MessageType.KeepAlive }, nowMs);
  }

  /**
   * Whether the peer may not have heard from us of our newest drop. The peer agrees on a dropped
   * player's last frame only once every survivor, us included, has reported it dropped, so our
   * statuses are repeated until it has, even once our own agreement is done: a stalled session
   * sends no inputs that would carry them, and a single copy may be lost. (Hearing of the drop
   * from the peer itself proves nothing: it may have learned it from us, or from a third peer.)
   */
  private dropUnheard(): boolean {
    if (this.dropHeardFrom >= 0 && this.remoteLast[this.local]! >= this.dropHeardFrom) this.dropHeardFrom = -1;
    return this.dropHeardFrom >= 0;
  }

  /**
   * The readiness notice: an Input message of ours with no inputs (frame 0, our statuses). It says
   * that all our handshakes are done; the peer starts once it has heard one (or our inputs) from
   * every peer. No new message type, so a peer that starts without waiting reads it as an Input
   * that carries nothing new.
   */
  private sendReady(ctx: SendContext, nowMs: number): void {
    this.readySentMs = nowMs;
    this.sendWithStatuses({ type: MessageType.Input, player: this.local, currentFrame: 0, statuses: ctx.statuses, startFrame: 0, inputs: NO_INPUTS }, ctx, nowMs);
  }

  /** An InputAck with our statuses: they acknowledge the peer's inputs and tell it of drops. */
  sendStatuses(ctx: SendContext, nowMs: number): void {
    this.sendWithStatuses({ type: MessageType.InputAck, currentFrame: ctx.frame, statuses: ctx.statuses }, ctx, nowMs);
  }

  /** Leaving: a Goodbye saying our inputs end at `lastFrame`, in GOODBYE_COPIES copies (nothing answers it). */
  sayGoodbye(lastFrame: number, nowMs: number): void {
    if (this.stateValue === EndpointState.Disconnected) return;
    for (let i = 0; i < GOODBYE_COPIES; i++) this.send({ type: MessageType.Goodbye, lastFrame }, nowMs);
  }

  /** A ChecksumReport: our checksum of confirmed `frame`, for the peer's desync detector. */
  sendChecksum(frame: number, checksum: number, nowMs: number): void {
    this.send({ type: MessageType.ChecksumReport, frame, checksum }, nowMs);
  }

  /** An Input or InputAck: they carry our statuses, so they acknowledge the peer's inputs and tell it of drops. */
  private sendWithStatuses(message: Message, ctx: SendContext, nowMs: number): void {
    if (this.statusesSentDrops !== ctx.dropCount) {
      this.statusesSentDrops = ctx.dropCount;
      this.dropHeardFrom = Math.max(this.sentThrough, this.remoteLast[this.local]!) + 1;
    }
    this.lastStatusesSendMs = nowMs;
    this.ackPending = false;
    this.send(message, nowMs);
  }

  /** Sends `message` now and counts it. */
  private send(message: Message, nowMs: number): void {
    const bytes = this.opts.send(message);
    this.packetsSentCount++;
    this.bytesSentCount += bytes;
    this.windowSent += bytes;
    this.lastSendMs = nowMs;
  }

  /**
   * A handshake request every SYNC_RETRY_MS (at once after a reply), every SYNC_RETRY_QUIET_MS to
   * a peer silent since the first one for SYNC_QUIET_AFTER_MS; a `synchronizing` event with
   * `silentMs` every SYNC_SILENT_NOTICE_MS while it never answers.
   */
  private sendSyncRequest(nowMs: number): void {
    const neverHeard = this.lastReceive === -Infinity;
    if (neverHeard && nowMs - this.syncStartedMs >= this.syncSilentNoticeMs + SYNC_SILENT_NOTICE_MS) {
      this.syncSilentNoticeMs += SYNC_SILENT_NOTICE_MS;
      this.events.push({ type: 'synchronizing', count: this.syncDone, total: this.opts.syncRoundTrips, silentMs: nowMs - this.syncStartedMs });
    }
    const quiet = neverHeard && nowMs - this.syncStartedMs >= SYNC_QUIET_AFTER_MS;
    if (nowMs - this.syncSentMs < (quiet ? SYNC_RETRY_QUIET_MS : SYNC_RETRY_MS)) return;
    const nonce = this.opts.nextNonce();
    this.syncNonces[this.syncNext] = nonce;
    this.syncNonceMs[this.syncNext] = nowMs;
    this.syncNext = (this.syncNext + 1) % SYNC_OUTSTANDING;
    this.syncSentMs = nowMs;
    if (Number.isNaN(this.syncStartedMs)) this.syncStartedMs = nowMs;
    const o = this.opts;
    this.send({ type: MessageType.SyncRequest, nonce, fingerprint: o.fingerprint, player: this.local, epoch: o.epoch }, nowMs);
  }

  /**
   * Our own inputs the peer has not acknowledged. After a new input (`fromAdvance`): at once if it
   * changed, else every `inputResendFrames` frames (every frame while the acknowledgement is
   * overdue). From `poll`: only when advancing has not sent for `inputResendFrames + 0.5` frames
   * (a stall, a pause), so that a peer waiting on us still gets our inputs.
   */
  private sendInputs(ctx: SendContext, nowMs: number, fromAdvance: boolean): void {
    // A returning peer has no inputs in the match until it re-enters.
    if (ctx.dropped(this.local)) return;
    const last = ctx.lastFrame(this.local);
    const acked = this.remoteLast[this.local]!;
    if (last <= acked) return;
    const o = this.opts;
    if (fromAdvance) {
      // In lockstep every input is awaited, so each goes out at once; with rollback an unchanged
      // input was predicted right already and can wait for the resend interval.
      const changed = ctx.lockstep ? last > this.sentThrough : ctx.lastChangeFrame > this.sentThrough;
      const interval = this.ackOverdue(last - acked) ? 1 : o.inputResendFrames;
      if (!changed && ctx.frame - this.lastInputSendFrame < interval) return;
    } else if (nowMs - this.lastInputSendMs < (o.inputResendFrames + 0.5) * o.frameMs) {
      return;
    }
    this.sendRun(ctx, this.local, acked + 1, nowMs);
    this.sentThrough = last;
    this.lastInputSendMs = nowMs;
    this.lastInputSendFrame = ctx.frame;
  }

  /**
   * Whether the peer's acknowledgement of our inputs is late: more of them unacknowledged
   * (`unacked`, frames, counting our newest input) than a round trip (plus twice its deviation)
   * and the peer's send interval account for (its acknowledgements ride on packets
   * `inputResendFrames` apart). Then a packet, or a burst of them, was likely lost: until the
   * acknowledgement catches up, unchanged inputs go out every frame rather than every
   * `inputResendFrames`, so that a burst of lost packets leaves the peer without our inputs for
   * half as long. Costs a few packets, and only while an acknowledgement is late.
   *
   * The wait of our own newest input for its send (up to `inputResendFrames - 1` frames) is left
   * out of the allowance on purpose: it fires a frame sooner after a loss, at the price of a few
   * early firings without one. On wifi with 8 players (2% loss in bursts) stalls fell from 6.0
   * to 4.0 frames per minute (mean of seeds 1-20) for 1% more bytes (issue 12).
   */
  private ackOverdue(unacked: number): boolean {
    if (this.srttMs < 0) return false;
    const o = this.opts;
    const expected = (this.srttMs + 2 * this.rttVarMs) / o.frameMs + o.inputResendFrames;
    return unacked > expected;
  }

  /** A departed player's inputs that this peer (which dropped it too) lacks and we hold, every `inputResendFrames`. */
  private forwardInputs(ctx: SendContext, nowMs: number): void {
    const intervalMs = this.opts.inputResendFrames * this.opts.frameMs;
    for (let x = 0; x < this.remoteLast.length; x++) {
      if (!ctx.dropped(x) || x === this.player || !this.remoteDropped[x]) continue;
      const theirs = this.remoteLast[x]!;
      if (theirs >= ctx.lastFrame(x) || nowMs - this.forwardSentMs[x]! < intervalMs) continue;
      this.forwardSentMs[x] = nowMs;
      this.sendRun(ctx, x, theirs + 1, nowMs);
    }
  }

  private sendRun(ctx: SendContext, player: number, from: number, nowMs: number): void {
    const message = ctx.inputRun(player, from);
    if (message !== undefined) this.sendWithStatuses(message, ctx, nowMs);
  }

  /** Whether a quality report is due: every `qualityReportMs`, or a route probe. */
  private qualityReportDue(nowMs: number): boolean {
    const sinceMs = nowMs - this.lastQualityMs;
    return sinceMs >= this.opts.qualityReportMs || (this.routeProbesLeft > 0 && sinceMs >= ROUTE_PROBE_MS);
  }

  /** A QualityReport (also a rejoin probe and a route probe): our send time, frame advantage (1/8 frames) and packet count. */
  private sendQualityReport(nowMs: number): void {
    this.lastQualityMs = nowMs;
    this.probeSentMs = nowMs;
    if (this.routeProbesLeft > 0) {
      this.routeProbesLeft--;
      if (this.rttSinceMs === Infinity) this.rttSinceMs = nowMs;
    }
    this.send(
      {
        type: MessageType.QualityReport,
        pingMs: Math.floor(nowMs) >>> 0,
        frameAdvantage: Math.round(this.timeSync.localAdvantage * 8),
        packetsSent: this.packetsSentCount >>> 0,
      },
      nowMs,
    );
  }
}
