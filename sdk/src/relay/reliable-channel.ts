/**
 * A reliable, ordered, exactly-once message channel over an unreliable datagram channel (geckos.io's
 * raw WebRTC data channel: unordered, no retransmits), for the room control messages (join,
 * settings, start, drop) that must arrive. Pure and synchronous like the core: no timers, no clock
 * (time comes in as `nowMs`), no I/O. The caller moves the segments: it sends what `poll` returns
 * (behind its own frame-kind byte) and feeds what arrives to `receive`.
 *
 * # Segment format, version 1
 *
 * Multi-byte integers are little-endian (as in docs/protocol.md). A segment is:
 *
 * | offset | size | field | meaning                                                                  |
 * |--------|------|-------|--------------------------------------------------------------------------|
 * | 0      | u8   | head  | high nibble: format version, must be 1. Bit 0: a SACK follows. Bits 1..3 must be 0. So `0x10` or `0x11`. |
 * | 1      | u32  | ack   | cumulative ack: the sequence number this end expects next; it holds every message before it. |
 * | 5      | u8   | L     | only if head bit 0: SACK length in bytes, 1..32.                          |
 * | 6      | L    | sack  | only if head bit 0: bit `b` (value `1 << b`) of byte `j` set = message `ack + 1 + 8j + b` was received (held, waiting for an earlier one). Byte `L - 1` must not be 0. |
 * | ...    |      | records | zero or more, back to back, up to the check.                           |
 * | end-4  | u32  | check | MurmurHash3 x86_32, seed `0x42535243`, of every byte before it.           |
 *
 * A record is one message: `seq` (u32, its sequence number), `length` (u16, at most the receiver's
 * `maxMessageBytes`), then `length` bytes of message. Senders write records in increasing `seq`
 * order; receivers accept any order. A segment without records is a bare ack (9 bytes without
 * SACK). An end never sends a segment larger than its `maxSegmentBytes`, by default
 * `48 + maxMessageBytes` (5 head and ack, 33 SACK, 6 record header, 4 check: 1048 with the
 * defaults); so it sends no message larger than `maxSegmentBytes - 48`. The two limits are apart
 * because a path may carry larger datagrams one way than the other: a member's frames to the host
 * must fit one datagram, while the host's `room-state` may not.
 *
 * Sequence numbers: each end numbers its own messages 0, 1, 2, ... modulo 2^32; both ends start at
 * 0 (so the first `ack` of each end is 0). Two sequence numbers compare by their difference taken
 * as a signed 32-bit integer (serial-number arithmetic), so the count may wrap; windows are far
 * below 2^31.
 *
 * A receiver treats a segment as **malformed**, and ignores all of it, if: it is shorter than 9
 * bytes; the head is not `0x10` or `0x11`; the check does not match; the SACK length is 0 or above
 * 32, or its last byte is 0, or it overruns; a record is cut short, overruns the check, or is longer
 * than `maxMessageBytes`; or it acknowledges what this end never transmitted. With B this end's
 * oldest unacknowledged sequence number and E the first it never transmitted, that is: `ack - B`
 * (signed) > `E - B`, or the highest SACK bit's sequence number s has `s - B` (signed) ≥ `E - B`.
 * (Accepting such an ack would silently lose messages.) An ack with `ack - B` < 0 is stale (a
 * reordered segment): it changes nothing, and only its SACK bits at or above B count.
 *
 * The check is there although WebRTC already protects integrity: the caller multiplexes game
 * packets and control segments on one channel by a single frame-kind byte, and a misrouted or
 * garbled frame must never be taken for a control message.
 *
 * # Behaviour
 *
 * - Sender: messages go out in sequence order, a message only once it is within
 *   `maxOutOfOrder + 1` of the oldest unacknowledged one (so a peer with the same options never
 *   has to drop it). Messages due in the same poll share segments. A message is resent until a
 *   cumulative ack or a SACK bit covers it:
 *   - on its timer. Its first timeout is the base RTO, and each timer resend doubles its own
 *     timeout (capped at `maxRtoMs`). The base RTO is SRTT + 4·RTTVAR (RFC 6298 smoothing) +
 *     `ackDelayMs` (as in QUIC: the peer may hold its ack that long), clamped to [`minRtoMs`,
 *     `maxRtoMs`], `initialRtoMs` before the first sample. Samples come only from messages
 *     transmitted once (Karn's rule: the ack of a resent message could answer any copy); after a
 *     timer resend, new messages keep the backed-off timeout until a sample arrives, or a timeout
 *     below the true round trip would never get one. At most one segment's worth of timer resends
 *     leaves per poll; the rest wait one more base RTO, because when a single ack was lost the
 *     answer to that first resend acknowledges them all. If an ack that acknowledges something new
 *     comes while they wait, and they are still unacknowledged, they were lost, not their ack:
 *     they are resent at the next poll, without backoff (the path works again; one segment per
 *     backed-off timeout would take seconds to clear a backlog of long messages).
 *   - or as soon as it is known lost (time-based, after RACK, RFC 8985): a message last
 *     transmitted more than SRTT/4 + RTTVAR before one that has since been acknowledged is resent
 *     at the next poll, without backoff. A resent message counts as arrived at its latest
 *     transmission only if at least the smallest RTT sample has passed since then.
 * - Receiver: the next expected message is delivered at once, followed by every held message it
 *   unblocks. A message up to `maxOutOfOrder` ahead is held; one further ahead is dropped and
 *   counted (`outOfWindow`), it will be resent; one already delivered or held is counted
 *   (`duplicatesDropped`). Every segment that carries records makes an ack owed; it rides on the
 *   next data segment, or leaves as a bare ack `ackDelayMs` after the first unacknowledged
 *   arrival. Bare acks are never acknowledged, so two idle ends fall silent.
 * - Memory is bounded by the options whatever the peer sends: `maxInFlight` messages queued or
 *   unacknowledged, `maxOutOfOrder` held. Both ends should use the same options, except that an
 *   end may send smaller segments than it receives (`maxSegmentBytes`); what it sends must stay
 *   within the peer's `maxMessageBytes`.
 */
import { hashBytes } from '../kit/hash.ts';

export interface ReliableChannelOptions {
  /** First resend timeout (ms), before an RTT estimate exists. Default 100. */
  readonly initialRtoMs?: number;
  /** Floor and ceiling of the resend timeout (ms). Defaults 20 and 1000. Exponential backoff per resend of the same segment. */
  readonly minRtoMs?: number;
  readonly maxRtoMs?: number;
  /** Messages sent but not yet acknowledged, at most. send() returns false beyond it. Default 256. */
  readonly maxInFlight?: number;
  /**
   * Largest message this end accepts (bytes): a received record longer than this makes its segment
   * malformed. Default 1000 (a segment must fit in one ~1200-byte datagram). Also the largest it
   * sends, unless `maxSegmentBytes` says otherwise.
   */
  readonly maxMessageBytes?: number;
  /**
   * Largest segment this end transmits (bytes, before the caller's frame-kind byte), from 48 (bare
   * acks only) to 65583. Messages are packed so that no segment exceeds it, and `send` refuses a
   * message longer than `maxSegmentBytes - 48` (the most a segment's header, SACK, record header
   * and check can take), which could not fit. Default `48 + maxMessageBytes`. Set it when the path
   * to the peer limits datagrams more than this end's own receive limit does: a room member's
   * segments must fit the host's frame limit, while it receives `room-state`s of up to 8 KB.
   */
  readonly maxSegmentBytes?: number;
  /** Received messages held while an earlier one is missing, at most; a segment beyond the window is dropped (and will be resent). Default 128. */
  readonly maxOutOfOrder?: number;
  /** Delay before a bare acknowledgement is sent when no data segment carries it (ms). Default 10. */
  readonly ackDelayMs?: number;
}

/**
 * The channel's counters. A type alias (not an interface) so that it is also a
 * `Readonly<Record<string, number>>`.
 */
export type ReliableChannelStats = {
  /** Segments returned by `poll`, bare acks included. */
  readonly segmentsSent: number;
  /** Valid segments passed to `receive`. */
  readonly segmentsReceived: number;
  /** Message retransmissions (a resend of three messages in one segment counts 3). */
  readonly resends: number;
  /** Received messages already delivered or held. */
  readonly duplicatesDropped: number;
  /** Segments rejected whole; see the format above. */
  readonly malformed: number;
  /** Received messages too far ahead of the next expected one. */
  readonly outOfWindow: number;
  /** Messages returned by `receive`. */
  readonly messagesDelivered: number;
};

const FORMAT_VERSION = 1;
const HEAD_VERSION = FORMAT_VERSION << 4;
const HEAD_SACK = 0x01;
/** Seed of the segment check: "BSRC" (Backspin reliable channel). */
const CHECK_SEED = 0x42535243;
/** head + ack. */
const ACK_HEADER_BYTES = 5;
/** The SACK covers at most 256 sequence numbers past the ack. */
const MAX_SACK_BYTES = 32;
/** seq (u32) + length (u16). */
const RECORD_HEADER_BYTES = 6;
const CHECK_BYTES = 4;
const MIN_SEGMENT_BYTES = ACK_HEADER_BYTES + CHECK_BYTES;
/** Largest segment apart from the message: head, ack, SACK length and bitmap, record header, check. */
const SEGMENT_OVERHEAD_MAX = ACK_HEADER_BYTES + 1 + MAX_SACK_BYTES + RECORD_HEADER_BYTES + CHECK_BYTES;
/** The send window is kept far below 2^31 so that serial-number comparisons stay unambiguous. */
const MAX_IN_FLIGHT = 65536;
/** The receive window never exceeds what one SACK can describe. */
const MAX_OUT_OF_ORDER = 8 * MAX_SACK_BYTES;
/** A record's length is a u16. */
const MAX_MESSAGE_BYTES_LIMIT = 65535;

const DEFAULTS = {
  initialRtoMs: 100,
  minRtoMs: 20,
  maxRtoMs: 1000,
  maxInFlight: 256,
  maxMessageBytes: 1000,
  maxOutOfOrder: 128,
  ackDelayMs: 10,
} as const;

function readU32(data: Uint8Array, offset: number): number {
  return (data[offset]! | (data[offset + 1]! << 8) | (data[offset + 2]! << 16) | (data[offset + 3]! << 24)) >>> 0;
}

function writeU32(data: Uint8Array, offset: number, value: number): void {
  data[offset] = value;
  data[offset + 1] = value >>> 8;
  data[offset + 2] = value >>> 16;
  data[offset + 3] = value >>> 24;
}

/** Index of the highest set bit of a non-zero byte (0..7). */
function highestBit(byte: number): number {
  return 31 - Math.clz32(byte);
}

function timeOption(name: string, value: number | undefined, fallback: number, allowZero: boolean): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(`ReliableChannel: ${name} must be a finite number of ms ${allowZero ? '≥ 0' : '> 0'}, got ${value}`);
  }
  return value;
}

function countOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`ReliableChannel: ${name} must be an integer in ${min}..${max}, got ${value}`);
  }
  return value;
}

/**
 * One end of a reliable channel. See the top of this file for the segment format and the rules.
 * Not thread-safe and not re-entrant; one instance per peer connection.
 */
export class ReliableChannel {
  readonly #initialRtoMs: number;
  readonly #minRtoMs: number;
  readonly #maxRtoMs: number;
  readonly #maxInFlight: number;
  readonly #maxMessageBytes: number;
  readonly #maxOutOfOrder: number;
  readonly #ackDelayMs: number;
  readonly #maxSegmentBytes: number;

  // Sender: a ring of `maxInFlight` slots; slot `#outHead` holds sequence number `#sndBase`.
  readonly #outData: (Uint8Array | undefined)[];
  /** Time of the first transmission (ms), for RTT samples. */
  readonly #outFirstSentAt: Float64Array;
  /** Time of the latest transmission (ms), for loss detection. */
  readonly #outLastSentAt: Float64Array;
  /** 1 when a later message's ack showed this one lost: resend at once, without backoff. */
  readonly #outLost: Uint8Array;
  /** 1 when its timer resend was held back (one segment of them per poll): lost if a new ack comes first. */
  readonly #outHeldBack: Uint8Array;
  /** When the message is next due for a resend (ms). */
  readonly #outResendAt: Float64Array;
  /** The message's own timeout (ms), doubled at each resend. */
  readonly #outRtoMs: Float64Array;
  /** Transmissions so far; 0 = queued, never sent. */
  readonly #outSends: Uint32Array;
  readonly #outAcked: Uint8Array;
  #outHead = 0;
  /** Oldest unacknowledged sequence number (u32). */
  #sndBase = 0;
  /** Sequence number the next `send` gets (u32). */
  #sndNext = 0;
  /** First sequence number never transmitted (u32). Messages go out in order, so all before it were. */
  #sndSentEnd = 0;

  // Round-trip estimate (RFC 6298), in ms.
  #srttMs = -1;
  #rttVarMs = 0;
  /** Smallest sample so far: an ack sooner than this after a resend must answer an older copy. */
  #minRttMs = Infinity;
  #rtoMs: number;
  // Scratch results of #acknowledge while one segment's ack is applied.
  /** Newest first transmission among newly acknowledged messages sent once (Karn's rule). */
  #ackSampleSentAt = -Infinity;
  /** Newest transmission known to have arrived: what was sent well before it and is unacknowledged is lost. */
  #ackArrivedSentAt = -Infinity;
  /** Whether the segment acknowledged anything not acknowledged before. */
  #ackedNew = false;

  // Receiver: a ring of `maxOutOfOrder + 1` slots; slot `#heldHead` stands for `#rcvNext` (always
  // empty: that message is delivered on arrival), the following ones for the messages after it.
  readonly #held: (Uint8Array | undefined)[];
  #heldHead = 0;
  #heldCount = 0;
  /** Next sequence number to deliver (u32); also the cumulative ack sent to the peer. */
  #rcvNext = 0;
  #ackOwed = false;
  #ackDueAt = 0;

  /** Where segments are assembled before being copied out. */
  readonly #scratch: Uint8Array;

  #segmentsSent = 0;
  #segmentsReceived = 0;
  #resends = 0;
  #duplicatesDropped = 0;
  #malformed = 0;
  #outOfWindow = 0;
  #messagesDelivered = 0;

  /** Throws a `RangeError` if an option is out of range (non-finite or negative times, minRtoMs > maxRtoMs, maxInFlight outside 1..65536, maxOutOfOrder outside 0..256, maxMessageBytes above 65535, maxSegmentBytes outside 48..65583). */
  constructor(options: ReliableChannelOptions = {}) {
    this.#initialRtoMs = timeOption('initialRtoMs', options.initialRtoMs, DEFAULTS.initialRtoMs, false);
    this.#minRtoMs = timeOption('minRtoMs', options.minRtoMs, DEFAULTS.minRtoMs, false);
    this.#maxRtoMs = timeOption('maxRtoMs', options.maxRtoMs, DEFAULTS.maxRtoMs, false);
    if (this.#minRtoMs > this.#maxRtoMs) {
      throw new RangeError(`ReliableChannel: minRtoMs (${this.#minRtoMs}) must be ≤ maxRtoMs (${this.#maxRtoMs})`);
    }
    this.#maxInFlight = countOption('maxInFlight', options.maxInFlight, DEFAULTS.maxInFlight, 1, MAX_IN_FLIGHT);
    this.#maxMessageBytes = countOption(
      'maxMessageBytes', options.maxMessageBytes, DEFAULTS.maxMessageBytes, 0, MAX_MESSAGE_BYTES_LIMIT,
    );
    this.#maxOutOfOrder = countOption('maxOutOfOrder', options.maxOutOfOrder, DEFAULTS.maxOutOfOrder, 0, MAX_OUT_OF_ORDER);
    this.#ackDelayMs = timeOption('ackDelayMs', options.ackDelayMs, DEFAULTS.ackDelayMs, true);
    this.#maxSegmentBytes = countOption(
      'maxSegmentBytes', options.maxSegmentBytes, SEGMENT_OVERHEAD_MAX + this.#maxMessageBytes, SEGMENT_OVERHEAD_MAX, SEGMENT_OVERHEAD_MAX + MAX_MESSAGE_BYTES_LIMIT,
    );
    this.#rtoMs = Math.min(Math.max(this.#initialRtoMs, this.#minRtoMs), this.#maxRtoMs);

    const capacity = this.#maxInFlight;
    this.#outData = new Array<Uint8Array | undefined>(capacity).fill(undefined);
    this.#outFirstSentAt = new Float64Array(capacity);
    this.#outLastSentAt = new Float64Array(capacity);
    this.#outLost = new Uint8Array(capacity);
    this.#outHeldBack = new Uint8Array(capacity);
    this.#outResendAt = new Float64Array(capacity);
    this.#outRtoMs = new Float64Array(capacity);
    this.#outSends = new Uint32Array(capacity);
    this.#outAcked = new Uint8Array(capacity);
    this.#held = new Array<Uint8Array | undefined>(this.#maxOutOfOrder + 1).fill(undefined);
    this.#scratch = new Uint8Array(this.#maxSegmentBytes);
  }

  /** Messages sent and not yet acknowledged (including those queued but not yet transmitted). */
  get inFlight(): number {
    return (this.#sndNext - this.#sndBase) >>> 0;
  }

  /** Most messages `send` takes before it refuses (`inFlight` at most this). */
  get maxInFlight(): number {
    return this.#maxInFlight;
  }

  /**
   * Messages the peer has acknowledged cumulatively, i.e. delivered, since the channel began
   * (modulo 2^32: it is the oldest unacknowledged sequence number). A SACKed message is not
   * counted: the peer holds it but has not delivered it.
   */
  get acknowledged(): number {
    return this.#sndBase;
  }

  /**
   * Copies of the messages the peer has not delivered as far as this end knows, oldest first:
   * every message from the oldest not cumulatively acknowledged on, SACKed ones included (the
   * peer holds those but has not delivered them), and those queued but never transmitted. What a
   * replacement channel must carry again when this one is abandoned.
   */
  unacknowledged(): Uint8Array[] {
    const out: Uint8Array[] = [];
    const count = this.inFlight;
    for (let d = 0; d < count; d++) out.push(this.#outData[(this.#outHead + d) % this.#maxInFlight]!.slice());
    return out;
  }

  /** Smoothed round trip (ms), -1 before a sample. Includes the peer's ack delay. */
  get rttMs(): number {
    return this.#srttMs;
  }

  /** Resend timeout (ms) a message gets at its first transmission. */
  get rtoMs(): number {
    return this.#rtoMs;
  }

  /** Largest segment this end transmits (bytes), before the caller's frame-kind byte. */
  get maxSegmentBytes(): number {
    return this.#maxSegmentBytes;
  }

  /** Largest message `send` takes (bytes): `maxSegmentBytes - 48`, so that any segment can carry it. */
  get maxSendMessageBytes(): number {
    return this.#maxSegmentBytes - SEGMENT_OVERHEAD_MAX;
  }

  /** Received messages held while an earlier one is missing. */
  get heldOutOfOrder(): number {
    return this.#heldCount;
  }

  /** Counters: segmentsSent, segmentsReceived, resends, duplicatesDropped, malformed, outOfWindow, messagesDelivered (a fresh snapshot). */
  get stats(): ReliableChannelStats {
    return Object.freeze({
      segmentsSent: this.#segmentsSent,
      segmentsReceived: this.#segmentsReceived,
      resends: this.#resends,
      duplicatesDropped: this.#duplicatesDropped,
      malformed: this.#malformed,
      outOfWindow: this.#outOfWindow,
      messagesDelivered: this.#messagesDelivered,
    });
  }

  /** Queues a message for exactly-once, in-order delivery. False (nothing queued) if the window is full; throws RangeError if longer than `maxSendMessageBytes`. The channel copies the bytes. */
  send(message: Uint8Array): boolean {
    if (message.length > this.maxSendMessageBytes) {
      throw new RangeError(
        `ReliableChannel.send: message of ${message.length} bytes exceeds the ${this.maxSendMessageBytes} bytes a ${this.#maxSegmentBytes}-byte segment can carry`,
      );
    }
    const inFlight = this.inFlight;
    if (inFlight >= this.#maxInFlight) return false;
    const slot = (this.#outHead + inFlight) % this.#maxInFlight;
    // `new Uint8Array(view)` copies just the view's bytes, also for a Node Buffer (whose slice aliases).
    this.#outData[slot] = new Uint8Array(message);
    this.#outSends[slot] = 0;
    this.#outAcked[slot] = 0;
    this.#outLost[slot] = 0;
    this.#outHeldBack[slot] = 0;
    this.#sndNext = (this.#sndNext + 1) >>> 0;
    return true;
  }

  /** Handles one received segment at time nowMs; returns the messages that are now deliverable, in order (possibly none). A malformed segment is counted and ignored: never throws, never changes state. */
  receive(segment: Uint8Array, nowMs: number): Uint8Array[] {
    const recordsStart = this.#validate(segment);
    if (recordsStart < 0) {
      this.#malformed++;
      return [];
    }
    this.#segmentsReceived++;
    this.#applyAck(segment, nowMs);
    return this.#applyRecords(segment, recordsStart, nowMs);
  }

  /** Segments to transmit now: new messages, resends that are due, and a bare ack if one is owed. Each returned Uint8Array is a fresh segment. */
  poll(nowMs: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    const scratch = this.#scratch;
    const headerBytes = this.#writeHeader();
    const limit = this.#maxSegmentBytes - CHECK_BYTES;
    let cursor = headerBytes;
    // Bytes of timeout resends in this poll. Beyond one segment's worth the rest wait one more RTO:
    // when a single ack was lost, the answer to the first resend acknowledges them all.
    let probeBytes = 0;
    const probeLimit = limit - headerBytes;
    const capacity = this.#maxInFlight;
    const sendable = this.#sendableCount();
    for (let d = 0; d < sendable; d++) {
      const slot = (this.#outHead + d) % capacity;
      if (this.#outAcked[slot] === 1) continue;
      const sends = this.#outSends[slot]!;
      if (sends !== 0 && this.#outResendAt[slot]! > nowMs) continue;
      const data = this.#outData[slot]!;
      const lost = this.#outLost[slot] === 1;
      if (sends !== 0 && !lost) {
        probeBytes += RECORD_HEADER_BYTES + data.length;
        if (probeBytes > probeLimit) {
          this.#outResendAt[slot] = nowMs + this.#rtoMs;
          this.#outHeldBack[slot] = 1;
          continue;
        }
      }
      if (cursor + RECORD_HEADER_BYTES + data.length > limit) {
        out.push(this.#finishSegment(cursor));
        cursor = headerBytes;
      }
      writeU32(scratch, cursor, this.#sndBase + d);
      scratch[cursor + 4] = data.length;
      scratch[cursor + 5] = data.length >>> 8;
      scratch.set(data, cursor + RECORD_HEADER_BYTES);
      cursor += RECORD_HEADER_BYTES + data.length;
      let rto: number;
      if (sends === 0) {
        rto = this.#rtoMs;
        this.#outFirstSentAt[slot] = nowMs;
        this.#sndSentEnd = (this.#sndBase + d + 1) >>> 0;
      } else if (lost) {
        // Detected by acks, not by a timer: nothing suggests the timeout is too short.
        rto = this.#rtoMs;
        this.#outLost[slot] = 0;
        this.#resends++;
      } else {
        rto = Math.min(this.#outRtoMs[slot]! * 2, this.#maxRtoMs);
        // Karn: keep the backed-off timeout for new messages until a clean sample arrives, or a
        // timeout below the true round trip would resend everything and never get a sample.
        if (rto > this.#rtoMs) this.#rtoMs = rto;
        this.#resends++;
      }
      this.#outHeldBack[slot] = 0;
      this.#outLastSentAt[slot] = nowMs;
      this.#outRtoMs[slot] = rto;
      this.#outResendAt[slot] = nowMs + rto;
      this.#outSends[slot] = sends + 1;
    }
    if (cursor > headerBytes) out.push(this.#finishSegment(cursor));
    if (out.length === 0 && this.#ackOwed && nowMs >= this.#ackDueAt) out.push(this.#finishSegment(headerBytes));
    if (out.length > 0) this.#ackOwed = false;
    return out;
  }

  /** Milliseconds until poll() would next have something to send (Infinity if nothing pending), for scheduling. */
  nextPollInMs(nowMs: number): number {
    let due = this.#ackOwed ? this.#ackDueAt : Infinity;
    const capacity = this.#maxInFlight;
    const sendable = this.#sendableCount();
    for (let d = 0; d < sendable; d++) {
      const slot = (this.#outHead + d) % capacity;
      if (this.#outAcked[slot] === 1) continue;
      if (this.#outSends[slot] === 0) return 0;
      const at = this.#outResendAt[slot]!;
      if (at < due) due = at;
    }
    return due <= nowMs ? 0 : due - nowMs;
  }

  /** Queued or unacknowledged messages that may be transmitted: those within the peer's receive window of the oldest. */
  #sendableCount(): number {
    return Math.min(this.inFlight, this.#maxOutOfOrder + 1);
  }

  /**
   * Checks every rule of the format without touching any state. Returns the offset of the first
   * record, or -1 if the segment is malformed.
   */
  #validate(segment: Uint8Array): number {
    const length = segment.length;
    if (length < MIN_SEGMENT_BYTES) return -1;
    const head = segment[0]!;
    if ((head & ~HEAD_SACK) !== HEAD_VERSION) return -1;
    const end = length - CHECK_BYTES;
    if (hashBytes(segment.subarray(0, end), CHECK_SEED) !== readU32(segment, end)) return -1;

    const ack = readU32(segment, 1);
    const sentCount = (this.#sndSentEnd - this.#sndBase) >>> 0;
    if (((ack - this.#sndBase) | 0) > sentCount) return -1;
    let offset = ACK_HEADER_BYTES;
    if ((head & HEAD_SACK) !== 0) {
      if (offset >= end) return -1;
      const sackBytes = segment[offset]!;
      offset++;
      if (sackBytes === 0 || sackBytes > MAX_SACK_BYTES || offset + sackBytes > end) return -1;
      const last = segment[offset + sackBytes - 1]!;
      if (last === 0) return -1;
      const highest = (ack + 1 + 8 * (sackBytes - 1) + highestBit(last)) >>> 0;
      if (((highest - this.#sndBase) | 0) >= sentCount) return -1;
      offset += sackBytes;
    }
    const recordsStart = offset;
    const maxMessageBytes = this.#maxMessageBytes;
    while (offset < end) {
      if (offset + RECORD_HEADER_BYTES > end) return -1;
      const messageBytes = segment[offset + 4]! | (segment[offset + 5]! << 8);
      if (messageBytes > maxMessageBytes) return -1;
      offset += RECORD_HEADER_BYTES + messageBytes;
    }
    return offset === end ? recordsStart : -1;
  }

  /**
   * Marks what the (valid) segment's ack and SACK cover, takes an RTT sample, declares lost what
   * was sent well before something that arrived, and slides the send window.
   */
  #applyAck(segment: Uint8Array, nowMs: number): void {
    const ack = readU32(segment, 1);
    const base = this.#sndBase;
    const capacity = this.#maxInFlight;
    this.#ackSampleSentAt = -Infinity;
    this.#ackArrivedSentAt = -Infinity;
    this.#ackedNew = false;
    // #validate guarantees covered ≤ transmitted; the clamp only keeps a bug from looping for long.
    const covered = Math.min((ack - base) | 0, (this.#sndSentEnd - base) >>> 0);
    for (let d = 0; d < covered; d++) this.#acknowledge((this.#outHead + d) % capacity, nowMs);
    if ((segment[0]! & HEAD_SACK) !== 0) {
      const sackBytes = segment[ACK_HEADER_BYTES]!;
      for (let j = 0; j < sackBytes; j++) {
        const byte = segment[ACK_HEADER_BYTES + 1 + j]!;
        if (byte === 0) continue;
        for (let b = 0; b < 8; b++) {
          if ((byte & (1 << b)) === 0) continue;
          const d = (ack + 1 + 8 * j + b - base) | 0;
          // Below the base: acknowledged already (a stale segment). Above: excluded by #validate.
          if (d >= 0) this.#acknowledge((this.#outHead + d) % capacity, nowMs);
        }
      }
    }
    const sampleSentAt = this.#ackSampleSentAt;
    if (sampleSentAt !== -Infinity && nowMs >= sampleSentAt) this.#updateRtt(nowMs - sampleSentAt);

    // Slide past every acknowledged message at the front.
    let inFlight = this.inFlight;
    while (inFlight > 0 && this.#outAcked[this.#outHead] === 1) {
      this.#outData[this.#outHead] = undefined;
      this.#outAcked[this.#outHead] = 0;
      this.#outSends[this.#outHead] = 0;
      this.#outHead = (this.#outHead + 1) % capacity;
      this.#sndBase = (this.#sndBase + 1) >>> 0;
      inFlight--;
    }

    const sent = (this.#sndSentEnd - this.#sndBase) >>> 0;
    // The path answers: timer resends held back behind the last probe were lost, not just their ack.
    if (this.#ackedNew) {
      for (let d = 0; d < sent; d++) {
        const slot = (this.#outHead + d) % capacity;
        if (this.#outHeldBack[slot] === 0 || this.#outAcked[slot] === 1) continue;
        this.#outHeldBack[slot] = 0;
        this.#outLost[slot] = 1;
        this.#outResendAt[slot] = nowMs;
      }
    }

    // Time-based loss detection (after RACK, RFC 8985): a message last transmitted more than a
    // quarter round trip before one that has arrived is lost, not just late, so it is resent now
    // instead of at its timeout. The quarter absorbs ordinary reordering.
    const arrivedSentAt = this.#ackArrivedSentAt;
    if (arrivedSentAt === -Infinity || this.#srttMs < 0) return;
    const lostBefore = arrivedSentAt - (this.#srttMs / 4 + this.#rttVarMs);
    for (let d = 0; d < sent; d++) {
      const slot = (this.#outHead + d) % capacity;
      if (this.#outAcked[slot] === 1 || this.#outLost[slot] === 1 || this.#outLastSentAt[slot]! >= lostBefore) continue;
      this.#outLost[slot] = 1;
      this.#outResendAt[slot] = nowMs;
    }
  }

  /** Marks the message in `slot` acknowledged (once) and notes its transmission times. */
  #acknowledge(slot: number, nowMs: number): void {
    if (this.#outAcked[slot] === 1) return;
    this.#ackedNew = true;
    this.#outAcked[slot] = 1;
    this.#outLost[slot] = 0;
    this.#outHeldBack[slot] = 0;
    // The data stays until the cumulative ack passes it: a SACKed message is held by the peer, not
    // delivered, and `unacknowledged()` must still have it if this channel is replaced.
    if (this.#outSends[slot] === 1) {
      const sentAt = this.#outFirstSentAt[slot]!;
      if (sentAt > this.#ackSampleSentAt) this.#ackSampleSentAt = sentAt;
      if (sentAt > this.#ackArrivedSentAt) this.#ackArrivedSentAt = sentAt;
    } else {
      // Which copy arrived is unknown; the latest one can only be meant if at least the smallest
      // round trip has passed since it left.
      const lastSentAt = this.#outLastSentAt[slot]!;
      if (nowMs - lastSentAt >= this.#minRttMs && lastSentAt > this.#ackArrivedSentAt) this.#ackArrivedSentAt = lastSentAt;
    }
  }

  /** RFC 6298 smoothing (gains 1/8 and 1/4) and timeout. */
  #updateRtt(sampleMs: number): void {
    if (sampleMs < this.#minRttMs) this.#minRttMs = sampleMs;
    if (this.#srttMs < 0) {
      this.#srttMs = sampleMs;
      this.#rttVarMs = sampleMs / 2;
    } else {
      this.#rttVarMs = 0.75 * this.#rttVarMs + 0.25 * Math.abs(this.#srttMs - sampleMs);
      this.#srttMs = 0.875 * this.#srttMs + 0.125 * sampleMs;
    }
    // Plus the ack delay, as in QUIC: the peer may hold its ack that long, and a sample that caught
    // a piggybacked ack does not show it.
    const rto = this.#srttMs + 4 * this.#rttVarMs + this.#ackDelayMs;
    this.#rtoMs = Math.min(Math.max(rto, this.#minRtoMs), this.#maxRtoMs);
  }

  /** Delivers or holds each record of a (valid) segment. */
  #applyRecords(segment: Uint8Array, recordsStart: number, nowMs: number): Uint8Array[] {
    const delivered: Uint8Array[] = [];
    const end = segment.length - CHECK_BYTES;
    if (recordsStart === end) return delivered;
    const window = this.#maxOutOfOrder;
    const ring = window + 1;
    let offset = recordsStart;
    while (offset < end) {
      const seq = readU32(segment, offset);
      const messageBytes = segment[offset + 4]! | (segment[offset + 5]! << 8);
      const start = offset + RECORD_HEADER_BYTES;
      offset = start + messageBytes;
      const d = (seq - this.#rcvNext) | 0;
      if (d < 0) {
        this.#duplicatesDropped++;
      } else if (d > window) {
        this.#outOfWindow++;
      } else if (d === 0) {
        delivered.push(copyOut(segment, start, messageBytes));
        this.#advanceReceive();
        // Then everything the arrival unblocked.
        for (;;) {
          const next = this.#held[this.#heldHead];
          if (next === undefined) break;
          this.#held[this.#heldHead] = undefined;
          this.#heldCount--;
          delivered.push(next);
          this.#advanceReceive();
        }
      } else {
        const slot = (this.#heldHead + d) % ring;
        if (this.#held[slot] !== undefined) {
          this.#duplicatesDropped++;
        } else {
          this.#held[slot] = copyOut(segment, start, messageBytes);
          this.#heldCount++;
        }
      }
    }
    this.#messagesDelivered += delivered.length;
    // Every data segment is answered, duplicates included: a duplicate usually means our ack was lost.
    if (!this.#ackOwed) {
      this.#ackOwed = true;
      this.#ackDueAt = nowMs + this.#ackDelayMs;
    }
    return delivered;
  }

  #advanceReceive(): void {
    this.#rcvNext = (this.#rcvNext + 1) >>> 0;
    this.#heldHead = (this.#heldHead + 1) % (this.#maxOutOfOrder + 1);
  }

  /** Writes head, ack and SACK into the scratch buffer; returns their length (bytes). */
  #writeHeader(): number {
    const scratch = this.#scratch;
    writeU32(scratch, 1, this.#rcvNext);
    let sackBytes = 0;
    if (this.#heldCount > 0) {
      const bitmap = ACK_HEADER_BYTES + 1;
      scratch.fill(0, bitmap, bitmap + MAX_SACK_BYTES);
      const ring = this.#maxOutOfOrder + 1;
      let highest = 0;
      for (let d = 1; d <= this.#maxOutOfOrder; d++) {
        if (this.#held[(this.#heldHead + d) % ring] === undefined) continue;
        const bit = d - 1;
        const at = bitmap + (bit >> 3);
        scratch[at] = scratch[at]! | (1 << (bit & 7));
        highest = d;
      }
      if (highest > 0) sackBytes = ((highest - 1) >> 3) + 1;
    }
    if (sackBytes === 0) {
      scratch[0] = HEAD_VERSION;
      return ACK_HEADER_BYTES;
    }
    scratch[0] = HEAD_VERSION | HEAD_SACK;
    scratch[ACK_HEADER_BYTES] = sackBytes;
    return ACK_HEADER_BYTES + 1 + sackBytes;
  }

  /** Appends the check to the first `length` scratch bytes and returns a fresh copy of the segment. */
  #finishSegment(length: number): Uint8Array {
    const scratch = this.#scratch;
    writeU32(scratch, length, hashBytes(scratch.subarray(0, length), CHECK_SEED));
    this.#segmentsSent++;
    return scratch.slice(0, length + CHECK_BYTES);
  }
}

/** A message's own copy of its bytes, so that the caller may reuse its receive buffer. */
function copyOut(segment: Uint8Array, start: number, length: number): Uint8Array {
  const copy = new Uint8Array(length);
  copy.set(segment.subarray(start, start + length));
  return copy;
}
