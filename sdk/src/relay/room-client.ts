import type { ClientControlMessage, HostControlMessage, MatchDecision, RoomHandover, RoomState, SignalKind } from '../room/control-messages.ts';
import { MAX_ROOM_STATE_MESSAGE_BYTES, MAX_SIGNAL_PARTS, MAX_SIGNAL_PAYLOAD_BYTES, SignalKind as SignalKinds, decodeControlMessage, isSignalText, encodeControlMessage } from '../room/control-messages.ts';
import { PLAYER_SLOTS } from '../room/room-state.ts';
import { SignalAssembler, splitSignalPayload } from '../room/signal-parts.ts';
import type { RoomSettings } from '../room/room-settings.ts';
import { ReliableChannel } from './reliable-channel.ts';
import { MAX_RELAY_FRAME_BYTES, RelayFrameKind, decodeRelayFrame, encodeControlFrame, encodePingFrame } from './relay-frame.ts';
import type { RelayFrame } from './relay-frame.ts';
import type { ReliableChannelOptions } from './reliable-channel.ts';
import { encodeResumeMarker } from './resume-marker.ts';

// Slot addresses are the data plane's (relay-route.ts); re-exported for the modules that import them from here.
export { addressSlot, slotAddress } from './relay-route.ts';

/** What happened in the room, drained with `events()`. */
export type RoomClientEvent =
  /** The host took this member in. */
  | {
      readonly type: 'welcome';
      /** This member's slot. */
      readonly slot: number;
      /** The room's code. */
      readonly code: string;
      /** The authority's epoch (u32). */
      readonly epoch: number;
    }
  /** The room changed: the whole new state. */
  | {
      readonly type: 'room-state';
      /** The room as it is now. */
      readonly state: RoomState;
    }
  /** The owner started a match. */
  | {
      readonly type: 'match-start';
      /** Who plays, with which settings, seed and match id. */
      readonly match: MatchDecision;
    }
  /** The host dropped a member (its reconnect grace ran out, or it left). */
  | {
      readonly type: 'member-dropped';
      /** The dropped member's slot. */
      readonly slot: number;
      /** Why, for a log. */
      readonly reason: string;
      /** The deciding authority's epoch (u32). */
      readonly epoch: number;
    }
  /**
   * A player of the running match came back with a new session (a reloaded page) and must be
   * readmitted by every other player's session (`MatchSession.applyRoomEvent` does it).
   */
  | {
      readonly type: 'member-rejoining';
      /** The returning player's slot. */
      readonly slot: number;
      /** The match it rejoins (u32). */
      readonly matchId: number;
      /** This return's id (u32): act once per id. */
      readonly returnId: number;
      /** The deciding authority's epoch (u32). */
      readonly epoch: number;
    }
  /** A chat line. */
  | {
      readonly type: 'chat';
      /** The sender's slot. */
      readonly slot: number;
      /** The line. */
      readonly text: string;
    }
  /** The host is shutting down: no reconnect is worth trying. */
  | {
      readonly type: 'host-closing';
      /** Why, for a log. */
      readonly reason: string;
    }
  /** The player holding the room says the room is back on its host: reconnect to the host (`connectToRoom` does). */
  | { readonly type: 'room-moved' }
  /** The host refused a request, or the client could not send one. */
  | {
      readonly type: 'error';
      /** A short code ('rate-limited', 'too-large', 'backlog', ...). */
      readonly code: string;
      /** A readable explanation. */
      readonly message: string;
    }
  /**
   * A whole signal (reassembled from its parts) from the player in slot `from`, for a direct
   * WebRTC link with it; the host stamped `from`. See {@link RoomClient.signal}.
   */
  | {
      readonly type: 'signal';
      /** The sender's slot. */
      readonly from: number;
      /** What the signal carries. */
      readonly kind: SignalKind;
      /** The link attempt's id (u32). */
      readonly link: number;
      /** The SDP or candidate text. */
      readonly payload: string;
    };

const SIGNAL_KINDS: readonly unknown[] = Object.values(SignalKinds);

export interface RoomClientOptions {
  /**
   * Largest Control frame this member sends to the host (bytes, kind byte included). Default
   * MAX_RELAY_FRAME_BYTES (1202), the most the host accepts: it drops any larger frame. Control
   * segments are packed to fit (also when a resend gathers many long messages), and a request too
   * long for one frame is refused with an `error` event (code 'too-large') instead of being sent.
   * Lower it only to stay under a smaller path MTU; 128 at least.
   */
  readonly maxFrameBytes?: number;
}

/**
 * A member's control plane in a hosted room, free of any networking library: the room state and
 * match decisions from the host's reliable control messages, the member's requests (ready,
 * settings, start, chat, leave, signals), liveness of the channel to the host and answers to its
 * pings. Session packets are not its business: they go through the member's `RelayRoute` (the data
 * plane), attached to the same channel; `demuxHostFrame` hands each incoming frame to both. The
 * geckos.io adapter (`geckos-room-connection.ts`) moves the frames; a reconnect calls `attach`
 * again (on both planes) and the session goes on unaware.
 */
export class RoomClient {
  private send: ((frame: Uint8Array) => void) | undefined;
  /**
   * The control channel's options: it receives the host's messages up to a `room-state` (8 KB,
   * which the host may send in one large frame), and sends segments that fit one member frame.
   */
  private readonly channelOptions: ReliableChannelOptions;
  private control: ReliableChannel;
  /** Whether a channel to the host was ever attached (requests carried over then need a resume marker). */
  private attachedBefore = false;
  /** How many of this membership's requests the host delivered on earlier connections, as far as it told us. */
  private deliveredBefore = 0;
  /** Whether the current channel's first message is a resume marker (not a request). */
  private markerSent = false;
  private pending: RoomClientEvent[] = [];
  private slotValue = -1;
  private codeValue = '';
  private epochValue = 0;
  private roomValue: RoomState | undefined;
  private readonly pingsValue = new Map<number, number>();
  private matchValue: MatchDecision | undefined;
  private handoverValue: RoomHandover | undefined;
  private heardMs = -Infinity;
  private nowMs = 0;
  private closingReason: string | undefined;
  private malformed = 0;
  /** Joins the parts of incoming signals (bounded; see signal-parts.ts). */
  private readonly signals = new SignalAssembler();
  /** Signal messages refused here before joining: from this member's own slot or a non-member. */
  private signalsRefused = 0;

  constructor(options: RoomClientOptions = {}) {
    const maxFrameBytes = options.maxFrameBytes ?? MAX_RELAY_FRAME_BYTES;
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 128 || maxFrameBytes > MAX_RELAY_FRAME_BYTES) {
      throw new RangeError(`RoomClient: maxFrameBytes must be an integer in 128..${MAX_RELAY_FRAME_BYTES}, got ${maxFrameBytes}`);
    }
    this.channelOptions = { maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES, maxSegmentBytes: maxFrameBytes - 1 };
    this.control = new ReliableChannel(this.channelOptions);
  }

  /**
   * Uses a (new) channel to the host: the first one, or a reconnect into the same slot. Requests
   * the host has not acknowledged on the old channel (or made while detached) go again on the new
   * one, in order, behind a resume marker that tells the host which of them it may have had
   * already (`resume-marker.ts`): each reaches the host exactly once. The host re-sends the
   * room state (and the match) on every connection; what else it sent on the old one and the
   * member did not acknowledge (a chat line, an error) is not sent again.
   *
   * @internal `connectToRoom` calls it.
   */
  attach(send: (frame: Uint8Array) => void, nowMs: number): void {
    const old = this.control;
    const carried = old.unacknowledged();
    let delivered = old.acknowledged;
    if (this.markerSent) {
      if (delivered === 0) carried.shift();
      else delivered--;
    }
    this.deliveredBefore += delivered;
    this.control = new ReliableChannel(this.channelOptions);
    // A client never attached has no earlier connection to resume: its requests are all new.
    this.markerSent = this.attachedBefore && carried.length > 0;
    if (this.markerSent) this.control.send(encodeResumeMarker(this.deliveredBefore >>> 0));
    for (const bytes of carried) {
      if (!this.control.send(bytes)) this.pending.push({ type: 'error', code: 'backlog', message: 'a request from before the reconnect did not fit the new channel' });
    }
    this.attachedBefore = true;
    this.send = send;
    this.closingReason = undefined; // a goodbye belongs to the channel it came on
    this.heardMs = nowMs;
    this.nowMs = nowMs;
    this.flush();
  }

  /**
   * The channel to the host is gone (until the next `attach`).
   *
   * @internal `connectToRoom` calls it.
   */
  detach(): void {
    this.send = undefined;
  }

  /**
   * One frame from the host, of any kind: every well-formed one counts as hearing from the host
   * (`silentForMs`), Data frames included, whose packet is the relay route's (`demuxHostFrame`
   * hands it there) and ignored here.
   *
   * @internal `connectToRoom` calls it.
   */
  receive(frame: Uint8Array, nowMs: number): void {
    const decoded = decodeRelayFrame(frame);
    if (decoded.ok) {
      this.take(decoded.frame, nowMs);
    } else {
      this.nowMs = Math.max(this.nowMs, nowMs);
      this.malformed++;
    }
  }

  /**
   * A well-formed frame from the host that the caller has decoded already (`demuxHostFrame`): as `receive`.
   *
   * @internal `connectToRoom` calls it.
   */
  take(f: RelayFrame, nowMs: number): void {
    this.nowMs = Math.max(this.nowMs, nowMs);
    this.heardMs = this.nowMs;
    switch (f.kind) {
      case RelayFrameKind.Data:
        return; // heard: that is all the control plane takes from a session packet
      case RelayFrameKind.Control:
        for (const bytes of this.control.receive(f.segment, this.nowMs)) {
          const message = decodeControlMessage(bytes, 'host');
          if (message.ok) this.onControl(message.message);
          else this.malformed++;
        }
        this.flush();
        return;
      case RelayFrameKind.Ping:
        this.send?.(encodePingFrame(RelayFrameKind.Pong, f.id));
        return;
      case RelayFrameKind.Pong:
        return;
    }
  }

  /**
   * Control resends. Call every ~10 ms.
   *
   * @internal `connectToRoom` calls it.
   */
  tick(nowMs: number): void {
    this.nowMs = Math.max(this.nowMs, nowMs);
    this.signals.expire(this.nowMs);
    this.flush();
  }

  /** Milliseconds since any well-formed frame arrived from the host, session packets included (to detect a dead channel). */
  silentForMs(nowMs: number): number {
    return nowMs - this.heardMs;
  }

  /**
   * Drains the events since the last call.
   *
   * @internal `connectToRoom` drains them; a game reads `RoomConnection.events()`.
   */
  events(): RoomClientEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** This member's slot (-1 before the `welcome`). */
  get slot(): number {
    return this.slotValue;
  }

  /** The room's code ('' before the `welcome`). */
  get code(): string {
    return this.codeValue;
  }

  /** Epoch of the authority this member follows (u32): one more after each host takeover. */
  get epoch(): number {
    return this.epochValue;
  }

  /** The latest room state from the host. */
  get room(): RoomState | undefined {
    return this.roomValue;
  }

  /** Why the host said it is going, once it has (no reconnect is worth trying then). */
  get hostClosing(): string | undefined {
    return this.closingReason;
  }

  /**
   * Each member's round trip to the host (slot → ms, whole, at least 1), as the host measured it
   * from its pings and last reported it (about once a second). A member the host has no
   * measurement for is absent, and so is one no longer in the room. No event is raised for a
   * new report: a lobby reads this when it draws.
   */
  get pings(): ReadonlyMap<number, number> {
    return this.pingsValue;
  }

  /** The match decision, once the host has started one. */
  get match(): MatchDecision | undefined {
    return this.matchValue;
  }

  /**
   * The room with its secrets (every member's reconnect token, the password), if the host gave it
   * to this member: it does to the first two players in the line of succession, so that one of
   * them can restore the room when the host is gone (`RoomAuthority.restoreRoom`). Never raised as
   * an event, never logged: it lets its holder take any member's slot.
   */
  get handover(): RoomHandover | undefined {
    return this.handoverValue;
  }

  /**
   * Counters: malformed frames (of any kind, Data included) or control messages from the host
   * (a malformed `signal` included), and signals dropped here (parts that do not continue a
   * signal, incomplete ones abandoned, expired or over 8 KiB, and signals claiming to come from
   * this member or from a slot not in the room), and the characters of incomplete signals held
   * now (at most 16 × 8 KiB). Session packets dropped are counted by the relay route
   * (`RelayRoute.stats`).
   */
  get stats(): {
    /** Malformed frames or control messages from the host (total). */
    readonly malformed: number;
    /** Smoothed round trip of the reliable control channel (ms). */
    readonly controlRttMs: number;
    /** Signals dropped here (total). */
    readonly signalsDropped: number;
    /** Characters of incomplete signals held now. */
    readonly signalCharsHeld: number;
  } {
    return {
      malformed: this.malformed,
      controlRttMs: this.control.rttMs,
      signalsDropped: this.signalsRefused + this.signals.dropped,
      signalCharsHeld: this.signals.heldChars,
    };
  }

  /** Players: says whether this member is ready for the owner to start. */
  setReady(ready: boolean): void {
    this.request({ type: 'set-ready', ready });
  }

  /**
   * Players, in the lobby: asks for this colour and shape (indices into the game's palette and
   * shapes, see member-look.ts). The host refuses a colour another player holds with an `error`
   * event (code 'color-taken'); the room state shows the look each player has.
   */
  setLook(color: number, shape: number): void {
    this.request({ type: 'set-look', color, shape });
  }

  /** Owner only, in the lobby: changes the given settings (the host checks them against ROOM_SETTINGS_LIMITS). */
  updateSettings(settings: Partial<RoomSettings>): void {
    this.request({ type: 'update-settings', settings });
  }

  /** Owner only: starts a match with the ready players (a `match-start` event follows). */
  startMatch(): void {
    this.request({ type: 'start-match' });
  }

  /** Owner only: ends the match, back to the lobby. */
  endMatch(): void {
    this.request({ type: 'end-match' });
  }

  /**
   * This member, a player of the running match `matchId`, came back into the room with its token
   * and runs a new match session (`createMatchSession` with `rejoin: true`): asks the room to have
   * every other player readmit it (a `member-rejoining` event on every member). Once per return.
   */
  rejoinMatch(matchId: number): void {
    this.request({ type: 'rejoin-match', matchId });
  }

  /** This member's rejoining session is back in match `matchId` (its own `readmitted` event): the room stops listing it as rejoining. */
  matchRejoined(matchId: number): void {
    this.request({ type: 'match-rejoined', matchId });
  }

  /** Sends a chat line to every member of the room (rate-limited by the host). */
  chat(text: string): void {
    this.request({ type: 'chat', text });
  }

  /** Leaves the room for good: the slot is freed, not held for a reconnect. */
  leave(): void {
    this.request({ type: 'leave' });
  }

  /**
   * Sends a signal to the player in slot `to` (not this member's own), through the host, for a
   * direct WebRTC link with it: `kind`, the connection attempt's `link` (u32, chosen by the offerer), and the SDP or
   * candidate (`''` for 'end-of-candidates'; a reason or `''` for 'close'). A payload longer
   * than one message goes as up to MAX_SIGNAL_PARTS consecutive parts, all queued at once or none;
   * the other player's `RoomClient` raises one `signal` event with the whole payload.
   *
   * Returns false, with an `error` event, when it cannot be sent: code 'too-large' for a payload
   * over MAX_SIGNAL_PAYLOAD_BYTES (8 KiB) or more than 16 parts, 'backlog' when the control
   * channel has no room for every part. Throws a RangeError for what only a bug passes: `to` not
   * a player slot, an unknown kind, `link` not a u32, a payload with characters other than
   * printable ASCII, CR and LF, or one that does not fit its kind.
   *
   * Delivery is reliable and in order while both members stay connected to the host; a signal
   * to a member that is not connected, or that the host refuses (limits), is lost without notice:
   * the WebRTC side times out and retries with a new `link`, or uses the relay. The host forwards
   * at most 12 of one sender's messages to a member ahead of that member's acknowledgements (a
   * round trip and 10 ms): send an SDP, then candidates as they come, not several SDPs to one
   * peer at once.
   */
  signal(to: number, kind: SignalKind, link: number, payload: string): boolean {
    if (!Number.isInteger(to) || to < 0 || to >= PLAYER_SLOTS) throw new RangeError(`RoomClient.signal: 'to' must be a player slot 0..${PLAYER_SLOTS - 1}, got ${to}`);
    if (!SIGNAL_KINDS.includes(kind)) throw new RangeError(`RoomClient.signal: unknown kind '${String(kind)}'`);
    if (to === this.slotValue) throw new RangeError(`RoomClient.signal: slot ${to} is this member's own`);
    if (typeof payload !== 'string' || !isSignalText(payload)) throw new RangeError('RoomClient.signal: the payload must be printable ASCII, CR and LF only');
    const parts = splitSignalPayload(payload);
    if (parts === undefined) {
      this.pending.push({ type: 'error', code: 'too-large', message: `signal payload of ${payload.length} bytes is over the limit (${MAX_SIGNAL_PAYLOAD_BYTES} bytes in ${MAX_SIGNAL_PARTS} parts)` });
      return false;
    }
    // Encoded first (which checks link and the kind's payload rules), queued only if all fit.
    const messages = parts.map((piece, part) => encodeControlMessage({ type: 'signal', to, kind, link, part, parts: parts.length, payload: piece }));
    if (this.control.inFlight + messages.length > this.control.maxInFlight) {
      this.pending.push({ type: 'error', code: 'backlog', message: 'too many requests not yet acknowledged by the host' });
      return false;
    }
    for (const bytes of messages) this.control.send(bytes);
    this.flush();
    return true;
  }

  private request(message: ClientControlMessage): void {
    const bytes = encodeControlMessage(message);
    if (bytes.length > this.control.maxSendMessageBytes) {
      // Never sent: the host would drop every frame carrying it, and everything after it would wait.
      const limit = this.control.maxSendMessageBytes;
      this.pending.push({ type: 'error', code: 'too-large', message: `'${message.type}' request of ${bytes.length} bytes is over the ${limit}-byte limit of one frame` });
      return;
    }
    if (!this.control.send(bytes)) {
      this.pending.push({ type: 'error', code: 'backlog', message: 'too many requests not yet acknowledged by the host' });
      return;
    }
    this.flush();
  }

  private flush(): void {
    const send = this.send;
    if (send === undefined) return;
    for (const segment of this.control.poll(this.nowMs)) send(encodeControlFrame(segment));
  }

  private onControl(message: HostControlMessage): void {
    switch (message.type) {
      case 'welcome':
        this.slotValue = message.slot;
        this.codeValue = message.code;
        this.epochValue = message.epoch;
        this.pending.push({ type: 'welcome', slot: message.slot, code: message.code, epoch: message.epoch });
        return;
      case 'room-state':
        this.roomValue = message.state;
        this.epochValue = message.state.epoch;
        for (const slot of this.pingsValue.keys()) if (!this.inRoom(slot)) this.pingsValue.delete(slot);
        this.signals.keepOnly((slot) => this.inRoom(slot)); // a sender gone: its incomplete signal with it
        this.pending.push({ type: 'room-state', state: message.state });
        return;
      case 'match-start':
        if (this.matchValue !== undefined && this.matchValue.matchId === message.match.matchId) return; // re-sent after a reconnect
        this.matchValue = message.match;
        this.pending.push({ type: 'match-start', match: message.match });
        return;
      case 'member-dropped':
        this.pending.push({ type: 'member-dropped', slot: message.slot, reason: message.reason, epoch: message.epoch });
        return;
      case 'member-rejoining':
        this.pending.push({ type: 'member-rejoining', slot: message.slot, matchId: message.matchId, returnId: message.returnId, epoch: message.epoch });
        return;
      case 'chat':
        this.pending.push({ type: 'chat', slot: message.slot, text: message.text });
        return;
      case 'host-closing':
        this.closingReason = message.reason;
        this.pending.push({ type: 'host-closing', reason: message.reason });
        return;
      case 'room-moved':
        this.pending.push({ type: 'room-moved' });
        return;
      case 'error':
        this.pending.push({ type: 'error', code: message.code, message: message.message });
        return;
      case 'pings':
        // The latest report replaces the last: a member it leaves out has no measurement now.
        this.pingsValue.clear();
        for (const [slot, ms] of message.pings) if (this.inRoom(slot)) this.pingsValue.set(slot, ms);
        return;
      case 'handover':
        // For the room's own code only: what this member would restore the room from, were it the
        // successor when the host goes (docs/host-migration.md). A secret: never an event.
        if (this.codeValue !== '' && message.handover.state.code !== this.codeValue) return;
        this.handoverValue = message.handover;
        return;
      case 'signal': {
        // The host stamps `from` and forwards only between players of a room; it is checked all
        // the same, since the host may be any player's machine.
        if (message.from === this.slotValue || !this.inRoom(message.from)) {
          this.signalsRefused++;
          return;
        }
        const whole = this.signals.add(message.from, message, this.nowMs);
        if (whole !== undefined) this.pending.push({ type: 'signal', from: whole.from, kind: whole.kind, link: whole.link, payload: whole.payload });
        return;
      }
    }
  }

  /** Whether `slot` is a member of the room as last heard (any slot before the first room state). */
  private inRoom(slot: number): boolean {
    return this.roomValue === undefined || this.roomValue.members.some((m) => m.slot === slot);
  }
}
