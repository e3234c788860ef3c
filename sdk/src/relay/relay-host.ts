import type { RoomAuthority } from '../room/room-authority.ts';
import type { RoomSettings } from '../room/room-settings.ts';
import type { ClientControlMessage, ControlMessage, SignalFields } from '../room/control-messages.ts';
import { MAX_PING_MS, MAX_ROOM_STATE_MESSAGE_BYTES, decodeControlMessage, encodeControlMessage } from '../room/control-messages.ts';
import type { MemberPing } from '../room/control-messages.ts';
import { ReliableChannel } from './reliable-channel.ts';
import { TokenBucket } from './token-bucket.ts';
import { MAX_RELAY_FRAME_BYTES, RelayFrameKind, encodeControlFrame, encodePingFrame, restampDataFrame } from './relay-frame.ts';
import { parseConnectRequest } from './connect-request.ts';
import { decodeResumeMarker } from './resume-marker.ts';
import type { ConnectRequest } from './connect-request.ts';

/** The host's handle on one member's unreliable channel (a geckos channel, or a test double). */
export interface HostConnection {
  /** Sends one frame; must not throw (drop instead). The host does not reuse `frame` afterwards. */
  send(frame: Uint8Array): void;
  /** Closes the channel. */
  close(): void;
}

/** Who a connection speaks for, decided when it was authorized. */
export interface MemberBinding {
  readonly code: string;
  readonly slot: number;
  readonly role: 'player' | 'spectator';
  readonly token: string;
}

export interface RelayHostOptions {
  readonly authority: RoomAuthority;
  /** Ping interval per member (ms). Default 250. */
  readonly heartbeatMs?: number;
  /** Silence after which a member's connection counts as lost (ms). Default 1500. */
  readonly silenceTimeoutMs?: number;
  /**
   * How often every member is told the round trips of its room's members, a `pings` control
   * message (ms). Default 1000: a lobby shows it, and a value a second is as fresh as the eye
   * reads it. `Infinity` sends none (the host still measures, see `memberRttMs`).
   */
  readonly pingReportMs?: number;
  /**
   * Frames per second a member may send, sustained, and in a burst. Defaults 1000 and 500: a
   * member of a 16-player match sends about 520 a second at 60 fps (15 peers).
   */
  readonly framesPerSecond?: number;
  readonly frameBurst?: number;
  /** Bytes per second a member may send, sustained, and in a burst. Defaults 256 KiB and 64 KiB. */
  readonly bytesPerSecond?: number;
  readonly byteBurst?: number;
  /** Failed join or create attempts per remote address per minute (successful ones are free). Default 10. */
  readonly joinAttemptsPerMinute?: number;
  /**
   * Rooms one remote address may hold open at once: the rooms created from it that are still
   * open, whoever is in them now (a room stops counting when it closes). Beyond, a create is
   * refused with 'too-many-own-rooms'. Default 4: a machine at a LAN party needs one at a time,
   * and no single address can take every room the host has (the authority's `maxRooms`, 64 by
   * default), as one did in issue 8. Raise it when many players reach the host through one
   * address (a NAT or a VPN in front of it).
   */
  readonly roomsPerAddress?: number;
  /**
   * Rooms one remote address may create per minute (a token bucket: a burst of this many, then
   * one every 60/N s). Beyond, a create is refused with 'create-rate-limited'. Default 6: a
   * player rarely opens more than one room a minute, and churning rooms (create, leave, create)
   * is what it stops, since `roomsPerAddress` only counts open ones.
   */
  readonly roomCreatesPerMinute?: number;
  /** Most remote addresses whose attempts and creates are tracked (oldest forgotten beyond). Default 4096. */
  readonly maxTrackedAddresses?: number;
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
  readonly chatBurst?: number;
  /**
   * Other room requests a member may send per second (set-ready, update-settings, start-match,
   * end-match), sustained, and in a burst; leaving is never limited. Each accepted change makes
   * the host send the whole room state to every member. Beyond, requests are dropped (counted as
   * 'request-rate-limited') and the member is told once as for chat. Defaults 10 and 20: more than
   * any lobby needs (toggling ready, stepping through a setting), far less than a loop sends.
   */
  readonly requestsPerSecond?: number;
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
  readonly signalBurst?: number;
}

/**
 * Control messages a member's channel may have unacknowledged before the host stops forwarding
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

/** Why the host dropped a frame, counted per reason in `stats().dropped`. */
export const RelayDropReason = {
  Oversized: 'oversized',
  Malformed: 'malformed',
  UnknownKind: 'unknown-kind',
  RateLimited: 'rate-limited',
  Spectator: 'spectator-data',
  BadDestination: 'bad-destination',
  BadControl: 'bad-control',
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
export type RelayDropReason = (typeof RelayDropReason)[keyof typeof RelayDropReason];

export interface RelayHostStats {
  readonly connections: number;
  readonly rooms: number;
  readonly framesRelayed: number;
  readonly bytesRelayed: number;
  readonly joinsRefused: number;
  readonly dropped: Readonly<Record<RelayDropReason, number>>;
  /**
   * Pongs that answered no ping awaiting an answer (repeated, too late, or forged), ignored. Not
   * a drop reason: a network may duplicate a datagram, so an honest member can cause a few.
   */
  readonly stalePongs: number;
  /**
   * Control messages a member sent again on a new connection that the host had already delivered
   * on an earlier one (their acknowledgement was lost with the connection), skipped. Not a drop
   * reason: honest reconnects cause them (see `resume-marker.ts`).
   */
  readonly resentSkipped: number;
}

/** What the host limits per remote address (see `RelayHostOptions`). */
interface AddressLimits {
  /** Failed join or create attempts. */
  readonly failures: TokenBucket;
  /** Rooms created. */
  readonly creates: TokenBucket;
}

/** Round trips a member's reported ping is the median of (see `RelayHost.memberRttMs`). */
const RTT_SAMPLES = 5;

/**
 * What the host keeps of a member across its connections, until the member is gone (a new member
 * in the slot has another token and starts afresh).
 */
interface MemberSession {
  readonly token: string;
  /** The member's control messages the host has delivered, over all its connections so far. */
  delivered: number;
  /** Its chat lines, and its other room requests (see `RelayHostOptions.chatPerSecond`). */
  readonly chat: RequestLimit;
  readonly requests: RequestLimit;
  /** Its signal messages (see `RelayHostOptions.signalsPerSecond`). */
  readonly signals: RequestLimit;
}

/** A rate limit on one kind of a member's requests, and whether it was told it is over it. */
interface RequestLimit {
  readonly bucket: TokenBucket;
  readonly burst: number;
  /** Set when the member is told it is over the limit; cleared once it has slowed down (its bucket is full again). */
  told: boolean;
}

interface Connection {
  readonly id: number;
  readonly binding: MemberBinding;
  readonly session: MemberSession;
  /** The membership-wide number of the next control message this connection's channel delivers. */
  nextMessage: number;
  /** Whether the channel has delivered nothing yet (only the first message may be a resume marker). */
  firstMessage: boolean;
  readonly link: HostConnection;
  readonly control: ReliableChannel;
  readonly frames: TokenBucket;
  readonly bytes: TokenBucket;
  lastHeardMs: number;
  lastPingMs: number;
  pingId: number;
  /** When each recent ping went out (ms), at `id % length`; NaN once answered or never sent. */
  readonly pingSentMs: Float64Array;
  /** The last RTT_SAMPLES round trips (ms), a ring written at `rttNext`; `rttCount` are filled. */
  readonly rttSamples: Float64Array;
  rttNext: number;
  rttCount: number;
  closed: boolean;
  /**
   * Per sender slot, the control-channel sequence numbers of the signals forwarded to this
   * connection that may still be unacknowledged (at most SIGNAL_BACKLOG_PER_SENDER each).
   */
  readonly signalSeqs: Map<number, number[]>;
}

/**
 * The host's logic, free of any networking library: authorizes joins, binds each connection to a
 * room slot, relays session packets between the members of a room (stamping the sender's slot),
 * runs the reliable control path and the room authority, watches liveness with its own
 * heartbeats, and enforces size and rate limits. The geckos.io adapter (`geckos-host.ts`) feeds
 * it; tests can feed it directly. Synchronous; time is passed in.
 */
export class RelayHost {
  readonly authority: RoomAuthority;
  private readonly heartbeatMs: number;
  private readonly silenceTimeoutMs: number;
  private readonly pingReportMs: number;
  /** Pings remembered per connection for matching pongs: enough to span the silence timeout. */
  private readonly pingWindow: number;
  private lastPingReportMs = -Infinity;
  private stalePongs = 0;
  private readonly limits: {
    fps: number;
    fBurst: number;
    bps: number;
    bBurst: number;
    chat: number;
    chatBurst: number;
    requests: number;
    requestBurst: number;
    signals: number;
    signalBurst: number;
  };
  /** Per remote address, oldest first: its failed-attempt and room-create buckets. */
  private readonly addresses = new Map<string, AddressLimits>();
  private readonly attemptsPerMinute: number;
  private readonly roomsPerAddress: number;
  private readonly createsPerMinute: number;
  /** Room code → the remote address that created it, while the room is open. */
  private readonly roomCreators = new Map<string, string>();
  /** Remote address → rooms it created that are still open (absent: none). */
  private readonly roomsHeld = new Map<string, number>();
  private readonly maxTrackedAddresses: number;
  private readonly connections = new Map<number, Connection>();
  /** Room code → slot → connection. */
  private readonly bySlot = new Map<string, Map<number, Connection>>();
  /** Room code → slot → the member's session (kept while it reconnects; forgotten with the member). */
  private readonly sessions = new Map<string, Map<number, MemberSession>>();
  private resentSkipped = 0;
  private nextId = 1;
  private framesRelayed = 0;
  private bytesRelayed = 0;
  private joinsRefused = 0;
  private readonly dropped: Record<RelayDropReason, number> = {
    oversized: 0,
    malformed: 0,
    'unknown-kind': 0,
    'rate-limited': 0,
    'spectator-data': 0,
    'bad-destination': 0,
    'bad-control': 0,
    'not-permitted': 0,
    'chat-rate-limited': 0,
    'request-rate-limited': 0,
    'bad-signal': 0,
    'signal-rate-limited': 0,
    'signal-backlog': 0,
  };

  constructor(options: RelayHostOptions) {
    this.authority = options.authority;
    this.heartbeatMs = options.heartbeatMs ?? 250;
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? 1500;
    this.pingReportMs = options.pingReportMs ?? 1000;
    // A pong later than the silence timeout cannot come: the connection is closed by then. A power
    // of two, so that `id % window` stays in step when the u32 ids wrap; at least 8 (the default
    // needs 1500 / 250 + 1 = 7), at most 256 so that odd settings cannot make it large.
    const needed = Math.ceil(this.silenceTimeoutMs / this.heartbeatMs) + 1;
    this.pingWindow = Math.min(256, 2 ** Math.ceil(Math.log2(Math.max(8, needed))));
    this.limits = {
      fps: options.framesPerSecond ?? 1000,
      fBurst: options.frameBurst ?? 500,
      bps: options.bytesPerSecond ?? 256 * 1024,
      bBurst: options.byteBurst ?? 64 * 1024,
      chat: options.chatPerSecond ?? 2,
      chatBurst: options.chatBurst ?? 5,
      requests: options.requestsPerSecond ?? 10,
      requestBurst: options.requestBurst ?? 20,
      signals: options.signalsPerSecond ?? 20,
      signalBurst: options.signalBurst ?? 240,
    };
    // Checked here rather than at a member's first request (a burst below 1 would refuse everything).
    const requestLimits = [
      ['chat', this.limits.chat, this.limits.chatBurst],
      ['requests', this.limits.requests, this.limits.requestBurst],
      ['signals', this.limits.signals, this.limits.signalBurst],
    ] as const;
    for (const [name, rate, burst] of requestLimits) {
      if (!(rate > 0) || !(burst >= 1)) throw new RangeError(`RelayHost: the ${name} limit needs a positive rate and a burst of at least 1, got ${rate} and ${burst}`);
    }
    this.attemptsPerMinute = options.joinAttemptsPerMinute ?? 10;
    this.roomsPerAddress = options.roomsPerAddress ?? 4;
    if (!(this.roomsPerAddress >= 1)) throw new RangeError(`RelayHost: roomsPerAddress must be at least 1, got ${String(options.roomsPerAddress)}`);
    this.createsPerMinute = options.roomCreatesPerMinute ?? 6;
    if (!(this.createsPerMinute > 0)) throw new RangeError(`RelayHost: roomCreatesPerMinute must be positive, got ${String(options.roomCreatesPerMinute)}`);
    this.maxTrackedAddresses = options.maxTrackedAddresses ?? 4096;
  }

  /**
   * Decides whether a connection attempt may go ahead, before any WebRTC is set up: parses the
   * untrusted join request, limits attempts per remote address, and creates or joins a room.
   *
   * Only failures count against an address, and once it has used them up every attempt from it
   * is refused as 'rate-limited', except a reconnect whose token brings a member back into its
   * slot: a member must not lose its place in a match because its address (a shared one, or its
   * own earlier mistakes) hit the limit. That check is no free oracle: a reconnect whose token or
   * code is wrong is refused as 'rate-limited' like any other attempt then (nothing says which
   * part was wrong), counts as a failure, and a right guess needs both a live room's code and
   * its member's 128-bit token.
   */
  authorize(request: unknown, address: string, nowMs: number): { ok: true; binding: MemberBinding } | { ok: false; error: string } {
    const limits = this.limitsOf(address);
    const attempts = limits.failures;
    const parsed = parseConnectRequest(request);
    const limited = !attempts.available(nowMs);
    if (limited && !(parsed.ok && parsed.request.action === 'join' && parsed.request.token !== undefined)) {
      this.joinsRefused++;
      return RATE_LIMITED;
    }
    const result = parsed.ok ? this.admit(parsed.request, address, limits, nowMs) : parsed;
    if (!result.ok) {
      attempts.take(nowMs); // only failures count: guessing codes, passwords or tokens is what is limited
      this.joinsRefused++;
      return limited ? RATE_LIMITED : result;
    }
    // The slot is held only until the channel opens: a member whose WebRTC never comes up is
    // treated like one whose connection dropped, and loses the slot after the reconnect grace.
    this.authority.connectionLost(result.binding.code, result.binding.slot, nowMs);
    this.drainAuthority();
    return result;
  }

  /** An authorized member's channel is open. Returns the connection id for the other calls. */
  connect(binding: MemberBinding, link: HostConnection, nowMs: number): number {
    const id = this.nextId++;
    // Connected for real now (the token proves who it is). A channel that opens after its slot
    // was given up (the grace ran out, the room closed) is closed: the slot may be someone else's.
    const joined = this.authority.join({ code: binding.code, name: '', role: binding.role, reconnectToken: binding.token }, nowMs);
    if (!joined.ok || joined.slot !== binding.slot) {
      this.drainAuthority();
      link.close();
      return id;
    }
    let slots = this.bySlot.get(binding.code);
    if (slots === undefined) {
      slots = new Map();
      this.bySlot.set(binding.code, slots);
    }
    const previous = slots.get(binding.slot);
    if (previous !== undefined) this.close(previous); // a reconnect replaces a half-open channel
    const session = this.sessionOf(binding);
    const connection: Connection = {
      id,
      binding,
      session,
      nextMessage: session.delivered,
      firstMessage: true,
      link,
      control: new ReliableChannel({ maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES }),
      frames: new TokenBucket(this.limits.fps, this.limits.fBurst),
      bytes: new TokenBucket(this.limits.bps, this.limits.bBurst),
      lastHeardMs: nowMs,
      lastPingMs: -Infinity,
      pingId: 0,
      pingSentMs: new Float64Array(this.pingWindow).fill(NaN),
      rttSamples: new Float64Array(RTT_SAMPLES),
      rttNext: 0,
      rttCount: 0,
      closed: false,
      signalSeqs: new Map(),
    };
    this.connections.set(id, connection);
    slots.set(binding.slot, connection);
    const room = this.authority.room(binding.code);
    this.sendControl(connection, { type: 'welcome', slot: binding.slot, code: binding.code, token: binding.token, epoch: room?.epoch ?? 0 });
    this.drainAuthority();
    if (room !== undefined) {
      this.sendControl(connection, { type: 'room-state', state: room });
      if (room.phase === 'playing' && room.match !== undefined) this.sendControl(connection, { type: 'match-start', match: room.match, epoch: room.epoch });
    }
    this.flushControl(connection, nowMs);
    return id;
  }

  /** One frame from a member. Data is relayed at once; everything else is handled in place. */
  receive(id: number, data: Uint8Array, nowMs: number): void {
    const c = this.connections.get(id);
    if (c === undefined || c.closed) return;
    if (data.length > MAX_RELAY_FRAME_BYTES) {
      this.dropped.oversized++;
      return;
    }
    if (!c.frames.take(nowMs) || !c.bytes.take(nowMs, data.length)) {
      this.dropped['rate-limited']++;
      return;
    }
    c.lastHeardMs = nowMs;
    switch (data[0]) {
      case RelayFrameKind.Data:
        this.relay(c, data);
        return;
      case RelayFrameKind.Control:
        this.onControlSegment(c, data.subarray(1), nowMs);
        return;
      case RelayFrameKind.Ping:
        if (data.length !== 5) this.dropped.malformed++;
        else c.link.send(encodePingFrame(RelayFrameKind.Pong, pingId(data)));
        return;
      case RelayFrameKind.Pong:
        if (data.length !== 5) this.dropped.malformed++;
        else this.onPong(c, pingId(data), nowMs);
        return;
      default:
        this.dropped[data.length === 0 ? 'malformed' : 'unknown-kind']++;
    }
  }

  /** The member's channel closed (it left, crashed or the network dropped it). */
  disconnect(id: number, nowMs: number): void {
    const c = this.connections.get(id);
    if (c === undefined) return;
    // Closed here too: the news may be false (a geckos.io client can raise its channel's
    // 'disconnect' event on the host by sending `{"disconnect":…}`), and a channel the relay has
    // forgotten must not stay open.
    this.close(c);
    this.authority.connectionLost(c.binding.code, c.binding.slot, nowMs);
    this.drainAuthority();
  }

  /** Heartbeats, silence timeouts, control resends, and the authority's own timers. Call every ~10 ms. */
  tick(nowMs: number): void {
    for (const c of this.connections.values()) {
      if (nowMs - c.lastHeardMs >= this.silenceTimeoutMs) {
        this.close(c);
        this.authority.connectionLost(c.binding.code, c.binding.slot, nowMs);
        continue;
      }
      if (nowMs - c.lastPingMs >= this.heartbeatMs) {
        c.lastPingMs = nowMs;
        c.pingId = (c.pingId + 1) >>> 0;
        c.pingSentMs[c.pingId % this.pingWindow] = nowMs;
        c.link.send(encodePingFrame(RelayFrameKind.Ping, c.pingId));
      }
    }
    if (nowMs - this.lastPingReportMs >= this.pingReportMs) {
      this.lastPingReportMs = nowMs;
      this.reportPings();
    }
    this.authority.tick(nowMs);
    this.drainAuthority();
    for (const c of this.connections.values()) this.flushControl(c, nowMs);
  }

  /**
   * Tells every member the host is going. The channels stay open so that the goodbye can leave
   * (transports may send after the call returns); close them with `closeAll` a little later.
   */
  shutdown(reason: string, nowMs: number): void {
    for (const c of this.connections.values()) {
      this.sendControl(c, { type: 'host-closing', reason });
      // The last word gets no acknowledgement: send it a few times, as geckos' "reliable" does.
      for (let i = 0; i < 3; i++) for (const segment of c.control.poll(nowMs + i * 1000)) c.link.send(encodeControlFrame(segment));
    }
  }

  /** Closes every member's channel. */
  closeAll(): void {
    for (const c of [...this.connections.values()]) this.close(c);
  }

  stats(): RelayHostStats {
    return {
      connections: this.connections.size,
      rooms: this.bySlot.size,
      framesRelayed: this.framesRelayed,
      bytesRelayed: this.bytesRelayed,
      joinsRefused: this.joinsRefused,
      dropped: { ...this.dropped },
      stalePongs: this.stalePongs,
      resentSkipped: this.resentSkipped,
    };
  }

  /**
   * The round trip between the host and a member's connection (ms, unrounded), or undefined
   * while no pong of the current connection has come back (a reconnect starts afresh).
   *
   * It is the median of the last 5 round trips, about 1.25 s of pings, rather than a moving
   * average: a single late pong (a garbage-collection pause, a pong queued behind a large control
   * frame, a Wi-Fi retry) does not move a median at all, where an average would carry it for
   * several seconds; a lasting change shows after 3 samples (750 ms), within one report; and a
   * steady link reads exactly its round trip.
   */
  memberRttMs(code: string, slot: number): number | undefined {
    const c = this.bySlot.get(code)?.get(slot);
    return c === undefined ? undefined : medianRtt(c);
  }

  /**
   * Closes a member's channel without dropping the member: like a network hiccup, it may come back
   * into its slot within the reconnect grace. (Kicking is `authority.drop`.) False if not connected.
   */
  closeMember(code: string, slot: number, nowMs: number): boolean {
    const c = this.bySlot.get(code)?.get(slot);
    if (c === undefined) return false;
    this.close(c);
    this.authority.connectionLost(code, slot, nowMs);
    this.drainAuthority();
    return true;
  }

  /** The binding of a live connection (for adapters and tests). */
  binding(id: number): MemberBinding | undefined {
    return this.connections.get(id)?.binding;
  }

  // ---- internals ----------------------------------------------------------------------------

  private admit(request: ConnectRequest, address: string, limits: AddressLimits, nowMs: number): { ok: true; binding: MemberBinding } | { ok: false; error: string } {
    if (request.action === 'create') {
      if ((this.roomsHeld.get(address) ?? 0) >= this.roomsPerAddress) return { ok: false, error: 'too-many-own-rooms' };
      if (!limits.creates.available(nowMs)) return { ok: false, error: 'create-rate-limited' };
      const created = this.authority.createRoom(
        { name: request.name, ...(request.password !== undefined ? { password: request.password } : {}), ...(request.settings !== undefined ? { settings: request.settings as Partial<RoomSettings> } : {}) },
        nowMs,
      );
      if (!created.ok) return { ok: false, error: created.error };
      limits.creates.take(nowMs);
      // Before the authority's events are drained: they may already say the room closed.
      this.roomCreators.set(created.code, address);
      this.roomsHeld.set(address, (this.roomsHeld.get(address) ?? 0) + 1);
      this.drainAuthority();
      return { ok: true, binding: { code: created.code, slot: created.slot, role: 'player', token: created.token } };
    }
    const joined = this.authority.join(
      {
        code: request.code,
        name: request.name,
        role: request.role,
        ...(request.password !== undefined ? { password: request.password } : {}),
        ...(request.token !== undefined ? { reconnectToken: request.token } : {}),
      },
      nowMs,
    );
    if (!joined.ok) return { ok: false, error: joined.error };
    this.drainAuthority();
    return { ok: true, binding: { code: joined.code, slot: joined.slot, role: request.role, token: joined.token } };
  }

  /** The session of the member a binding is for: its own if it had one, else a new one. */
  private sessionOf(binding: MemberBinding): MemberSession {
    let slots = this.sessions.get(binding.code);
    if (slots === undefined) {
      slots = new Map();
      this.sessions.set(binding.code, slots);
    }
    let session = slots.get(binding.slot);
    if (session === undefined || session.token !== binding.token) {
      session = {
        token: binding.token,
        delivered: 0,
        chat: { bucket: new TokenBucket(this.limits.chat, this.limits.chatBurst), burst: this.limits.chatBurst, told: false },
        requests: { bucket: new TokenBucket(this.limits.requests, this.limits.requestBurst), burst: this.limits.requestBurst, told: false },
        signals: { bucket: new TokenBucket(this.limits.signals, this.limits.signalBurst), burst: this.limits.signalBurst, told: false },
      };
      slots.set(binding.slot, session);
    }
    return session;
  }

  private limitsOf(address: string): AddressLimits {
    let limits = this.addresses.get(address);
    if (limits === undefined) {
      if (this.addresses.size >= this.maxTrackedAddresses) {
        const oldest = this.addresses.keys().next();
        if (!oldest.done) this.addresses.delete(oldest.value);
      }
      limits = {
        failures: new TokenBucket(this.attemptsPerMinute / 60, this.attemptsPerMinute),
        creates: new TokenBucket(this.createsPerMinute / 60, this.createsPerMinute),
      };
      this.addresses.set(address, limits);
    }
    return limits;
  }

  /** A room closed: it no longer counts against the address that created it. */
  private forgetCreator(code: string): void {
    const address = this.roomCreators.get(code);
    if (address === undefined) return;
    this.roomCreators.delete(code);
    const held = (this.roomsHeld.get(address) ?? 1) - 1;
    if (held > 0) this.roomsHeld.set(address, held);
    else this.roomsHeld.delete(address);
  }

  /** Forwards a member's session packet to another member of its room, stamped with its slot. */
  private relay(from: Connection, data: Uint8Array): void {
    if (from.binding.role !== 'player') {
      this.dropped['spectator-data']++;
      return;
    }
    if (data.length < 3) {
      this.dropped.malformed++;
      return;
    }
    const to = this.bySlot.get(from.binding.code)?.get(data[1]!);
    if (to === undefined || to === from || to.closed || to.binding.role !== 'player') {
      this.dropped['bad-destination']++;
      return;
    }
    this.framesRelayed++;
    this.bytesRelayed += data.length;
    to.link.send(restampDataFrame(data, from.binding.slot));
  }

  /**
   * A pong counts only for a ping of this connection still awaiting its answer, and only once:
   * its id is matched to the send time of that ping, so a pong for a ping not yet sent (or long
   * forgotten) has nothing to match and a repeated one finds its ping answered. This measures, it
   * does not prove: a member that guesses when the next ping leaves can answer it early and look
   * closer than it is (at best by its one-way trip), which is harmless for a lobby list.
   */
  private onPong(c: Connection, id: number, nowMs: number): void {
    const age = (c.pingId - id) >>> 0; // 0 for the latest ping; huge for an id not yet sent
    const at = id % this.pingWindow;
    const sentMs = c.pingSentMs[at]!;
    if (age >= this.pingWindow || Number.isNaN(sentMs) || nowMs < sentMs) {
      this.stalePongs++;
      return;
    }
    c.pingSentMs[at] = NaN;
    c.rttSamples[c.rttNext] = nowMs - sentMs;
    c.rttNext = (c.rttNext + 1) % RTT_SAMPLES;
    c.rttCount = Math.min(RTT_SAMPLES, c.rttCount + 1);
  }

  /** Tells every member of each room the round trips measured in its room (rooms with none get nothing). */
  private reportPings(): void {
    for (const members of this.bySlot.values()) {
      const pings: MemberPing[] = [];
      for (const [slot, c] of members) {
        const rtt = medianRtt(c);
        // Whole ms, at least 1: a sub-millisecond round trip (loopback) still took time, and 0
        // would read as "nothing measured"; beyond MAX_PING_MS a member would refuse the message.
        if (rtt !== undefined) pings.push([slot, Math.min(MAX_PING_MS, Math.max(1, Math.round(rtt)))]);
      }
      if (pings.length === 0) continue;
      pings.sort((a, b) => a[0] - b[0]);
      const bytes = encodeControlMessage({ type: 'pings', pings });
      for (const c of members.values()) this.sendControlBytes(c, bytes);
    }
  }

  private onControlSegment(c: Connection, segment: Uint8Array, nowMs: number): void {
    const malformed = c.control.stats.malformed;
    const messages = c.control.receive(segment, nowMs);
    if (c.control.stats.malformed !== malformed) this.dropped['bad-control']++;
    for (const bytes of messages) {
      if (c.firstMessage) {
        c.firstMessage = false;
        const resumeAt = decodeResumeMarker(bytes);
        if (resumeAt !== undefined) {
          c.nextMessage = resumeAt;
          continue;
        }
      }
      // Counted whatever it holds: the member counts every message it sent.
      const number = c.nextMessage++;
      if (number < c.session.delivered) {
        this.resentSkipped++;
        continue;
      }
      c.session.delivered = number + 1;
      const decoded = decodeControlMessage(bytes, 'client');
      if (!decoded.ok) {
        this.dropped['bad-control']++;
        continue;
      }
      this.onControl(c, decoded.message, nowMs);
    }
    this.drainAuthority();
    this.flushControl(c, nowMs);
  }

  private onControl(c: Connection, message: ClientControlMessage, nowMs: number): void {
    const { code, slot } = c.binding;
    const refuse = (what: string, result: { ok: boolean; error?: string } | undefined) => {
      if (result !== undefined && !result.ok) {
        this.dropped['not-permitted']++;
        this.sendControl(c, { type: 'error', code: result.error ?? 'refused', message: `${what} refused: ${result.error ?? 'not permitted'}` });
      }
    };
    switch (message.type) {
      case 'set-ready':
      case 'update-settings':
      case 'start-match':
      case 'end-match':
        if (!this.withinLimit(c, c.session.requests, 'request-rate-limited', 'requests', nowMs)) return;
        break;
      case 'chat':
        if (!this.withinLimit(c, c.session.chat, 'chat-rate-limited', 'chat lines', nowMs)) return;
        break;
      case 'signal':
        // A spectator's are refused before they cost it anything: it can never have a direct link.
        if (c.binding.role !== 'player') {
          this.dropped['bad-signal']++;
          return;
        }
        if (!this.withinLimit(c, c.session.signals, 'signal-rate-limited', 'signals', nowMs)) return;
        break;
    }
    switch (message.type) {
      case 'hello':
        return; // the connection was bound when it was authorized
      case 'set-ready':
        refuse('set-ready', this.authority.setReady(code, slot, message.ready));
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
      case 'leave':
        this.authority.leave(code, slot);
        this.close(c);
        return;
      case 'chat':
        for (const other of this.bySlot.get(code)?.values() ?? []) this.sendControl(other, { type: 'chat', slot, text: message.text });
        return;
      case 'signal':
        this.forwardSignal(c, message.to, message);
        return;
    }
  }

  /**
   * Forwards one signal message to another player of the sender's room, stamped with the
   * sender's slot (the member's message has no sender field to trust: the host writes it). The
   * destination is looked up in the sender's own room, so a slot number that exists in another
   * room reaches nobody there. Not forwarded, and counted: to the sender itself, to a slot of no
   * member or of a spectator, to a member not connected now (a reconnect starts a new channel;
   * the WebRTC side retries), or past the destination's backlog limits (SIGNAL_BACKLOG_LIMIT,
   * and SIGNAL_BACKLOG_PER_SENDER, which keeps one sender's flood from crowding out the others).
   */
  private forwardSignal(c: Connection, toSlot: number, signal: SignalFields): void {
    const to = this.bySlot.get(c.binding.code)?.get(toSlot);
    if (to === undefined || to === c || to.closed || to.binding.role !== 'player') {
      this.dropped['bad-signal']++;
      return;
    }
    const acked = to.control.acknowledged;
    let seqs = to.signalSeqs.get(c.binding.slot);
    if (seqs === undefined) {
      seqs = [];
      to.signalSeqs.set(c.binding.slot, seqs);
    }
    // Those acknowledged since are no longer in the backlog (sequence numbers wrap: serial arithmetic).
    while (seqs.length > 0 && ((seqs[0]! - acked) | 0) < 0) seqs.shift();
    if (to.control.inFlight >= SIGNAL_BACKLOG_LIMIT || seqs.length >= SIGNAL_BACKLOG_PER_SENDER) {
      this.dropped['signal-backlog']++;
      return;
    }
    seqs.push((acked + to.control.inFlight) >>> 0); // the sequence number the message gets
    const { kind, link, part, parts, payload } = signal;
    this.sendControl(to, { type: 'signal', from: c.binding.slot, kind, link, part, parts, payload });
  }

  /**
   * Takes one request from a member's limit. Over it: counted, and the member told once per
   * flood, not once per line: not again until it has slowed down long enough to fill its bucket
   * (2.5 s for chat by default), since a flood at the sustained rate lets a line through now and
   * then.
   */
  private withinLimit(c: Connection, limit: RequestLimit, reason: RelayDropReason, what: string, nowMs: number): boolean {
    if (limit.told && limit.bucket.available(nowMs, limit.burst)) limit.told = false;
    if (limit.bucket.take(nowMs)) return true;
    this.dropped[reason]++;
    if (!limit.told) {
      limit.told = true;
      this.sendControl(c, { type: 'error', code: 'rate-limited', message: `too many ${what}: dropped until you slow down` });
    }
    return false;
  }

  /** Turns the authority's decisions into control messages to the members concerned. */
  private drainAuthority(): void {
    for (const event of this.authority.events()) {
      const members = this.bySlot.get(event.code);
      switch (event.type) {
        case 'room-changed':
        case 'match-ended':
        case 'owner-changed': {
          const state = this.authority.room(event.code);
          if (state !== undefined && members !== undefined) for (const m of members.values()) this.sendControl(m, { type: 'room-state', state });
          break;
        }
        case 'match-started':
          if (members !== undefined) for (const m of members.values()) this.sendControl(m, { type: 'match-start', match: event.match, epoch: event.match.epoch });
          break;
        case 'member-dropped': {
          if (members !== undefined) for (const m of members.values()) this.sendControl(m, { type: 'member-dropped', slot: event.slot, reason: event.reason, epoch: event.epoch });
          const gone = members?.get(event.slot);
          if (gone !== undefined) this.close(gone);
          this.sessions.get(event.code)?.delete(event.slot);
          break;
        }
        case 'room-closed':
          for (const m of members?.values() ?? []) this.close(m);
          this.bySlot.delete(event.code);
          this.sessions.delete(event.code);
          this.forgetCreator(event.code);
          break;
      }
    }
  }

  private sendControl(c: Connection, message: ControlMessage): void {
    this.sendControlBytes(c, encodeControlMessage(message));
  }

  /** Sends an encoded control message (the same bytes may go to several members). */
  private sendControlBytes(c: Connection, bytes: Uint8Array): void {
    if (c.closed) return;
    if (!c.control.send(bytes)) {
      // A member that acknowledges nothing for hundreds of messages is gone in all but name. Its
      // channel's own disconnect will not reach `disconnect` (the connection is forgotten), so the
      // authority hears it here, or the slot would stay taken for good.
      this.close(c);
      this.authority.connectionLost(c.binding.code, c.binding.slot, c.lastHeardMs);
    }
  }

  private flushControl(c: Connection, nowMs: number): void {
    if (c.closed) return;
    for (const segment of c.control.poll(nowMs)) c.link.send(encodeControlFrame(segment));
  }

  private close(c: Connection): void {
    if (c.closed) return;
    this.forget(c);
    c.link.close();
  }

  private forget(c: Connection): void {
    c.closed = true;
    this.connections.delete(c.id);
    const slots = this.bySlot.get(c.binding.code);
    if (slots?.get(c.binding.slot) === c) slots.delete(c.binding.slot);
  }
}

const RATE_LIMITED = Object.freeze({ ok: false, error: 'rate-limited' } as const);

/** The u32 id of a 5-byte Ping or Pong frame. */
function pingId(frame: Uint8Array): number {
  return (frame[1]! | (frame[2]! << 8) | (frame[3]! << 16) | (frame[4]! << 24)) >>> 0;
}

/** The median of a connection's recent round trips (ms), or undefined before the first. */
function medianRtt(c: Connection): number | undefined {
  const n = c.rttCount;
  if (n === 0) return undefined;
  const sorted = c.rttSamples.slice(0, n).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
