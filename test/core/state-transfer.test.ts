import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { hashBytes } from '../../sdk/src/kit/hash.ts';
import { STATE_CHUNK_BYTES, STATE_WINDOW_CHUNKS, StateReceiver, StateSender, stateChunkCount } from '../../sdk/src/core/state-transfer.ts';
import type { StateAck, StateChunk } from '../../sdk/src/core/state-transfer.ts';
import { int32StateCodec } from '../../sdk/src/core/state-codec.ts';

/**
 * The state transfer of issue 13 (a player rejoining gets the match's state), in virtual time
 * over a lossy, duplicating, reordering channel: both ends poll once a frame, chunks and
 * acknowledgements each take half a round trip plus jitter, and any may be lost.
 */

interface Channel {
  readonly rttMs: number;
  readonly jitterMs: number;
  readonly loss: number;
  readonly duplicate: number;
}

interface InFlight<T> {
  readonly atMs: number;
  readonly message: T;
}

function state(bytes: number, seed: number): Uint8Array {
  const rng = new Prng(seed);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = rng.nextInt(256);
  return out;
}

/** Runs one transfer to its end; returns the time it took (ms) and what was sent. */
function transfer(bytes: Uint8Array, channel: Channel, seed: number) {
  const prng = new Prng(seed);
  const rng = { nextFloat: () => prng.nextU32() / 2 ** 32 };
  const sender = new StateSender(7, 1234, bytes);
  const receiver = new StateReceiver();
  const toReceiver: InFlight<StateChunk>[] = [];
  const toSender: InFlight<StateAck>[] = [];
  const frameMs = 1000 / 60;
  // A round trip, its jitter, and two polls: the receiver acknowledges at its next poll, and the
  // sender reads the acknowledgement at its own.
  const resendAfterMs = channel.rttMs * 1.5 + 4 * channel.jitterMs + 2 * frameMs;
  const post = <T>(queue: InFlight<T>[], message: T, nowMs: number) => {
    for (let copy = 0; copy < (rng.nextFloat() < channel.duplicate ? 2 : 1); copy++) {
      if (rng.nextFloat() < channel.loss) continue;
      queue.push({ atMs: nowMs + channel.rttMs / 2 + (rng.nextFloat() * 2 - 1) * channel.jitterMs, message });
    }
  };
  /** Messages due by `nowMs`, in arrival order (which reorders them under jitter). */
  const due = <T>(queue: InFlight<T>[], nowMs: number): T[] => {
    queue.sort((a, b) => a.atMs - b.atMs);
    const out: T[] = [];
    while (queue.length > 0 && queue[0]!.atMs <= nowMs) out.push(queue.shift()!.message);
    return out;
  };
  let received: { frame: number; bytes: Uint8Array } | undefined;
  let refusals = 0;
  let nowMs = 0;
  for (; nowMs < 120_000 && !(received !== undefined && sender.done); nowMs += frameMs) {
    for (const chunk of sender.take(nowMs, resendAfterMs)) post(toReceiver, chunk, nowMs);
    let heard = false;
    for (const chunk of due(toReceiver, nowMs)) {
      if (receiver.onChunk(chunk).kind === 'refused') refusals++;
      heard = true;
    }
    received ??= receiver.take();
    const ack = receiver.ack();
    if (heard && ack !== undefined) post(toSender, ack, nowMs);
    for (const ack of due(toSender, nowMs)) sender.onAck(ack);
  }
  return { received, refusals, ms: nowMs, chunksSent: sender.chunksSent, chunks: stateChunkCount(bytes.length) };
}

describe('StateSender and StateReceiver', () => {
  const channels: [string, Channel][] = [
    ['lan', { rttMs: 2, jitterMs: 0.5, loss: 0, duplicate: 0 }],
    ['wifi', { rttMs: 30, jitterMs: 8, loss: 0.02, duplicate: 0 }],
    ['intercontinental', { rttMs: 160, jitterMs: 20, loss: 0.03, duplicate: 0.01 }],
    ['awful', { rttMs: 250, jitterMs: 60, loss: 0.2, duplicate: 0.02 }],
  ];

  it.each(channels)('deliver the demo-sized state (1.6 kB) and a 200 kB one whole over %s', (_name, channel) => {
    for (const size of [1600, 200_000]) {
      for (const seed of [1, 2, 3]) {
        const bytes = state(size, seed);
        const { received, refusals, ms, chunksSent, chunks } = transfer(bytes, channel, seed * 31 + size);
        expect(received, `size ${size} seed ${seed}`).toBeDefined();
        expect(refusals).toBe(0);
        expect(received!.frame).toBe(1234);
        expect(Buffer.compare(received!.bytes, bytes), 'the bytes arrived unchanged').toBe(0);
        // Round trips needed: one per window of chunks, plus resends of what was lost.
        const windows = Math.ceil(chunks / STATE_WINDOW_CHUNKS);
        const bound = (windows + 1) * (channel.rttMs + 4 * channel.jitterMs + 34) / (1 - channel.loss) ** 4 + 2000 * channel.loss;
        expect(ms, `size ${size} seed ${seed}: ${Math.round(ms)} ms`).toBeLessThan(bound * 3);
        if (channel.loss === 0) expect(chunksSent).toBe(chunks);
      }
    }
  });

  it('keeps at most a window of chunks unacknowledged, and resends only what is overdue', () => {
    const sender = new StateSender(1, 0, state(100 * STATE_CHUNK_BYTES, 9));
    const first = sender.take(0, 100);
    expect(first.map((c) => c.index)).toEqual(Array.from({ length: STATE_WINDOW_CHUNKS }, (_, i) => i));
    expect(sender.take(50, 100)).toEqual([]); // nothing overdue, window full
    // Chunks 0..9 and 12 acknowledged: the window slides to start at 10.
    sender.onAck({ transferId: 1, next: 10, mask: 0b10 });
    const next = sender.take(60, 100).map((c) => c.index);
    expect(next).toEqual(Array.from({ length: 10 }, (_, i) => STATE_WINDOW_CHUNKS + i));
    // At 100 ms the unacknowledged first sends are overdue: 10, 11, 13.. again (not 12).
    const resent = sender.take(100, 100).map((c) => c.index);
    expect(resent.slice(0, 3)).toEqual([10, 11, 13]);
    expect(resent).not.toContain(12);
    // An acknowledgement of another transfer, or of chunks that do not exist, changes nothing.
    expect(sender.onAck({ transferId: 2, next: 100, mask: 0 })).toBe(false);
    expect(sender.onAck({ transferId: 1, next: 101, mask: 0 })).toBe(false);
    expect(sender.onAck({ transferId: 1, next: 100, mask: 0 })).toBe(true);
    expect(sender.done).toBe(true);
  });

  it('refuses malformed or hostile chunks without changing anything, and never allocates past its limit', () => {
    const receiver = new StateReceiver(10_000);
    const good: StateChunk = { transferId: 3, frame: 5, totalBytes: 2500, hash: 42, index: 0, bytes: new Uint8Array(STATE_CHUNK_BYTES) };
    const cases: [Partial<StateChunk>, string][] = [
      [{ totalBytes: 10_001 }, 'too-big'],
      [{ totalBytes: 2 ** 40 }, 'too-big'],
      [{ totalBytes: 0 }, 'bad-header'],
      [{ totalBytes: 1.5 }, 'bad-header'],
      [{ transferId: 70_000 }, 'bad-header'],
      [{ frame: -1 }, 'bad-header'],
      [{ hash: -1 }, 'bad-header'],
      [{ index: 3 }, 'bad-index'],
      [{ index: -1 }, 'bad-index'],
      [{ index: 2, bytes: new Uint8Array(STATE_CHUNK_BYTES) }, 'bad-length'],
      [{ bytes: new Uint8Array(10) }, 'bad-length'],
    ];
    for (const [change, reason] of cases) expect(receiver.onChunk({ ...good, ...change }), JSON.stringify(change)).toEqual({ kind: 'refused', reason });
    expect(receiver.started).toBe(false);
    expect(receiver.ack()).toBeUndefined();
    expect(receiver.onChunk(good)).toEqual({ kind: 'new' });
    expect(receiver.onChunk(good)).toEqual({ kind: 'duplicate' });
    // Same transfer, another header: refused; the transfer goes on.
    expect(receiver.onChunk({ ...good, index: 1, hash: 43 })).toEqual({ kind: 'refused', reason: 'changed-header' });
    expect(receiver.progress).toEqual({ received: 1, total: 3 });
  });

  it('checks the hash: corrupted bytes are never handed out, and a new transfer starts over', () => {
    const bytes = state(2500, 4);
    const sender = new StateSender(1, 77, bytes);
    const receiver = new StateReceiver();
    for (const chunk of sender.take(0, 100)) {
      const copy = chunk.index === 1 ? Uint8Array.from(chunk.bytes, (b, i) => (i === 10 ? b ^ 1 : b)) : chunk.bytes;
      receiver.onChunk({ ...chunk, bytes: copy });
    }
    expect(receiver.complete).toBe(true);
    expect(receiver.take()).toBeUndefined();
    expect(receiver.hashFailed).toBe(true);
    // The last acknowledgement still says everything arrived, so the old sender stops.
    expect(receiver.ack()).toEqual({ transferId: 1, next: 3, mask: 0 });
    // A late chunk of the failed transfer is not taken again.
    expect(receiver.onChunk(sender.take(1000, 100)[0]!)).toEqual({ kind: 'duplicate' });
    const again = new StateSender(2, 78, bytes);
    for (const chunk of again.take(0, 100)) receiver.onChunk(chunk);
    const taken = receiver.take();
    expect(taken?.frame).toBe(78);
    expect(taken?.bytes).toEqual(bytes);
    expect(hashBytes(taken!.bytes)).toBe(again.hash);
    expect(receiver.take()).toBeUndefined(); // exactly once
  });
});

describe('int32StateCodec', () => {
  const codec = int32StateCodec<Int32Array>({
    words: (s) => s,
    fromWords: (w) => {
      if (w.length !== 3) throw new RangeError(`a state is 3 words, got ${w.length}`);
      return w;
    },
    maxWords: 4,
  });

  it('round-trips every bit, little-endian whatever the machine', () => {
    const value = Int32Array.of(1, -2, 0x7fffffff);
    const bytes = codec.encode(value);
    expect(Array.from(bytes)).toEqual([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(codec.decode(bytes)).toEqual(value);
    expect(codec.decode(bytes.subarray(0, 12))).not.toBe(value);
  });

  it('refuses bytes that cannot be a state with a RangeError', () => {
    expect(() => codec.decode(new Uint8Array(5))).toThrow(RangeError);
    expect(() => codec.decode(new Uint8Array(20))).toThrow(/more than the 4 allowed/);
    expect(() => codec.decode(new Uint8Array(8))).toThrow(/3 words/);
  });
});
