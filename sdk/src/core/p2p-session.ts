import type { PeerAddress, Transport } from '../transport/transport.ts';
import type { Game, PlayerInput } from './game.ts';
import { InputStatus } from './game.ts';
import type { InputCodec } from './input-codec.ts';
import type { InputPredictor } from './input-predictor.ts';
import { repeatLastInput } from './input-predictor.ts';
import { InputQueue } from './input-queue.ts';
import { SavedStateRing } from './saved-state-ring.ts';
import { DesyncDetector } from './desync-detector.ts';
import { AutoInputDelay } from './auto-input-delay.ts';
import type { LinkLatency } from './auto-input-delay.ts';
import type { EndpointEvent, SendContext } from './peer-endpoint.ts';
import { EndpointState, KEEPALIVE_MS, PeerEndpoint } from './peer-endpoint.ts';
import type { P2PSessionConfig, ResolvedSessionConfig } from './session-config.ts';
import { checkedInputDelay, resolveSessionConfig } from './session-config.ts';
import type { SessionEvent } from './session-events.ts';
import { SessionEndReason } from './session-events.ts';
import type { PeerStats, SessionStats } from './session-stats.ts';
import type { SessionDropReason } from './session-stats.ts';
import { sessionFingerprint } from './session-fingerprint.ts';
import { PacketCodec } from './packet-codec.ts';
import type { DropReason, Message, Packet, RejoinMessageCodec } from '../protocol/messages.ts';
import { MAX_INPUTS_PER_PACKET, MessageType } from '../protocol/messages.ts';
import { Prng } from '../kit/prng.ts';

/** A state no rollback can change: the one at the start of `frame`, every input before which is final. */
export interface ConfirmedState<S> {
  /** The frame whose starting state it is. */
  readonly frame: number;
  /** The game's state (`Game.save`'s). */
  readonly state: S;
}

/** Where a session is in its life. */
export const SessionState = {
  /**
   * Handshaking with peers, or done and waiting until every peer is too (so that all start frame 0
   * together); `advanceFrame` does nothing yet.
   */
  Synchronizing: 'synchronizing',
  /** Every peer synchronized and ready: `advanceFrame` simulates frames. */
  Running: 'running',
  /** `leave()` or `end()` was called, the peers dropped us, or we heard no one for too long: see `endReason`. */
  Ended: 'ended',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** What one `advanceFrame` call did. */
export const AdvanceResult = {
  /** One frame was simulated (after any rollback). */
  Advanced: 'advanced',
  /** Still handshaking: nothing simulated, the input was not used. */
  Synchronizing: 'synchronizing',
  /**
   * Rollback mode: the prediction window is full; wait for remote inputs. The first input given
   * while the frame waits is kept for it (sent to peers at once); later ones are ignored.
   */
  PredictionLimit: 'prediction-limit',
  /** Lockstep mode: this frame's remote inputs have not all arrived. Input handled as above. */
  WaitingForInputs: 'waiting-for-inputs',
  /** The session has ended. */
  Ended: 'ended',
} as const;
export type AdvanceResult = (typeof AdvanceResult)[keyof typeof AdvanceResult];

export const NOT_AGREED = -2;
/** Frames of a player's inputs kept behind the newest beyond what any peer may still need. */
const HISTORY_MARGIN = MAX_INPUTS_PER_PACKET;
/** Frames between wait recommendations, and the lead (frames) below which none is made. */
export const RECOMMEND_INTERVAL_FRAMES = 60;
const RECOMMEND_MIN_FRAMES = 2;
const NO_EVENTS: readonly SessionEvent[] = Object.freeze([]);
/**
 * Frames a remote player's inputs may run ahead of our current frame. An honest peer is at most
 * its input delay plus the prediction window ahead (60 frames at the limits); anything further is
 * ignored, so that no peer can make our input queues grow without bound.
 */
const MAX_INPUT_LEAD_FRAMES = 2 * MAX_INPUTS_PER_PACKET;
/** Events kept for a game that does not drain them; the oldest are dropped beyond this. */
const MAX_PENDING_EVENTS = 1024;

/**
 * A rollback (or, with `maxPrediction: 0`, lockstep) session between 2 to 16 peers, one player
 * per peer, talking directly over a {@link Transport}.
 *
 * Pure and synchronous: it never reads a clock or starts a timer. Each frame the game calls
 * `poll(nowMs)` (network in and out, timeouts) and then `advanceFrame(localInput)` (which calls the
 * game's `step`, and `save`/`load` when rolling back). See docs/main-loop.md.
 *
 * The protocol with each remote peer (handshake, acknowledgements, send timing, keepalives,
 * quality reports, round trip, silence timer) is that peer's `PeerEndpoint`
 * (core/peer-endpoint.ts); the session keeps what needs every peer at once: input queues,
 * prediction, rollback, the disconnect agreement and desync detection.
 */
export class P2PSession<I, S> {
  protected readonly cfg: ResolvedSessionConfig;
  protected readonly game: Game<I, S>;
  protected readonly transport: Transport;
  protected readonly codec: InputCodec<I>;
  protected readonly predictor: InputPredictor;
  protected readonly packets: PacketCodec;
  protected readonly n: number;
  protected readonly local: number;
  protected readonly size: number;
  protected readonly token: number;
  protected readonly fingerprint: number;
  protected readonly rng: Prng;
  protected readonly onChecksum: ((frame: number, checksum: number) => void) | undefined;
  protected readonly onConfirmedInputs: P2PSessionConfig<I, S>['onConfirmedInputs'];
  /** Newest frame handed to `onConfirmedInputs` (-1: none yet), and the reused arrays it is given. */
  protected inputsReportedThrough = -1;
  protected confirmedBytes: Uint8Array[] = [];
  protected confirmedStatuses: InputStatus[] = [];

  protected readonly queues: InputQueue[];
  /** The protocol with each remote player's peer (undefined: the local player). */
  protected readonly endpoints: (PeerEndpoint | undefined)[];
  protected readonly byAddress = new Map<PeerAddress, PeerEndpoint>();
  /** What endpoints read when they decide what to send: updated in place before each flush. */
  protected readonly sendCtx: { -readonly [K in keyof SendContext]: SendContext[K] };
  /** Frames re-simulated because of each player's inputs (`PeerStats.rollbackFrames`). */
  protected readonly rollbackByPlayer: Float64Array;
  protected readonly disconnected: Uint8Array;
  /** Last frame of a dropped player's real inputs, once every survivor agrees; NOT_AGREED before. */
  protected readonly agreed: Int32Array;
  protected readonly statuses: { disconnected: boolean; lastFrame: number }[];
  /** Rejoining (`RejoinableSession` with `rejoin: true`): the match's state has not arrived yet; nothing is simulated. */
  protected awaitingState = false;

  protected readonly ring: SavedStateRing<S> | undefined;
  /** What each remote player's input was when a frame was simulated: slot = (frame % slots) * n + player. */
  protected readonly usedSlots: number;
  protected readonly usedFrame: Int32Array;
  protected readonly usedStatus: Uint8Array;
  protected readonly usedBytes: Uint8Array;

  protected readonly stepBytes: Uint8Array[];
  protected readonly stepInputs: { input: I; status: InputStatus }[];
  protected readonly localBytes: Uint8Array;
  /** Scratch: a player's newest input, handed to the predictor. */
  protected readonly lastSeen: Uint8Array;
  /** Scratch: the XOR reference handed to the packet codec. */
  protected readonly reference: Uint8Array;
  protected readonly sendScratch: Uint8Array;
  protected readonly desync: DesyncDetector;

  protected sessionState: SessionState = SessionState.Synchronizing;
  /**
   * When our handshakes with every peer were all done (ms), or -1. From then on we are *ready*: we
   * tell each peer so, and silence timers run (as they would once running); we start once every
   * peer has said it is ready too (see `checkStart`).
   */
  protected readyAtMs = -1;
  protected ended: SessionEndReason | undefined;
  /** No remaining peer heard for `disconnectTimeoutMs`: an `isolated` event was raised. */
  protected isolated = false;
  /**
   * When we heard a peer again after hearing no one for `disconnectTimeoutMs` (ms), or -1. Until
   * every remaining peer has answered a probe sent since then, frames do not advance: in that
   * silence the others may have dropped us, and the packets that waited for us prove nothing.
   */
  protected rejoinSinceMs = -1;
  protected frame = 0;
  protected delay: number;
  /** Chooses the delay from the links' round trips (`inputDelay: 'auto'`); undefined for a fixed delay. */
  protected autoDelay: AutoInputDelay | undefined;
  /** The running links `followNetworkDelay` reads, gathered anew each poll into this one array. */
  protected readonly runningLinks: LinkLatency[] = [];
  protected firstIncorrect = -1;
  protected blame = -1;
  /** Newest local frame whose input differs from the one before: peers must hear of it at once. */
  protected lastChangeFrame = -1;
  protected nowMs = 0;
  protected nextRecommendFrame = RECOMMEND_INTERVAL_FRAMES;
  /** Players dropped in our view so far: peers must hear of each drop at once. */
  protected dropCount = 0;
  /** Newest frame whose checksum has been taken as confirmed. */
  protected checksummedThrough = -1;
  /**
   * Checksums taken but not yet reported (frame, checksum, in frame order): our own inputs before
   * that frame are final for us, but not yet for the match until every remaining peer holds them.
   * If peers dropped us first, they agree our inputs end at the newest any of them holds, and a
   * frame we reported past that would never have been played by anyone else.
   */
  protected readonly heldChecksums: number[] = [];

  protected pendingEvents: SessionEvent[] = [];
  protected rollbackTotal = 0;
  protected maxRollback = 0;
  protected stalls = 0;
  protected desyncCount = 0;
  protected readonly drops: Record<DropReason | SessionDropReason, number> = {
    truncated: 0,
    oversized: 0,
    magic: 0,
    version: 0,
    'unknown-type': 0,
    malformed: 0,
    gap: 0,
    'unknown-sender': 0,
    spoofed: 0,
    stale: 0,
    incompatible: 0,
  };

  constructor(config: P2PSessionConfig<I, S>) {
    this.cfg = resolveSessionConfig(config);
    this.game = config.game;
    this.transport = config.transport;
    this.codec = config.input;
    this.predictor = config.predictor ?? repeatLastInput;
    this.n = this.cfg.playerCount;
    this.local = this.cfg.localPlayer;
    this.size = config.input.size;
    this.delay = this.cfg.inputDelay;
    if (this.cfg.autoInputDelay) this.autoDelay = new AutoInputDelay(this.cfg.fps, this.delay);
    this.rng = new Prng(config.seed);
    this.onChecksum = config.onChecksum;
    this.onConfirmedInputs = config.onConfirmedInputs;
    this.token = this.rng.nextU32() & 0xffff;
    this.fingerprint = sessionFingerprint(this.n, this.size, this.cfg.matchId);

    this.queues = Array.from({ length: this.n }, () => new InputQueue(this.size, 2 * HISTORY_MARGIN));
    this.disconnected = new Uint8Array(this.n);
    this.agreed = new Int32Array(this.n).fill(NOT_AGREED);
    this.statuses = Array.from({ length: this.n }, () => ({ disconnected: false, lastFrame: -1 }));
    this.rollbackByPlayer = new Float64Array(this.n);
    this.endpoints = this.cfg.addresses.map((address, player) => (address === undefined ? undefined : this.makeEndpoint(player, address)));
    if (this.cfg.rejoin && !this.canRejoin()) throw new TypeError('rejoin: a P2PSession cannot rejoin a running match; create a RejoinableSession');

    const rollback = this.cfg.maxPrediction > 0;
    this.sendCtx = {
      running: false,
      ready: false,
      frame: 0,
      statuses: this.statuses,
      dropCount: 0,
      agreementPending: false,
      lockstep: !rollback,
      lastChangeFrame: -1,
      lastFrame: (player) => this.queues[player]!.lastFrame,
      dropped: (player) => this.disconnected[player] === 1,
      inputRun: (player, from) => this.inputRun(player, from),
    };
    this.ring = rollback ? new SavedStateRing<S>(this.cfg.maxPrediction + 2) : undefined;
    this.usedSlots = this.cfg.maxPrediction + 2;
    this.usedFrame = new Int32Array(this.usedSlots * this.n).fill(-1);
    this.usedStatus = new Uint8Array(this.usedSlots * this.n);
    this.usedBytes = new Uint8Array(this.usedSlots * this.n * this.size);

    this.stepBytes = Array.from({ length: this.n }, () => new Uint8Array(this.size));
    this.stepInputs = this.stepBytes.map((bytes) => ({ input: this.codec.decode(bytes), status: InputStatus.Confirmed as InputStatus }));
    this.localBytes = new Uint8Array(this.size);
    this.lastSeen = new Uint8Array(this.size);
    this.reference = new Uint8Array(this.size);
    this.sendScratch = new Uint8Array(MAX_INPUTS_PER_PACKET * this.size);
    this.desync = new DesyncDetector(this.n);
    this.packets = new PacketCodec(this.n, this.size, (player, frame) =>
      this.queues[player]?.copyTo(frame, this.reference) === true ? this.reference : undefined,
      this.rejoinMessages(),
    );
  }

  /**
   * The protocol with `player`'s peer at `address`: one per remote player, and a new one when the
   * player returns in a new session (a new token and handshake; see `readmit`).
   */
  protected makeEndpoint(player: number, address: PeerAddress): PeerEndpoint {
    const endpoint = new PeerEndpoint({
      player,
      address,
      localPlayer: this.local,
      playerCount: this.n,
      inputSize: this.size,
      matchId: this.cfg.matchId,
      fingerprint: this.fingerprint,
      epoch: this.cfg.epoch,
      syncRoundTrips: this.cfg.syncRoundTrips,
      frameMs: this.cfg.frameMs,
      inputResendFrames: this.cfg.inputResendFrames,
      qualityReportMs: this.cfg.qualityReportMs,
      disconnectNotifyStartMs: this.cfg.disconnectNotifyStartMs,
      disconnectTimeoutMs: this.cfg.disconnectTimeoutMs,
      send: (message) => {
        const bytes = this.packets.encode({ token: this.token, message });
        this.transport.send(address, bytes);
        return bytes.length;
      },
      nextNonce: () => this.rng.nextU32(),
    });
    this.byAddress.set(address, endpoint);
    return endpoint;
  }

  /** Where the session is in its life. */
  get state(): SessionState {
    return this.sessionState;
  }

  /** A method, not a getter read inline: the state changes inside calls TypeScript cannot see into. */
  protected hasEnded(): boolean {
    return this.sessionState === SessionState.Ended;
  }

  /** Why the session ended (see `SessionEndReason`); undefined while it has not. */
  get endReason(): SessionEndReason | undefined {
    return this.ended;
  }

  /** The frame the next `advanceFrame` simulates. */
  get currentFrame(): number {
    return this.frame;
  }

  /** Newest frame whose inputs are final for every player (-1: none yet). */
  get confirmedFrame(): number {
    return this.confirmedThrough(true);
  }

  /** The local player's handle (its index in `players`). */
  get localPlayer(): number {
    return this.local;
  }

  /** Players in the session, local and remote, dropped ones included. */
  get playerCount(): number {
    return this.n;
  }

  /** Frames between a local input and the frame it applies to, as set now (an automatic one moves; see `autoInputDelay`). */
  get inputDelay(): number {
    return this.delay;
  }

  /** Whether the input delay follows the network (`inputDelay: 'auto'`, or `setInputDelay('auto')`). */
  get autoInputDelay(): boolean {
    return this.autoDelay !== undefined;
  }

  /** Whether rollback is on (false: lockstep). */
  get rollback(): boolean {
    return this.ring !== undefined;
  }

  /**
   * Changes the input delay (frames) from the next input on. Raising it repeats the last input to
   * fill the gap; lowering it drops local inputs until the frames catch up. Peers need not agree.
   * A number fixes the delay (an automatic one stops); `'auto'` lets it follow the network from
   * the current delay on.
   */
  setInputDelay(frames: number | 'auto'): void {
    if (frames === 'auto') {
      this.autoDelay ??= new AutoInputDelay(this.cfg.fps, this.delay);
      return;
    }
    this.delay = checkedInputDelay(frames);
    this.autoDelay = undefined;
  }

  /**
   * How many frames this peer runs ahead of the slowest peer, averaged (may be fractional or
   * negative). A frame pacer slows down a little while this is positive; see `FramePacer`.
   */
  get framesAhead(): number {
    let ahead = 0;
    for (const endpoint of this.endpoints) {
      // A returning player catching up is far behind on purpose: nobody waits for it.
      if (endpoint !== undefined && endpoint.state === EndpointState.Running && this.disconnected[endpoint.player] === 0) ahead = Math.max(ahead, endpoint.framesAhead);
    }
    return ahead;
  }

  /** Drains the events raised since the last call. */
  events(): readonly SessionEvent[] {
    if (this.pendingEvents.length === 0) return NO_EVENTS;
    const out = this.pendingEvents;
    this.pendingEvents = [];
    return out;
  }

  /**
   * Receives and handles every waiting packet, runs the timers (handshake, resends, keepalive,
   * quality reports, timeouts) and sends what is due. Call once per frame before `advanceFrame`,
   * and also while the game is paused or stalled, so that peers keep hearing from us.
   *
   * @param nowMs A monotonic clock in ms (e.g. `performance.now()`); never goes backwards.
   */
  poll(nowMs: number): void {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    if (this.sessionState === SessionState.Ended) {
      this.transport.receive();
      return;
    }
    // Before reading anything: a session that was not polled for a while (a frozen tab) learns
    // first that it heard no one meanwhile, and treats what waited in its inbox accordingly.
    this.checkIsolation();
    this.takeRouteChanges();
    for (const datagram of this.transport.receive()) {
      // Once ended (the peers dropped us), the rest is only drained.
      if (!this.hasEnded()) this.handleDatagram(datagram.from, datagram.data);
    }
    if (this.hasEnded()) return;
    this.runTimers();
    if (this.hasEnded()) return;
    this.checkAgreements();
    this.rejoinPoll();
    this.releaseChecksums();
    this.checkStart();
    this.checkRejoin();
    this.followNetworkDelay();
    this.flush(false);
  }

  /**
   * With an automatic delay, takes the running links' round trips and moves the delay (one frame
   * at most, see `AutoInputDelay`). The local input counts as steady when the newest queued one
   * has not changed since the frame now being played: lowering the delay then drops an input
   * equal to the one kept.
   */
  protected followNetworkDelay(): void {
    if (this.autoDelay === undefined || this.sessionState !== SessionState.Running) return;
    // Reused, not allocated each poll: an endpoint is itself a LinkLatency (its rttMs and jitterMs).
    const links = this.runningLinks;
    links.length = 0;
    for (const endpoint of this.endpoints) if (endpoint !== undefined && endpoint.state === EndpointState.Running) links.push(endpoint);
    this.delay = this.autoDelay.update(this.nowMs, links, this.lastChangeFrame < this.frame);
  }

  /**
   * Simulates one frame with `localInput` (delayed by the input delay), first rolling back and
   * re-simulating if a remote input proved a prediction wrong. Sends the input to peers at once
   * when it changed.
   */
  advanceFrame(localInput: I): AdvanceResult {
    if (this.sessionState === SessionState.Ended) return AdvanceResult.Ended;
    if (this.sessionState === SessionState.Synchronizing) return AdvanceResult.Synchronizing;

    if (this.firstIncorrect >= 0) this.rollBack();
    const caughtUp = this.catchUpStep();
    if (caughtUp !== undefined) return caughtUp;

    // The input is recorded (for frame + delay) even if this frame must wait: peers need it to
    // get here too. While the frame waits, later inputs for the same target frame are ignored.
    this.addLocalInput(localInput);
    const confirmedRemote = this.confirmedThrough(false);
    if (this.rejoinSinceMs >= 0 || this.frame - confirmedRemote > this.cfg.maxPrediction) {
      this.stalls++;
      this.takeChecksums();
      this.flush(true);
      return this.ring !== undefined ? AdvanceResult.PredictionLimit : AdvanceResult.WaitingForInputs;
    }

    this.sampleTimeSync();
    this.simulate(true);
    this.takeChecksums();
    this.recommendWait();
    this.reportConfirmedInputs(); // before trimHistory, which may forget the frames reported now
    if ((this.frame & 7) === 0) this.trimHistory();
    this.afterAdvance();
    this.flush(true);
    return AdvanceResult.Advanced;
  }

  /** Drops a player now on this peer's own authority (e.g. kicked); survivors agree on its last frame. */
  disconnectPlayer(player: number): void {
    if (!Number.isInteger(player) || player < 0 || player >= this.n) throw new RangeError(`no player ${String(player)}`);
    if (player === this.local) throw new RangeError('cannot disconnect the local player; call leave()');
    this.dropPlayer(player);
    this.checkAgreements();
  }

  /**
   * The route to `player`'s peer changed below the transport (relay → direct, direct → relay; see
   * `RoutedTransport`). Its round-trip estimate is taken afresh from the new route's samples
   * instead of drifting from the old route's at gain 1/8 (about 10 s at one report a second): 6
   * quality reports go out 100 ms apart from the next `poll` on, and the estimate is the median of
   * the first 6 answers until they are in. Its time-sync averages restart. `poll` calls it for
   * every change a transport reports through `drainRouteChanges` (`RoutedTransport` does); call
   * it yourself only for a transport that switches routes without reporting them. Inputs, frames, checksums and timeouts are untouched:
   * nothing that determinism or the disconnect agreement depends on. Does nothing for a dropped
   * player or an ended session; throws a `RangeError` for a handle that is not a remote player.
   */
  routeChanged(player: number): void {
    const endpoint = Number.isInteger(player) ? this.endpoints[player] : undefined;
    if (endpoint === undefined) throw new RangeError(`player ${String(player)} is not a remote player`);
    if (this.hasEnded() || endpoint.state === EndpointState.Disconnected) return;
    endpoint.routeChanged();
  }

  /** Route changes the transport reports (`Transport.drainRouteChanges`): each peer's estimates restart. */
  protected takeRouteChanges(): void {
    const changes = this.transport.drainRouteChanges?.();
    if (changes === undefined) return;
    for (const change of changes) {
      const endpoint = this.byAddress.get(change.peer);
      if (endpoint !== undefined) this.routeChanged(endpoint.player);
    }
  }

  /** Leaves the session: tells every peer our inputs end at the last one sent, then goes quiet. */
  leave(): void {
    this.end(SessionEndReason.Left);
  }

  /**
   * Ends the session now, as `leave()` does (a Goodbye to every peer, then quiet), with `reason`
   * as the `endReason`: for decisions made outside the session, such as `'removed'` when the room
   * authority dropped this player. Does nothing once ended.
   */
  end(reason: SessionEndReason): void {
    if (reason !== SessionEndReason.Left && reason !== SessionEndReason.Removed && reason !== SessionEndReason.Isolated) {
      throw new RangeError(`no session end reason ${String(reason)}`);
    }
    if (this.sessionState === SessionState.Ended) return;
    const lastFrame = this.queues[this.local]?.lastFrame ?? -1;
    for (const endpoint of this.endpoints) endpoint?.sayGoodbye(lastFrame, this.nowMs);
    this.sessionState = SessionState.Ended;
    this.ended = reason;
    this.isolated = false;
    this.emit({ type: 'ended', reason });
  }

  /**
   * The inputs this peer holds for `player`, oldest first: every frame back to the oldest one some
   * peer may still lack. A new session authority (host migration) restarts from these.
   */
  inputHistory(player: number): {
    /** Oldest frame held. */
    readonly firstFrame: number;
    /** Newest frame held. */
    readonly lastFrame: number;
    /** A copy of the encoded input at `frame`, if held. */
    get(frame: number): Uint8Array | undefined;
  } {
    const queue = this.queues[player];
    if (queue === undefined) throw new RangeError(`no player ${String(player)}`);
    return { firstFrame: queue.firstFrame, lastFrame: queue.lastFrame, get: (frame) => queue.get(frame)?.slice() };
  }

  /**
   * The state at the start of the frame after the newest confirmed one, and that frame: every
   * input before it is final, so it never changes. What a `SpectatorFeed` sends a spectator that
   * joins mid-match. Undefined while it is not held (a rollback due before it, or a rejoining
   * session before its state arrived). With rollback, a saved state that the next rollback or
   * `save` reuses: encode it at once.
   */
  confirmedState(): ConfirmedState<S> | undefined {
    const frame = Math.min(this.confirmedThrough(true), this.frame - 1) + 1;
    if (this.awaitingState || (this.firstIncorrect >= 0 && this.firstIncorrect < frame)) return undefined;
    const state = frame === this.frame ? this.game.save() : this.ring?.state(frame);
    return state === undefined ? undefined : { frame, state };
  }

  /** Figures for the whole session and each remote peer, as of now. */
  stats(): SessionStats {
    const peers: PeerStats[] = [];
    for (const endpoint of this.endpoints) if (endpoint !== undefined) peers.push(this.peerStats(endpoint.player));
    return {
      currentFrame: this.frame,
      confirmedFrame: this.confirmedFrame,
      rollbackFrames: this.rollbackTotal,
      maxRollbackFrames: this.maxRollback,
      stallFrames: this.stalls,
      dropped: { ...this.drops },
      desyncs: this.desyncCount,
      peers,
    };
  }

  /** Network figures for one remote player (a RangeError for the local one or an unknown handle). */
  peerStats(player: number): PeerStats {
    const endpoint = this.endpoints[player];
    if (endpoint === undefined) throw new RangeError(`player ${String(player)} is not a remote player`);
    return {
      player,
      rttMs: endpoint.rttMs,
      jitterMs: endpoint.jitterMs,
      lossRate: endpoint.lossRate,
      sendBytesPerSecond: endpoint.sendBytesPerSecond,
      receiveBytesPerSecond: endpoint.receiveBytesPerSecond,
      localFrameAdvantage: endpoint.localFrameAdvantage,
      remoteFrameAdvantage: endpoint.remoteFrameAdvantage,
      rollbackFrames: this.rollbackByPlayer[player]!,
      packetsSent: endpoint.packetsSent,
      packetsReceived: endpoint.packetsReceived,
      bytesSent: endpoint.bytesSent,
      bytesReceived: endpoint.bytesReceived,
      connected: this.disconnected[player] === 0,
    };
  }

  protected emit(event: SessionEvent): void {
    if (this.pendingEvents.length >= MAX_PENDING_EVENTS) this.pendingEvents.shift();
    this.pendingEvents.push(event);
  }

  // ---- simulation ---------------------------------------------------------------------------

  protected addLocalInput(input: I): void {
    // A returning player's inputs count only from its re-entry frame on.
    if (this.disconnected[this.local]) return;
    const queue = this.queues[this.local]!;
    this.localBytes.fill(0);
    this.codec.encode(input, this.localBytes);
    const target = this.frame + this.delay;
    if (target <= queue.lastFrame) return; // the delay was lowered: this input's frame is taken
    while (queue.lastFrame < target - 1) queue.repeatLast();
    if (!queue.equals(queue.lastFrame, this.localBytes) && !(queue.lastFrame < 0 && isZero(this.localBytes))) {
      this.lastChangeFrame = target;
    }
    queue.append(this.localBytes);
  }

  /** Simulates `this.frame` and moves on; `save` is false for the first frame of a rollback. */
  protected simulate(save: boolean): void {
    const f = this.frame;
    if (this.ring !== undefined && save) {
      const checksum = this.wantsChecksum(f) ? this.gameChecksum() : undefined;
      this.ring.save(f, this.game.save(this.ring.recyclable(f)), checksum);
    } else if (this.ring === undefined && this.wantsChecksum(f)) {
      // Lockstep: only confirmed frames are ever stepped, so this state is final already.
      this.recordChecksum(f, this.gameChecksum());
    }
    for (let p = 0; p < this.n; p++) this.gatherInput(p, f);
    this.game.step(this.stepInputs as readonly PlayerInput<I>[]);
    this.frame = f + 1;
  }

  protected gatherInput(p: number, f: number): void {
    const bytes = this.stepBytes[p]!;
    const slot = this.stepInputs[p]!;
    const queue = this.queues[p]!;
    let status: InputStatus;
    if (this.absent(p, f)) {
      bytes.fill(0);
      status = InputStatus.Disconnected;
    } else if (queue.copyTo(f, bytes)) {
      status = InputStatus.Confirmed;
    } else {
      if (!queue.copyTo(queue.lastFrame, this.lastSeen)) this.lastSeen.fill(0);
      this.predictor.predict(p, f, this.lastSeen, queue.lastFrame, bytes);
      status = InputStatus.Predicted;
    }
    slot.input = this.codec.decode(bytes);
    slot.status = status;
    if (p !== this.local && this.ring !== undefined) {
      const at = (f % this.usedSlots) * this.n + p;
      this.usedFrame[at] = f;
      this.usedStatus[at] = status;
      if (status === InputStatus.Predicted) {
        const base = at * this.size;
        for (let i = 0; i < this.size; i++) this.usedBytes[base + i] = bytes[i]!;
      }
    }
  }

  protected rollBack(): void {
    const target = this.firstIncorrect;
    this.firstIncorrect = -1;
    const state = this.ring?.state(target);
    if (state === undefined) {
      throw new Error(`internal: no saved state for frame ${target} (current ${this.frame}); please report this`);
    }
    const end = this.frame;
    this.game.load(state);
    this.frame = target;
    this.simulate(false);
    while (this.frame < end) this.simulate(true);
    const frames = end - target;
    this.rollbackTotal += frames;
    if (frames > this.maxRollback) this.maxRollback = frames;
    if (this.blame >= 0 && this.blame < this.n) this.rollbackByPlayer[this.blame]! += frames;
  }

  /** A remote input for `frame` arrived: if we simulated that frame on a different guess, roll back. */
  protected checkPrediction(player: number, frame: number, input: Uint8Array, offset: number): void {
    if (frame >= this.frame || this.ring === undefined) return;
    const at = (frame % this.usedSlots) * this.n + player;
    if (this.usedFrame[at] !== frame || this.usedStatus[at] === InputStatus.Confirmed) return;
    let same = this.usedStatus[at] === InputStatus.Predicted;
    const base = at * this.size;
    for (let i = 0; same && i < this.size; i++) same = this.usedBytes[base + i] === input[offset + i];
    if (same) {
      this.usedStatus[at] = InputStatus.Confirmed;
      return;
    }
    this.markIncorrect(frame, player);
  }

  protected markIncorrect(frame: number, player: number): void {
    if (this.firstIncorrect < 0 || frame < this.firstIncorrect) {
      this.firstIncorrect = frame;
      this.blame = player;
    }
  }

  /**
   * Newest frame for which every player's input (remote players only, if `withLocal` is false)
   * is final. A dropped player counts as final beyond its agreed last frame.
   */
  protected confirmedThrough(withLocal: boolean): number {
    let min = Infinity;
    for (let p = 0; p < this.n; p++) {
      // A returning player whose re-entry frame is not agreed yet is absent for certain only
      // before our own proposal (the local player too, when it is the one returning).
      const cap = this.reentryCap(p);
      if (cap !== undefined && cap < min) min = cap;
      if (p === this.local && !withLocal) continue;
      const last = this.queues[p]!.lastFrame;
      const agreed = this.agreed[p]!;
      if (agreed !== NOT_AGREED && last >= agreed) continue;
      if (last < min) min = last;
    }
    return min === Infinity ? Number.MAX_SAFE_INTEGER : min;
  }

  /** Whether `player` is Disconnected at `frame`: after its agreed drop (or within an earlier absence: `RejoinableSession`). */
  protected absent(player: number, frame: number): boolean {
    const agreed = this.agreed[player]!;
    return agreed !== NOT_AGREED && frame > agreed;
  }

  // ---- what a RejoinableSession adds (core/rejoinable-session.ts); nothing here -----------------

  /** Whether this session can take part in rejoins (a `RejoinableSession`). */
  protected canRejoin(): boolean {
    return false;
  }

  /** The codec of the rejoin's messages (a plain session drops them as `unknown-type`). */
  protected rejoinMessages(): RejoinMessageCodec | undefined {
    return undefined;
  }

  /** Each poll, after the drop agreements: readmissions move on. */
  protected rejoinPoll(): void {}

  /** Rejoining, state loaded: the frames simulated instead of one, or undefined to advance as usual. */
  protected catchUpStep(): AdvanceResult | undefined {
    return undefined;
  }

  /** After each advanced frame: a survivor may send a returning player the state. */
  protected afterAdvance(): void {}

  /** Newest frame that may be taken as final while a return of `player` is being agreed (undefined: no limit). */
  protected reentryCap(_player: number): number | undefined {
    return undefined;
  }

  /** Lets earlier absences go that no rollback or report can reach any more (frames below `_floor`). */
  protected trimAbsences(_floor: number): void {}

  /** A player already dropped went silent again (its returning session's new link). */
  protected droppedAgain(_player: number): void {}

  /** A StateChunk, StateAck or Readmit: a session that does not rejoin has no use for them. */
  protected onRejoinMessage(_endpoint: PeerEndpoint, _message: Message): void {
    this.drops.stale++;
  }

  /** Sends what a rejoin needs now (from `poll`). */
  protected rejoinFlush(): void {}

  protected wantsChecksum(frame: number): boolean {
    const every = this.cfg.checksumIntervalFrames;
    return every > 0 && frame % every === 0;
  }

  /** Takes the checksums of frames that have become confirmed since the last call. */
  protected takeChecksums(): void {
    if (this.ring === undefined || this.cfg.checksumIntervalFrames === 0) {
      this.releaseChecksums(); // lockstep takes them in simulate
      return;
    }
    // The state at the start of frame f is final once every input before f is; the newest state
    // in the ring is that of frame `this.frame - 1`.
    const through = Math.min(this.confirmedThrough(true) + 1, this.frame - 1);
    const every = this.cfg.checksumIntervalFrames;
    let f = this.checksummedThrough < 0 ? 0 : this.checksummedThrough + every - (this.checksummedThrough % every);
    for (; f <= through; f += every) {
      const checksum = this.ring.checksum(f);
      if (checksum !== undefined) this.recordChecksum(f, checksum);
      this.checksummedThrough = f;
    }
    this.releaseChecksums();
  }

  protected recordChecksum(frame: number, checksum: number): void {
    this.checksummedThrough = frame;
    this.heldChecksums.push(frame, checksum);
  }

  /** Reports the held checksums whose frames every remaining peer holds our inputs for. */
  protected releaseChecksums(): void {
    if (this.heldChecksums.length === 0) return;
    let held = Number.MAX_SAFE_INTEGER;
    for (const endpoint of this.endpoints) {
      if (endpoint === undefined || endpoint.state === EndpointState.Disconnected) continue;
      held = Math.min(held, endpoint.remoteLastFrame(this.local));
    }
    let i = 0;
    // The state at the start of frame f depends on our inputs through f - 1.
    for (; i < this.heldChecksums.length && this.heldChecksums[i]! - 1 <= held; i += 2) {
      this.reportChecksum(this.heldChecksums[i]!, this.heldChecksums[i + 1]!);
    }
    if (i > 0) this.heldChecksums.splice(0, i);
  }

  protected reportChecksum(frame: number, checksum: number): void {
    this.onChecksum?.(frame, checksum);
    this.desync.addLocal(frame, checksum, (player, remote) => this.raiseDesync(frame, player, checksum, remote));
    for (const endpoint of this.endpoints) {
      if (endpoint !== undefined && endpoint.state === EndpointState.Running) endpoint.sendChecksum(frame, checksum, this.nowMs);
    }
  }

  protected raiseDesync(frame: number, player: number, localChecksum: number, remoteChecksum: number): void {
    this.desyncCount++;
    this.emit({ type: 'desync', frame, player, localChecksum, remoteChecksum });
  }

  protected sampleTimeSync(): void {
    for (const endpoint of this.endpoints) endpoint?.sampleTimeSync(this.frame, this.nowMs);
  }

  protected recommendWait(): void {
    if (this.frame < this.nextRecommendFrame) return;
    this.nextRecommendFrame = this.frame + RECOMMEND_INTERVAL_FRAMES;
    const frames = Math.floor(this.framesAhead);
    if (frames >= RECOMMEND_MIN_FRAMES) this.emit({ type: 'wait-recommendation', frames });
  }

  /**
   * Hands `onConfirmedInputs` every frame simulated here whose inputs are all final, in order. The
   * queues still hold them: `trimHistory` keeps every frame from min(confirmed, frame - 1) on, the
   * very bound reported through here each time before it runs.
   */
  protected reportConfirmedInputs(): void {
    const report = this.onConfirmedInputs;
    if (report === undefined) return;
    const through = Math.min(this.confirmedThrough(true), this.frame - 1);
    if (through <= this.inputsReportedThrough) return;
    if (this.confirmedBytes.length === 0) {
      this.confirmedBytes = Array.from({ length: this.n }, () => new Uint8Array(this.size));
      this.confirmedStatuses = new Array<InputStatus>(this.n).fill(InputStatus.Confirmed);
    }
    for (let f = this.inputsReportedThrough + 1; f <= through; f++) {
      for (let p = 0; p < this.n; p++) {
        const gone = this.absent(p, f);
        if (gone) this.confirmedBytes[p]!.fill(0);
        else if (!this.queues[p]!.copyTo(f, this.confirmedBytes[p]!)) throw new Error(`internal: player ${p}'s confirmed input of frame ${f} is gone; please report this`);
        this.confirmedStatuses[p] = gone ? InputStatus.Disconnected : InputStatus.Confirmed;
      }
      this.inputsReportedThrough = f;
      report(f, this.confirmedBytes, this.confirmedStatuses);
    }
  }

  /** Lets each input queue forget frames that neither a rollback nor any peer can still need. */
  protected trimHistory(): void {
    const rollbackFloor = Math.min(this.confirmedThrough(true), this.frame - 1);
    this.trimAbsences(rollbackFloor);
    for (let p = 0; p < this.n; p++) {
      const queue = this.queues[p]!;
      let keep = Math.min(rollbackFloor, queue.lastFrame - HISTORY_MARGIN);
      for (const endpoint of this.endpoints) {
        if (endpoint !== undefined && endpoint.state !== EndpointState.Disconnected) keep = Math.min(keep, endpoint.remoteLastFrame(p));
      }
      queue.retainFrom(keep);
    }
  }

  // ---- network in ---------------------------------------------------------------------------

  protected handleDatagram(from: PeerAddress, data: Uint8Array): void {
    const endpoint = this.byAddress.get(from);
    if (endpoint === undefined) {
      this.drops['unknown-sender']++;
      return;
    }
    if (endpoint.state === EndpointState.Disconnected) {
      this.drops.stale++;
      this.answerDropped(endpoint, data);
      return;
    }
    const result = this.packets.decode(data);
    if (!result.ok) {
      this.drops[result.reason]++;
      return;
    }
    const refused = endpoint.admit(result.packet);
    if (refused !== undefined) {
      this.drops[refused]++;
      this.takeEndpointEvents(endpoint);
      return;
    }
    // Before the endpoint notes this packet's arrival: whether we had heard no one for a while.
    this.heardAgain();
    const message = endpoint.receive(result.packet.message, data.length, this.nowMs);
    this.takeEndpointEvents(endpoint);
    if (message === undefined) return;
    switch (message.type) {
      case MessageType.Input:
        this.onStatuses(endpoint);
        // Rejoining: no inputs before the state is loaded (drops count: we must report them).
        if (this.hasEnded() || this.awaitingState) return;
        if (this.disconnected[endpoint.player] === 0) this.onInputs(endpoint, message.player, message.startFrame, message.inputs);
        return;
      case MessageType.InputAck:
        this.onStatuses(endpoint);
        return;
      case MessageType.StateChunk:
      case MessageType.StateAck:
      case MessageType.Readmit:
        this.onRejoinMessage(endpoint, message);
        return;
      case MessageType.ChecksumReport: {
        const mine = this.desync.addRemote(endpoint.player, message.frame, message.checksum);
        if (mine !== undefined) this.raiseDesync(message.frame, endpoint.player, mine, message.checksum);
        return;
      }
      case MessageType.Goodbye:
        this.dropPlayer(endpoint.player);
        return;
      default:
        return;
    }
  }

  /**
   * Raises the session events for what `endpoint` reported, in order; its handshake completing may
   * complete ours (`running`).
   */
  protected takeEndpointEvents(endpoint: PeerEndpoint): void {
    const events = endpoint.takeEvents();
    for (let i = 0; i < events.length; i++) this.onEndpointEvent(endpoint, events[i]!);
  }

  protected onEndpointEvent(endpoint: PeerEndpoint, event: EndpointEvent): void {
    const player = endpoint.player;
    switch (event.type) {
      case 'synchronizing':
        this.emit(
          event.silentMs === undefined
            ? { type: 'synchronizing', player, count: event.count, total: event.total }
            : { type: 'synchronizing', player, count: event.count, total: event.total, silentMs: event.silentMs },
        );
        return;
      case 'synchronized':
        this.emit({ type: 'synchronized', player });
        return;
      case 'interrupted':
        this.emit({ type: 'interrupted', player, disconnectInMs: event.disconnectInMs });
        return;
      case 'resumed':
        this.emit({ type: 'resumed', player });
        return;
      case 'incompatible':
        this.emit({ type: 'incompatible-peer', player, reason: event.reason });
        return;
    }
  }

  /**
   * The synchronized start. Each peer would otherwise start frame 0 when its *own* handshakes are
   * done; with loss those finish up to a few hundred ms apart, and a peer that starts more than its
   * prediction window (8 frames, 133 ms) before another stalls at that window until time sync has
   * slowed it down, which takes seconds. So a peer whose handshakes are done is only *ready*: it
   * tells every peer so (its endpoints send an Input with no inputs every ~16 ms) and starts once
   * it has heard the same from every remaining peer. The last peer to be ready has heard every
   * other already; it waits half its mean round trip (the time its own notice takes to reach the
   * others, who start on hearing it) so that it does not run that far ahead of them. Dropped peers
   * (a kick, a Goodbye, or silence: timers run from readiness on) are not waited for.
   */
  protected checkStart(): void {
    if (this.sessionState !== SessionState.Synchronizing || this.awaitingState) return;
    let everyoneReady = true;
    let halfRttSumMs = 0;
    let links = 0;
    for (const endpoint of this.endpoints) {
      if (endpoint === undefined || endpoint.state === EndpointState.Disconnected) continue;
      if (endpoint.state === EndpointState.Syncing) return;
      if (!endpoint.peerReady) everyoneReady = false;
      halfRttSumMs += endpoint.rttMs / 2;
      links++;
    }
    const now = this.nowMs;
    if (this.readyAtMs < 0) {
      this.readyAtMs = now;
      // Silence timers start now (until now a peer could be quiet for handshake reasons).
      for (const endpoint of this.endpoints) endpoint?.restartSilence(now);
    }
    if (!everyoneReady) return;
    if (links > 0 && now < this.readyAtMs + halfRttSumMs / links) return;
    this.sessionState = SessionState.Running;
    for (const endpoint of this.endpoints) endpoint?.restartSilence(now);
    this.emit({ type: 'running' });
  }

  /** Whether silence timers and isolation apply: running, or ready and waiting for the others to be. */
  protected watchingSilence(): boolean {
    return this.sessionState === SessionState.Running || (this.sessionState === SessionState.Synchronizing && this.readyAtMs >= 0);
  }

  /**
   * The game's checksum of its current state, as a u32. An int32 is taken as its u32 bits (a hash
   * written `h | 0` is fine); anything else (a float, NaN, a string, a number out of range) is a bug
   * in the game that would make every comparison meaningless, so it throws a TypeError at once.
   */
  protected gameChecksum(): number {
    const value: unknown = this.game.checksum();
    if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
      throw new TypeError(`game.checksum() must return a u32 (an integer 0..4294967295; an int32 is read as its u32 bits), got ${describe(value)}`);
    }
    return value >>> 0;
  }

  /** The peer's statuses (merged by its endpoint) may drop us, or players we still have. */
  protected onStatuses(endpoint: PeerEndpoint): void {
    if (endpoint.remoteDisconnected(this.local)) {
      // That peer has dropped us, and drops spread to every survivor: playing on would only be
      // playing alone, in a match the others no longer share. End instead.
      this.end(SessionEndReason.Removed);
      return;
    }
    for (let p = 0; p < this.n; p++) {
      if (p !== this.local && endpoint.remoteDisconnected(p) && !this.disconnected[p]) this.dropPlayer(p);
    }
  }

  protected onInputs(endpoint: PeerEndpoint, player: number, startFrame: number, inputs: Uint8Array): void {
    // Own inputs, or a departed player's inputs forwarded by a survivor; nothing else.
    const own = player === endpoint.player;
    if (player === this.local || (!own && !this.disconnected[player]) || (own && this.disconnected[player])) {
      this.drops.spoofed++;
      return;
    }
    const queue = this.queues[player]!;
    const count = inputs.length / this.size;
    let appended = false;
    for (let i = 0; i < count; i++) {
      const frame = startFrame + i;
      if (frame <= queue.lastFrame) continue;
      if (frame !== queue.lastFrame + 1) break; // cannot happen: the decoder checks the reference
      const agreed = this.agreed[player]!;
      if (agreed !== NOT_AGREED && frame > agreed) break;
      if (frame > this.frame + MAX_INPUT_LEAD_FRAMES) break;
      queue.append(inputs, i * this.size);
      this.checkPrediction(player, frame, inputs, i * this.size);
      appended = true;
    }
    if (appended || inputs.length > 0) endpoint.inputsReceived();
  }

  // ---- timers and disconnects -----------------------------------------------------------------

  /**
   * Silence timers. A peer silent for `disconnectTimeoutMs` is dropped only on a witness's word:
   * some other remaining peer heard within `witnessMs` (half that time), which shows that our own
   * link works. When no remaining peer has been heard for `disconnectTimeoutMs`, the silence is
   * ours (our network, a stalled relay, our tab or process frozen): we are isolated, drop no one,
   * keep sending, and end after `isolationTimeoutMs` unless someone is heard again.
   */
  protected runTimers(): void {
    const now = this.nowMs;
    for (const endpoint of this.endpoints) if (endpoint !== undefined && endpoint.state !== EndpointState.Disconnected) endpoint.tick(now);
    if (!this.watchingSilence()) return;
    const heardMs = this.lastHeardMs();
    if (heardMs === -Infinity) {
      this.isolated = false; // every other player is gone: nobody is left to hear
      return;
    }
    const deafMs = now - heardMs;
    if (deafMs >= this.cfg.isolationTimeoutMs) {
      this.end(SessionEndReason.Isolated);
      return;
    }
    this.checkIsolation();
    const witnessed = deafMs < this.witnessMs();
    for (const endpoint of this.endpoints) {
      if (endpoint === undefined || endpoint.state === EndpointState.Disconnected) continue;
      if (endpoint.checkSilence(now, witnessed)) this.dropPlayer(endpoint.player);
      else this.takeEndpointEvents(endpoint);
    }
  }

  /** Raises `isolated` once no remaining peer has been heard for `disconnectTimeoutMs`. */
  protected checkIsolation(): void {
    if (!this.watchingSilence() || this.isolated) return;
    const deafMs = this.nowMs - this.lastHeardMs();
    if (deafMs === Infinity || deafMs < this.cfg.disconnectTimeoutMs) return;
    this.isolated = true;
    this.emit({ type: 'isolated', endInMs: Math.max(0, this.cfg.isolationTimeoutMs - deafMs) });
  }

  /**
   * While rejoining: done once every remaining peer has answered a probe (or been dropped, or is
   * gone); then `reconnected`, and frames advance again.
   */
  protected checkRejoin(): void {
    if (this.rejoinSinceMs < 0) return;
    let remaining = 0;
    for (const endpoint of this.endpoints) {
      if (endpoint === undefined || endpoint.state === EndpointState.Disconnected) continue;
      remaining++;
      if (!endpoint.rejoined) return;
    }
    this.rejoinSinceMs = -1;
    if (remaining > 0) this.emit({ type: 'reconnected' });
    this.isolated = false;
  }

  /**
   * Hearing no one for this long (ms) is taken as our own link's silence: a witness to another
   * peer's silence must have been heard more recently than this, and a packet after a longer
   * silence restarts every peer's silence timer (`heardAgain`). Half the drop timeout, but never
   * less than two keepalive intervals (a live peer's ordinary gap, plus one lost keepalive), and
   * never more than the timeout itself.
   */
  protected witnessMs(): number {
    const timeout = this.cfg.disconnectTimeoutMs;
    return Math.min(timeout, Math.max(timeout / 2, 2 * KEEPALIVE_MS));
  }

  /** When any remaining remote peer was last heard (ms); -Infinity if none remains. */
  protected lastHeardMs(): number {
    let heard = -Infinity;
    for (const endpoint of this.endpoints) {
      if (endpoint !== undefined && endpoint.state !== EndpointState.Disconnected && endpoint.lastReceiveMs > heard) heard = endpoint.lastReceiveMs;
    }
    return heard;
  }

  /**
   * A valid packet arrived from a remaining peer. If we had heard no one for a while (at least the
   * witness window), the silence was our own link's, not each peer's: every remaining peer's
   * silence timer restarts now, so that the first packets after an outage do not make witnesses
   * against peers whose packets are a moment behind. After an isolation, starts the rejoin: the
   * others may have dropped us meanwhile, which only an answer sent from now on can tell.
   */
  protected heardAgain(): void {
    if (!this.watchingSilence()) return;
    const now = this.nowMs;
    const deafMs = now - this.lastHeardMs();
    if (deafMs >= this.witnessMs()) {
      for (const endpoint of this.endpoints) {
        if (endpoint !== undefined && endpoint.state !== EndpointState.Disconnected) endpoint.restartSilence(now);
      }
    }
    if (this.isolated && this.rejoinSinceMs < 0) {
      // Silent long enough for the others to have dropped us: ask each of them before going on.
      this.rejoinSinceMs = now;
      for (const endpoint of this.endpoints) endpoint?.startRejoin(now);
    }
  }

  /**
   * A packet from a player we dropped: if its endpoint finds it due and really that peer's, our
   * statuses, which mark it dropped, so that it ends its session ('removed') instead of playing on
   * alone (see `PeerEndpoint.answersDropped`).
   */
  protected answerDropped(endpoint: PeerEndpoint, data: Uint8Array): void {
    const decode = (): Packet | undefined => {
      const result = this.packets.decode(data);
      return result.ok ? result.packet : undefined;
    };
    if (!endpoint.answersDropped(this.nowMs, decode)) return;
    this.updateStatuses();
    endpoint.sendStatuses(this.sendContext(false), this.nowMs);
  }

  /** Marks `player` gone in our own view. The frame its inputs end at is agreed in `checkAgreements`. */
  protected dropPlayer(player: number): void {
    if (this.disconnected[player]) {
      this.droppedAgain(player);
      return;
    }
    this.disconnected[player] = 1;
    this.dropCount++;
    this.endpoints[player]?.disconnect();
    // Nobody left to hear: the silence that made us isolated was theirs, and is over.
    if (this.lastHeardMs() === -Infinity) this.isolated = false;
  }

  /**
   * A dropped player's last frame is agreed once every survivor reports it dropped: it is the
   * newest of its inputs that any survivor holds (survivors forward the missing ones to each
   * other), so no frame anyone has confirmed ever changes.
   */
  protected checkAgreements(): void {
    for (let x = 0; x < this.n; x++) {
      if (!this.disconnected[x] || this.agreed[x] !== NOT_AGREED) continue;
      let last = this.queues[x]!.lastFrame;
      let everyone = true;
      for (const endpoint of this.endpoints) {
        if (endpoint === undefined || endpoint.player === x || endpoint.state === EndpointState.Disconnected) continue;
        // A returning peer whose handshake is not done yet holds no inputs: nobody waits for it.
        if (endpoint.state === EndpointState.Syncing && this.disconnected[endpoint.player]) continue;
        if (!endpoint.remoteDisconnected(x)) {
          everyone = false;
          break;
        }
        last = Math.max(last, endpoint.remoteLastFrame(x));
      }
      if (!everyone) continue;
      this.agreed[x] = last;
      // (A returning session learns of earlier drops as it starts: they are no news to its game.)
      if (!this.awaitingState) this.emit({ type: 'disconnected', player: x, frame: last });
      if (this.ring !== undefined && last + 1 < this.frame) this.markIncorrect(last + 1, x);
    }
  }

  // ---- network out --------------------------------------------------------------------------

  /**
   * Sends what is due to each peer (see `PeerEndpoint.flush`). `fromAdvance`: called right after a
   * new local input, when only inputs (changed ones at once, unchanged ones at the resend interval)
   * are considered.
   */
  protected flush(fromAdvance: boolean): void {
    const now = this.nowMs;
    this.updateStatuses();
    const ctx = this.sendContext(!fromAdvance && this.agreementPending());
    for (const endpoint of this.endpoints) {
      if (endpoint === undefined || endpoint.state === EndpointState.Disconnected) continue;
      endpoint.flush(ctx, now, fromAdvance);
      if (!fromAdvance) this.takeEndpointEvents(endpoint);
    }
    if (!fromAdvance) this.rejoinFlush();
  }

  /** The send context, brought up to date (statuses are updated separately, in place). */
  protected sendContext(agreementPending: boolean): SendContext {
    const ctx = this.sendCtx;
    ctx.running = this.sessionState === SessionState.Running;
    ctx.ready = this.readyAtMs >= 0;
    ctx.frame = this.frame;
    ctx.dropCount = this.dropCount;
    ctx.agreementPending = agreementPending;
    ctx.lastChangeFrame = this.lastChangeFrame;
    return ctx;
  }

  protected updateStatuses(): void {
    for (let p = 0; p < this.n; p++) {
      const status = this.statuses[p]!;
      status.disconnected = this.disconnected[p] === 1;
      status.lastFrame = this.queues[p]!.lastFrame;
    }
  }

  /** An Input message with `player`'s inputs from frame `from` on (as many as one packet carries), or undefined if none are held. */
  protected inputRun(player: number, from: number): Message | undefined {
    const queue = this.queues[player]!;
    const start = from;
    const end = Math.min(queue.lastFrame, start + MAX_INPUTS_PER_PACKET - 1);
    if (end < start) return undefined;
    // The run is coded against the input before it; a peer whose acknowledgement is older than
    // anything we hold (a returning peer before its state is loaded) is sent nothing yet.
    if (start > 0 ? !queue.has(start - 1) : queue.firstFrame !== 0) return undefined;
    for (let f = start; f <= end; f++) queue.copyTo(f, this.sendScratch, (f - start) * this.size);
    return {
      type: MessageType.Input,
      player,
      currentFrame: this.frame,
      statuses: this.statuses,
      startFrame: start,
      inputs: this.sendScratch.subarray(0, (end - start + 1) * this.size),
    };
  }

  /** Whether some dropped player's last frame is not agreed yet. */
  protected agreementPending(): boolean {
    for (let x = 0; x < this.n; x++) if (this.disconnected[x] && this.agreed[x] === NOT_AGREED) return true;
    return false;
  }

}

function isZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** A value as an error message shows it: its type, and the value if short. */
function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 32))}`;
  return typeof value;
}
