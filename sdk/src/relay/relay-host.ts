import type { RoomAuthority } from '../room/room-authority.ts';
import type { RoomSettings } from '../room/room-settings.ts';
import { MAX_PING_MS, MAX_ROOM_STATE_MESSAGE_BYTES, decodeControlMessage, encodeControlMessage } from '../room/control-messages.ts';
import type { HostControlMessage, MemberPing } from '../room/control-messages.ts';
import { AuthorityDropReason, AuthorityService } from './authority-service.ts';
import type { AuthorityServiceLimits } from './authority-service.ts';
import { ReliableChannel } from './reliable-channel.ts';
import { TokenBucket } from './token-bucket.ts';
import { MAX_RELAY_FRAME_BYTES, RelayFrameKind, encodeControlFrame, encodePingFrame, restampDataFrame } from './relay-frame.ts';
import { parseConnectRequest } from './connect-request.ts';
import { constantTimeEqual } from '../room/constant-time-equal.ts';
import { decodeResumeMarker } from './resume-marker.ts';
import { mayRelayBetween } from './relay-rule.ts';
import { slotRole } from '../room/room-state.ts';
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

/** What the host is made with; the per-member limits on chat, room requests and signals are its `AuthorityService`'s. */
/** The relay's limits and liveness settings (`HostOptions.relay`). */
export interface RelayHostOptions extends AuthorityServiceLimits {
  /**
   * The rooms the relay serves.
   *
   * @internal `startHost` makes it.
   */
  readonly authority: RoomAuthority;
  /** The slot of the player that runs this relay after taking the room over (`AuthorityServiceOptions.holderSlot`). */
  readonly holderSlot?: number;
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
  /** Frames a member may send at once (burst); see `framesPerSecond`. Default 500. */
  readonly frameBurst?: number;
  /** Bytes per second a member may send, sustained, and in a burst. Defaults 256 KiB and 64 KiB. */
  readonly bytesPerSecond?: number;
  /** Bytes a member may send at once (burst); see `bytesPerSecond`. Default 64 KiB. */
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
}

/** Why the host dropped a frame, counted per reason in `stats().dropped`. */
export const RelayDropReason = {
  Oversized: 'oversized',
  Malformed: 'malformed',
  UnknownKind: 'unknown-kind',
  RateLimited: 'rate-limited',
  Spectator: 'spectator-data',
  BadDestination: 'bad-destination',
  BadControl: 'bad-control',
  /** The room authority's control plane's reasons (see `AuthorityDropReason`). */
  ...AuthorityDropReason,
} as const;
export type RelayDropReason = (typeof RelayDropReason)[keyof typeof RelayDropReason];

/** The relay's counters (`RunningHost.stats().relay`); totals since the host started. */
export interface RelayHostStats {
  /** Members' channels open now. */
  readonly connections: number;
  /** Rooms open now. */
  readonly rooms: number;
  /** Data frames relayed from one member to another (total). */
  readonly framesRelayed: number;
  /** Payload bytes of those frames (total). */
  readonly bytesRelayed: number;
  /** Join or create requests refused (total). */
  readonly joinsRefused: number;
  /**
   * Frames dropped, by reason: 'oversized', 'malformed', 'unknown-kind', 'rate-limited',
   * 'spectator-data', 'bad-destination', 'bad-control', and the room control plane's own
   * ('chat-rate-limited', 'request-rate-limited', 'signal-rate-limited', ...).
   */
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
}

/**
 * The host's logic, free of any networking library: authorizes joins, binds each connection to a
 * room slot, relays session packets between the members of a room (stamping the sender's slot;
 * players to players, and between spectators and players, see `mayRelayBetween`),
 * runs the reliable control path (the room authority's control plane is its `AuthorityService`,
 * which reaches members only through the host), watches liveness with its own heartbeats, and
 * enforces size and rate limits. The geckos.io adapter (`geckos-host.ts`) feeds it; tests can feed
 * it directly. Synchronous; time is passed in.
 */
export class RelayHost {
  readonly authority: RoomAuthority;
  /** The control plane: members' room requests, chat and signals, and the authority's decisions. */
  private readonly service: AuthorityService;
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
  /** Room code → slot → the member's session (kept while it reconnects; forgotten with the member, see the service's callbacks). */
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
    };
    this.service = new AuthorityService(options, {
      sendControl: (code, slot, bytes) => {
        const c = this.at(code, slot);
        if (c !== undefined) this.sendControlBytes(c, bytes);
      },
      controlBacklog: (code, slot) => this.at(code, slot)?.control,
      closeMember: (code, slot) => {
        const c = this.at(code, slot);
        if (c !== undefined) this.close(c);
      },
      memberDropped: (code, slot) => {
        const c = this.at(code, slot);
        if (c !== undefined) this.close(c);
        this.sessions.get(code)?.delete(slot);
      },
      roomClosed: (code) => {
        for (const c of this.bySlot.get(code)?.values() ?? []) this.close(c);
        this.bySlot.delete(code);
        this.sessions.delete(code);
        this.forgetCreator(code);
      },
      dropped: (reason) => {
        this.dropped[reason]++;
      },
    });
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
    // Drained only now: the members hear of the newcomer as not connected yet, so that nobody
    // signals it (for a direct link) before it has a channel to receive on.
    this.authority.connectionLost(result.binding.code, result.binding.slot, nowMs);
    this.service.drain();
    return result;
  }

  /** An authorized member's channel is open. Returns the connection id for the other calls. */
  connect(binding: MemberBinding, link: HostConnection, nowMs: number): number {
    const id = this.nextId++;
    // Connected for real now (the token proves who it is). A channel that opens after its slot
    // was given up (the grace ran out, the room closed) is closed: the slot may be someone else's.
    const joined = this.authority.join({ code: binding.code, name: '', role: binding.role, reconnectToken: binding.token }, nowMs);
    if (!joined.ok || joined.slot !== binding.slot) {
      this.service.drain();
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
    };
    this.connections.set(id, connection);
    slots.set(binding.slot, connection);
    this.service.memberConnected(binding);
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
    this.service.drain();
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
    this.service.tick(nowMs);
    for (const c of this.connections.values()) this.flushControl(c, nowMs);
  }

  /**
   * Tells every member the host is going. The channels stay open so that the goodbye can leave
   * (transports may send after the call returns); close them with `closeAll` a little later.
   */
  shutdown(reason: string, nowMs: number): void {
    const goodbye = encodeControlMessage({ type: 'host-closing', reason });
    for (const c of this.connections.values()) {
      this.sendControlBytes(c, goodbye);
      // The last word gets no acknowledgement: send it a few times, as geckos' "reliable" does.
      for (let i = 0; i < 3; i++) for (const segment of c.control.poll(nowMs + i * 1000)) c.link.send(encodeControlFrame(segment));
    }
  }

  /**
   * Sends one control message to every member of a room with a channel now, but `except` (a
   * player holding the room after its host passes its own slot), reliably, as the authority's
   * own messages go. For news that is not the authority's to decide (the room moved back to a host).
   */
  tellRoom(code: string, message: HostControlMessage, except?: number): void {
    const bytes = encodeControlMessage(message);
    for (const [slot, c] of this.bySlot.get(code) ?? []) if (slot !== except) this.sendControlBytes(c, bytes);
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
    const c = this.at(code, slot);
    return c === undefined ? undefined : medianRtt(c);
  }

  /**
   * Closes a member's channel without dropping the member: like a network hiccup, it may come back
   * into its slot within the reconnect grace. (Kicking is `authority.drop`.) False if not connected.
   */
  closeMember(code: string, slot: number, nowMs: number): boolean {
    const c = this.at(code, slot);
    if (c === undefined) return false;
    this.close(c);
    this.authority.connectionLost(code, slot, nowMs);
    this.service.drain();
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
      return { ok: true, binding: { code: created.code, slot: created.slot, role: 'player', token: created.token } };
    }
    if (request.action === 'rehome') return this.rehome(request, address, limits, nowMs);
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
    // The slot tells the role, not the request: a reconnect with a token comes back into its own
    // slot whatever role it names, and a spectator must not be relayed as a player.
    return { ok: true, binding: { code: joined.code, slot: joined.slot, role: slotRole(joined.slot) ?? request.role, token: joined.token } };
  }

  /**
   * A room comes back from the player that held it after this host (or an earlier one) was lost:
   * restored with its code, members, slots, names and tokens, at a higher epoch than its holder's,
   * counted against the requester's address as a room it created. The requester proves it is a
   * player of the room with its own token; every member, the requester included, then counts as
   * disconnected until it reconnects with its token (the requester at once, on this connection).
   */
  private rehome(request: Extract<ConnectRequest, { action: 'rehome' }>, address: string, limits: AddressLimits, nowMs: number): { ok: true; binding: MemberBinding } | { ok: false; error: string } {
    if ((this.roomsHeld.get(address) ?? 0) >= this.roomsPerAddress) return { ok: false, error: 'too-many-own-rooms' };
    if (!limits.creates.available(nowMs)) return { ok: false, error: 'create-rate-limited' };
    const { handover, token } = request;
    const index = handover.tokens.findIndex(([, t]) => constantTimeEqual(t, token));
    const member = index < 0 ? undefined : handover.state.members[index];
    if (member === undefined || member.role !== 'player') return { ok: false, error: 'bad-token' };
    const restored = this.authority.restoreRoom(handover, nowMs);
    if (!restored.ok) return { ok: false, error: restored.error === 'code-in-use' ? 'code-in-use' : restored.error === 'too-many-rooms' ? 'too-many-rooms' : 'bad-request' };
    limits.creates.take(nowMs);
    const code = handover.state.code;
    this.roomCreators.set(code, address);
    this.roomsHeld.set(address, (this.roomsHeld.get(address) ?? 0) + 1);
    for (const m of handover.state.members) this.authority.connectionLost(code, m.slot, nowMs);
    return { ok: true, binding: { code, slot: member.slot, role: 'player', token } };
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
      session = { token: binding.token, delivered: 0 };
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

  /**
   * Forwards a member's session packet to another member of its room, stamped with its slot:
   * player to player, player to spectator and spectator to player (`mayRelayBetween`); a
   * spectator's to another spectator is counted as 'spectator-data'. Each connection's own rate
   * limit (in `receive`) holds whatever its role.
   */
  private relay(from: Connection, data: Uint8Array): void {
    if (data.length < 3) {
      this.dropped.malformed++;
      return;
    }
    const to = this.at(from.binding.code, data[1]!);
    if (to === undefined || to === from || to.closed) {
      this.dropped['bad-destination']++;
      return;
    }
    if (!mayRelayBetween(from.binding.role, to.binding.role)) {
      this.dropped['spectator-data']++;
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
      this.service.onControl(c.binding, decoded.message, nowMs);
    }
    this.service.drain();
    this.flushControl(c, nowMs);
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
    if (slots?.get(c.binding.slot) === c) {
      slots.delete(c.binding.slot);
      this.service.memberDisconnected(c.binding.code, c.binding.slot);
    }
  }

  /** The live connection of a room's slot. */
  private at(code: string, slot: number): Connection | undefined {
    return this.bySlot.get(code)?.get(slot);
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
