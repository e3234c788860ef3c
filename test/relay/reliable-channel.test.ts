import { describe, expect, it } from 'vitest';
import { hashBytes } from '../../sdk/src/kit/hash.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { ReliableChannel } from '../../sdk/src/relay/reliable-channel.ts';
import type { ReliableChannelOptions } from '../../sdk/src/relay/reliable-channel.ts';

const CHECK_SEED = 0x42535243;

const bytes = (...values: number[]) => Uint8Array.from(values);
const list = (messages: readonly Uint8Array[]) => messages.map((m) => [...m]);

/** Hands every segment to `to` at `nowMs`; returns what it delivered. */
function deliver(to: ReliableChannel, segments: readonly Uint8Array[], nowMs: number): number[][] {
  const out: number[][] = [];
  for (const segment of segments) out.push(...list(to.receive(segment, nowMs)));
  return out;
}

/** Builds a segment by hand, as another implementation would from the format description. */
function segment(ack: number, sack: readonly number[] | undefined, records: readonly [number, readonly number[]][]): Uint8Array {
  const body: number[] = [sack === undefined ? 0x10 : 0x11, ack & 0xff, (ack >>> 8) & 0xff, (ack >>> 16) & 0xff, ack >>> 24];
  if (sack !== undefined) body.push(sack.length, ...sack);
  for (const [seq, message] of records) {
    body.push(seq & 0xff, (seq >>> 8) & 0xff, (seq >>> 16) & 0xff, seq >>> 24, message.length & 0xff, message.length >>> 8, ...message);
  }
  const check = hashBytes(Uint8Array.from(body), CHECK_SEED);
  body.push(check & 0xff, (check >>> 8) & 0xff, (check >>> 16) & 0xff, check >>> 24);
  return Uint8Array.from(body);
}

/** Everything observable about a channel, to show that a call changed nothing. */
function observe(channel: ReliableChannel, nowMs: number) {
  const { malformed: _malformed, ...counters } = channel.stats;
  return {
    inFlight: channel.inFlight,
    rttMs: channel.rttMs,
    rtoMs: channel.rtoMs,
    held: channel.heldOutOfOrder,
    next: channel.nextPollInMs(nowMs),
    counters,
  };
}

function pair(options: ReliableChannelOptions = {}) {
  return { a: new ReliableChannel(options), b: new ReliableChannel(options) };
}

describe('ReliableChannel: segment format', () => {
  it('encodes exactly as documented: head, ack, records, MurmurHash3 check', () => {
    const { a, b } = pair();
    a.send(bytes(0xaa, 0xbb));
    a.send(bytes());
    const [first, ...rest] = a.poll(0);
    expect(rest).toHaveLength(0);
    expect([...first!]).toEqual([...segment(0, undefined, [[0, [0xaa, 0xbb]], [1, []]])]);
    expect(list(b.receive(first!, 5))).toEqual([[0xaa, 0xbb], []]);
    // The bare ack: 9 bytes, cumulative ack 2.
    const [ack] = b.poll(15);
    expect([...ack!]).toEqual([...segment(2, undefined, [])]);
    expect(ack).toHaveLength(9);
  });

  it('accepts a hand-built segment with a SACK and reports held messages in its own SACK', () => {
    const a = new ReliableChannel();
    a.send(bytes(1));
    a.send(bytes(2));
    a.poll(0); // seq 0 and 1 are now transmitted, so the peer may acknowledge them
    // The peer holds seq 1 but misses 0; it sent its own seq 0 (missing here) and seq 2, 9.
    const got = a.receive(segment(0, [0b1], [[2, [7]], [9, [9]]]), 10);
    expect(got).toEqual([]);
    expect(a.inFlight).toBe(2); // seq 1 is acknowledged but seq 0 is not: the window cannot slide
    expect(a.heldOutOfOrder).toBe(2);
    // Only seq 0 is resent (seq 1 was SACKed); the SACK names seq 2 (bit 1) and seq 9 (bit 8).
    const [resend] = a.poll(100);
    expect([...resend!]).toEqual([...segment(0, [0b10, 0b1], [[0, [1]]])]);
    expect(a.stats.resends).toBe(1);
    expect(list(a.receive(segment(2, undefined, [[0, [5]], [1, [6]]]), 120))).toEqual([[5], [6], [7]]);
    expect(a.inFlight).toBe(0);
  });

  it('never makes a segment larger than maxSegmentBytes, and packs small messages together', () => {
    const a = new ReliableChannel({ maxMessageBytes: 100 });
    expect(a.maxSegmentBytes).toBe(148);
    for (let i = 0; i < 20; i++) a.send(new Uint8Array(i % 3 === 0 ? 100 : 10).fill(i));
    const segments = a.poll(0);
    for (const s of segments) expect(s.length).toBeLessThanOrEqual(148);
    expect(segments.length).toBeLessThan(20);
    const b = new ReliableChannel({ maxMessageBytes: 100 });
    const got = deliver(b, segments, 1);
    expect(got.map((m) => m[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('maxSegmentBytes bounds what it sends apart from what it receives, with a SACK and under loss', () => {
    // A room member: receives messages of up to 8192 bytes, sends segments of at most 1201.
    const member = new ReliableChannel({ maxMessageBytes: 8192, maxSegmentBytes: 1201 });
    const host = new ReliableChannel({ maxMessageBytes: 8192 });
    expect(member.maxSegmentBytes).toBe(1201);
    expect(member.maxSendMessageBytes).toBe(1153);
    expect(() => member.send(new Uint8Array(1154))).toThrow(RangeError);
    expect(member.inFlight).toBe(0);
    // It still takes what the host sends, a 5000-byte message among them, and holds one out of
    // order, so that its own segments carry a SACK.
    host.send(new Uint8Array(5000).fill(1));
    deliver(member, host.poll(0), 1);
    host.send(bytes(2));
    host.poll(2); // lost
    host.send(bytes(3));
    expect(deliver(member, host.poll(3), 4)).toEqual([]);
    expect(member.heldOutOfOrder).toBe(1);
    // Many messages of the largest size pending, every copy lost for a while: no segment, first
    // transmission or resend, is over the limit, and none carries more than it can.
    for (let i = 0; i < 60; i++) expect(member.send(new Uint8Array(i % 2 === 0 ? 1153 : 700).fill(i))).toBe(true);
    const sizes: number[] = [];
    let segments: Uint8Array[] = [];
    for (let now = 10; now <= 3000; now += 10) {
      segments = member.poll(now);
      for (const s of segments) sizes.push(s.length);
    }
    expect(sizes.length).toBeGreaterThan(60);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1201);
    expect(member.stats.resends).toBeGreaterThan(0);
    // Once the path works again, all of them arrive, in order.
    const got: number[] = [];
    for (let now = 3010; member.inFlight > 0 && now < 20_000; now += 10) {
      for (const s of member.poll(now)) {
        expect(s.length).toBeLessThanOrEqual(1201);
        for (const m of host.receive(s, now)) got.push(m[0]!);
      }
      for (const s of host.poll(now)) member.receive(s, now);
    }
    expect(got).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(() => new ReliableChannel({ maxSegmentBytes: 47 })).toThrow(RangeError);
    expect(() => new ReliableChannel({ maxSegmentBytes: 48 + 65536 })).toThrow(RangeError);
    expect(new ReliableChannel({ maxSegmentBytes: 48 }).maxSendMessageBytes).toBe(0);
  });

  it('unacknowledged() lists what the peer has not delivered (SACKed and never sent included); acknowledged counts the rest', () => {
    const { a, b } = pair({ ackDelayMs: 0 });
    const sent: Uint8Array[][] = [];
    for (let i = 0; i < 4; i++) {
      a.send(bytes(i));
      sent.push(a.poll(i));
    }
    a.send(bytes(4)); // queued, never transmitted
    // The peer gets 0 and 2 (which it holds, and SACKs); 1 and 3 are lost.
    expect(deliver(b, [...sent[0]!, ...sent[2]!], 5)).toEqual([[0]]);
    deliver(a, b.poll(5), 6);
    expect(a.acknowledged).toBe(1);
    expect(list(a.unacknowledged())).toEqual([[1], [2], [3], [4]]);
    const copy = a.unacknowledged()[0]!;
    copy[0] = 99; // copies: the channel's own data is untouched
    expect(list(a.unacknowledged())[0]).toEqual([1]);
    expect(deliver(b, a.poll(1000), 1001)).toEqual([[1], [2], [3], [4]]);
    deliver(a, b.poll(1001), 1002);
    expect(a.acknowledged).toBe(5);
    expect(a.unacknowledged()).toEqual([]);
  });

  it('returns fresh arrays: segments and messages do not alias internal or caller buffers', () => {
    const { a, b } = pair();
    const message = bytes(1, 2, 3);
    a.send(message);
    message.fill(9); // the channel copied it
    const [s1] = a.poll(0);
    a.send(bytes(4));
    const [s2] = a.poll(1);
    expect(s1!.buffer).not.toBe(s2!.buffer);
    // As the caller hands it over: a view past its own frame-kind byte.
    const framed = Uint8Array.from([0x7f, ...s1!]);
    const got = b.receive(framed.subarray(1), 2);
    framed.fill(0); // the caller reuses its receive buffer
    expect(list(got)).toEqual([[1, 2, 3]]);
    expect(list(b.receive(s2!, 3))).toEqual([[4]]);
  });
});

describe('ReliableChannel: delivery', () => {
  it('delivers in order whatever the arrival order, holding the early ones', () => {
    const { a, b } = pair();
    const segments: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) {
      a.send(bytes(i));
      segments.push(...a.poll(i));
    }
    expect(segments).toHaveLength(5);
    expect(deliver(b, [segments[4]!, segments[2]!, segments[3]!, segments[1]!], 10)).toEqual([]);
    expect(b.heldOutOfOrder).toBe(4);
    expect(list(b.receive(segments[0]!, 11))).toEqual([[0], [1], [2], [3], [4]]);
    expect(b.heldOutOfOrder).toBe(0);
    expect(b.stats.messagesDelivered).toBe(5);
  });

  it('delivers each message exactly once however often it arrives', () => {
    const { a, b } = pair();
    a.send(bytes(1));
    a.send(bytes(2));
    const [s] = a.poll(0);
    const got = deliver(b, [s!, s!, s!], 5);
    expect(got).toEqual([[1], [2]]);
    expect(b.stats.duplicatesDropped).toBe(4);
    // Lost ack: a resends; b drops the copy but answers it.
    b.poll(15);
    const [again] = a.poll(100);
    expect(a.stats.resends).toBe(2);
    expect(deliver(b, [again!], 120)).toEqual([]);
    const [ack] = b.poll(130);
    expect(a.receive(ack!, 140)).toEqual([]);
    expect(a.inFlight).toBe(0);
  });

  it('also drops a duplicate of a message it is holding out of order', () => {
    const { a, b } = pair();
    a.send(bytes(0));
    a.poll(0); // lost
    a.send(bytes(1));
    const [s1] = a.poll(1);
    deliver(b, [s1!, s1!], 2);
    expect(b.heldOutOfOrder).toBe(1);
    expect(b.stats.duplicatesDropped).toBe(1);
  });
});

describe('ReliableChannel: acknowledgements', () => {
  it('sends a bare ack ackDelayMs after data arrives, then falls silent', () => {
    const { a, b } = pair({ ackDelayMs: 10 });
    a.send(bytes(1));
    deliver(b, a.poll(0), 25);
    expect(b.nextPollInMs(25)).toBe(10);
    expect(b.poll(34)).toEqual([]);
    const acks = b.poll(35);
    expect(acks).toHaveLength(1);
    expect(b.nextPollInMs(35)).toBe(Infinity);
    expect(a.receive(acks[0]!, 50)).toEqual([]);
    expect(a.inFlight).toBe(0);
    expect(a.rttMs).toBe(50);
    // A bare ack is never acknowledged.
    expect(a.nextPollInMs(50)).toBe(Infinity);
    expect(a.poll(1000)).toEqual([]);
  });

  it('piggybacks the ack on data instead of sending a bare one', () => {
    const { a, b } = pair();
    a.send(bytes(1));
    deliver(b, a.poll(0), 5);
    b.send(bytes(2));
    const [data] = b.poll(6);
    expect(b.nextPollInMs(6)).toBeGreaterThan(10); // nothing owed any more, only b's own resend
    expect(list(a.receive(data!, 11))).toEqual([[2]]);
    expect(a.inFlight).toBe(0);
  });

  it('resends only what a SACK leaves out after one loss among many', () => {
    const { a, b } = pair();
    const segments: Uint8Array[] = [];
    for (let i = 0; i < 10; i++) {
      a.send(bytes(i));
      segments.push(...a.poll(i));
    }
    deliver(b, segments.filter((_, i) => i !== 3), 20);
    deliver(a, b.poll(30), 40);
    expect(a.inFlight).toBe(7); // 0..2 acked cumulatively, 4..9 by SACK: the window holds 3..9
    const resent = a.poll(103);
    expect(a.stats.resends).toBe(1);
    expect(list(b.receive(resent[0]!, 110))).toEqual([[3], [4], [5], [6], [7], [8], [9]]);
    deliver(a, b.poll(120), 130);
    expect(a.inFlight).toBe(0);
  });

  it('ignores a stale (reordered) ack', () => {
    const { a, b } = pair();
    a.send(bytes(0));
    deliver(b, a.poll(0), 1);
    const [oldAck] = b.poll(11);
    a.send(bytes(1));
    deliver(b, a.poll(12), 13);
    const [newAck] = b.poll(23);
    deliver(a, [newAck!], 24);
    expect(a.inFlight).toBe(0);
    deliver(a, [oldAck!], 25);
    expect(a.inFlight).toBe(0);
    expect(a.stats.malformed).toBe(0);
  });
});

describe('ReliableChannel: resend timing', () => {
  it('resends after the RTO, doubling it each time up to maxRtoMs', () => {
    const a = new ReliableChannel({ initialRtoMs: 100, maxRtoMs: 1000 });
    a.send(bytes(1));
    expect(a.nextPollInMs(0)).toBe(0);
    expect(a.poll(0)).toHaveLength(1);
    const times: number[] = [];
    let now = 0;
    for (let i = 0; i < 6; i++) {
      const wait = a.nextPollInMs(now);
      expect(a.poll(now + wait - 0.5)).toEqual([]);
      now += wait;
      expect(a.poll(now)).toHaveLength(1);
      times.push(now);
    }
    expect(times).toEqual([100, 300, 700, 1500, 2500, 3500]);
    expect(a.stats.resends).toBe(6);
    expect(a.stats.segmentsSent).toBe(7);
  });

  it('learns the RTO from samples (Karn: never from a resent message)', () => {
    const { a, b } = pair({ ackDelayMs: 0 });
    a.send(bytes(1));
    a.poll(0); // lost
    const [resend] = a.poll(100);
    deliver(b, [resend!], 140);
    deliver(a, b.poll(140), 180);
    expect(a.inFlight).toBe(0);
    expect(a.rttMs).toBe(-1); // ambiguous sample discarded
    expect(a.rtoMs).toBe(200); // the backed-off timeout is kept for new messages meanwhile
    a.send(bytes(2));
    a.poll(200);
    expect(a.nextPollInMs(200)).toBe(200);
    deliver(b, a.poll(400), 440);
    deliver(a, b.poll(440), 480);
    expect(a.inFlight).toBe(0);

    let now = 1000;
    for (let i = 0; i < 20; i++) {
      a.send(bytes(i));
      deliver(b, a.poll(now), now + 20);
      deliver(a, b.poll(now + 20), now + 40);
      now += 50;
    }
    expect(a.rttMs).toBe(40);
    // SRTT 40 and RTTVAR decaying from 20 towards 0: the RTO heads for the floor (40 + small).
    expect(a.rtoMs).toBeGreaterThan(40);
    expect(a.rtoMs).toBeLessThan(45);
    a.send(bytes(99));
    a.poll(now);
    expect(a.nextPollInMs(now)).toBeCloseTo(a.rtoMs, 9);
  });

  it('adds the peer\'s ack delay to the RTO, since a piggybacked sample does not show it', () => {
    const { a, b } = pair({ ackDelayMs: 15 });
    let now = 0;
    for (let i = 0; i < 40; i++) {
      a.send(bytes(i));
      b.send(bytes(i)); // b answers with data, so its ack is piggybacked at once
      deliver(b, a.poll(now), now + 20);
      deliver(a, b.poll(now + 20), now + 40);
      now += 50;
    }
    expect(a.rttMs).toBe(40);
    expect(a.rtoMs).toBeGreaterThan(55);
    expect(a.rtoMs).toBeLessThan(56);
  });

  it('resends a message at once when a later one is acknowledged (loss detection), without backoff', () => {
    const { a, b } = pair({ ackDelayMs: 0, minRtoMs: 200 });
    let now = 0;
    for (let i = 0; i < 20; i++) {
      a.send(bytes(i));
      deliver(b, a.poll(now), now + 20);
      deliver(a, b.poll(now + 20), now + 40);
      now += 50;
    }
    expect(a.rttMs).toBe(40);
    const rto = a.rtoMs;
    expect(rto).toBe(200);
    a.send(bytes(100));
    a.poll(now); // lost
    a.send(bytes(101));
    deliver(b, a.poll(now + 1), now + 21); // sent 1 ms later: within the reordering allowance
    deliver(a, b.poll(now + 21), now + 41);
    expect(a.nextPollInMs(now + 41)).toBeGreaterThan(0);
    a.send(bytes(102));
    deliver(b, a.poll(now + 20), now + 40); // sent 20 ms later: 100 is lost, not late
    deliver(a, b.poll(now + 40), now + 60);
    expect(a.nextPollInMs(now + 60)).toBe(0);
    const [resend] = a.poll(now + 60);
    expect(a.stats.resends).toBe(1);
    expect(list(b.receive(resend!, now + 80))).toEqual([[100], [101], [102]]);
    expect(a.nextPollInMs(now + 60)).toBeCloseTo(rto, 6); // the normal timeout, not a doubled one
  });

  it('after a lost ack, resends one segment of timed-out messages and lets its ack cover the rest', () => {
    const { a, b } = pair();
    for (let i = 0; i < 100; i++) a.send(new Uint8Array(50).fill(i));
    const segments = a.poll(0);
    expect(segments.length).toBeGreaterThan(4);
    expect(deliver(b, segments, 10)).toHaveLength(100);
    b.poll(20); // the ack is lost
    const probe = a.poll(100);
    expect(probe).toHaveLength(1);
    const resent = a.stats.resends;
    expect(resent).toBe(Math.floor((a.maxSegmentBytes - 9) / 56));
    expect(a.nextPollInMs(100)).toBe(200); // the rest waits one more (backed-off) RTO
    deliver(b, probe, 110);
    deliver(a, b.poll(120), 130);
    expect(a.inFlight).toBe(0);
    expect(a.poll(1000)).toEqual([]);
    expect(a.stats.resends).toBe(resent);
  });

  it('after an outage that lost the messages themselves, resends the held-back rest as soon as the probe is answered', () => {
    const { a, b } = pair();
    for (let i = 0; i < 40; i++) a.send(new Uint8Array(900).fill(i)); // one per segment
    let now = 0;
    for (; now <= 2000; now += 10) a.poll(now); // everything lost; timer resends back off to 1 s
    const resendsBefore = a.stats.resends;
    let got: number[][] = [];
    let probeAnsweredAt = -1;
    for (; a.inFlight > 0 && now < 10_000; now += 10) {
      for (const s of a.poll(now)) got = got.concat(deliver(b, [s], now));
      const acks = b.poll(now);
      if (acks.length > 0 && probeAnsweredAt < 0) probeAnsweredAt = now;
      deliver(a, acks, now);
    }
    expect(got.map((m) => m[0])).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(probeAnsweredAt).toBeGreaterThan(2000);
    // One round of resends after the first answer, not one message per backed-off timeout (40 s).
    expect(now - probeAnsweredAt).toBeLessThanOrEqual(60);
    expect(a.stats.resends - resendsBefore).toBe(40);
  });

  it('clamps the RTO to minRtoMs on a fast link', () => {
    const { a, b } = pair({ ackDelayMs: 0, minRtoMs: 20 });
    for (let i = 0; i < 30; i++) {
      a.send(bytes(i));
      deliver(b, a.poll(i * 10), i * 10 + 1);
      deliver(a, b.poll(i * 10 + 1), i * 10 + 2);
    }
    expect(a.rttMs).toBeCloseTo(2, 1);
    expect(a.rtoMs).toBe(20);
  });

  it('sends nothing beyond the peer window of the oldest unacknowledged message', () => {
    const a = new ReliableChannel({ maxOutOfOrder: 8, maxInFlight: 32 });
    for (let i = 0; i < 32; i++) expect(a.send(bytes(i))).toBe(true);
    const segments = a.poll(0);
    const b = new ReliableChannel({ maxOutOfOrder: 8, maxInFlight: 32 });
    expect(deliver(b, segments, 1)).toHaveLength(9);
    expect(a.nextPollInMs(0)).toBe(100); // the rest waits for the window, not for a timer
    deliver(a, b.poll(11), 12);
    expect(deliver(b, a.poll(12), 13)).toHaveLength(9);
  });
});

describe('ReliableChannel: limits', () => {
  it('refuses sends beyond maxInFlight until acks free room', () => {
    const { a, b } = pair({ maxInFlight: 4 });
    for (let i = 0; i < 4; i++) expect(a.send(bytes(i))).toBe(true);
    expect(a.send(bytes(4))).toBe(false);
    expect(a.inFlight).toBe(4);
    deliver(b, a.poll(0), 1);
    expect(a.send(bytes(4))).toBe(false);
    deliver(a, b.poll(11), 12);
    expect(a.inFlight).toBe(0);
    expect(a.send(bytes(4))).toBe(true);
    expect(deliver(b, a.poll(12), 13)).toEqual([[4]]);
  });

  it('throws RangeError for an oversize message and queues nothing', () => {
    const a = new ReliableChannel();
    expect(() => a.send(new Uint8Array(1001))).toThrow(RangeError);
    expect(a.inFlight).toBe(0);
    expect(a.send(new Uint8Array(1000))).toBe(true);
    const [s] = a.poll(0);
    expect(s!.length).toBe(1000 + 15);
    expect(s!.length).toBeLessThanOrEqual(a.maxSegmentBytes);
  });

  it('drops (and counts) messages beyond the receive window; they come back when resent', () => {
    const b = new ReliableChannel({ maxOutOfOrder: 4 });
    expect(b.receive(segment(0, undefined, [[5, [5]], [4, [4]], [0xffff_fff0, [1]], [0x8000_0000, [2]]]), 0)).toEqual([]);
    expect(b.stats.outOfWindow).toBe(1); // seq 5
    expect(b.stats.duplicatesDropped).toBe(2); // "before" seq 0 in serial arithmetic: 2^32-16 and 2^31
    expect(b.heldOutOfOrder).toBe(1);
    expect(list(b.receive(segment(0, undefined, [[0, [0]], [1, [1]], [2, [2]], [3, [3]], [5, [5]]]), 1))).toEqual(
      [[0], [1], [2], [3], [4], [5]],
    );
  });

  it('holds at most maxOutOfOrder messages whatever the peer sends', () => {
    const b = new ReliableChannel({ maxOutOfOrder: 16 });
    const prng = new Prng(5);
    for (let i = 0; i < 2000; i++) {
      const seq = prng.nextInt(3) === 0 ? 1 + prng.nextInt(40) : prng.nextU32();
      b.receive(segment(0, undefined, [[seq, [1, 2, 3]]]), i);
      expect(b.heldOutOfOrder).toBeLessThanOrEqual(16);
    }
    expect(b.heldOutOfOrder).toBe(16);
    expect(b.stats.outOfWindow + b.stats.duplicatesDropped + 16).toBe(2000);
  });

  it('validates its options', () => {
    expect(() => new ReliableChannel({ maxInFlight: 0 })).toThrow(RangeError);
    expect(() => new ReliableChannel({ maxInFlight: 1.5 })).toThrow(RangeError);
    expect(() => new ReliableChannel({ minRtoMs: 50, maxRtoMs: 10 })).toThrow(RangeError);
    expect(() => new ReliableChannel({ initialRtoMs: Number.NaN })).toThrow(RangeError);
    expect(() => new ReliableChannel({ maxMessageBytes: 70000 })).toThrow(RangeError);
    expect(() => new ReliableChannel({ ackDelayMs: -1 })).toThrow(RangeError);
    expect(new ReliableChannel({ ackDelayMs: 0, maxOutOfOrder: 0 }).inFlight).toBe(0);
  });
});

describe('ReliableChannel: malformed segments', () => {
  /** A channel in a busy state: messages in flight both ways, some held out of order, an ack owed. */
  function busy() {
    const { a, b } = pair();
    const fromA: Uint8Array[] = [];
    for (let i = 0; i < 6; i++) {
      a.send(bytes(i, i));
      fromA.push(...a.poll(i));
    }
    deliver(b, [fromA[0]!, fromA[2]!, fromA[4]!], 10);
    const fromB: Uint8Array[] = [];
    for (let i = 0; i < 3; i++) {
      b.send(bytes(100 + i));
      fromB.push(...b.poll(11 + i));
    }
    return { a, b, fromA, fromB };
  }

  it('rejects truncations, extensions and single-bit flips of valid segments without any change', () => {
    const { b, fromA } = busy();
    const before = observe(b, 20);
    let rejected = 0;
    for (const s of fromA) {
      for (let length = 0; length < s.length; length++) {
        expect(b.receive(s.subarray(0, length), 20)).toEqual([]);
        rejected++;
      }
      for (const extra of [[0], [1, 2, 3], [0, 0, 0, 0]]) {
        expect(b.receive(Uint8Array.from([...s, ...extra]), 20)).toEqual([]);
        rejected++;
      }
      for (let bit = 0; bit < s.length * 8; bit++) {
        const flipped = s.slice();
        flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
        expect(b.receive(flipped, 20)).toEqual([]);
        rejected++;
      }
    }
    expect(b.stats.malformed).toBe(rejected);
    expect(observe(b, 20)).toEqual(before);
  });

  it('rejects random bytes without any change', () => {
    const { b } = busy();
    const before = observe(b, 20);
    const prng = new Prng(11);
    for (let i = 0; i < 5000; i++) {
      const junk = new Uint8Array(prng.nextInt(80));
      for (let j = 0; j < junk.length; j++) junk[j] = prng.nextInt(256);
      // Half of them with a valid head byte, to get past the first check.
      if (i % 2 === 0 && junk.length > 0) junk[0] = 0x10 | (i & 2 ? 1 : 0);
      expect(b.receive(junk, 20)).toEqual([]);
    }
    expect(b.stats.malformed).toBe(5000);
    expect(observe(b, 20)).toEqual(before);
  });

  it('requires the SACK to end in a non-zero byte, so that each acknowledgement has one encoding', () => {
    const a = new ReliableChannel();
    for (let i = 0; i < 20; i++) a.send(bytes(i));
    a.poll(0);
    expect(a.receive(segment(0, [0b1, 0], []), 1)).toEqual([]);
    expect(a.stats.malformed).toBe(1);
    expect(a.inFlight).toBe(20);
    expect(a.receive(segment(0, [0b1], []), 1)).toEqual([]);
    expect(a.stats.malformed).toBe(1);
    expect(a.stats.segmentsReceived).toBe(1);
  });

  it('rejects well-checked segments that break a rule: version, flags, SACK shape, lengths, acks of the unsent', () => {
    const { a, b } = busy(); // a has transmitted seq 0..5; b has transmitted 0..2
    const good = segment(1, undefined, []);
    expect(b.receive(good, 20)).toEqual([]); // valid: b's seq 0 acknowledged
    const beforeB = observe(b, 20);
    const beforeA = observe(a, 20);
    const withCheck = (body: number[]) => {
      const check = hashBytes(Uint8Array.from(body), CHECK_SEED);
      return Uint8Array.from([...body, check & 0xff, (check >>> 8) & 0xff, (check >>> 16) & 0xff, check >>> 24]);
    };
    const bad = [
      withCheck([0x20, 0, 0, 0, 0]), // version 2
      withCheck([0x12, 0, 0, 0, 0]), // reserved flag
      withCheck([0x11, 0, 0, 0, 0, 0]), // SACK length 0
      withCheck([0x11, 0, 0, 0, 0, 33, ...new Array<number>(33).fill(1)]), // SACK too long
      withCheck([0x11, 0, 0, 0, 0, 2, 1, 0]), // SACK ending in a zero byte
      withCheck([0x11, 0, 0, 0, 0, 2, 1]), // SACK overrunning
      withCheck([0x10, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 7]), // record shorter than its length
      withCheck([0x10, 0, 0, 0, 0, 0, 0, 0]), // record header cut short
      withCheck([0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0xe9, 0x03, ...new Array<number>(1001).fill(0)]), // 1001 > maxMessageBytes
      segment(4, undefined, []), // b transmitted only 0..2: acking 3 is impossible
      segment(0x7fff_ffff, undefined, []), // far ahead in serial arithmetic
      segment(0, [0b100], []), // SACK of seq 3, never transmitted by b
      segment(1, [0, 0, 0, 0x80], []), // SACK of seq 33
    ];
    for (const s of bad) expect(b.receive(s, 20)).toEqual([]);
    expect(b.stats.malformed).toBe(bad.length);
    expect(observe(b, 20)).toEqual(beforeB);
    // 2^32 - 1 is 2 below b's base (1) in serial arithmetic: a valid, stale ack that changes nothing.
    expect(b.receive(segment(0xffff_ffff, undefined, []), 20)).toEqual([]);
    expect(b.stats.malformed).toBe(bad.length);
    expect(b.inFlight).toBe(2);
    // a transmitted 0..5, so an ack of 4 with a SACK of 5 is fine there: 4 and 5 stay in the window.
    expect(beforeA.inFlight).toBe(6);
    expect(a.receive(segment(4, [0b1], []), 20)).toEqual([]);
    expect(a.inFlight).toBe(2);
    expect(a.stats.malformed).toBe(0);
  });
});
