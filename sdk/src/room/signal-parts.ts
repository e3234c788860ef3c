import { MAX_SIGNAL_PARTS, MAX_SIGNAL_PART_BYTES, MAX_SIGNAL_PAYLOAD_BYTES, isSignalText } from './control-messages.ts';
import type { SignalFields, SignalKind } from './control-messages.ts';

/**
 * Signals (SDP, ICE candidates) longer than one control message travel as consecutive parts:
 * this file splits a payload and joins parts back together.
 *
 * Why parts and not a larger message: a member's control message must fit one frame to the host
 * (1153 bytes), and an SDP often does not. Why joining is simple: the reliable control channel
 * delivers each direction's messages in order and exactly once, and the host forwards a sender's
 * messages in the order they came, so an honest sender's parts reach the receiver consecutively
 * per sender (other senders' messages may come between them). Anything else (a gap, a repeat, a
 * mismatched `kind`, `link` or `parts`) is a hostile or broken sender, or a part lost when the
 * receiver's connection to the host was replaced (the host does not resend what the old one had
 * not delivered): the signal is dropped and counted, and the WebRTC side retries with a new link.
 */

/** A whole signal from another player, as a `RoomClient` raises it. */
export interface Signal {
  readonly from: number;
  readonly kind: SignalKind;
  readonly link: number;
  readonly payload: string;
}

/**
 * How long an incomplete signal is kept waiting for its next part (ms). An honest sender's parts
 * leave together and arrive within a few round trips; 10 s covers a reconnect of the receiver
 * (the member's own silence timeout is 1.5 s, and the grace far shorter than this).
 */
export const SIGNAL_ASSEMBLY_TIMEOUT_MS = 10_000;

/**
 * The parts `payload` is sent as: consecutive pieces of at most MAX_SIGNAL_PART_BYTES each as
 * written in JSON, `['']` for an empty one. Undefined if it cannot be sent: not printable ASCII,
 * CR and LF only, longer than MAX_SIGNAL_PAYLOAD_BYTES, or more than MAX_SIGNAL_PARTS parts.
 */
export function splitSignalPayload(payload: string): string[] | undefined {
  if (payload.length > MAX_SIGNAL_PAYLOAD_BYTES || !isSignalText(payload)) return undefined;
  const parts: string[] = [];
  let start = 0;
  let cost = 0;
  for (let i = 0; i < payload.length; i++) {
    const c = payload.charCodeAt(i);
    const bytes = c === 0x22 || c === 0x5c || c === 0x0d || c === 0x0a ? 2 : 1; // " \ CR LF are escaped
    if (cost + bytes > MAX_SIGNAL_PART_BYTES) {
      parts.push(payload.slice(start, i));
      start = i;
      cost = 0;
    }
    cost += bytes;
  }
  parts.push(payload.slice(start));
  return parts.length > MAX_SIGNAL_PARTS ? undefined : parts;
}

/** A signal whose first parts have come. */
interface Assembly {
  readonly kind: SignalKind;
  readonly link: number;
  readonly parts: number;
  readonly pieces: string[];
  /** Characters held so far (at most MAX_SIGNAL_PAYLOAD_BYTES). */
  length: number;
  readonly startedMs: number;
}

/**
 * Joins the parts of the signals a member receives. Memory is bounded whatever the senders do:
 * at most one incomplete signal per sender slot, each at most MAX_SIGNAL_PAYLOAD_BYTES, so at
 * most 16 × 8 KiB for a room's 16 players; an incomplete one goes when the same sender's next
 * message does not continue it, when the sender leaves (`keepOnly`), or after
 * SIGNAL_ASSEMBLY_TIMEOUT_MS (`expire`). Pure: time is passed in.
 */
export class SignalAssembler {
  private readonly open = new Map<number, Assembly>();
  private droppedCount = 0;

  /** Signals (or parts) refused: broken sequences, over-long payloads, expired or abandoned. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Incomplete signals held now. */
  get pending(): number {
    return this.open.size;
  }

  /** Characters held in incomplete signals now. */
  get heldChars(): number {
    let n = 0;
    for (const a of this.open.values()) n += a.length;
    return n;
  }

  /** One part from the player in slot `from`: the whole signal if this part completes one. */
  add(from: number, message: SignalFields, nowMs: number): Signal | undefined {
    const current = this.open.get(from);
    if (message.part === 0) {
      if (current !== undefined) this.abandon(from); // the sender moved on: what it left is lost
      if (message.parts === 1) return { from, kind: message.kind, link: message.link, payload: message.payload };
      this.open.set(from, { kind: message.kind, link: message.link, parts: message.parts, pieces: [message.payload], length: message.payload.length, startedMs: nowMs });
      return undefined;
    }
    const continues =
      current !== undefined && current.kind === message.kind && current.link === message.link && current.parts === message.parts && current.pieces.length === message.part;
    if (!continues) {
      if (current !== undefined) this.abandon(from);
      this.droppedCount++; // the part itself, which belongs to nothing held
      return undefined;
    }
    current.length += message.payload.length;
    if (current.length > MAX_SIGNAL_PAYLOAD_BYTES) {
      this.abandon(from);
      return undefined;
    }
    current.pieces.push(message.payload);
    if (current.pieces.length < current.parts) return undefined;
    this.open.delete(from);
    return { from, kind: current.kind, link: current.link, payload: current.pieces.join('') };
  }

  /** Drops incomplete signals older than SIGNAL_ASSEMBLY_TIMEOUT_MS (counted). */
  expire(nowMs: number): void {
    for (const [from, a] of this.open) if (nowMs - a.startedMs >= SIGNAL_ASSEMBLY_TIMEOUT_MS) this.abandon(from);
  }

  /** Drops the incomplete signals of senders `isMember` says are gone (counted). */
  keepOnly(isMember: (slot: number) => boolean): void {
    for (const from of this.open.keys()) if (!isMember(from)) this.abandon(from);
  }

  private abandon(from: number): void {
    this.open.delete(from);
    this.droppedCount++;
  }
}
