import { DirectLink } from '../../sdk/src/direct/direct-link.ts';
import type { DirectLinkOptions, PeerConnectionConstructor } from '../../sdk/src/direct/direct-link.ts';
import type { DirectSignalKind } from '../../sdk/src/direct/direct-signal.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

/**
 * Two DirectLinks in one process, their signals carried by an in-memory queue with random delays
 * (so signals overtake each other: reordering, no loss), like the room's control channel through
 * the host but worse-ordered. `cut` drops every signal (a refused switch); `rewrite` alters a
 * signal in flight (e.g. strips the candidates from an SDP, to prove trickling).
 */
export interface PipeOptions {
  readonly seed?: number;
  /** Each signal waits a random 0..maxDelayMs (ms). Default 30. */
  readonly maxDelayMs?: number;
  readonly link?: number;
  readonly a?: Partial<DirectLinkOptions>;
  readonly b?: Partial<DirectLinkOptions>;
  readonly peerConnection?: PeerConnectionConstructor;
  /** Extra delay of offers and answers (ms), so that every candidate overtakes its description. Default 0. */
  readonly descriptionDelayMs?: number;
  /** Each signal callback throws after handing its signal over (a buggy control channel). */
  readonly signalThrows?: boolean;
}

export interface SignalRecord {
  readonly from: 'a' | 'b';
  readonly kind: DirectSignalKind;
  readonly payload: string;
}

export class SignalPipe {
  readonly a: DirectLink;
  readonly b: DirectLink;
  readonly sent: SignalRecord[] = [];
  /** Signals delivered whose handleSignal refused them (none expected in a healthy pipe). */
  readonly refused: string[] = [];
  cut = false;
  rewrite: ((record: SignalRecord) => string) | undefined;
  private readonly prng: Prng;
  private readonly maxDelayMs: number;
  private readonly descriptionDelayMs: number;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(options: PipeOptions = {}) {
    this.prng = new Prng(options.seed ?? 1);
    this.maxDelayMs = options.maxDelayMs ?? 30;
    this.descriptionDelayMs = options.descriptionDelayMs ?? 0;
    const link = options.link ?? 7;
    const pc = options.peerConnection !== undefined ? { peerConnection: options.peerConnection } : {};
    const signal = (from: 'a' | 'b') => (kind: DirectSignalKind, payload: string) => {
      this.carry(from, kind, payload);
      if (options.signalThrows === true) throw new Error(`signal ${kind} blew up`);
    };
    this.a = new DirectLink({ role: 'offerer', link, signal: signal('a'), ...pc, ...options.a });
    this.b = new DirectLink({ role: 'answerer', link, signal: signal('b'), ...pc, ...options.b });
  }

  private carry(from: 'a' | 'b', kind: DirectSignalKind, payload: string): void {
    const record = { from, kind, payload };
    this.sent.push(record);
    if (this.cut) return;
    const delivered = this.rewrite?.(record) ?? payload;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const to = from === 'a' ? this.b : this.a;
      const refusal = to.handleSignal(kind, delivered);
      if (refusal !== undefined) this.refused.push(`${kind}: ${refusal}`);
    }, this.prng.nextInt(this.maxDelayMs + 1) + (kind === 'offer' || kind === 'answer' ? this.descriptionDelayMs : 0));
    this.timers.add(timer);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.a.close();
    this.b.close();
  }
}

/** Resolves once `condition` holds (checked every 5 ms), or rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string, detail?: () => string): Promise<number> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail !== undefined ? ` (${detail()})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - start;
}

/** A session-like datagram: PROTOCOL_MAGIC first, then `n` as u32 and filler up to `length` bytes. */
export function datagram(n: number, length = 16): Uint8Array {
  const out = new Uint8Array(length);
  out[0] = 0xb5;
  new DataView(out.buffer).setUint32(1, n, true);
  for (let i = 5; i < length; i++) out[i] = (n + i) & 0xff;
  return out;
}

export function datagramNumber(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, true);
}

/**
 * A peer connection class for fault injection on real WebRTC: node-datachannel's, except that
 * while `tap.muted` its data channels send nothing (a peer that froze or lost its network without
 * closing anything), and every connection and data channel it makes is kept in `tap` (to send
 * text, or to look at the selected candidate pair).
 */
export function tappedPeerConnection(): {
  readonly ctor: PeerConnectionConstructor;
  readonly tap: { muted: boolean; readonly channels: RTCDataChannel[]; readonly connections: RTCPeerConnection[] };
} {
  const tap = { muted: false, channels: [] as RTCDataChannel[], connections: [] as RTCPeerConnection[] };
  const Base = (globalThis as unknown as { RTCPeerConnection: typeof RTCPeerConnection }).RTCPeerConnection;
  class Tapped extends Base {
    constructor(configuration: RTCConfiguration) {
      super(configuration);
      tap.connections.push(this);
    }

    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const dc = super.createDataChannel(label, init);
      tap.channels.push(dc);
      const send = dc.send.bind(dc) as (data: unknown) => void;
      (dc as { send: (data: unknown) => void }).send = (data: unknown) => {
        if (!tap.muted) send(data);
      };
      return dc;
    }
  }
  return { ctor: Tapped, tap };
}
