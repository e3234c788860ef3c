import type { IceServer, IceTransportPolicy, PeerConnectionConfig } from './ice-config.ts';
import { MAX_PACKET_BYTES } from '../protocol/messages.ts';
import { rawBytes } from '../transport/raw-bytes.ts';
import { DirectFrameKind, MAX_AUTHORITY_FRAME_BYTES, MAX_PEER_RELAY_FRAME_BYTES, encodeLinkPing, isAuthorityFrameKind, isLinkFrameKind, isPeerRelayFrameKind, linkPingId } from './direct-frame.ts';
import { MAX_SIGNAL_PAYLOAD, SignalRefusal, decodeCandidate, encodeCandidate, isDirectSignalKind } from './direct-signal.ts';
import type { CandidateSignal, DirectSignalKind } from './direct-signal.ts';
import { LinkLiveness } from './link-liveness.ts';
import type { LinkLivenessOptions } from './link-liveness.ts';

const NONE: readonly Uint8Array[] = Object.freeze([]);

/** Which end of the pair: the lower slot offers, the higher one answers. */
export type DirectLinkRole = 'offerer' | 'answerer';

/**
 * The link's life. `connecting` until the data channel opens; `open` while it may carry datagrams
 * (whether its pings are answered right now is `alive`); `failed` and `closed` are final, and the peer
 * connection is released. A routed transport keeps the pair on the host's relay unless the link is
 * `open` and `alive`.
 */
export type DirectLinkState = 'connecting' | 'open' | 'failed' | 'closed';

/** Why a link failed or closed. */
export const DirectLinkReason = {
  /** Not open within `setupTimeoutMs` (signaling cut, ICE found no path, a peer that never answered). */
  SetupTimeout: 'setup-timeout',
  /** The other end's offer or answer was refused by the WebRTC stack (bad SDP), or ours could not be made. */
  BadDescription: 'bad-description',
  /** ICE or DTLS failed (the peer connection's `connectionState` became `failed`). */
  ConnectionFailed: 'connection-failed',
  /** Silent for the liveness `giveUpMs`. */
  Silent: 'silent',
  /** No `RTCPeerConnection` here (Node without `installNodeWebRTC()`), or it refused the configuration. */
  Unsupported: 'unsupported',
  /** The other end sent a `close` signal (its reason is in `remoteReason`). */
  RemoteClosed: 'remote-closed',
  /** The data channel or the peer connection closed under us (the other end closed it). */
  ChannelClosed: 'channel-closed',
  /** `close()` was called here. */
  Local: 'local',
} as const;
export type DirectLinkReason = (typeof DirectLinkReason)[keyof typeof DirectLinkReason];

/**
 * What `events()` drains: state changes, and, while open, the link going silent (no ping answered
 * for the silence window) or being heard again (a ping answered after that).
 */
export type DirectLinkEvent =
  | { readonly type: 'state'; readonly state: DirectLinkState; readonly reason?: DirectLinkReason }
  | { readonly type: 'silent' | 'heard' };

/**
 * A peer connection constructor: the global `RTCPeerConnection` by default (a seam for tests).
 * Typed by what the link passes it, so that the declarations need no DOM types; the link uses the
 * instance as an `RTCPeerConnection`.
 */
export type PeerConnectionConstructor = new (configuration: PeerConnectionConfig) => object;

/**
 * The settings of one direct link. A game sets the timing ones through `DirectLinksOptions.link`;
 * the SDK fills in the rest for each pair.
 */
export interface DirectLinkOptions {
  /**
   * Which end this is: the lower slot offers.
   *
   * @internal set per pair by the SDK.
   */
  readonly role: DirectLinkRole;
  /**
   * The link id (u32) the offerer chose; signals carry it, and the caller filters stale ones.
   *
   * @internal set per pair by the SDK.
   */
  readonly link: number;
  /**
   * Sends one signal to the other end over the room's reliable control channel. Called from inside
   * WebRTC callbacks; an exception it throws is caught and counted (`faults`), never rethrown.
   *
   * @internal set per pair by the SDK.
   */
  readonly signal: (kind: DirectSignalKind, payload: string) => void;
  /**
   * STUN and TURN servers. Default `[]`: on a LAN the host candidates of both ends reach each
   * other, and no outside server is ever contacted. Players beyond one LAN need STUN, and TURN for
   * symmetric NATs.
   */
  readonly iceServers?: readonly IceServer[];
  /** `'relay'` forces every path through TURN (privacy, or testing TURN). Default `'all'`. */
  readonly iceTransportPolicy?: IceTransportPolicy;
  /**
   * How long the link may take to open (ms) before it reports `failed` (`setup-timeout`). Default
   * 5000. On a LAN, ICE with host candidates, DTLS and SCTP take tens of ms, and across the
   * internet with STUN or TURN usually 1 to 2 s; the signals travel through the host's reliable
   * channel, which resends a lost one within a few hundred ms. 5 s covers all of that with room to
   * spare, and costs nothing while it runs since the pair plays over the relay meanwhile; longer
   * would only keep a hopeless peer connection (of the 500 a Chromium tab may ever make) alive.
   */
  readonly setupTimeoutMs?: number;
  /**
   * Ping interval, silence and give-up times (see `LinkLiveness`): defaults 200, 1000 and 15000 ms.
   * Inconsistent values throw a RangeError from the constructor (a programming error).
   */
  readonly liveness?: LinkLivenessOptions;
  /** Received datagrams held for `receive()` (oldest dropped beyond). Default 256: 2 s of one peer at 120 a second. */
  readonly receiveQueue?: number;
  /** How often the link checks its timers and sends pings (ms). Default 25. */
  readonly tickMs?: number;
  /**
   * Clock in ms. Default `performance.now`.
   *
   * @internal a seam for tests.
   */
  readonly now?: () => number;
  /**
   * The peer connection class. Default the global `RTCPeerConnection`.
   *
   * @internal a seam for tests; Node gets one from `installNodeWebRTC()`.
   */
  readonly peerConnection?: PeerConnectionConstructor;
}

/** Counters of one link: what it carried, and everything it dropped or refused, by reason. */
export interface DirectLinkStats {
  sent: number;
  received: number;
  pingsSent: number;
  pongsReceived: number;
  /** Peer-relay frames (Forward, Forwarded, Reach) and host-migration frames (Holder, Join, Tunnel) sent and received: see `sendFrame`. */
  framesSent: number;
  framesReceived: number;
  /** Datagrams not sent: the channel not open, congested, empty, over MAX_PACKET_BYTES, or starting with a link kind. */
  readonly sendDropped: { notOpen: number; congested: number; oversized: number; reserved: number; failed: number };
  /** Datagrams received and dropped: text messages, oversized, malformed pings or unknown link kinds, or pushed out of a full queue. */
  readonly receiveDropped: { text: number; oversized: number; malformed: number; queueFull: number };
  /** Signals refused, by reason. */
  readonly signalsRefused: Record<SignalRefusal, number>;
  /** Candidates the WebRTC stack refused to add. */
  badCandidates: number;
  /** Exceptions caught in a callback (the `signal` callback, or the WebRTC stack): bugs, which tests look for. */
  faults: number;
}

/** A data channel holding more than this (bytes) counts as congested, and `send` drops. */
const MAX_BUFFERED_BYTES = 64 * 1024;
/** Candidates held until the remote description is set (signals may arrive out of order). */
const MAX_PENDING_CANDIDATES = 32;
/** The data channel: negotiated out of band with this id, so no in-band open message is needed. */
const CHANNEL_LABEL = 'backspin';
const CHANNEL_ID = 0;

/**
 * One end of a direct WebRTC link between two players: one `RTCPeerConnection` with one data
 * channel (unordered, no retransmits: lost datagrams stay lost, as the session expects), signaled
 * over the room's control channel. The only file that touches `RTCPeerConnection`. It uses the
 * global one, so it runs in browsers and, after `installNodeWebRTC()` from `backspin/node`, in Node.
 *
 * A link belongs to a pair of players, not to a match: it carries any datagrams, knows nothing of
 * sessions, and can stay open from one match to the next in a room. Chromium lets a tab create
 * only 500 peer connections in its lifetime, so a link is made once per pair and kept, and a new
 * one made only after it failed or closed.
 *
 * Every callback from the WebRTC stack runs inside a guard: an exception in a native callback
 * aborts a Node process, and in a browser it is an uncaught error. `send` never throws (a closed
 * or congested channel drops the datagram), `handleSignal` never throws (a bad signal is refused
 * and counted), and failures are reported as a state with a reason.
 */
export class DirectLink {
  readonly role: DirectLinkRole;
  readonly link: number;
  readonly stats: DirectLinkStats = {
    sent: 0,
    received: 0,
    pingsSent: 0,
    pongsReceived: 0,
    framesSent: 0,
    framesReceived: 0,
    sendDropped: { notOpen: 0, congested: 0, oversized: 0, reserved: 0, failed: 0 },
    receiveDropped: { text: 0, oversized: 0, malformed: 0, queueFull: 0 },
    signalsRefused: { 'unknown-kind': 0, oversized: 0, unexpected: 0, malformed: 0, 'too-many-candidates': 0, late: 0 },
    badCandidates: 0,
    faults: 0,
  };
  private readonly options: DirectLinkOptions;
  private readonly now: () => number;
  private readonly startedMs: number;
  private readonly setupTimeoutMs: number;
  private readonly queueLimit: number;
  private pc: RTCPeerConnection | undefined;
  private dc: RTCDataChannel | undefined;
  private stateValue: DirectLinkState = 'connecting';
  private reasonValue: DirectLinkReason | undefined;
  private remoteReasonValue: string | undefined;
  private liveness: LinkLiveness | undefined;
  private aliveValue = false;
  private inbox: Uint8Array[] = [];
  /** Peer-relay frames received, for `receiveFrames` (never handed to `receive`). */
  private frames: Uint8Array[] = [];
  /** Host-migration frames received, for `receiveAuthorityFrames`. */
  private authorityFrames: Uint8Array[] = [];
  private readonly pendingEvents: DirectLinkEvent[] = [];
  /** Whether the other end's offer (answerer) or answer (offerer) has arrived. */
  private described = false;
  /** Whether it has been applied: candidates wait until then. */
  private remoteApplied = false;
  private pendingCandidates: CandidateSignal[] = [];
  private sentEndOfCandidates = false;
  /** The negotiation steps, one after another (the WebRTC calls are asynchronous). */
  private work: Promise<void> = Promise.resolve();
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private openedMs: number | undefined;

  constructor(options: DirectLinkOptions) {
    this.options = options;
    this.role = options.role;
    this.link = options.link >>> 0;
    this.now = options.now ?? (() => performance.now());
    this.startedMs = this.now();
    this.setupTimeoutMs = options.setupTimeoutMs ?? 5000;
    this.queueLimit = Math.max(1, options.receiveQueue ?? 256);
    // Checked now, so that a bad option throws here rather than when the link opens.
    new LinkLiveness(0, options.liveness);

    const Pc = (options.peerConnection ?? (globalThis as { RTCPeerConnection?: PeerConnectionConstructor }).RTCPeerConnection) as
      | (new (configuration: PeerConnectionConfig) => RTCPeerConnection)
      | undefined;
    try {
      if (Pc === undefined) throw new Error('no RTCPeerConnection');
      this.pc = new Pc({
        iceServers: [...(options.iceServers ?? [])],
        iceTransportPolicy: options.iceTransportPolicy ?? 'all',
      });
    } catch {
      this.pc = undefined;
      this.finish('failed', DirectLinkReason.Unsupported, false);
      return;
    }
    const pc = this.pc;
    pc.onicecandidate = (event) =>
      this.guard(() => {
        if (this.terminal) return;
        const c = event.candidate;
        if (c !== null && c.candidate !== '') this.sendSignal('candidate', encodeCandidate({ candidate: c.candidate, sdpMid: c.sdpMid }));
        else this.endOfCandidates();
      });
    pc.onicegatheringstatechange = () =>
      this.guard(() => {
        // node-datachannel's polyfill never fires a null candidate; this is its end of gathering.
        // It can come before the last candidates' events (separate native queues), so the signal
        // waits a moment: end-of-candidates must follow every candidate.
        if (!this.terminal && pc.iceGatheringState === 'complete') setTimeout(() => this.guard(() => this.endOfCandidates()), 20);
      });
    pc.onconnectionstatechange = () =>
      this.guard(() => {
        if (this.terminal) return;
        const state = pc.connectionState;
        if (state === 'failed') this.finish('failed', DirectLinkReason.ConnectionFailed, true);
        else if (state === 'closed') this.finish('closed', DirectLinkReason.ChannelClosed, true);
        // 'disconnected' may recover by itself; liveness says whether pings are answered meanwhile.
      });
    pc.ondatachannel = (event) =>
      this.guard(() => {
        // Ours is negotiated: any channel the other end opens in band is not part of the protocol.
        try {
          event.channel.close();
        } catch {
          // already closing
        }
      });

    if (this.role === 'offerer') {
      this.createChannel();
      this.step(async () => {
        const offer = await pc.createOffer();
        if (this.terminal) return;
        await pc.setLocalDescription(offer);
        if (this.terminal) return;
        if (typeof offer.sdp !== 'string' || offer.sdp === '') throw new Error('empty local offer');
        this.sendSignal('offer', offer.sdp);
      });
    }
    this.timer = setInterval(() => this.guard(() => this.tick()), options.tickMs ?? 25);
  }

  get state(): DirectLinkState {
    return this.stateValue;
  }

  /** Why the link failed or closed; undefined while connecting or open. */
  get reason(): DirectLinkReason | undefined {
    return this.reasonValue;
  }

  /** The reason the other end gave in its `close` signal (at most 64 characters), if it sent one. */
  get remoteReason(): string | undefined {
    return this.remoteReasonValue;
  }

  /**
   * Whether the link is open and one of its pings was answered within the liveness silence window
   * (1000 ms by default): it works both ways. A routed transport sends on it only while this holds.
   */
  get alive(): boolean {
    return this.stateValue === 'open' && this.aliveValue;
  }

  /** Round trip (ms), the median of the last few pings; undefined before the first pong. */
  get rttMs(): number | undefined {
    return this.liveness?.rttMs;
  }

  /** When the data channel opened, ms after the link was made; undefined until then. */
  get setupMs(): number | undefined {
    return this.openedMs === undefined ? undefined : this.openedMs - this.startedMs;
  }

  /** Drains state changes and liveness changes since the last call, oldest first. */
  events(): DirectLinkEvent[] {
    return this.pendingEvents.splice(0);
  }

  /**
   * Sends one datagram (at most MAX_PACKET_BYTES, not starting with a link kind: see
   * direct-frame.ts). Never throws: unless the channel is open and not congested, the datagram is
   * dropped and counted, as any datagram may be lost. `data` is only read during the call.
   */
  send(data: Uint8Array): void {
    if (data.length === 0 || isLinkFrameKind(data[0])) {
      this.stats.sendDropped.reserved++;
      return;
    }
    if (data.length > MAX_PACKET_BYTES) {
      this.stats.sendDropped.oversized++;
      return;
    }
    if (this.transmit(data)) this.stats.sent++;
  }

  /**
   * Sends one peer-relay frame (Forward, Forwarded or Reach, at most MAX_PEER_RELAY_FRAME_BYTES)
   * or host-migration frame (Holder, Join or Tunnel, at most MAX_AUTHORITY_FRAME_BYTES): see
   * direct-frame.ts. Never throws; anything else is refused and counted (`reserved`, `oversized`),
   * and a closed or congested channel drops it, as for `send`.
   */
  sendFrame(frame: Uint8Array): void {
    const first = frame[0];
    const limit = isPeerRelayFrameKind(first) ? MAX_PEER_RELAY_FRAME_BYTES : isAuthorityFrameKind(first) ? MAX_AUTHORITY_FRAME_BYTES : 0;
    if (limit === 0) {
      this.stats.sendDropped.reserved++;
      return;
    }
    if (frame.length > limit) {
      this.stats.sendDropped.oversized++;
      return;
    }
    if (this.transmit(frame)) this.stats.framesSent++;
  }

  /** Drains the peer-relay frames received since the last call, oldest first: the peer relay's, never the session's. */
  receiveFrames(): readonly Uint8Array[] {
    if (this.frames.length === 0) return NONE;
    const out = this.frames;
    this.frames = [];
    return out;
  }

  /** Drains the host-migration frames received since the last call, oldest first (migration/). */
  receiveAuthorityFrames(): readonly Uint8Array[] {
    if (this.authorityFrames.length === 0) return NONE;
    const out = this.authorityFrames;
    this.authorityFrames = [];
    return out;
  }

  /** Drains the datagrams received since the last call, oldest first (fresh arrays the caller may keep). */
  receive(): readonly Uint8Array[] {
    // Called on every poll, per link: nothing new costs no allocation.
    if (this.inbox.length === 0) return NONE;
    const out = this.inbox;
    this.inbox = [];
    return out;
  }

  /**
   * Takes one signal from the other end (the caller has matched its link id). Never throws. Returns
   * undefined if it was taken, or why it was refused; a refused signal changes nothing. A
   * description the WebRTC stack then rejects fails the link (`bad-description`); a candidate it
   * rejects is counted (`badCandidates`) and the link goes on. Candidates may arrive before the
   * description they belong to (the signals may be reordered): they wait for it, up to 32.
   */
  handleSignal(kind: unknown, payload: unknown): SignalRefusal | undefined {
    try {
      const refusal = this.takeSignal(kind, payload);
      if (refusal !== undefined) this.stats.signalsRefused[refusal]++;
      return refusal;
    } catch {
      this.stats.faults++;
      return SignalRefusal.Malformed;
    }
  }

  /**
   * Closes the link for good and releases its peer connection (idempotent): tells the other end
   * with a `close` signal so that it releases its own, unless the link already failed or closed.
   * `reason` (at most 64 characters) is passed on in that signal.
   */
  close(reason = 'closed'): void {
    if (this.terminal) return;
    this.finish('closed', DirectLinkReason.Local, true, reason);
  }

  private get terminal(): boolean {
    return this.stateValue === 'failed' || this.stateValue === 'closed';
  }

  private takeSignal(kind: unknown, payload: unknown): SignalRefusal | undefined {
    if (!isDirectSignalKind(kind) || typeof payload !== 'string') return SignalRefusal.UnknownKind;
    if (payload.length > MAX_SIGNAL_PAYLOAD) return SignalRefusal.Oversized;
    if (this.terminal || this.pc === undefined) return SignalRefusal.Late;
    const pc = this.pc;
    switch (kind) {
      case 'offer':
      case 'answer': {
        const expected = this.role === 'answerer' ? 'offer' : 'answer';
        if (kind !== expected || this.described) return SignalRefusal.Unexpected;
        if (payload.trim() === '') return SignalRefusal.Malformed;
        this.described = true;
        this.step(async () => {
          try {
            await pc.setRemoteDescription({ type: kind, sdp: payload });
          } catch {
            this.finish('failed', DirectLinkReason.BadDescription, true, 'bad-description');
            return;
          }
          if (this.terminal) return;
          this.remoteApplied = true;
          if (kind === 'offer') {
            // Created only now: libdatachannel would make an offer of its own (glare) for a channel
            // created before the remote offer is set.
            this.createChannel();
            const answer = await pc.createAnswer();
            if (this.terminal) return;
            await pc.setLocalDescription(answer);
            if (this.terminal) return;
            if (typeof answer.sdp !== 'string' || answer.sdp === '') throw new Error('empty local answer');
            this.sendSignal('answer', answer.sdp);
          }
          for (const candidate of this.pendingCandidates.splice(0)) this.addCandidate(pc, candidate);
        });
        return undefined;
      }
      case 'candidate': {
        const candidate = decodeCandidate(payload);
        if (candidate === undefined) return SignalRefusal.Malformed;
        if (candidate.candidate === '') return undefined; // an end-of-candidates in candidate form
        if (!this.remoteApplied) {
          if (this.pendingCandidates.length >= MAX_PENDING_CANDIDATES) return SignalRefusal.TooManyCandidates;
          this.pendingCandidates.push(candidate);
          return undefined;
        }
        this.addCandidate(pc, candidate);
        return undefined;
      }
      case 'end-of-candidates':
        // Nothing to do: ICE goes on with what it has, and libdatachannel has no such call.
        return undefined;
      case 'close':
        this.remoteReasonValue = payload.slice(0, 64);
        this.finish('closed', DirectLinkReason.RemoteClosed, false);
        return undefined;
    }
  }

  private addCandidate(pc: RTCPeerConnection, candidate: CandidateSignal): void {
    let added: Promise<void>;
    try {
      added = pc.addIceCandidate({ candidate: candidate.candidate, sdpMid: candidate.sdpMid ?? '0' });
    } catch {
      this.stats.badCandidates++;
      return;
    }
    added.catch(() => {
      this.stats.badCandidates++;
    });
  }

  private createChannel(): void {
    const pc = this.pc;
    if (pc === undefined || this.dc !== undefined) return;
    const dc = pc.createDataChannel(CHANNEL_LABEL, { negotiated: true, id: CHANNEL_ID, ordered: false, maxRetransmits: 0 });
    dc.binaryType = 'arraybuffer';
    this.dc = dc;
    dc.onopen = () =>
      this.guard(() => {
        if (this.terminal || this.stateValue === 'open') return;
        const now = this.now();
        this.openedMs = now;
        this.liveness = new LinkLiveness(now, this.options.liveness);
        this.aliveValue = true;
        this.setState('open');
        this.tick();
      });
    dc.onmessage = (event: MessageEvent<unknown>) => this.guard(() => this.onMessage(event.data));
    dc.onclose = () =>
      this.guard(() => {
        if (!this.terminal) this.finish('closed', DirectLinkReason.ChannelClosed, true);
      });
    dc.onerror = () =>
      this.guard(() => {
        // An error on an unreliable channel (e.g. a message too large for the other end) is not
        // fatal by itself; a real failure also closes the channel or the connection.
      });
  }

  private onMessage(raw: unknown): void {
    if (this.terminal || this.liveness === undefined) return;
    const bytes = rawBytes(raw);
    if (bytes === undefined) {
      this.stats.receiveDropped.text++;
      return;
    }
    const now = this.now();
    const first = bytes[0];
    if (first === DirectFrameKind.Ping || first === DirectFrameKind.Pong) {
      const id = linkPingId(bytes);
      if (id === undefined) {
        this.stats.receiveDropped.malformed++;
        return;
      }
      if (first === DirectFrameKind.Ping) this.transmit(encodeLinkPing(DirectFrameKind.Pong, id));
      else if (this.liveness.pong(id, now)) {
        this.stats.pongsReceived++;
        this.answered();
      }
      return;
    }
    const peerRelay = isPeerRelayFrameKind(first);
    if (peerRelay || isAuthorityFrameKind(first)) {
      if (bytes.length > (peerRelay ? MAX_PEER_RELAY_FRAME_BYTES : MAX_AUTHORITY_FRAME_BYTES)) {
        this.stats.receiveDropped.oversized++;
        return;
      }
      this.stats.framesReceived++;
      const queue = peerRelay ? this.frames : this.authorityFrames;
      if (queue.length >= this.queueLimit) {
        queue.shift();
        this.stats.receiveDropped.queueFull++;
      }
      queue.push(bytes);
      return;
    }
    if (bytes.length === 0 || isLinkFrameKind(first)) {
      // Empty, or a link kind this version does not know: never a session packet.
      this.stats.receiveDropped.malformed++;
      return;
    }
    if (bytes.length > MAX_PACKET_BYTES) {
      this.stats.receiveDropped.oversized++;
      return;
    }
    this.stats.received++;
    if (this.inbox.length >= this.queueLimit) {
      this.inbox.shift();
      this.stats.receiveDropped.queueFull++;
    }
    this.inbox.push(bytes);
  }

  /** A ping was answered: the link works both ways (again). */
  private answered(): void {
    if (!this.aliveValue && this.stateValue === 'open') {
      this.aliveValue = true;
      this.pendingEvents.push({ type: 'heard' });
    }
  }

  /** Timers: the setup timeout while connecting; pings, silence and giving up while open. */
  private tick(): void {
    if (this.terminal) return;
    const now = this.now();
    if (this.stateValue === 'connecting') {
      if (now - this.startedMs >= this.setupTimeoutMs) this.finish('failed', DirectLinkReason.SetupTimeout, true, 'setup-timeout');
      return;
    }
    const liveness = this.liveness;
    if (liveness === undefined) return;
    if (liveness.gaveUp(now)) {
      this.finish('failed', DirectLinkReason.Silent, true, 'silent');
      return;
    }
    if (this.aliveValue && !liveness.alive(now)) {
      this.aliveValue = false;
      this.pendingEvents.push({ type: 'silent' });
    }
    const id = liveness.pingDue(now);
    if (id !== undefined && this.transmit(encodeLinkPing(DirectFrameKind.Ping, id))) this.stats.pingsSent++;
  }

  /** Puts one datagram on the channel if it is open and not congested; true if it went. */
  private transmit(data: Uint8Array): boolean {
    const dc = this.dc;
    if (dc === undefined || this.stateValue !== 'open' || dc.readyState !== 'open') {
      this.stats.sendDropped.notOpen++;
      return false;
    }
    try {
      if (dc.bufferedAmount > MAX_BUFFERED_BYTES) {
        this.stats.sendDropped.congested++;
        return false;
      }
      dc.send(data as Uint8Array<ArrayBuffer>);
      return true;
    } catch {
      this.stats.sendDropped.failed++; // closing under us: lost
      return false;
    }
  }

  /** Runs one negotiation step after the previous ones; any exception fails the link. */
  private step(body: () => Promise<void>): void {
    this.work = this.work.then(body).catch(() => {
      this.finish('failed', DirectLinkReason.BadDescription, true, 'bad-description');
    });
  }

  private sendSignal(kind: DirectSignalKind, payload: string): void {
    try {
      this.options.signal(kind, payload);
    } catch {
      this.stats.faults++;
    }
  }

  private endOfCandidates(): void {
    if (this.sentEndOfCandidates || this.terminal) return;
    this.sentEndOfCandidates = true;
    this.sendSignal('end-of-candidates', '');
  }

  private setState(state: DirectLinkState, reason?: DirectLinkReason): void {
    this.stateValue = state;
    this.pendingEvents.push(reason === undefined ? { type: 'state', state } : { type: 'state', state, reason });
  }

  /**
   * Ends the link: sets the final state, tells the other end if `tell` (so both stay on the relay
   * and release their peer connections), stops the timer, and releases the peer connection.
   */
  private finish(state: 'failed' | 'closed', reason: DirectLinkReason, tell: boolean, told = reason as string): void {
    if (this.terminal) return;
    this.reasonValue = reason;
    this.aliveValue = false;
    this.setState(state, reason);
    if (tell) this.sendSignal('close', told.slice(0, 64));
    if (this.timer !== undefined) clearInterval(this.timer);
    this.pendingCandidates = [];
    const dc = this.dc;
    const pc = this.pc;
    this.dc = undefined;
    this.pc = undefined;
    // On the next turn, so that no native call re-enters the callback that asked for it.
    setTimeout(() => {
      try {
        dc?.close();
      } catch {
        // already closed
      }
      try {
        pc?.close();
      } catch {
        // already closed
      }
    }, 0);
  }

  private guard(body: () => void): void {
    try {
      body();
    } catch {
      this.stats.faults++;
    }
  }
}
