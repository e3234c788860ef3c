import type { RoomAuthority } from '../room/room-authority.ts';
import type { ClientControlMessage, ControlMessage, SignalFields } from '../room/control-messages.ts';
import { encodeControlMessage } from '../room/control-messages.ts';
import type { MemberRole } from '../room/room-state.ts';
import { SECRET_HOLDERS, successionLine } from '../migration/succession.ts';
import { TokenBucket } from './token-bucket.ts';

/**
 * Control messages a member's channel may have unacknowledged before the service stops forwarding
 * signals to it (dropped, counted as 'signal-backlog'): three quarters of the channel's 256. Past
 * 256 the host gives up on the member, so without this, other members' signals (15 senders × a
 * burst of 240) could get an honest member disconnected; the last 64 stay for room states and
 * match decisions.
 */
const SIGNAL_BACKLOG_LIMIT = 192;
/**
 * Signal messages from one sender a member's channel may have unacknowledged (beyond, dropped as
 * 'signal-backlog'). Each sender has a share of SIGNAL_BACKLOG_LIMIT that no other can take:
 * 15 senders × 12 = 180, so a flood from some members cannot crowd out another's signals. 12
 * holds a whole 8 KiB SDP (9 parts) and then some; messages leave the backlog when acknowledged,
 * within a round trip and the 10-ms ack delay, so an honest sender trickling candidates never
 * comes near it.
 */
const SIGNAL_BACKLOG_PER_SENDER = 12;
/** Why the service dropped a member's control message (the relay counts them with its own, see `RelayDropReason`). */
export const AuthorityDropReason = {
  /** A room request the authority refused (the member is told why with an `error`). */
  NotPermitted: 'not-permitted',
  /** A chat line over the member's chat rate (`chatPerSecond`). */
  ChatRateLimited: 'chat-rate-limited',
  /** A room request over the member's request rate (`requestsPerSecond`). */
  RequestRateLimited: 'request-rate-limited',
  /**
   * A signal that may not go where it says: from a spectator, or to a slot that is not another
   * player of the sender's room with a live connection.
   */
  BadSignal: 'bad-signal',
  /** A signal over the member's signal rate (`signalsPerSecond`). */
  SignalRateLimited: 'signal-rate-limited',
  /**
   * A signal to a member whose control channel is backed up, or that already has as many of the
   * sender's signals unacknowledged as one sender may (see SIGNAL_BACKLOG_LIMIT).
   */
  SignalBacklog: 'signal-backlog',
} as const;
export type AuthorityDropReason = (typeof AuthorityDropReason)[keyof typeof AuthorityDropReason];

/** A member of a room as the service knows it: where it sits, and the token that proves it is the same member. */
export interface AuthorityMember {
  readonly code: string;
  readonly slot: number;
  readonly role: MemberRole;
  readonly token: string;
}

/**
 * The state of a member's reliable control channel that signal forwarding is limited by (a
 * `ReliableChannel` is one): its sequence numbers are the channel's, u32.
 */
export interface ControlBacklog {
  /** Oldest unacknowledged sequence number (u32). */
  readonly acknowledged: number;
  /** Messages sent and not yet acknowledged. */
  readonly inFlight: number;
}

/** Per-member limits on control requests. Each is a token bucket per member, kept across its reconnects. */
export interface AuthorityServiceLimits {
  /**
   * Chat lines a member may send per second, sustained, and in a burst (a token bucket per member,
   * kept across its reconnects). The host sends every line to every member of the room, so a
   * room's chat costs each member the sum of everyone's. Lines beyond are dropped (counted as
   * 'chat-rate-limited'), and the member is told once with an `error` control message (code
   * 'rate-limited'), not again until it has slowed down enough to fill the burst again (not once
   * per line). Defaults 2 and 5: faster than anyone types, and a few lines sent at once pass; 8
   * members at the limit make 16 lines a second for each member, where issue 8 measured 4,000.
   */
  readonly chatPerSecond?: number;
  /** Chat lines a member may send at once (burst); see `chatPerSecond`. Default 5. */
  readonly chatBurst?: number;
  /**
   * Other room requests a member may send per second (set-ready, set-look, update-settings, start-match,
   * end-match), sustained, and in a burst; leaving is never limited. Each accepted change makes
   * the host send the whole room state to every member. Beyond, requests are dropped (counted as
   * 'request-rate-limited') and the member is told once as for chat. Defaults 10 and 20: more than
   * any lobby needs (toggling ready, stepping through a setting), far less than a loop sends.
   */
  readonly requestsPerSecond?: number;
  /** Room requests a member may send at once (burst); see `requestsPerSecond`. Default 20. */
  readonly requestBurst?: number;
  /**
   * Signal messages (WebRTC offers, answers, candidates, one message per part) a member may send
   * per second, sustained, and in a burst (a token bucket per member, kept across its reconnects).
   * Beyond, they are dropped (counted as 'signal-rate-limited') and the member is told once per
   * flood as for chat. Defaults 20 and 240: a 16-player mesh setting up at once costs each member
   * 15 peers × (an offer or answer of up to 2 parts, about 8 candidates, an end-of-candidates)
   * ≈ 165 messages, which the burst takes whole; the rate refills it in 12 s and lets a pair
   * renegotiate or reconnect about twice a second.
   */
  readonly signalsPerSecond?: number;
  /** Signal messages a member may send at once (burst); see `signalsPerSecond`. Default 240. */
  readonly signalBurst?: number;
}

export interface AuthorityServiceOptions extends AuthorityServiceLimits {
  /** The rooms this service serves. Whoever admits members calls it too (create, join, connection lost). */
  readonly authority: RoomAuthority;
  /**
   * The player slot of the member that runs this service, when a player took the room over after
   * its host (migration/successor-host.ts): it is left out of the line its secrets go to, since
   * they must survive its own loss. Undefined on a host process.
   */
  readonly holderSlot?: number;
}

/**
 * Everything the service does to the world outside it. Called synchronously, from within the
 * service's own calls; each may call back into `memberDisconnected`.
 */
export interface AuthorityServiceCallbacks {
  /**
   * Sends one encoded control message to a member over its reliable channel (the same bytes may
   * go to several members). Nothing if it has no channel now.
   */
  sendControl(code: string, slot: number, bytes: Uint8Array): void;
  /** The backlog of the member's control channel now, or undefined if it has none. */
  controlBacklog(code: string, slot: number): ControlBacklog | undefined;
  /** Ends the member's channel, if it has one (it asked to leave); its slot is the authority's business. */
  closeMember(code: string, slot: number): void;
  /**
   * The authority dropped a member during a match (its room was told first with `member-dropped`):
   * end its channel and forget what was kept for its reconnects. (A member leaving the lobby frees
   * its slot without this: the next member there comes with another token and starts afresh.)
   */
  memberDropped(code: string, slot: number): void;
  /** The room is gone: end its members' channels and forget it. */
  roomClosed(code: string): void;
  /** A member's control message was dropped (counted by the caller). */
  dropped(reason: AuthorityDropReason): void;
}

/** What the service keeps of a member across its channels, until the member is gone. */
interface MemberLimits {
  readonly token: string;
  /** Its chat lines, its other room requests, and its signal messages (see `AuthorityServiceLimits`). */
  readonly chat: RequestLimit;
  readonly requests: RequestLimit;
  readonly signals: RequestLimit;
}

/** A rate limit on one kind of a member's requests, and whether it was told it is over it. */
interface RequestLimit {
  readonly bucket: TokenBucket;
  readonly burst: number;
  /** Set when the member is told it is over the limit; cleared once it has slowed down (its bucket is full again). */
  told: boolean;
}

/** A member with a channel now. */
interface Reachable {
  readonly role: MemberRole;
  /**
   * Per sender slot, the control-channel sequence numbers of the signals forwarded to this member
   * on its current channel that may still be unacknowledged (at most SIGNAL_BACKLOG_PER_SENDER each).
   */
  readonly signalSeqs: Map<number, number[]>;
}

/** A rate and a burst, resolved. */
interface Rate {
  readonly perSecond: number;
  readonly burst: number;
}

/**
 * The room authority's control plane: hands members' decoded control messages (room requests,
 * chat, signals) to the `RoomAuthority` or on to the members concerned, within per-member limits,
 * and turns the authority's decisions into control messages. It knows members by room code and
 * slot, and reaches them only through its callbacks: no connection, frame, socket, ping or timer,
 * and time is passed in (ms). So it runs the same in the host's relay today as on a member that
 * takes over the rooms after the host is gone.
 *
 * Whoever carries the channels tells it which members have one now (`memberConnected`,
 * `memberDisconnected`), and calls `drain` after changing the authority itself.
 */
export class AuthorityService {
  readonly authority: RoomAuthority;
  private readonly callbacks: AuthorityServiceCallbacks;
  private readonly chat: Rate;
  private readonly requests: Rate;
  private readonly signals: Rate;
  private readonly holderSlot: number | undefined;
  /** Room code → slot → the member's channel, for members with one now (in the order they got it). */
  private readonly reachable = new Map<string, Map<number, Reachable>>();
  /** Room code → slot → the member's limits (kept while it reconnects; forgotten with the member). */
  private readonly limits = new Map<string, Map<number, MemberLimits>>();
  /**
   * Room code → slot → the encoded `handover` last sent to that member on its current channel,
   * for the first SECRET_HOLDERS of the room's line of succession only (at most 2 per room).
   */
  private readonly handedOver = new Map<string, Map<number, Uint8Array>>();

  constructor(options: AuthorityServiceOptions, callbacks: AuthorityServiceCallbacks) {
    this.authority = options.authority;
    this.callbacks = callbacks;
    this.holderSlot = options.holderSlot;
    this.chat = rate('chat', options.chatPerSecond ?? 2, options.chatBurst ?? 5);
    this.requests = rate('requests', options.requestsPerSecond ?? 10, options.requestBurst ?? 20);
    this.signals = rate('signals', options.signalsPerSecond ?? 20, options.signalBurst ?? 240);
  }

  /**
   * A member has a (new) channel: greets it with its slot, token and the authority's epoch, then
   * the room as it is, the running match if there is one, and the room's `handover` if it is one
   * of the first two in the line of succession. Signals forwarded on an earlier channel no longer
   * count against the new one's backlog, and a handover sent on it counts as never sent.
   */
  memberConnected(member: AuthorityMember): void {
    const { code, slot } = member;
    let slots = this.reachable.get(code);
    if (slots === undefined) {
      slots = new Map();
      this.reachable.set(code, slots);
    }
    slots.delete(slot); // a new channel goes last, as a new connection would
    slots.set(slot, { role: member.role, signalSeqs: new Map() });
    this.handedOver.get(code)?.delete(slot);
    this.limitsOf(member);
    const room = this.authority.room(code);
    this.send(code, slot, { type: 'welcome', slot, code, token: member.token, epoch: room?.epoch ?? 0 });
    this.drain();
    if (room !== undefined) {
      this.send(code, slot, { type: 'room-state', state: room });
      if (room.phase === 'playing' && room.match !== undefined) this.send(code, slot, { type: 'match-start', match: room.match, epoch: room.match.epoch });
      this.sendHandovers(code);
    }
  }

  /** A member's channel is gone (it may come back with another): nothing more is sent to it. */
  memberDisconnected(code: string, slot: number): void {
    this.reachable.get(code)?.delete(slot);
    this.handedOver.get(code)?.delete(slot);
  }

  /**
   * One decoded control message from a member, handled in place. Changes to the authority are
   * sent to the members at the next `drain`: call it once after a batch of messages.
   */
  onControl(from: AuthorityMember, message: ClientControlMessage, nowMs: number): void {
    const { code, slot } = from;
    const limits = this.limitsOf(from);
    const refuse = (what: string, result: { ok: boolean; error?: string }) => {
      if (result.ok) return;
      this.callbacks.dropped('not-permitted');
      this.send(code, slot, { type: 'error', code: result.error ?? 'refused', message: `${what} refused: ${result.error ?? 'not permitted'}` });
    };
    switch (message.type) {
      case 'set-ready':
      case 'set-look':
      case 'update-settings':
      case 'start-match':
      case 'end-match':
      case 'rejoin-match':
      case 'match-rejoined':
        if (!this.withinLimit(from, limits.requests, 'request-rate-limited', 'requests', nowMs)) return;
        break;
      case 'chat':
        if (!this.withinLimit(from, limits.chat, 'chat-rate-limited', 'chat lines', nowMs)) return;
        break;
      case 'signal':
        // A spectator's are refused before they cost it anything: it can never have a direct link.
        if (from.role !== 'player') {
          this.callbacks.dropped('bad-signal');
          return;
        }
        if (!this.withinLimit(from, limits.signals, 'signal-rate-limited', 'signals', nowMs)) return;
        break;
    }
    switch (message.type) {
      case 'hello':
        return; // the member was placed when it was admitted
      case 'set-ready':
        refuse('set-ready', this.authority.setReady(code, slot, message.ready));
        return;
      case 'set-look':
        refuse('set-look', this.authority.setLook(code, slot, message.color, message.shape));
        return;
      case 'update-settings':
        refuse('update-settings', this.authority.updateSettings(code, slot, message.settings));
        return;
      case 'start-match':
        refuse('start-match', this.authority.start(code, slot, nowMs));
        return;
      case 'end-match':
        refuse('end-match', this.authority.endMatch(code, slot));
        return;
      case 'rejoin-match':
        refuse('rejoin-match', this.authority.rejoinMatch(code, slot, message.matchId));
        return;
      case 'match-rejoined':
        refuse('match-rejoined', this.authority.matchRejoined(code, slot, message.matchId));
        return;
      case 'leave':
        this.authority.leave(code, slot);
        this.callbacks.closeMember(code, slot);
        return;
      case 'chat':
        this.broadcast(code, { type: 'chat', slot, text: message.text });
        return;
      case 'signal':
        this.forwardSignal(from, message.to, message);
        return;
    }
  }

  /** The authority's own timers (reconnect graces), then its decisions sent. */
  tick(nowMs: number): void {
    this.authority.tick(nowMs);
    this.drain();
  }

  /**
   * Turns the authority's decisions into control messages to the members concerned; then, for
   * each room that changed, its `handover` to the first two of its line of succession that do not
   * have this one yet.
   */
  drain(): void {
    const changed = new Set<string>();
    for (const event of this.authority.events()) {
      if (event.type !== 'room-closed') changed.add(event.code);
      switch (event.type) {
        case 'room-changed':
        case 'match-ended':
        case 'owner-changed': {
          const state = this.authority.room(event.code);
          if (state !== undefined) this.broadcast(event.code, { type: 'room-state', state });
          break;
        }
        case 'match-started':
          this.broadcast(event.code, { type: 'match-start', match: event.match, epoch: event.match.epoch });
          break;
        case 'member-dropped':
          this.broadcast(event.code, { type: 'member-dropped', slot: event.slot, reason: event.reason, epoch: event.epoch });
          this.callbacks.memberDropped(event.code, event.slot);
          this.limits.get(event.code)?.delete(event.slot);
          break;
        case 'member-rejoining':
          this.broadcast(event.code, { type: 'member-rejoining', slot: event.slot, matchId: event.matchId, returnId: event.returnId, epoch: event.epoch });
          break;
        case 'room-closed':
          this.callbacks.roomClosed(event.code);
          this.reachable.delete(event.code);
          this.limits.delete(event.code);
          this.handedOver.delete(event.code);
          changed.delete(event.code);
          break;
      }
    }
    for (const code of changed) this.sendHandovers(code);
  }

  // ---- internals ----------------------------------------------------------------------------

  /**
   * Sends the room's handover to each of the first SECRET_HOLDERS of its line of succession
   * (computed from the state the members were sent, as they compute it) that has a channel now
   * and was not sent this very handover on it; forgets what was sent to members no longer among
   * them.
   */
  private sendHandovers(code: string): void {
    const state = this.authority.room(code);
    const sent = this.handedOver.get(code);
    if (state === undefined) {
      this.handedOver.delete(code);
      return;
    }
    const holders = successionLine(state, (slot) => slot !== this.holderSlot).slice(0, SECRET_HOLDERS);
    if (sent !== undefined) for (const slot of [...sent.keys()]) if (!holders.includes(slot)) sent.delete(slot);
    const reachable = this.reachable.get(code);
    let bytes: Uint8Array | undefined;
    for (const slot of holders) {
      if (reachable?.has(slot) !== true) continue;
      bytes ??= encodeControlMessage({ type: 'handover', handover: this.authority.exportRoom(code)! }); // open: room() found it
      const last = sent?.get(slot);
      if (last !== undefined && sameBytes(last, bytes)) continue;
      let slots = this.handedOver.get(code);
      if (slots === undefined) {
        slots = new Map();
        this.handedOver.set(code, slots);
      }
      slots.set(slot, bytes);
      this.callbacks.sendControl(code, slot, bytes);
    }
  }

  /** The limits of a member: its own if it had them, else new ones (a new member in the slot starts afresh). */
  private limitsOf(member: AuthorityMember): MemberLimits {
    let slots = this.limits.get(member.code);
    if (slots === undefined) {
      slots = new Map();
      this.limits.set(member.code, slots);
    }
    let limits = slots.get(member.slot);
    if (limits === undefined || limits.token !== member.token) {
      limits = { token: member.token, chat: requestLimit(this.chat), requests: requestLimit(this.requests), signals: requestLimit(this.signals) };
      slots.set(member.slot, limits);
    }
    return limits;
  }

  /**
   * Forwards one signal message to another player of the sender's room, stamped with the
   * sender's slot (the member's message has no sender field to trust: the service writes it). The
   * destination is looked up in the sender's own room, so a slot number that exists in another
   * room reaches nobody there. Not forwarded, and counted: to the sender itself, to a slot of no
   * member or of a spectator, to a member with no channel now (a reconnect starts a new channel;
   * the WebRTC side retries), or past the destination's backlog limits (SIGNAL_BACKLOG_LIMIT,
   * and SIGNAL_BACKLOG_PER_SENDER, which keeps one sender's flood from crowding out the others).
   */
  private forwardSignal(from: AuthorityMember, toSlot: number, signal: SignalFields): void {
    const to = this.reachable.get(from.code)?.get(toSlot);
    const backlog = to === undefined || toSlot === from.slot || to.role !== 'player' ? undefined : this.callbacks.controlBacklog(from.code, toSlot);
    if (to === undefined || backlog === undefined) {
      this.callbacks.dropped('bad-signal');
      return;
    }
    const acked = backlog.acknowledged;
    let seqs = to.signalSeqs.get(from.slot);
    if (seqs === undefined) {
      seqs = [];
      to.signalSeqs.set(from.slot, seqs);
    }
    // Those acknowledged since are no longer in the backlog (sequence numbers wrap: serial arithmetic).
    while (seqs.length > 0 && ((seqs[0]! - acked) | 0) < 0) seqs.shift();
    if (backlog.inFlight >= SIGNAL_BACKLOG_LIMIT || seqs.length >= SIGNAL_BACKLOG_PER_SENDER) {
      this.callbacks.dropped('signal-backlog');
      return;
    }
    seqs.push((acked + backlog.inFlight) >>> 0); // the sequence number the message gets
    const { kind, link, part, parts, payload } = signal;
    this.send(from.code, toSlot, { type: 'signal', from: from.slot, kind, link, part, parts, payload });
  }

  /**
   * Takes one request from a member's limit. Over it: counted, and the member told once per
   * flood, not once per line: not again until it has slowed down long enough to fill its bucket
   * (2.5 s for chat by default), since a flood at the sustained rate lets a line through now and
   * then.
   */
  private withinLimit(from: AuthorityMember, limit: RequestLimit, reason: AuthorityDropReason, what: string, nowMs: number): boolean {
    if (limit.told && limit.bucket.available(nowMs, limit.burst)) limit.told = false;
    if (limit.bucket.take(nowMs)) return true;
    this.callbacks.dropped(reason);
    if (!limit.told) {
      limit.told = true;
      this.send(from.code, from.slot, { type: 'error', code: 'rate-limited', message: `too many ${what}: dropped until you slow down` });
    }
    return false;
  }

  /** Sends one message to every member of the room with a channel now. */
  private broadcast(code: string, message: ControlMessage): void {
    const slots = this.reachable.get(code);
    if (slots === undefined) return;
    const bytes = encodeControlMessage(message);
    for (const slot of slots.keys()) this.callbacks.sendControl(code, slot, bytes);
  }

  private send(code: string, slot: number, message: ControlMessage): void {
    this.callbacks.sendControl(code, slot, encodeControlMessage(message));
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checked when the service is made rather than at a member's first request (a burst below 1 would refuse everything). */
function rate(name: string, perSecond: number, burst: number): Rate {
  if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError(`AuthorityService: the ${name} limit needs a positive rate and a burst of at least 1, got ${perSecond} and ${burst}`);
  return { perSecond, burst };
}

function requestLimit(rate: Rate): RequestLimit {
  return { bucket: new TokenBucket(rate.perSecond, rate.burst), burst: rate.burst, told: false };
}
