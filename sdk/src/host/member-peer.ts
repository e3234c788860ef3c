import { PeerConnection } from 'node-datachannel';
import type { DataChannel } from 'node-datachannel';

/**
 * The host's end of one member's WebRTC connection: a libdatachannel peer connection offering the
 * one data channel geckos.io's client expects (label `geckos.io`, unordered, no retransmits). The
 * host's only import of node-datachannel.
 *
 * Every callback from the native side runs inside a guard. An exception thrown in a native
 * callback aborts the whole Node process (exit 134): geckos.io's server parsed text messages as
 * JSON in such a callback, so a single text message took the host down, and it dereferenced a
 * channel that a close had already cleared when an `open` was still queued. Here nothing runs
 * unguarded: a text message is counted and dropped without being read, a callback after `close`
 * does nothing, and a throw from the host's own handlers is reported to `onFault` (a bug, which
 * tests look for) instead of killing every match on the host.
 */
export interface MemberPeerHandlers {
  /** The data channel opened. */
  onOpen(): void;
  /** One binary message (a view valid during the call only). */
  onBinary(data: Uint8Array): void;
  /** A text message arrived and was dropped unread (only binary relay frames are ours). */
  onText(): void;
  /** The connection closed or failed, from either side; called once, and not after `close()`. */
  onClosed(): void;
  /** An exception escaped a handler or the native layer: logged and counted by the host. */
  onFault(error: unknown): void;
}

export interface MemberPeerConfig {
  /** Connection id, also the peer connection's name in libdatachannel's logs. */
  readonly id: string;
  /** The one UDP port every connection shares (ICE UDP multiplexing). */
  readonly port: number;
  /** Address to bind, or undefined for every interface. */
  readonly bindAddress: string | undefined;
}

/** An ICE candidate as geckos.io's client adds it (`RTCIceCandidateInit`). */
export interface CandidateInit {
  readonly candidate: string;
  readonly sdpMid: string;
}

/** The data channel geckos.io's client waits for. */
const CHANNEL_LABEL = 'geckos.io';

export class MemberPeer {
  readonly id: string;
  private pc: PeerConnection | undefined;
  private dc: DataChannel | undefined;
  private description: { sdp: string; type: string } | undefined;
  private readonly waiting: ((description: { sdp: string; type: string } | undefined) => void)[] = [];
  private candidates: CandidateInit[] = [];
  private openValue = false;
  private closedValue = false;

  constructor(
    config: MemberPeerConfig,
    private readonly handlers: MemberPeerHandlers,
  ) {
    this.id = config.id;
    const pc = new PeerConnection(config.id, {
      iceServers: [], // a LAN needs no STUN: nothing outside is ever contacted
      enableIceUdpMux: true,
      portRangeBegin: config.port,
      portRangeEnd: config.port,
      ...(config.bindAddress !== undefined ? { bindAddress: config.bindAddress } : {}),
    });
    this.pc = pc;
    pc.onLocalDescription((sdp, type) =>
      this.guard(() => {
        this.description = { sdp, type };
        for (const resolve of this.waiting.splice(0)) resolve(this.description);
      }),
    );
    pc.onLocalCandidate((candidate, mid) =>
      this.guard(() => {
        // Bounded: one connection gathers a handful of host candidates; more would be a bug.
        if (this.candidates.length < 64) this.candidates.push({ candidate, sdpMid: mid });
      }),
    );
    pc.onStateChange((state) =>
      this.guard(() => {
        if (state === 'failed' || state === 'closed' || (state === 'disconnected' && this.openValue)) this.closedByPeer();
      }),
    );
    const dc = pc.createDataChannel(CHANNEL_LABEL, { unordered: true, maxRetransmits: 0 });
    this.dc = dc;
    dc.onOpen(() =>
      this.guard(() => {
        if (this.closedValue || this.openValue) return;
        this.openValue = true;
        this.handlers.onOpen();
      }),
    );
    dc.onMessage((message) =>
      this.guard(() => {
        if (this.closedValue || !this.openValue) return;
        if (typeof message === 'string') this.handlers.onText();
        else this.handlers.onBinary(message instanceof ArrayBuffer ? new Uint8Array(message) : message);
      }),
    );
    dc.onClosed(() => this.guard(() => this.closedByPeer()));
    dc.onError(() => this.guard(() => this.closedByPeer()));
  }

  /** Whether the data channel has opened (and not closed since). */
  get open(): boolean {
    return this.openValue && !this.closedValue;
  }

  get closed(): boolean {
    return this.closedValue;
  }

  /** The host's SDP offer, once libdatachannel has made it (at most `timeoutMs` later), or undefined. */
  localDescription(timeoutMs: number): Promise<{ sdp: string; type: string } | undefined> {
    if (this.description !== undefined || this.closedValue) return Promise.resolve(this.description);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.description), timeoutMs);
      this.waiting.push((description) => {
        clearTimeout(timer);
        resolve(description);
      });
    });
  }

  /** Applies the client's answer. False if the connection is closed or libdatachannel refuses it. */
  setRemoteDescription(sdp: string, type: 'answer'): boolean {
    const pc = this.pc;
    if (pc === undefined || this.closedValue) return false;
    try {
      pc.setRemoteDescription(sdp, type);
      return true;
    } catch {
      return false; // an SDP libdatachannel cannot parse: the client's problem, not a host fault
    }
  }

  /** The candidates gathered since the last call. */
  takeCandidates(): CandidateInit[] {
    const out = this.candidates;
    this.candidates = [];
    return out;
  }

  /** Sends one binary message; a closed or congested channel loses it, as any datagram may be lost. */
  send(data: Uint8Array): void {
    const dc = this.dc;
    if (dc === undefined || !this.open) return;
    try {
      dc.sendMessageBinary(data);
    } catch {
      // closing under us: lost
    }
  }

  /** Closes the connection (idempotent). `onClosed` is not called for a close the host asked for. */
  close(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    this.release();
  }

  private closedByPeer(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    this.release();
    this.handlers.onClosed();
  }

  private release(): void {
    for (const resolve of this.waiting.splice(0)) resolve(undefined);
    const dc = this.dc;
    const pc = this.pc;
    this.dc = undefined;
    this.pc = undefined;
    // Closing from inside one of its own callbacks is allowed by libdatachannel, but done on the
    // next turn anyway, so that no native call re-enters the callback that asked for it.
    setImmediate(() => {
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
    });
  }

  private guard(body: () => void): void {
    try {
      body();
    } catch (error) {
      try {
        this.handlers.onFault(error);
      } catch {
        // the fault handler itself failed: nothing more can be done without risking the process
      }
    }
  }
}
