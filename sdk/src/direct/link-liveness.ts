/**
 * Liveness of one direct link, with time passed in (ms), so it is exact in tests: when to send the
 * next ping, the round trip (median of the last few pongs), and whether the link has gone silent.
 *
 * Why a link needs its own: a direct link that dies (a peer's Wi-Fi drops it, a NAT rebinds, the
 * other end closed) must be noticed, and its peer moved back to the host's relay, before the
 * session itself notices anything. The session drops a silent peer after 2000 ms
 * (`disconnectTimeoutMs`), a hosted match after 5000 ms; so the link declares itself silent after
 * 1000 ms by default, leaving a routed transport a second to fall back to the relay, and pings
 * every 200 ms so that silence is 5 unanswered pings in a row, not a single lost one (at 5 % loss
 * each way, 5 lost round trips in a row happen about once in 100 000 windows).
 *
 * Silence is counted from the last answered ping, not from the last datagram heard: a pong proves
 * the path works both ways, while hearing the other end proves only the way in. A link that works
 * one way only (our datagrams lost, theirs arriving) would otherwise look alive to us while every
 * datagram we send on it is lost, and the routed transport would keep sending on it.
 *
 * Silence is not final: a link whose pings are answered again is alive again (a Wi-Fi hiccup of
 * 1.5 s should not cost a peer connection, of which Chromium allows a tab only 500 in its
 * lifetime). Only after `giveUpMs` of silence does the owner treat the link as failed.
 */
export interface LinkLivenessOptions {
  /** Interval between pings (ms). Default 200. */
  readonly pingIntervalMs?: number;
  /** Silence after which the link counts as dead (ms). Default 1000: half the session's drop timeout. */
  readonly silenceMs?: number;
  /** Silence after which the link is given up for good (ms). Default 15000, like the session's isolation timeout. */
  readonly giveUpMs?: number;
  /** Round trips the reported RTT is the median of. Default 5 (about a second of pings). */
  readonly rttSamples?: number;
}

/** Pings remembered for matching pongs: 16 × 200 ms spans more than the silence window. */
const PING_WINDOW = 16;

export class LinkLiveness {
  readonly pingIntervalMs: number;
  readonly silenceMs: number;
  readonly giveUpMs: number;
  /** When the last ping was answered (or the link opened), ms. */
  private lastAnsweredMs: number;
  private lastPingMs = -Infinity;
  private pingId = 0;
  /** When each recent ping went out (ms), at `id % PING_WINDOW`; NaN once answered or never sent. */
  private readonly pingSentMs = new Float64Array(PING_WINDOW).fill(NaN);
  private readonly rtts: number[] = [];
  private readonly rttSamples: number;
  /** Pongs that matched no ping awaiting an answer (repeated, too late, or never sent). */
  stalePongs = 0;

  /** `startMs`: when the link opened; silence is counted from then until the first pong. */
  constructor(startMs: number, options: LinkLivenessOptions = {}) {
    this.pingIntervalMs = options.pingIntervalMs ?? 200;
    this.silenceMs = options.silenceMs ?? 1000;
    this.giveUpMs = options.giveUpMs ?? 15_000;
    this.rttSamples = options.rttSamples ?? 5;
    if (!(this.pingIntervalMs > 0) || !(this.silenceMs > this.pingIntervalMs) || !(this.giveUpMs >= this.silenceMs)) {
      throw new RangeError('need 0 < pingIntervalMs < silenceMs <= giveUpMs');
    }
    if (!Number.isInteger(this.rttSamples) || this.rttSamples < 1) throw new RangeError('rttSamples must be a positive integer');
    this.lastAnsweredMs = startMs;
  }

  /** The id of a ping to send now, if one is due (its send time is remembered); else undefined. */
  pingDue(nowMs: number): number | undefined {
    if (nowMs - this.lastPingMs < this.pingIntervalMs) return undefined;
    this.lastPingMs = nowMs;
    this.pingId = (this.pingId + 1) >>> 0;
    this.pingSentMs[this.pingId % PING_WINDOW] = nowMs;
    return this.pingId;
  }

  /**
   * A pong for ping `id` arrived at `nowMs`. It counts once, and only for a ping still awaiting its
   * answer within the window; anything else is counted in `stalePongs`. True if it was a sample.
   */
  pong(id: number, nowMs: number): boolean {
    const age = (this.pingId - id) >>> 0; // 0 for the latest ping; huge for an id not yet sent
    const slot = id % PING_WINDOW;
    const sent = this.pingSentMs[slot]!;
    if (age >= PING_WINDOW || Number.isNaN(sent)) {
      this.stalePongs++;
      return false;
    }
    this.pingSentMs[slot] = NaN;
    if (nowMs > this.lastAnsweredMs) this.lastAnsweredMs = nowMs;
    this.rtts.push(Math.max(0, nowMs - sent));
    if (this.rtts.length > this.rttSamples) this.rtts.shift();
    return true;
  }

  /** Round trip (ms): the median of the last `rttSamples` pongs, or undefined before the first. */
  get rttMs(): number | undefined {
    const n = this.rtts.length;
    if (n === 0) return undefined;
    const sorted = [...this.rtts].sort((a, b) => a - b);
    const mid = n >> 1;
    return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }

  /** Time since the last answered ping (or since the start), in ms. */
  silentForMs(nowMs: number): number {
    return Math.max(0, nowMs - this.lastAnsweredMs);
  }

  /** Whether a ping was answered within `silenceMs` of `nowMs`. */
  alive(nowMs: number): boolean {
    return this.silentForMs(nowMs) < this.silenceMs;
  }

  /** Whether the link has been silent for `giveUpMs`: its owner should close it. */
  gaveUp(nowMs: number): boolean {
    return this.silentForMs(nowMs) >= this.giveUpMs;
  }
}
