import { describe, expect, it } from 'vitest';
import { hashBytes } from '../../sdk/src/kit/hash.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { ReliableChannel } from '../../sdk/src/relay/reliable-channel.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';
import { SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';

const CHECK_SEED = 0x42535243;
const MESSAGES = 1500;
/** Junk segments fed to each end. */
const JUNK_PER_SIDE = 12_000;

function messageBytes(side: number, index: number): Uint8Array {
  const out = new Uint8Array(2 + ((index * 31 + side) % 40));
  out[0] = index;
  out[1] = index >>> 8;
  for (let i = 2; i < out.length; i++) out[i] = (index + i * side) & 0xff;
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function u32le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
}

/** Appends a correct check, so that only the format's other rules can reject it. */
function withCheck(body: number[]): Uint8Array {
  return Uint8Array.from([...body, ...u32le(hashBytes(Uint8Array.from(body), CHECK_SEED))]);
}

/** Junk made from nothing or from genuine segments of the same direction. */
class JunkMaker {
  readonly #prng: Prng;
  readonly #samples: Uint8Array[] = [];
  /** Junk that must be rejected as malformed. */
  malformed = 0;
  /** Verbatim replays of genuine segments (valid: stale network duplicates). */
  replays = 0;
  /** Records of valid, well-checked segments that lie outside the receive window or long before it. */
  unwantedRecords = 0;

  constructor(seed: number) {
    this.#prng = new Prng(seed);
  }

  /** Keeps some genuine segments of the direction being fuzzed, to mutate or replay. */
  observe(segment: Uint8Array): void {
    if (this.#samples.length < 64) this.#samples.push(segment.slice());
    else if (this.#prng.nextInt(8) === 0) this.#samples[this.#prng.nextInt(64)] = segment.slice();
  }

  /**
   * One junk segment for a receiver that has queued `sentByReceiver` messages of its own (at least
   * what it transmitted) and delivered `receiverExpects`.
   */
  make(sentByReceiver: number, receiverExpects: number): Uint8Array {
    const p = this.#prng;
    const count = this.#samples.length;
    if (count === 0) return this.#mutated(this.#random());
    const sample = this.#samples[p.nextInt(count)]!;
    switch (p.nextInt(9)) {
      case 1: {
        // Flip 1..4 bits.
        const out = sample.slice();
        const flips = 1 + p.nextInt(4);
        for (let i = 0; i < flips; i++) {
          const bit = p.nextInt(out.length * 8);
          out[bit >> 3] = out[bit >> 3]! ^ (1 << (bit & 7));
        }
        return this.#mutated(out);
      }
      case 2: {
        // Overwrite a run of bytes.
        const out = sample.slice();
        const at = p.nextInt(out.length);
        for (let i = at; i < Math.min(out.length, at + 1 + p.nextInt(8)); i++) out[i] = p.nextInt(256);
        return this.#mutated(out);
      }
      case 3:
        return this.#mutated(sample.slice(0, p.nextInt(sample.length)));
      case 4: {
        const extra = Array.from({ length: 1 + p.nextInt(6) }, () => p.nextInt(256));
        return this.#mutated(Uint8Array.from([...sample, ...extra]));
      }
      case 5: {
        // Two genuine segments spliced.
        const other = this.#samples[p.nextInt(count)]!;
        return this.#mutated(Uint8Array.from([...sample.subarray(0, p.nextInt(sample.length)), ...other.subarray(p.nextInt(other.length))]));
      }
      case 6:
        this.replays++;
        return sample.slice();
      case 7: {
        // Well-checked but hostile: an ack (and maybe a SACK) of messages the receiver never sent.
        this.malformed++;
        const ack = (sentByReceiver + 1 + p.nextInt(1 << 30)) >>> 0;
        if (p.nextBool()) return withCheck([0x10, ...u32le(ack)]);
        const sackBytes = 1 + p.nextInt(4);
        return withCheck([0x11, ...u32le(ack), sackBytes, ...Array.from({ length: sackBytes }, () => 1 + p.nextInt(255))]);
      }
      case 8: {
        // Well-checked and valid, but every record lies beyond the receive window or long before it.
        const records: number[] = [];
        const n = 1 + p.nextInt(3);
        for (let i = 0; i < n; i++) {
          const seq = p.nextBool() ? receiverExpects + 129 + p.nextInt(1 << 30) : receiverExpects - 1 - p.nextInt(1 << 30);
          records.push(...u32le(seq >>> 0), 1, 0, 0xee);
        }
        this.unwantedRecords += n;
        return withCheck([0x10, ...u32le(0), ...records]);
      }
      default:
        return this.#mutated(this.#random());
    }
  }

  /** Random bytes, half of them behind a plausible head byte. */
  #random(): Uint8Array {
    const p = this.#prng;
    const out = new Uint8Array(p.nextInt(1100));
    for (let i = 0; i < out.length; i++) out[i] = p.nextInt(256);
    if (out.length > 0 && p.nextBool()) out[0] = 0x10 | p.nextInt(2);
    return out;
  }

  /** Counts junk as malformed, unless the mutation happened to rebuild a genuine segment. */
  #mutated(out: Uint8Array): Uint8Array {
    if (this.#samples.some((sample) => sameBytes(out, sample))) this.replays++;
    else this.malformed++;
    return out;
  }
}

describe('ReliableChannel fuzz', () => {
  it(`survives ${2 * JUNK_PER_SIDE} junk segments into a live pair and still delivers everything exactly once, in order`, () => {
    const profiles = loadNetworkProfiles();
    const clock = new VirtualClock();
    const network = new SimulatedNetwork({ seed: 42, clock, profile: getProfile(profiles, 'wifi') });
    const sides = [0, 1].map((id) => ({
      id,
      endpoint: network.endpoint(id === 0 ? 'a' : 'b'),
      peer: id === 0 ? 'b' : 'a',
      channel: new ReliableChannel(),
      /** Junk for this side, made from its peer's segments. */
      junk: new JunkMaker(100 + id),
      junkFed: 0,
      nextIndex: 0,
      expected: 0,
    }));
    const traffic = new Prng(9);

    for (let tick = 0; tick < 200_000; tick++) {
      const now = tick * 5; // a 200 Hz loop
      clock.set(now);
      let busy = false;
      for (const side of sides) {
        const other = sides[1 - side.id]!;
        for (const datagram of side.endpoint.receive()) {
          side.junk.observe(datagram.data);
          for (const message of side.channel.receive(datagram.data, now)) {
            const index = side.expected++;
            expect(sameBytes(message, messageBytes(other.id, index)), `side ${side.id} message ${index}`).toBe(true);
          }
        }
        // Junk arrives in the first part of the run, mixed with the genuine segments.
        for (let i = 0; i < 12 && side.junkFed < JUNK_PER_SIDE; i++, side.junkFed++) {
          expect(side.channel.receive(side.junk.make(side.nextIndex, side.expected), now)).toEqual([]);
        }
        if (side.nextIndex < MESSAGES && traffic.nextInt(3) === 0) {
          if (side.channel.send(messageBytes(side.id, side.nextIndex))) side.nextIndex++;
        }
        for (const segment of side.channel.poll(now)) side.endpoint.send(side.peer, segment);
        expect(side.channel.heldOutOfOrder).toBeLessThanOrEqual(128);
        expect(side.channel.inFlight).toBeLessThanOrEqual(256);
        busy ||= side.nextIndex < MESSAGES || side.junkFed < JUNK_PER_SIDE || side.channel.inFlight > 0;
        busy ||= side.channel.nextPollInMs(now) !== Infinity;
      }
      if (!busy && network.nextDeliveryTime() === Infinity) break;
    }

    for (const side of sides) {
      expect(side.junkFed).toBe(JUNK_PER_SIDE);
      expect(side.nextIndex).toBe(MESSAGES);
      expect(side.expected).toBe(MESSAGES);
      expect(side.channel.inFlight).toBe(0);
      expect(side.channel.heldOutOfOrder).toBe(0);
      const stats = side.channel.stats;
      // Every mutated segment was rejected; replays and out-of-window ones were accepted and dropped.
      expect(stats.malformed).toBe(side.junk.malformed);
      expect(stats.messagesDelivered).toBe(MESSAGES);
      expect(stats.outOfWindow + stats.duplicatesDropped).toBeGreaterThanOrEqual(side.junk.unwantedRecords);
      expect(side.junk.malformed).toBeGreaterThan(JUNK_PER_SIDE * 0.6);
      expect(side.junk.replays).toBeGreaterThan(500);
    }
  });

  it('a fresh channel fed 20,000 random segments is unchanged and works normally afterwards', () => {
    const prng = new Prng(77);
    const victim = new ReliableChannel();
    const peer = new ReliableChannel();
    for (let i = 0; i < 20_000; i++) {
      const junk = new Uint8Array(prng.nextInt(64));
      for (let j = 0; j < junk.length; j++) junk[j] = prng.nextInt(256);
      if (junk.length > 0 && i % 2 === 0) junk[0] = 0x10 | (i & 1);
      expect(victim.receive(junk, i)).toEqual([]);
    }
    expect(victim.stats).toEqual({
      segmentsSent: 0,
      segmentsReceived: 0,
      resends: 0,
      duplicatesDropped: 0,
      malformed: 20_000,
      outOfWindow: 0,
      messagesDelivered: 0,
    });
    expect(victim.nextPollInMs(0)).toBe(Infinity);
    for (let i = 0; i < 300; i++) {
      expect(peer.send(Uint8Array.of(i & 0xff, i >> 8))).toBe(true);
      if (i % 50 === 49) {
        const got = peer.poll(30_000 + i).flatMap((s) => victim.receive(s, 30_001 + i));
        expect(got.map((m) => m[0]! | (m[1]! << 8))).toEqual(Array.from({ length: 50 }, (_, k) => i - 49 + k));
        for (const ack of victim.poll(40_000 + i)) peer.receive(ack, 40_002 + i);
        expect(peer.inFlight).toBe(0);
      }
    }
  });
});
