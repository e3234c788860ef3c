import { AdvanceResult, NOT_AGREED, P2PSession, RECOMMEND_INTERVAL_FRAMES, SessionState } from './p2p-session.ts';
import type { P2PSessionConfig } from './session-config.ts';
import { int } from './session-config.ts';
import { EndpointState } from './peer-endpoint.ts';
import type { PeerEndpoint } from './peer-endpoint.ts';
import { MessageType } from '../protocol/messages.ts';
import type { Message, RejoinMessageCodec } from '../protocol/messages.ts';
import { rejoinMessageCodec } from '../protocol/rejoin-message-codec.ts';
import { MAX_FRAME } from '../protocol/frame-range.ts';
import { Readmission } from './readmission.ts';
import { DEFAULT_MAX_STATE_BYTES, StateReceiver, StateSender } from './state-transfer.ts';
import type { ReceivedState, StateChunk } from './state-transfer.ts';
import { decodeRejoinSnapshot, encodeRejoinSnapshot } from './rejoin-snapshot.ts';
import type { SnapshotPlayer } from './rejoin-snapshot.ts';

/**
 * Frames a returning player's proposal adds beyond the others' projected frames, over two round
 * trips (each plus twice its deviation) and the input delay. In that time its proposal reaches
 * the survivors (half a trip), theirs cross (one), the agreed frame comes back to it (half) and its
 * first inputs reach them (half): the agreed frame is then still ahead of everyone, and its inputs
 * for it arrive before anyone's prediction window runs out.
 */
const REENTRY_MARGIN_FRAMES = 2;
/**
 * A returning session whose prediction window cannot reach the others' present frame stops
 * catching up this long (ms) after two round trips from loading the state, when their inputs flow.
 */
const CATCH_UP_SETTLE_MS = 100;
/**
 * A state all of whose chunks were acknowledged goes again if the returning peer's statuses do not
 * show it loaded this long after (ms; at least four round trips): its hash failed there.
 */
const STATE_RETRY_MS = 1000;
/** State chunks are sent again when unacknowledged this long (ms), at least. */
const MIN_CHUNK_RESEND_MS = 50;

/**
 * A `P2PSession` that can take part in rejoins: bring back a player whose peer restarted its
 * session (`readmit`, on the survivors), and, with `rejoin: true`, be that returning session (see
 * docs/rejoin-and-spectators.md and docs/protocol.md, "Rejoining a running match"). Everything else
 * is a `P2PSession`'s. A separate class so that a game that never rejoins does not carry this code
 * (about 4 kB gzipped with the state transfer it uses). Every peer of a match that may see a
 * rejoin must run one: each of them takes part in agreeing on the returning player's re-entry.
 */
export class RejoinableSession<I, S> extends P2PSession<I, S> {
  /**
   * Each player's earlier absences that have ended, as [last frame before, re-entry frame] pairs:
   * it is Disconnected in between. Kept while a rollback or `onConfirmedInputs` may still reach
   * them (see `trimAbsences`).
   */
  private readonly pastAbsences: number[][];
  /** The re-entry frame each player's last readmission agreed on (-1: none): older Readmits are stale. */
  private readonly lastReentry: Int32Array;
  /** The agreement on each returning player's re-entry frame, while under way and once settled. */
  private readonly readmissions: (Readmission | undefined)[];
  /** `readmit` was asked for: the player's old session goes, and once its drop is agreed it is brought back. */
  private readonly readmitWanted: Uint8Array;
  /** We sent the match's state to the player's current session already (or are sending it). */
  private readonly stateSent: Uint8Array;
  /** The state going to a returning player, one at a time. */
  private transfer: { readonly player: number; readonly sender: StateSender; doneAtMs: number } | undefined;
  /** Rejoining, state loaded: simulating the frames the others played, as fast as their inputs allow. */
  private catchingUp = false;
  /** When the state was loaded (ms). */
  private loadedAtMs = 0;
  /** Rejoining: a receiver per peer that sends us a state, and whether an acknowledgement is due. */
  private readonly receivers: (StateReceiver | undefined)[];
  private readonly stateAckDue: Uint8Array;
  /** Scratch: the all-zero input. */
  private readonly zeroInput: Uint8Array;
  /** `catchUpFramesPerAdvance` and `maxStateBytes`, checked. */
  private readonly catchUpFrames: number;
  private readonly maxStateBytes: number;

  constructor(config: P2PSessionConfig<I, S>) {
    super(config);
    if (config.rejoin !== undefined && typeof config.rejoin !== 'boolean') throw new RangeError(`rejoin must be a boolean, got ${String(config.rejoin)}`);
    if (config.rejoin === true && (typeof config.game.encodeState !== 'function' || typeof config.game.decodeState !== 'function')) {
      throw new TypeError('rejoin: the game must implement encodeState(state) and decodeState(bytes) to load the match state (see int32StateCodec)');
    }
    this.catchUpFrames = int('catchUpFramesPerAdvance', config.catchUpFramesPerAdvance ?? 60, 1, 1000);
    this.maxStateBytes = int('maxStateBytes', config.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES, 1, 0x7fffffff);
    this.pastAbsences = Array.from({ length: this.n }, () => []);
    this.lastReentry = new Int32Array(this.n).fill(-1);
    this.readmissions = new Array<Readmission | undefined>(this.n).fill(undefined);
    this.readmitWanted = new Uint8Array(this.n);
    this.stateSent = new Uint8Array(this.n);
    this.receivers = new Array<StateReceiver | undefined>(this.n).fill(undefined);
    this.stateAckDue = new Uint8Array(this.n);
    this.zeroInput = new Uint8Array(this.size);
    this.awaitingState = this.cfg.rejoin;
    // Returning: the others report us dropped until our re-entry, which must not end this session.
    if (this.cfg.rejoin) for (const endpoint of this.endpoints) endpoint?.setDropFloor(this.local, MAX_FRAME);
  }

  protected override canRejoin(): boolean {
    return true;
  }

  protected override rejoinMessages(): RejoinMessageCodec {
    return rejoinMessageCodec;
  }

  protected override catchUpStep(): AdvanceResult | undefined {
    return this.catchingUp ? this.catchUp() : undefined;
  }

  protected override reentryCap(player: number): number | undefined {
    return this.readmissions[player]?.cap;
  }

  protected override absent(player: number, frame: number): boolean {
    if (super.absent(player, frame)) return true;
    const past = this.pastAbsences[player]!;
    for (let i = 0; i < past.length; i += 2) if (frame > past[i]! && frame < past[i + 1]!) return true;
    return false;
  }

  protected override trimAbsences(floor: number): void {
    for (const past of this.pastAbsences) {
      // An absence that ended before every frame a rollback or the confirmed-inputs hook can reach.
      const reported = this.onConfirmedInputs === undefined ? floor : this.inputsReportedThrough + 1;
      while (past.length > 0 && past[1]! <= floor && past[1]! <= reported) past.splice(0, 2);
    }
  }

  /**
   * Already out: a returning session's new link went silent (or said goodbye). Until we have
   * proposed a frame for it nobody can have settled one: the readmission is off. After, the
   * agreement settles among the survivors, and the player is dropped again there (`reenter`).
   */
  protected override droppedAgain(player: number): void {
    this.endpoints[player]?.disconnect();
    if (this.transfer?.player === player) this.transfer = undefined;
    const readmission = this.readmissions[player];
    if (readmission !== undefined && !readmission.agreed && readmission.proposal < 0) this.readmissions[player] = undefined;
  }

  protected override onRejoinMessage(endpoint: PeerEndpoint, message: Message): void {
    switch (message.type) {
      case MessageType.StateChunk:
        this.onStateChunk(endpoint, message);
        return;
      case MessageType.StateAck:
        if (this.transfer?.player === endpoint.player) this.transfer.sender.onAck(message);
        else this.drops.stale++;
        return;
      case MessageType.Readmit:
        this.onReadmit(endpoint, message.player, message.frame, message.agreed);
        return;
      default:
        return;
    }
  }

  /**
   * Rejoining, with the state loaded: simulates the frames whose remote inputs are all here, then
   * on to where the others are now (their reported frames, projected), up to
   * `catchUpFramesPerAdvance` frames per call, with checksums taken as usual. Once there, it
   * proposes its re-entry frame and from then on advances one frame per call like any session
   * (its player still Disconnected until the frame agreed).
   */
  private catchUp(): AdvanceResult {
    const limit = this.confirmedThrough(false);
    // The others are further on than their inputs here show (those are a one-way trip old).
    let present = -1;
    let rttMs = 0;
    for (const endpoint of this.endpoints) {
      if (endpoint !== undefined && endpoint.state === EndpointState.Running && !this.disconnected[endpoint.player]) {
        present = Math.max(present, Math.floor(endpoint.projectedFrame(this.nowMs)));
        rttMs = Math.max(rttMs, endpoint.rttMs);
      }
    }
    // With rollback, predicted frames may be simulated up to the window beyond the inputs here.
    const reach = Math.min(present, limit + this.cfg.maxPrediction);
    let steps = 0;
    while ((this.frame <= limit || this.frame < reach) && steps < this.catchUpFrames) {
      this.simulate(true);
      this.takeChecksums();
      steps++;
    }
    this.reportConfirmedInputs();
    this.trimHistory();
    // Caught up once at the others' present frame; in lockstep, or on a link too slow for the
    // prediction window to reach it, as far as their inputs allow once they flow (their first
    // inputs after the state take a round trip: our statuses go out, their inputs come back).
    const settled = this.nowMs - this.loadedAtMs >= 2 * rttMs + CATCH_UP_SETTLE_MS;
    if (this.frame >= present || (this.frame >= reach && (this.ring === undefined || settled))) {
      this.catchingUp = false;
      this.proposeReentry();
    }
    if (steps > 0) return AdvanceResult.Advanced;
    this.stalls++;
    return this.ring !== undefined ? AdvanceResult.PredictionLimit : AdvanceResult.WaitingForInputs;
  }

  /**
   * The returning peer, caught up, proposes to re-enter at the frame the others will be at once
   * they hear it and answer: their projected frames, plus two round trips (each with twice its
   * deviation), plus the input delay, plus REENTRY_MARGIN_FRAMES.
   */
  private proposeReentry(): void {
    const own = this.readmissions[this.local];
    if (own === undefined || own.proposal >= 0 || own.agreed) return;
    let ahead = this.frame;
    let rttMs = 0;
    let jitterMs = 0;
    for (const endpoint of this.endpoints) {
      if (endpoint === undefined || endpoint.state !== EndpointState.Running) continue;
      ahead = Math.max(ahead, Math.floor(endpoint.projectedFrame(this.nowMs)));
      rttMs = Math.max(rttMs, endpoint.rttMs);
      jitterMs = Math.max(jitterMs, endpoint.jitterMs);
    }
    const margin = Math.ceil((2 * (rttMs + 2 * jitterMs)) / this.cfg.frameMs) + this.delay + REENTRY_MARGIN_FRAMES;
    own.propose(Math.min(MAX_FRAME, ahead + margin));
  }

  /**
   * `player`'s peer runs a new session and asks to be back in the match (a reloaded page, a
   * restarted process; its session has `rejoin: true`). Call it on every other peer's session
   * when the room says so. Its old session is dropped now if it was still held (it will not be
   * heard again), and the survivors agree on its departure as for any drop; then the survivor with
   * the lowest handle sends it the match's state, and every peer agrees on the frame it re-enters
   * at (the `readmitted` event). A call while an earlier return of the same player is still being
   * agreed takes effect after it. Throws a RangeError for a handle that is not a remote player,
   * and a TypeError when the game has no `encodeState`/`decodeState` (its state cannot be sent).
   */
  readmit(player: number): void {
    const endpoint = Number.isInteger(player) ? this.endpoints[player] : undefined;
    if (endpoint === undefined) throw new RangeError(`player ${String(player)} is not a remote player`);
    if (typeof this.game.encodeState !== 'function' || typeof this.game.decodeState !== 'function') {
      throw new TypeError('readmit: the game must implement encodeState(state) and decodeState(bytes) to send its state to a returning player (see int32StateCodec)');
    }
    if (this.hasEnded()) return;
    this.readmitWanted[player] = 1;
    this.rejoinPoll();
  }

  /**
   * Moves every readmission on: drops the old session of a player asked back, starts the
   * readmission once its drop is agreed (a new endpoint for its new session), commits our proposal
   * on hearing one, and settles the re-entry frame once every survivor has proposed.
   */
  protected override rejoinPoll(): void {
    // Rejoining: who is in the match is known only once the state is loaded.
    if (this.awaitingState) return;
    let anyUnderWay = false;
    for (const readmission of this.readmissions) if (readmission !== undefined && !readmission.agreed) anyUnderWay = true;
    for (let p = 0; p < this.n; p++) {
      let readmission = this.readmissions[p];
      // One return at a time: the state sent to the next one shows the previous one back in.
      if (this.readmitWanted[p] === 1 && !anyUnderWay && p !== this.local) {
        if (!this.disconnected[p]) this.dropPlayer(p);
        // Its new session can talk to us at once (its packets also show that our own link works
        // while its drop is agreed); the readmission starts once the drop is agreed.
        if (this.endpoints[p]!.state === EndpointState.Disconnected) this.renewEndpoint(p);
        if (this.agreed[p] !== NOT_AGREED) {
          this.readmitWanted[p] = 0;
          readmission = new Readmission(p, this.n);
          this.readmissions[p] = readmission;
          anyUnderWay = true;
        }
      }
      if (readmission === undefined) continue;
      if (!readmission.agreed) {
        if (readmission.proposal < 0 && p !== this.local) {
          const heard = readmission.heard;
          if (heard >= 0) readmission.propose(Math.min(MAX_FRAME, Math.max(heard, this.frame + 1)));
        }
        readmission.decide(this.local, (q) => this.participates(q));
      }
      // Decided here, or heard from a peer that decided it.
      if (readmission.agreed && readmission.frame > this.lastReentry[p]!) this.reenter(p, readmission.frame);
    }
  }

  /** Whether `player` (not us) takes part in readmission agreements: its link is live. */
  private participates(player: number): boolean {
    const endpoint = this.endpoints[player];
    return endpoint !== undefined && endpoint.state !== EndpointState.Disconnected;
  }

  /** A new endpoint for `player`'s new session (a new token and handshake) in place of its dropped one. */
  private renewEndpoint(player: number): void {
    const endpoint = this.makeEndpoint(player, this.endpoints[player]!.address);
    endpoint.restartSilence(this.nowMs);
    this.endpoints[player] = endpoint;
    this.stateSent[player] = 0;
    this.receivers[player] = undefined;
  }

  /**
   * `player` is back from frame `frame` on (agreed): Disconnected from its departure to `frame - 1`,
   * its inputs counting from `frame`. A frame from `frame` on that was simulated without it is
   * re-simulated. A survivor whose link to it went meanwhile, or that was asked for another return
   * of it, drops it again at once (its next inputs would never come).
   */
  private reenter(player: number, frame: number): void {
    this.pastAbsences[player]!.push(this.agreed[player]!, frame);
    this.lastReentry[player] = frame;
    this.agreed[player] = NOT_AGREED;
    this.disconnected[player] = 0;
    this.queues[player]!.restartAt(frame - 1, this.zeroInput);
    for (const endpoint of this.endpoints) endpoint?.setDropFloor(player, frame - 1);
    this.dropCount++; // our statuses changed: every peer hears at once
    if (this.ring !== undefined && frame < this.frame) this.markIncorrect(frame, player);
    if (player === this.local) this.lastChangeFrame = frame;
    this.emit({ type: 'readmitted', player, frame });
    if (player !== this.local && (this.readmitWanted[player] === 1 || !this.participates(player))) this.dropPlayer(player);
  }

  /**
   * A Readmit from `endpoint` about `player`. Only a readmission under way (or settled, to answer
   * late askers) takes it; one that names an earlier return (its frame at or before the last
   * agreed re-entry) is stale.
   */
  private onReadmit(endpoint: PeerEndpoint, player: number, frame: number, agreed: boolean): void {
    const readmission = this.readmissions[player];
    // A settled readmission answers whoever still asks; one under way hears only frames after the
    // previous return's (every proposal of a later return is later than that return's frame).
    if (readmission === undefined || (!readmission.agreed && frame <= this.lastReentry[player]!)) {
      this.drops.stale++;
      return;
    }
    readmission.receive(endpoint.player, frame, agreed);
  }

  /**
   * The survivor with the lowest handle sends a returning player's session the match's state once
   * its link is up: the state at the start of the frame after the newest one every input is final
   * for, with every departed player's agreed last frame and every present player's input before it
   * (the reference of the first inputs it will receive). Not while another drop or readmission is
   * being agreed: the state must say who is in the match for certain.
   */
  protected override afterAdvance(): void {
    if (this.transfer !== undefined || this.disconnected[this.local]) return;
    let player = -1;
    for (let p = 0; p < this.n; p++) {
      const readmission = this.readmissions[p];
      if (readmission === undefined || readmission.agreed) continue;
      // Another return whose frame is being agreed: the state must wait until it is known.
      if (readmission.proposal >= 0) return;
      if (this.stateSent[p] === 0 && this.endpoints[p]?.state === EndpointState.Running && this.sender(p) === this.local) player = p;
    }
    if (player < 0 || this.agreementPending()) return;
    const frame = this.ring !== undefined ? Math.min(this.confirmedThrough(true), this.frame - 1) + 1 : this.frame;
    const players: SnapshotPlayer[] = [];
    for (let p = 0; p < this.n; p++) {
      const agreed = this.agreed[p]!;
      if (agreed !== NOT_AGREED) {
        if (agreed >= frame) return; // its last inputs are not all in the past of the state yet
        players.push({ present: false, lastFrame: agreed });
        continue;
      }
      if (this.lastReentry[p]! > frame) return; // back only after the state's frame
      const reference = new Uint8Array(this.size);
      if (!this.queues[p]!.copyTo(frame - 1, reference)) return;
      players.push({ present: true, reference });
    }
    const state = frame === this.frame ? this.game.save() : this.ring?.state(frame);
    if (state === undefined) return;
    const bytes = encodeRejoinSnapshot({ frame, inputSize: this.size, players, game: this.game.encodeState!(state) });
    this.transfer = { player, sender: new StateSender(this.rng.nextU32() & 0xffff, frame, bytes), doneAtMs: -1 };
    this.stateSent[player] = 1;
  }

  /** Who sends the match's state to returning `player`: the present peer with the lowest handle (or -1). */
  private sender(player: number): number {
    for (let p = 0; p < this.n; p++) {
      if (p === player || this.disconnected[p]) continue;
      if (p === this.local || this.participates(p)) return p;
    }
    return -1;
  }

  /** Sends what the rejoin needs now: state chunks, their acknowledgements, and Readmit messages. */
  protected override rejoinFlush(): void {
    const now = this.nowMs;
    const transfer = this.transfer;
    if (transfer !== undefined) {
      const endpoint = this.endpoints[transfer.player];
      if (endpoint === undefined || endpoint.state === EndpointState.Disconnected) {
        this.transfer = undefined;
      } else if (transfer.sender.done) {
        // Every chunk arrived. Its statuses show when the state is loaded (they hold our inputs'
        // reference, the frame before the state's); if they do not after a while, the state failed
        // its hash there (or could not be loaded) and goes again as a new transfer.
        if (transfer.doneAtMs < 0) transfer.doneAtMs = now;
        if (endpoint.remoteLastFrame(this.local) >= transfer.sender.frame - 1) {
          this.transfer = undefined;
        } else if (now - transfer.doneAtMs >= Math.max(STATE_RETRY_MS, 4 * endpoint.rttMs)) {
          this.transfer = undefined;
          this.stateSent[transfer.player] = 0;
        }
      } else if (endpoint.state === EndpointState.Running) {
        const resendMs = Math.max(MIN_CHUNK_RESEND_MS, 1.5 * endpoint.rttMs + 4 * endpoint.jitterMs);
        for (const chunk of transfer.sender.take(now, resendMs)) endpoint.sendRejoinMessage({ type: MessageType.StateChunk, ...chunk }, now);
      }
    }
    for (let p = 0; p < this.n; p++) {
      if (this.stateAckDue[p] === 0) continue;
      this.stateAckDue[p] = 0;
      const ack = this.receivers[p]?.ack();
      if (ack !== undefined) this.endpoints[p]?.sendRejoinMessage({ type: MessageType.StateAck, ...ack }, now);
    }
    const intervalMs = this.cfg.inputResendFrames * this.cfg.frameMs;
    for (let x = 0; x < this.n; x++) {
      const readmission = this.readmissions[x];
      if (readmission === undefined) continue;
      for (const endpoint of this.endpoints) {
        if (endpoint === undefined || endpoint.state === EndpointState.Disconnected) continue;
        // A peer whose statuses show the player back from the agreed frame on knows it already.
        const knows = readmission.agreed && !endpoint.remoteDisconnected(x) && endpoint.remoteLastFrame(x) >= readmission.frame - 1;
        const due = readmission.due(endpoint.player, now, intervalMs, knows);
        if (due !== undefined) endpoint.sendRejoinMessage({ type: MessageType.Readmit, player: x, frame: due.frame, agreed: due.agreed }, now);
      }
    }
  }

  /** A chunk of a state sent to us: only a rejoining session takes one; it is acknowledged in any case. */
  private onStateChunk(endpoint: PeerEndpoint, chunk: StateChunk): void {
    if (!this.cfg.rejoin) {
      this.drops.stale++;
      return;
    }
    const receiver = (this.receivers[endpoint.player] ??= new StateReceiver(this.maxStateBytes));
    const result = receiver.onChunk(chunk);
    if (result.kind === 'refused') {
      this.drops.malformed++;
      return;
    }
    this.stateAckDue[endpoint.player] = 1;
    if (!this.awaitingState) return;
    const received = receiver.take();
    if (received !== undefined) this.loadState(endpoint, received);
    else if (receiver.hashFailed && result.kind === 'new') this.drops.malformed++; // whole, but not what was sent: counted once
  }

  /**
   * Rejoining: the match's state arrived whole from `endpoint`'s peer. The game loads it, every
   * queue restarts at its frame (with the sender's reference inputs), departed players are set
   * as agreed, our own player stays Disconnected until its re-entry frame is agreed, and the
   * session runs, catching up first. A state that does not fit this session or game (another
   * build) is reported as an `incompatible-peer` event and dropped; another may come.
   */
  private loadState(endpoint: PeerEndpoint, received: ReceivedState): void {
    let snapshot;
    let state: S;
    try {
      snapshot = decodeRejoinSnapshot(received.bytes, this.n, this.size);
      if (snapshot.frame !== received.frame) throw new RangeError(`the state says frame ${snapshot.frame}, its transfer ${received.frame}`);
      if (snapshot.players[this.local]!.present) throw new RangeError('the state has this player in the match already');
      state = this.game.decodeState!(snapshot.game);
    } catch (error) {
      this.drops.incompatible++;
      this.receivers[endpoint.player] = undefined;
      const reason = error instanceof Error ? error.message : String(error);
      this.emit({ type: 'incompatible-peer', player: endpoint.player, reason: `its match state cannot be loaded here: ${reason}` });
      return;
    }
    const frame = snapshot.frame;
    this.game.load(state);
    this.frame = frame;
    for (let p = 0; p < this.n; p++) {
      const entry = snapshot.players[p]!;
      if (entry.present) {
        this.queues[p]!.restartAt(frame - 1, entry.reference);
        continue;
      }
      this.queues[p]!.restartAt(frame - 1, this.zeroInput);
      this.agreed[p] = entry.lastFrame;
      if (!this.disconnected[p]) {
        this.disconnected[p] = 1;
        this.dropCount++;
      }
      // (A player whose own return is under way keeps the new link `readmit` gave it.)
      if (p !== this.local && this.readmissions[p] === undefined) this.endpoints[p]?.disconnect();
    }
    this.readmissions[this.local] = new Readmission(this.local, this.n);
    this.checksummedThrough = frame - 1;
    this.inputsReportedThrough = frame - 1;
    this.nextRecommendFrame = frame + RECOMMEND_INTERVAL_FRAMES;
    this.usedFrame.fill(-1);
    this.firstIncorrect = -1;
    this.awaitingState = false;
    this.catchingUp = true;
    this.loadedAtMs = this.nowMs;
    this.sessionState = SessionState.Running;
    this.readyAtMs = this.nowMs;
    for (const e of this.endpoints) e?.restartSilence(this.nowMs);
    this.emit({ type: 'state-loaded', frame, player: endpoint.player });
    this.emit({ type: 'running' });
  }
}
