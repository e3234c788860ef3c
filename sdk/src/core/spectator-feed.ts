import type { PeerAddress, Transport } from '../transport/transport.ts';
import type { ConfirmedState } from './p2p-session.ts';
import { InputStatus } from './game.ts';
import { int } from './session-config.ts';
import { sessionFingerprint } from './session-fingerprint.ts';
import { StateSender } from './state-transfer.ts';
import { Prng } from '../kit/prng.ts';
import { MAX_INPUTS_PER_PACKET, MAX_PACKET_BYTES, MessageType } from '../protocol/messages.ts';
import { MAX_SPECTATOR_CHECKSUMS, SpectatorMessageType, decodeSpectatorPacket, encodeSpectatorPacket } from '../protocol/spectator-message-codec.ts';
import type { FrameChecksum, SpectatorCodecContext, SpectatorMessage } from '../protocol/spectator-message-codec.ts';
import { spectatorDropCounts } from './spectator-events.ts';
import type { SpectatorFeedStats } from './spectator-events.ts';

/** What a feed needs from the session it serves: its confirmed state (`P2PSession.confirmedState`). */
export interface ConfirmedStateSource<S> {
  /** The state at the start of the frame after the newest confirmed one; undefined while not held. */
  confirmedState(): ConfirmedState<S> | undefined;
  /** The session's state (`SessionState`): once `'ended'`, the feed goes quiet, and its spectators move to another feed. */
  readonly state?: string;
}

/** A `SpectatorFeed`'s settings. */
export interface SpectatorFeedConfig<S> {
  /** The match's game: only its `encodeState` is used, to send spectators who join mid-match the state. */
  readonly game: {
    /** `Game.encodeState`: without it, spectators can only join while the feed holds every input since frame 0. */
    encodeState?(state: S): Uint8Array;
  };
  /** Where spectators' datagrams come from and go to: e.g. `splitSpectatorTraffic(...).spectators`. */
  readonly transport: Transport;
  /** The match's player count, as its sessions have it. */
  readonly playerCount: number;
  /** The match's input size (bytes). */
  readonly inputSize: number;
  /** The match's id (u32; its sessions' `matchId`, default 0): a spectator of another match is refused. */
  readonly matchId?: number;
  /** Randomness for this feed's token and transfer ids (u32). */
  readonly seed: number;
  /** Spectators served at once, most (1..256). Default 32. A spectator beyond it is counted and ignored. */
  readonly maxSpectators?: number;
  /**
   * Frames of confirmed inputs kept (64..36000). Default 600 (10 s at 60 fps). A spectator that
   * needs older ones (joining late, or stalled this long) is sent a state instead.
   */
  readonly historyFrames?: number;
  /**
   * A spectator further behind the newest confirmed frame than this (frames) is sent a state rather
   * than every input since: quicker for it than simulating them all, and cheaper to send. Default
   * 180 (3 s at 60 fps); 16..historyFrames.
   */
  readonly maxCatchUpFrames?: number;
  /** Least time between two input packets to one spectator (ms, 0..1000): more batches more frames per packet. Default 33 (two frames at 60 fps). */
  readonly sendIntervalMs?: number;
  /** A spectator not heard for this long is dropped (ms, 100..60000). Default 2000. */
  readonly timeoutMs?: number;
}

/** Unacknowledged inputs go again after this long without new ones (ms); a quiet match still sends this often, as a keepalive (ms). */
const RESEND_MS = 100;
const KEEPALIVE_MS = 250;
/**
 * State chunks go again when unacknowledged this long (ms). The feed does not measure round trips:
 * this is short, because a spectator that is sent nothing but a state hears nothing else, and a
 * chunk too many costs little (the window and CHUNKS_PER_POLL bound them).
 */
const CHUNK_RESEND_MS = 100;
/** State chunks to one spectator per poll, most: a state never floods the link that carries the match. */
const CHUNKS_PER_POLL = 8;
/** A state all of whose chunks arrived, and which the spectator still does not show loaded this long after (ms), goes again (its hash failed there). */
const STATE_RETRY_MS = 1000;
/** Least time between two states sent to one spectator for being far behind (ms). */
const STATE_AGAIN_MS = 3000;
/** Confirmed checksums kept to send. */
const CHECKSUMS_KEPT = 8;

/** One spectator, as the feed serves it. */
interface Watcher {
  readonly address: PeerAddress;
  token: number;
  /** The first frame it lacks: every input before it was acknowledged. */
  next: number;
  /** Newest frame whose checksum it acknowledged. */
  checksumThrough: number;
  heardMs: number;
  sentMs: number;
  /** Newest frame sent to it (inputs), -1: none. */
  sentThrough: number;
  transfer: StateSender | undefined;
  transferDoneMs: number;
  /** When its last state transfer started (ms). */
  stateAtMs: number;
}

/**
 * Serves a match to spectators from one player's peer (issue 13): it records the confirmed inputs,
 * statuses and checksums its session reports (`onConfirmedInputs`, `onChecksum`: wire them into the
 * session's config), and streams them to each spectator over unordered, lossy datagrams. A
 * spectator acknowledges the first frame it lacks, and every packet carries everything from there
 * (up to a packet's worth), so a lost packet costs nothing but the next one's bytes. A spectator
 * that joins mid-match, or is too far behind, is sent the confirmed state through the state
 * transfer a rejoining player gets. Each spectator costs at most one packet per `sendIntervalMs`
 * and a bounded state transfer; one that goes silent is dropped after `timeoutMs`.
 *
 * Its own object, next to the session rather than in it, so that a game without spectators
 * carries none of this, and the session's work is the same with or without spectators: the feed
 * only reads what the session hands out. Pure and synchronous like the session: call `poll(nowMs)`
 * once per frame, after `advanceFrame`.
 */
export class SpectatorFeed<S> {
  private readonly encodeState: ((state: S) => Uint8Array) | undefined;
  private readonly transport: Transport;
  private readonly ctx: SpectatorCodecContext;
  private readonly fingerprint: number;
  private readonly token: number;
  private readonly rng: Prng;
  private readonly maxSpectators: number;
  private readonly capacity: number;
  private readonly maxCatchUp: number;
  private readonly sendIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly frameBytes: number;
  private source: ConfirmedStateSource<S> | undefined;

  /** Confirmed inputs of frames [first, last], frame f at slot f % capacity; each frame's Disconnected players as a bit mask. */
  private readonly history: Uint8Array;
  private readonly absent: Uint16Array;
  private first = 0;
  private last = -1;
  private readonly checksumFrames: number[] = [];
  private readonly checksumValues: number[] = [];
  /** The newest state encoded for a transfer: spectators joining around the same time share it. */
  private snapshot: { readonly frame: number; readonly bytes: Uint8Array } | undefined;

  private readonly watchers = new Map<PeerAddress, Watcher>();
  private readonly out = new Uint8Array(MAX_PACKET_BYTES);
  private readonly scratch: Uint8Array;
  private nowMs = 0;
  private joined = 0;
  private left = 0;
  private timedOut = 0;
  private statesSent = 0;
  private packetsSent = 0;
  private bytesSent = 0;
  private packetsReceived = 0;
  private bytesReceived = 0;
  private readonly drops = spectatorDropCounts();

  constructor(config: SpectatorFeedConfig<S>) {
    if (typeof config !== 'object' || config === null) throw new TypeError('a SpectatorFeed needs a config object ({ game, transport, playerCount, inputSize, seed, ... })');
    if (typeof config.transport?.send !== 'function' || typeof config.transport.receive !== 'function') throw new TypeError('transport must be a Transport: send(to, data) and receive()');
    const playerCount = int('playerCount', config.playerCount, 2, 16);
    const inputSize = int('inputSize', config.inputSize, 1, 64);
    int('seed', config.seed, 0, 0xffffffff);
    this.encodeState = typeof config.game?.encodeState === 'function' ? (state) => config.game.encodeState!(state) : undefined;
    this.transport = config.transport;
    this.ctx = { playerCount, inputSize };
    this.fingerprint = sessionFingerprint(playerCount, inputSize, int('matchId', config.matchId ?? 0, 0, 0xffffffff));
    this.rng = new Prng(config.seed);
    this.token = this.rng.nextU32() & 0xffff;
    this.maxSpectators = int('maxSpectators', config.maxSpectators ?? 32, 1, 256);
    this.capacity = int('historyFrames', config.historyFrames ?? 600, 64, 36000);
    this.maxCatchUp = int('maxCatchUpFrames', config.maxCatchUpFrames ?? Math.min(180, this.capacity), 16, this.capacity);
    this.sendIntervalMs = int('sendIntervalMs', config.sendIntervalMs ?? 33, 0, 1000);
    this.timeoutMs = int('timeoutMs', config.timeoutMs ?? 2000, 100, 60000);
    this.frameBytes = playerCount * inputSize;
    this.history = new Uint8Array(this.capacity * this.frameBytes);
    this.absent = new Uint16Array(this.capacity);
    this.scratch = new Uint8Array(MAX_INPUTS_PER_PACKET * this.frameBytes);
  }

  /**
   * The session whose confirmed state a spectator joining mid-match gets (a `P2PSession` or
   * `RejoinableSession`). Until attached, spectators are served inputs only.
   */
  attach(source: ConfirmedStateSource<S>): void {
    this.source = source;
  }

  /**
   * The session's `onConfirmedInputs` hook (bound: pass it as it is, or call it from your own).
   * Frames come in order; a frame that does not follow the newest held (the feed attached to a
   * session that loaded a state) starts the history afresh.
   */
  readonly onConfirmedInputs = (frame: number, inputs: readonly Uint8Array[], statuses: readonly InputStatus[]): void => {
    if (!Number.isInteger(frame) || frame < 0 || inputs.length !== this.ctx.playerCount) return;
    if (frame !== this.last + 1) {
      if (frame <= this.last) return;
      this.first = frame;
    }
    const slot = frame % this.capacity;
    let mask = 0;
    for (let p = 0; p < inputs.length; p++) {
      const bytes = inputs[p]!;
      const at = slot * this.frameBytes + p * this.ctx.inputSize;
      if (statuses[p] === InputStatus.Disconnected) {
        mask |= 1 << p;
        this.history.fill(0, at, at + this.ctx.inputSize);
      } else {
        for (let i = 0; i < this.ctx.inputSize; i++) this.history[at + i] = bytes[i] ?? 0;
      }
    }
    this.absent[slot] = mask;
    this.last = frame;
    if (this.last - this.first + 1 > this.capacity) this.first = this.last - this.capacity + 1;
  };

  /** The session's `onChecksum` hook (bound): confirmed checksums, sent on so that spectators can verify themselves. */
  readonly onChecksum = (frame: number, checksum: number): void => {
    this.checksumFrames.push(frame);
    this.checksumValues.push(checksum >>> 0);
    if (this.checksumFrames.length > CHECKSUMS_KEPT) {
      this.checksumFrames.shift();
      this.checksumValues.shift();
    }
  };

  /** Spectators served now. */
  get spectatorCount(): number {
    return this.watchers.size;
  }

  /** The addresses of the spectators served now. */
  spectators(): PeerAddress[] {
    return [...this.watchers.keys()];
  }

  /**
   * Reads the spectators' datagrams, drops those gone silent, and sends each what is due: state
   * chunks, or the inputs it has not acknowledged. Call once per frame, after `advanceFrame` (the
   * new confirmed inputs go out at once), and while the match is paused, so spectators hear from us.
   *
   * @param nowMs A monotonic clock (ms), the session's.
   */
  poll(nowMs: number): void {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    const now = this.nowMs;
    if (this.source?.state === 'ended') {
      // The player left the match (or was removed): its spectators hear nothing, and switch.
      this.transport.receive();
      this.watchers.clear();
      return;
    }
    for (const datagram of this.transport.receive()) this.receive(datagram.from, datagram.data);
    for (const [address, watcher] of this.watchers) {
      if (now - watcher.heardMs >= this.timeoutMs) {
        this.watchers.delete(address);
        this.timedOut++;
        continue;
      }
      this.serve(watcher);
    }
  }

  /** Figures for the feed and its spectators, as of now. */
  stats(): SpectatorFeedStats {
    return {
      spectators: this.watchers.size,
      joined: this.joined,
      left: this.left,
      timedOut: this.timedOut,
      newestFrame: this.last,
      oldestFrame: this.last < 0 ? -1 : this.first,
      statesSent: this.statesSent,
      packetsSent: this.packetsSent,
      bytesSent: this.bytesSent,
      packetsReceived: this.packetsReceived,
      bytesReceived: this.bytesReceived,
      dropped: { ...this.drops },
    };
  }

  private receive(from: PeerAddress, data: Uint8Array): void {
    const result = decodeSpectatorPacket(data, this.ctx);
    if (!result.ok) {
      this.drops[result.reason]++;
      return;
    }
    const { token, message } = result.packet;
    const watcher = this.watchers.get(from);
    switch (message.type) {
      case SpectatorMessageType.Spectate: {
        if (message.fingerprint !== this.fingerprint) {
          this.drops.incompatible++;
          return;
        }
        this.packetsReceived++;
        this.bytesReceived += data.length;
        if (message.leaving) {
          if (watcher !== undefined && watcher.token === token) {
            this.watchers.delete(from);
            this.left++;
          }
          return;
        }
        let w = watcher;
        if (w === undefined || w.token !== token) {
          // A new spectator, or a new session at the same address (a reloaded page): from scratch.
          if (w === undefined && this.watchers.size >= this.maxSpectators) {
            this.drops.full++;
            return;
          }
          if (w === undefined) this.joined++;
          w = { address: from, token, next: 0, checksumThrough: -1, heardMs: this.nowMs, sentMs: -Infinity, sentThrough: -1, transfer: undefined, transferDoneMs: -1, stateAtMs: -Infinity };
          this.watchers.set(from, w);
        }
        w.heardMs = this.nowMs;
        if (message.next > w.next) w.next = message.next;
        if (message.checksumThrough > w.checksumThrough) w.checksumThrough = message.checksumThrough;
        return;
      }
      case MessageType.StateAck:
        if (watcher === undefined || watcher.token !== token || watcher.transfer === undefined || !watcher.transfer.onAck(message)) {
          this.drops.stale++;
          return;
        }
        this.packetsReceived++;
        this.bytesReceived += data.length;
        watcher.heardMs = this.nowMs;
        return;
      default:
        // Inputs and state chunks go the other way.
        this.drops.spoofed++;
        return;
    }
  }

  /** Sends `w` what is due now: its state transfer's chunks, or its unacknowledged inputs. */
  private serve(w: Watcher): void {
    const now = this.nowMs;
    // The first frame to send it: after a state that arrived whole, the state's frame, before it
    // says so (its acknowledgement may be lost; if its load failed, they are gaps it ignores).
    let from = w.next;
    if (w.transfer !== undefined) {
      const transfer = w.transfer;
      if (w.next >= transfer.frame) {
        w.transfer = undefined; // loaded: it asks for the inputs after the state now
      } else if (!transfer.done) {
        for (const chunk of transfer.take(now, CHUNK_RESEND_MS, CHUNKS_PER_POLL)) this.send(w, { type: MessageType.StateChunk, ...chunk });
        return;
      } else {
        if (w.transferDoneMs < 0) w.transferDoneMs = now;
        // Every chunk arrived, and it still does not show the state loaded: its hash failed there.
        if (now - w.transferDoneMs >= STATE_RETRY_MS) w.transfer = undefined;
        else from = transfer.frame;
      }
    }
    // Inputs it needs are gone (it joined late, or stalled that long), or sending them all would
    // take longer than a state: a state, if one can be had; else inputs as far as held.
    // Judged on an acknowledgement just heard (lost ones make a spectator look further behind
    // than it is), and not again soon after a state: on a slow, lossy link the state and its
    // acknowledgement take a while, during which the match moves on, and the inputs since then are
    // quicker than another state.
    const farBehind = this.last - from >= this.maxCatchUp && now - w.heardMs <= this.sendIntervalMs && now - w.stateAtMs >= STATE_AGAIN_MS;
    const tooFar = this.last >= 0 && (from < this.first || farBehind);
    if (tooFar && w.transfer === undefined && this.startTransfer(w)) return;
    if (w.sentThrough < from - 1) w.sentThrough = from - 1;
    const fresh = this.last > w.sentThrough && now - w.sentMs >= this.sendIntervalMs;
    const unacked = this.last >= from && now - w.sentMs >= RESEND_MS;
    const checksums = this.pendingChecksums(w);
    // Checksums ride on the inputs; alone (a stalled match), they go as often as a resend.
    const checksumsDue = checksums.length > 0 && now - w.sentMs >= RESEND_MS;
    if (!fresh && !unacked && !checksumsDue && now - w.sentMs < KEEPALIVE_MS) return;
    if (from < this.first || from > this.last) {
      // Nothing it can use (yet): the newest confirmed frame and checksums, as a keepalive.
      this.sendInputs(w, Math.max(from, 0), 0, checksums);
      return;
    }
    let frames = Math.min(this.last - from + 1, MAX_INPUTS_PER_PACKET);
    // One packet covers one set of departed players: a drop starts the next packet.
    const mask = this.absent[from % this.capacity]!;
    for (let i = 1; i < frames; i++) {
      if (this.absent[(from + i) % this.capacity] !== mask) {
        frames = i;
        break;
      }
    }
    this.sendInputs(w, from, frames, checksums);
  }

  /** Sends frames [from, from + frames) (fewer when they do not fit in a packet), with `checksums`. */
  private sendInputs(w: Watcher, from: number, frames: number, checksums: FrameChecksum[]): void {
    const fb = this.frameBytes;
    for (let i = 0; i < frames; i++) {
      const slot = (from + i) % this.capacity;
      this.scratch.set(this.history.subarray(slot * fb, slot * fb + fb), i * fb);
    }
    const absent = frames > 0 ? this.absent[from % this.capacity]! : 0;
    for (let n = frames; ; n = n >> 1) {
      const bytes = encodeSpectatorPacket(this.out, this.token, {
        type: SpectatorMessageType.SpectatorInputs,
        startFrame: from,
        liveFrame: Math.max(this.last, from + n - 1),
        absent,
        checksums,
        inputs: this.scratch.subarray(0, n * fb),
      }, this.ctx);
      if (bytes === undefined) continue; // too many changing inputs for one packet: fewer
      this.transmit(w, bytes);
      if (n > 0) w.sentThrough = Math.max(w.sentThrough, from + n - 1);
      return;
    }
  }

  /** Confirmed checksums `w` has not acknowledged, oldest first (a few). */
  private pendingChecksums(w: Watcher): FrameChecksum[] {
    const out: FrameChecksum[] = [];
    for (let i = 0; i < this.checksumFrames.length && out.length < MAX_SPECTATOR_CHECKSUMS; i++) {
      if (this.checksumFrames[i]! > w.checksumThrough) out.push({ frame: this.checksumFrames[i]!, checksum: this.checksumValues[i]! });
    }
    return out;
  }

  /**
   * Starts sending `w` the confirmed state, unless it is not to be had now (no session attached,
   * a game without `encodeState`, a rollback pending before it, or a state older than what `w`
   * holds). The state of the newest frame confirmed so far is shared by every spectator that joins
   * while the inputs after it are still held.
   */
  private startTransfer(w: Watcher): boolean {
    let snapshot = this.snapshot;
    if (snapshot === undefined || snapshot.frame < this.first || this.last + 1 - snapshot.frame > this.maxCatchUp / 2) {
      const confirmed = this.source?.confirmedState();
      if (confirmed === undefined || this.encodeState === undefined) return false;
      // The inputs from the state's frame on must be held, or still to come: the session reports
      // them in order, and may have confirmed frames since its last report (a stalled frame).
      if (confirmed.frame < this.first) return false;
      snapshot = { frame: confirmed.frame, bytes: this.encodeState(confirmed.state) };
      this.snapshot = snapshot;
    }
    if (snapshot.frame <= w.next) return false;
    w.transfer = new StateSender(this.rng.nextU32() & 0xffff, snapshot.frame, snapshot.bytes);
    w.transferDoneMs = -1;
    w.stateAtMs = this.nowMs;
    this.statesSent++;
    this.serve(w);
    return true;
  }

  private send(w: Watcher, message: SpectatorMessage): void {
    const bytes = encodeSpectatorPacket(this.out, this.token, message, this.ctx);
    if (bytes !== undefined) this.transmit(w, bytes);
  }

  private transmit(w: Watcher, bytes: Uint8Array): void {
    this.transport.send(w.address, bytes);
    w.sentMs = this.nowMs;
    this.packetsSent++;
    this.bytesSent += bytes.length;
  }
}
