import type { PeerAddress, Transport } from '../transport/transport.ts';
import type { Game, PlayerInput } from './game.ts';
import { InputStatus } from './game.ts';
import type { InputCodec } from './input-codec.ts';
import { int } from './session-config.ts';
import { sessionFingerprint } from './session-fingerprint.ts';
import { DEFAULT_MAX_STATE_BYTES, StateReceiver } from './state-transfer.ts';
import { Prng } from '../kit/prng.ts';
import { MAX_PACKET_BYTES, MessageType } from '../protocol/messages.ts';
import { SpectatorMessageType, decodeSpectatorPacket, encodeSpectatorPacket } from '../protocol/spectator-message-codec.ts';
import type { SpectatorCodecContext, SpectatorInputsMessage, SpectatorMessage } from '../protocol/spectator-message-codec.ts';
import type { StateChunkMessage } from '../protocol/messages.ts';
import { spectatorDropCounts } from './spectator-events.ts';
import type { SpectatorEvent, SpectatorStats } from './spectator-events.ts';

/** Where a spectator is. */
export const SpectatorState = {
  /** Waiting for its buffer to fill (or for the match's state): `advanceFrame` simulates nothing yet. */
  Joining: 'joining',
  /** Simulating the match's confirmed frames, a little behind live. */
  Watching: 'watching',
  /** `leave()` was called. */
  Ended: 'ended',
} as const;
export type SpectatorState = (typeof SpectatorState)[keyof typeof SpectatorState];

/** A `SpectatorSession`'s settings. */
export interface SpectatorSessionConfig<I, S> {
  /**
   * The match's game, fresh (as a player's is at frame 0). It steps only confirmed inputs; to join
   * a match already past the frames its source still holds, it must implement `decodeState`.
   */
  readonly game: Game<I, S>;
  /** How the match's inputs become the game's; the players' codec. */
  readonly input: InputCodec<I>;
  /** Carries its datagrams to and from the players' peers. */
  readonly transport: Transport;
  /** The address of the player's peer whose `SpectatorFeed` it watches through (`switchSource` changes it). */
  readonly source: PeerAddress;
  /** The match's player count, as its sessions have it. */
  readonly playerCount: number;
  /** The match's id (its sessions' `matchId`, default 0): a feed of another match refuses the spectator. */
  readonly matchId?: number;
  /** Randomness for its token (u32). */
  readonly seed: number;
  /**
   * Frames it keeps between the newest confirmed frame it holds and the one it shows (0..120): its
   * jitter buffer. More rides out longer gaps in delivery without a pause, and shows the match
   * that much later. Default 6 (100 ms at 60 fps).
   */
  readonly delayFrames?: number;
  /** Frames beyond `delayFrames` at which it starts catching up at full speed (1..600); short of that it drifts back 12.5% faster. Default 6. */
  readonly catchUpAfterFrames?: number;
  /** Frames simulated per `advanceFrame` while catching up (2..1000). Default 4: four times live speed. */
  readonly catchUpFramesPerAdvance?: number;
  /** Frames between the checksums it takes of its own state (the players' `checksumIntervalFrames`; 0: only those its source sends). Default 60. */
  readonly checksumIntervalFrames?: number;
  /** Silence from its source after which `source-lost` is raised (ms, 100..60000). Default 2000. */
  readonly sourceTimeoutMs?: number;
  /** Confirmed frames it holds ahead of the one it shows, most (64..36000). Default 1024. */
  readonly bufferFrames?: number;
  /** Largest match state it accepts (bytes). Default 16 MiB. */
  readonly maxStateBytes?: number;
  /** Called with each checksum it takes of its own state (the state at the start of `frame`): for tests and logs. */
  readonly onChecksum?: (frame: number, checksum: number) => void;
}

/** Least time between two acknowledgements (ms) while inputs arrive, and between two Spectates when none do (a keepalive). */
const ACK_INTERVAL_MS = 33;
const KEEPALIVE_MS = 250;
const JOINING_KEEPALIVE_MS = 100;
/** Checksums (its own and its source's) kept for comparison. */
const CHECKSUMS_KEPT = 64;
/**
 * Below its target, it holds back one `advanceFrame` in this many, to refill the buffer (a 12.5%
 * slow-down); above its target by more than BATCH_FRAMES, it simulates two frames in one of this
 * many (12.5% faster), so that it drifts back to its target rather than stay wherever a burst left it.
 */
const REFILL_EVERY = 8;
/** Frames a feed batches into one packet at 60 fps (its 33 ms): the buffer swings by this much anyway. */
const BATCH_FRAMES = 2;
const NO_EVENTS: readonly SpectatorEvent[] = Object.freeze([]);
const MAX_PENDING_EVENTS = 256;

/**
 * Watches a match live (issue 13): gets the players' confirmed inputs from one player's peer (its
 * `SpectatorFeed`) and simulates them, a few frames behind the newest it holds so that gaps in
 * delivery do not pause it, and faster than live when it has fallen behind. It never predicts
 * (every frame it simulates is final), so it never rolls back, and it sends the players nothing
 * but acknowledgements: each spectator adds no load to the others.
 *
 * It may join at frame 0 or mid-match (the feed sends it the confirmed state, as a rejoining
 * player gets it), and may switch to another player's feed (`switchSource`, e.g. when its player
 * drops): it asks the new feed for the first frame it lacks, which is the same frame in every
 * peer's history, so nothing changes for its game; a feed that no longer holds that frame sends a
 * state instead. Its checksums are compared with the players' confirmed ones (`desync`).
 *
 * Pure and synchronous: each frame call `poll(nowMs)` then `advanceFrame()`.
 */
export class SpectatorSession<I, S> {
  private readonly game: Game<I, S>;
  private readonly codec: InputCodec<I>;
  private readonly transport: Transport;
  private readonly ctx: SpectatorCodecContext;
  private readonly fingerprint: number;
  private readonly token: number;
  private readonly delay: number;
  private readonly catchUpAfter: number;
  private readonly catchUpFrames: number;
  private readonly checksumEvery: number;
  private readonly timeoutMs: number;
  private readonly capacity: number;
  private readonly maxStateBytes: number;
  private readonly onChecksum: ((frame: number, checksum: number) => void) | undefined;
  private readonly frameBytes: number;

  private sourceAddress: PeerAddress;
  private receiver: StateReceiver;
  private stateAckDue = false;
  /** Frames [frame, newest] held, frame f at slot f % capacity. */
  private readonly buffer: Uint8Array;
  private readonly absent: Uint16Array;
  private frame = 0;
  private newest = -1;
  private live = -1;
  private started = false;
  private catchingUp = false;
  private ended = false;
  private advances = 0;
  private nowMs = 0;
  /** When its source was last heard (ms); -1 before the first poll. */
  private heardMs = -1;
  private lost = false;
  private sentMs = -Infinity;
  private ackDue = false;
  private checksumThrough = -1;
  /** Checksums by frame: the source's (confirmed) and its own, a bounded few of each. */
  private readonly remote = new Map<number, number>();
  private readonly own = new Map<number, number>();
  private readonly stepBytes: Uint8Array[];
  private readonly stepInputs: { input: I; status: InputStatus }[];
  private readonly out = new Uint8Array(MAX_PACKET_BYTES);
  private pendingEvents: SpectatorEvent[] = [];

  private framesSimulated = 0;
  private stallAdvances = 0;
  private slowedAdvances = 0;
  private catchUpTotal = 0;
  private statesLoaded = 0;
  private checksumsVerified = 0;
  private desyncs = 0;
  private packetsReceived = 0;
  private bytesReceived = 0;
  private packetsSent = 0;
  private bytesSent = 0;
  private readonly drops = spectatorDropCounts();

  constructor(config: SpectatorSessionConfig<I, S>) {
    if (typeof config !== 'object' || config === null) throw new TypeError('a SpectatorSession needs a config object ({ game, input, transport, source, playerCount, seed, ... })');
    for (const method of ['step', 'load', 'checksum'] as const) {
      if (typeof config.game?.[method] !== 'function') throw new TypeError(`game.${method} must be a function (the match's Game)`);
    }
    if (typeof config.transport?.send !== 'function' || typeof config.transport.receive !== 'function') throw new TypeError('transport must be a Transport: send(to, data) and receive()');
    if (typeof config.input?.encode !== 'function' || typeof config.input.decode !== 'function') throw new TypeError('input must be an InputCodec, e.g. bytesInputCodec(2)');
    if (typeof config.source !== 'string' || config.source.length === 0) throw new RangeError('source must be a non-empty address');
    const playerCount = int('playerCount', config.playerCount, 2, 16);
    const inputSize = int('input.size', config.input.size, 1, 64);
    int('seed', config.seed, 0, 0xffffffff);
    this.game = config.game;
    this.codec = config.input;
    this.transport = config.transport;
    this.ctx = { playerCount, inputSize };
    this.fingerprint = sessionFingerprint(playerCount, inputSize, int('matchId', config.matchId ?? 0, 0, 0xffffffff));
    this.token = new Prng(config.seed).nextU32() & 0xffff;
    this.delay = int('delayFrames', config.delayFrames ?? 6, 0, 120);
    this.catchUpAfter = int('catchUpAfterFrames', config.catchUpAfterFrames ?? 6, 1, 600);
    this.catchUpFrames = int('catchUpFramesPerAdvance', config.catchUpFramesPerAdvance ?? 4, 2, 1000);
    this.checksumEvery = int('checksumIntervalFrames', config.checksumIntervalFrames ?? 60, 0, 1 << 20);
    this.timeoutMs = int('sourceTimeoutMs', config.sourceTimeoutMs ?? 2000, 100, 60000);
    this.capacity = int('bufferFrames', config.bufferFrames ?? 1024, 64, 36000);
    this.maxStateBytes = int('maxStateBytes', config.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES, 1, 0x7fffffff);
    this.onChecksum = config.onChecksum;
    this.frameBytes = playerCount * inputSize;
    this.buffer = new Uint8Array(this.capacity * this.frameBytes);
    this.absent = new Uint16Array(this.capacity);
    this.sourceAddress = config.source;
    this.receiver = new StateReceiver(this.maxStateBytes);
    this.stepBytes = Array.from({ length: playerCount }, () => new Uint8Array(inputSize));
    this.stepInputs = this.stepBytes.map((bytes) => ({ input: this.codec.decode(bytes), status: InputStatus.Confirmed as InputStatus }));
  }

  /** Where the spectator is: joining, watching, or ended. */
  get state(): SpectatorState {
    return this.ended ? SpectatorState.Ended : this.started ? SpectatorState.Watching : SpectatorState.Joining;
  }

  /** The frame the next simulated frame is (the game's state is the one at its start). */
  get currentFrame(): number {
    return this.frame;
  }

  /** Newest frame whose confirmed inputs it holds (-1: none). */
  get newestFrame(): number {
    return this.newest;
  }

  /** Frames held and not yet simulated: how far behind the newest confirmed frame it shows. */
  get framesBehind(): number {
    return this.newest + 1 - this.frame;
  }

  /** The player's peer it watches through. */
  get source(): PeerAddress {
    return this.sourceAddress;
  }

  /** Drains the events raised since the last call. */
  events(): readonly SpectatorEvent[] {
    if (this.pendingEvents.length === 0) return NO_EVENTS;
    const out = this.pendingEvents;
    this.pendingEvents = [];
    return out;
  }

  /**
   * Watches through another player's feed from now on (its source dropped, or the room chose
   * another). Whatever it holds stays; the new feed is asked for the first frame it lacks, and
   * sends a state if it no longer holds it.
   */
  switchSource(address: PeerAddress): void {
    if (typeof address !== 'string' || address.length === 0) throw new RangeError('source must be a non-empty address');
    if (address === this.sourceAddress) return;
    this.sourceAddress = address;
    this.receiver = new StateReceiver(this.maxStateBytes);
    this.stateAckDue = false;
    this.heardMs = this.nowMs;
    this.lost = false;
    this.sentMs = -Infinity;
  }

  /**
   * Reads its source's datagrams (inputs, checksums, state chunks), watches for its silence, and
   * acknowledges what arrived. Call once per frame before `advanceFrame`, and while paused.
   *
   * @param nowMs A monotonic clock (ms).
   */
  poll(nowMs: number): void {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    if (this.ended) {
      this.transport.receive();
      return;
    }
    if (this.heardMs < 0) this.heardMs = this.nowMs; // the silence timer starts with the first poll
    for (const datagram of this.transport.receive()) this.receive(datagram.from, datagram.data);
    const silentMs = this.nowMs - this.heardMs;
    if (!this.lost && silentMs >= this.timeoutMs) {
      this.lost = true;
      this.emit({ type: 'source-lost', source: this.sourceAddress, silentMs });
    }
    this.flush();
  }

  /**
   * Simulates the frames due now and returns how many: one per call while its buffer holds its
   * target (`delayFrames`); several (`catchUpFramesPerAdvance`) once it has fallen more than
   * `catchUpAfterFrames` beyond it, until back at the target; none while nothing is held (a
   * stall) and one call in eight below the target (to refill). Never a guess: only confirmed inputs.
   */
  advanceFrame(): number {
    if (this.ended) return 0;
    const held = this.newest + 1 - this.frame;
    if (!this.started) {
      if (held < Math.max(this.delay, 1)) return 0;
      this.started = true;
    }
    this.advances++;
    if (this.catchingUp && held <= this.delay) this.catchingUp = false;
    else if (!this.catchingUp && held > this.delay + this.catchUpAfter) this.catchingUp = true;
    let steps = 1;
    if (this.catchingUp) {
      steps = Math.min(this.catchUpFrames, held - this.delay);
    } else if (held === 0) {
      this.stallAdvances++;
      return 0;
    } else if (held < this.delay && this.advances % REFILL_EVERY === 0) {
      this.slowedAdvances++;
      return 0;
    } else if (held > this.delay + BATCH_FRAMES && this.advances % REFILL_EVERY === 0) {
      steps = 2; // above its target by more than a packet's batch: drifts back to it
    }
    for (let i = 0; i < steps; i++) this.simulate();
    if (steps > 1) this.catchUpTotal += steps - 1;
    return steps;
  }

  /** Leaves: tells the source (which forgets it at once) and goes quiet. */
  leave(): void {
    if (this.ended) return;
    this.sendSpectate(true);
    this.ended = true;
  }

  /** Figures as of now. */
  stats(): SpectatorStats {
    return {
      currentFrame: this.frame,
      newestFrame: this.newest,
      liveFrame: this.live,
      framesBehind: this.framesBehind,
      framesSimulated: this.framesSimulated,
      stallAdvances: this.stallAdvances,
      slowedAdvances: this.slowedAdvances,
      catchUpFrames: this.catchUpTotal,
      statesLoaded: this.statesLoaded,
      checksumsVerified: this.checksumsVerified,
      desyncs: this.desyncs,
      packetsReceived: this.packetsReceived,
      bytesReceived: this.bytesReceived,
      packetsSent: this.packetsSent,
      bytesSent: this.bytesSent,
      dropped: { ...this.drops },
    };
  }

  // ---- simulation -----------------------------------------------------------------------------

  /** Simulates `this.frame` from the confirmed inputs held, taking its checksum first when due. */
  private simulate(): void {
    const f = this.frame;
    if ((this.checksumEvery > 0 && f % this.checksumEvery === 0) || this.remote.has(f)) this.takeChecksum(f);
    const slot = f % this.capacity;
    const mask = this.absent[slot]!;
    const size = this.ctx.inputSize;
    for (let p = 0; p < this.ctx.playerCount; p++) {
      const bytes = this.stepBytes[p]!;
      const at = slot * this.frameBytes + p * size;
      bytes.set(this.buffer.subarray(at, at + size));
      const input = this.stepInputs[p]!;
      input.input = this.codec.decode(bytes);
      input.status = (mask >> p) & 1 ? InputStatus.Disconnected : InputStatus.Confirmed;
    }
    this.game.step(this.stepInputs as readonly PlayerInput<I>[]);
    this.frame = f + 1;
    this.framesSimulated++;
  }

  private takeChecksum(frame: number): void {
    const value: unknown = this.game.checksum();
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`game.checksum() must return a u32, got ${typeof value}`);
    const checksum = value >>> 0;
    this.onChecksum?.(frame, checksum);
    remember(this.own, frame, checksum);
    this.compare(frame);
  }

  /** Compares its own checksum of `frame` with the source's, once both are held. */
  private compare(frame: number): void {
    const mine = this.own.get(frame);
    const theirs = this.remote.get(frame);
    if (mine === undefined || theirs === undefined) return;
    this.own.delete(frame);
    this.remote.delete(frame);
    this.checksumsVerified++;
    if (mine === theirs) return;
    this.desyncs++;
    this.emit({ type: 'desync', frame, localChecksum: mine, remoteChecksum: theirs, source: this.sourceAddress });
  }

  // ---- network --------------------------------------------------------------------------------

  private receive(from: PeerAddress, data: Uint8Array): void {
    if (from !== this.sourceAddress) {
      this.drops['unknown-sender']++;
      return;
    }
    const result = decodeSpectatorPacket(data, this.ctx);
    if (!result.ok) {
      this.drops[result.reason]++;
      return;
    }
    const message = result.packet.message;
    switch (message.type) {
      case SpectatorMessageType.SpectatorInputs:
        this.onInputs(message);
        break;
      case MessageType.StateChunk:
        this.onStateChunk(message);
        break;
      default:
        this.drops.spoofed++; // a spectator's messages, not a feed's
        return;
    }
    this.heardMs = this.nowMs;
    this.packetsReceived++;
    this.bytesReceived += data.length;
  }

  private onInputs(m: SpectatorInputsMessage): void {
    if (m.liveFrame > this.live) this.live = m.liveFrame;
    for (const { frame, checksum } of m.checksums) {
      if (frame > this.checksumThrough) this.checksumThrough = frame;
      if (frame < this.frame && !this.own.has(frame)) continue; // before what it took (or loaded): nothing to compare
      remember(this.remote, frame, checksum);
      this.compare(frame);
    }
    const count = m.inputs.length / this.frameBytes;
    let took = false;
    for (let i = 0; i < count; i++) {
      const f = m.startFrame + i;
      if (f <= this.newest) continue;
      // A gap (a packet from before an acknowledgement, reordered) or a full buffer: the feed sends them again.
      if (f !== this.newest + 1 || f - this.frame >= this.capacity) break;
      const slot = f % this.capacity;
      this.buffer.set(m.inputs.subarray(i * this.frameBytes, (i + 1) * this.frameBytes), slot * this.frameBytes);
      this.absent[slot] = m.absent;
      this.newest = f;
      took = true;
    }
    if (took || m.checksums.length > 0) this.ackDue = true;
  }

  /**
   * A chunk of the match's state. Once whole and its hash checked, it is loaded if it moves the
   * spectator forward; inputs it holds from the state's frame on stay.
   */
  private onStateChunk(chunk: StateChunkMessage): void {
    const result = this.receiver.onChunk(chunk);
    if (result.kind === 'refused') {
      this.drops.malformed++;
      return;
    }
    this.stateAckDue = true;
    const received = this.receiver.take();
    if (received === undefined) {
      if (this.receiver.hashFailed && result.kind === 'new') this.drops.malformed++;
      return;
    }
    if (received.frame <= this.frame) {
      this.drops.stale++;
      return;
    }
    let state: S;
    try {
      if (typeof this.game.decodeState !== 'function') throw new TypeError('the game has no decodeState');
      state = this.game.decodeState(received.bytes);
    } catch {
      this.drops.incompatible++;
      return;
    }
    this.game.load(state);
    this.frame = received.frame;
    if (this.newest < received.frame - 1) this.newest = received.frame - 1;
    if (this.live < this.newest) this.live = this.newest;
    this.catchingUp = false;
    for (const frame of this.own.keys()) if (frame < received.frame) this.own.delete(frame);
    for (const frame of this.remote.keys()) if (frame < received.frame) this.remote.delete(frame);
    this.statesLoaded++;
    this.ackDue = true;
    this.emit({ type: 'state-loaded', frame: received.frame, source: this.sourceAddress });
  }

  private flush(): void {
    const now = this.nowMs;
    if (this.stateAckDue) {
      this.stateAckDue = false;
      const ack = this.receiver.ack();
      if (ack !== undefined) this.send({ type: MessageType.StateAck, ...ack });
    }
    // While joining, more often: the feed learns sooner that a state arrived, or that it is here.
    const keepaliveMs = this.started ? KEEPALIVE_MS : JOINING_KEEPALIVE_MS;
    if ((this.ackDue && now - this.sentMs >= ACK_INTERVAL_MS) || now - this.sentMs >= keepaliveMs) this.sendSpectate(false);
  }

  private sendSpectate(leaving: boolean): void {
    this.ackDue = false;
    this.sentMs = this.nowMs;
    this.send({ type: SpectatorMessageType.Spectate, fingerprint: this.fingerprint, next: this.newest + 1, checksumThrough: this.checksumThrough, leaving });
  }

  private send(message: SpectatorMessage): void {
    const bytes = encodeSpectatorPacket(this.out, this.token, message, this.ctx);
    if (bytes === undefined) return;
    this.transport.send(this.sourceAddress, bytes);
    this.packetsSent++;
    this.bytesSent += bytes.length;
  }

  private emit(event: SpectatorEvent): void {
    if (this.pendingEvents.length >= MAX_PENDING_EVENTS) this.pendingEvents.shift();
    this.pendingEvents.push(event);
  }
}

/** Keeps `frame`'s checksum in `map`, forgetting the oldest beyond CHECKSUMS_KEPT. */
function remember(map: Map<number, number>, frame: number, checksum: number): void {
  map.set(frame, checksum);
  if (map.size > CHECKSUMS_KEPT) map.delete(map.keys().next().value!);
}
