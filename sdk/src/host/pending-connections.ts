/**
 * WebRTC connections whose signaling has begun and whose data channel has not opened yet, per
 * remote address: the host's defence against half-open connections. Each costs the host a peer
 * connection (about 95 KB in libdatachannel) from the first signaling request on; one address once
 * left 1,181 of them, never freed. So each address may hold a few at once, the host a bounded
 * number in all, and one that has not opened by its deadline is reclaimed. Pure: time is passed in,
 * the host adapter closes what `expired` returns.
 */
export interface PendingConnectionsOptions {
  /** Connections one address may have in signaling at once. Default 4: a browser opens one per tab. */
  readonly maxPerAddress?: number;
  /** Connections in signaling on the whole host at once. Default 64. */
  readonly maxTotal?: number;
  /**
   * Time from the first signaling request to an open data channel (ms), after which the connection
   * is reclaimed. Default 10000: on a LAN the channel opens within about 100 ms, and geckos.io's
   * client stops polling for the host's ICE candidates after about 10 s.
   */
  readonly openTimeoutMs?: number;
}

/** Why a new connection was refused: its address has too many, or the host does. */
export type PendingRefusal = 'address-busy' | 'host-busy';

interface Pending {
  readonly address: string;
  readonly deadlineMs: number;
}

export class PendingConnections {
  readonly maxPerAddress: number;
  readonly maxTotal: number;
  readonly openTimeoutMs: number;
  /** Connection id → its address and deadline, in order of deadline (insertion order, one timeout). */
  private readonly pending = new Map<string, Pending>();
  private readonly perAddress = new Map<string, number>();

  constructor(options: PendingConnectionsOptions = {}) {
    this.maxPerAddress = positiveInteger('maxPerAddress', options.maxPerAddress ?? 4);
    this.maxTotal = positiveInteger('maxTotal', options.maxTotal ?? 64);
    const timeout = options.openTimeoutMs ?? 10_000;
    if (!Number.isFinite(timeout) || timeout <= 0) throw new RangeError(`openTimeoutMs must be a positive number of ms, got ${String(options.openTimeoutMs)}`);
    this.openTimeoutMs = timeout;
  }

  /** Connections in signaling now. */
  get size(): number {
    return this.pending.size;
  }

  /** Whether `address` may start one more connection now (nothing is recorded). */
  check(address: string): PendingRefusal | undefined {
    if (this.pending.size >= this.maxTotal) return 'host-busy';
    if ((this.perAddress.get(address) ?? 0) >= this.maxPerAddress) return 'address-busy';
    return undefined;
  }

  /** Records connection `id` from `address`, due to open by `nowMs + openTimeoutMs`. */
  add(id: string, address: string, nowMs: number): void {
    if (this.pending.has(id)) return;
    this.pending.set(id, { address, deadlineMs: nowMs + this.openTimeoutMs });
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
  }

  /** Connection `id` opened, closed or failed: it no longer counts. */
  remove(id: string): void {
    const entry = this.pending.get(id);
    if (entry === undefined) return;
    this.pending.delete(id);
    const left = (this.perAddress.get(entry.address) ?? 1) - 1;
    if (left <= 0) this.perAddress.delete(entry.address);
    else this.perAddress.set(entry.address, left);
  }

  /** Removes and returns the connections past their deadline: the caller closes them. */
  expired(nowMs: number): string[] {
    const out: string[] = [];
    for (const [id, entry] of this.pending) {
      if (entry.deadlineMs > nowMs) break; // insertion order is deadline order
      out.push(id);
    }
    for (const id of out) this.remove(id);
    return out;
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number ≥ 1, got ${String(value)}`);
  return value;
}
