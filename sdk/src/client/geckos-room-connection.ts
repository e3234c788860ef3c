import { geckos } from '@geckos.io/client';
import type { ClientChannel } from '@geckos.io/client';
import type { Transport } from '../transport/transport.ts';
import { rawBytes } from '../transport/raw-bytes.ts';
import { RoomClient } from '../relay/room-client.ts';
import type { RoomClientEvent } from '../relay/room-client.ts';
import { RelayRoute } from '../relay/relay-route.ts';
import { demuxHostFrame } from '../relay/host-frame-demux.ts';
import { encodeConnectRequest, refusalReason } from '../relay/connect-request.ts';
import type { RoomRequest } from '../relay/connect-request.ts';
import { RoomRoutes } from './room-routes.ts';
import { RoomMigration } from '../migration/room-migration.ts';
import type { RoomMigrationEvent, RoomMigrationOptions } from '../migration/room-migration.ts';
import type { RoomHolder } from '../migration/succession-watch.ts';
import type { DirectLinksOptions } from './room-routes.ts';

/** Where the host is, what to ask it for, and how to keep the connection (`connectToRoom`). */
export interface RoomConnectionOptions {
  /** The host's address, e.g. `http://192.168.1.20` (no port). In a page served by the host: `location.origin` without its port. */
  readonly url: string;
  /** The host's port (TCP for signaling, the same number in UDP). */
  readonly port: number;
  /** Create a room, or join one. */
  readonly request: RoomRequest;
  /** Silence from the host after which the channel counts as dead and a reconnect starts (ms). Default 1500. */
  readonly silenceTimeoutMs?: number;
  /**
   * Reconnect attempts after the channel drops, and the pause between them (ms). Defaults 8 and
   * 250. Past them, a member goes on trying (once a second) while another player of its match says,
   * over their direct link, that it still hears the host.
   */
  readonly reconnectAttempts?: number;
  /** Pause between reconnect attempts (ms); see `reconnectAttempts`. Default 250. */
  readonly reconnectDelayMs?: number;
  /** How often control resends and liveness run (ms). Default 10. */
  readonly tickMs?: number;
  /** Clock in ms. Default `performance.now`. */
  readonly now?: () => number;
  /**
   * Direct WebRTC links between the players of a match, with the host's relay as each pair's
   * fallback (see `RoomRoutes`). Default `{}`: on, with no STUN or TURN server (a LAN). Pass
   * `iceServers` for players beyond one LAN, or `false` to keep every packet on the relay.
   */
  readonly direct?: DirectLinksOptions | false;
  /**
   * Host migration (docs/host-migration.md): when the host is gone, a player takes the room over
   * and the others follow it over their direct links. Default `{}`: on (it needs direct links).
   * `false` keeps the old behaviour: without the host the room ends with the match.
   */
  readonly migration?: RoomMigrationOptions | false;
}

/**
 * The connection to whoever holds the room: connected, reconnecting (after a drop; and, with host
 * migration on, from the host's loss until a player holds the room), or closed for good (the host
 * went and nobody could take the room over, the slot was given up, or `close()` was called).
 * Until `close()`, a closed connection's direct links stay up: a match can play on over them.
 */
export type RoomConnectionState = 'connected' | 'reconnecting' | 'closed';

/** A member's live connection to a host's room. */
export interface RoomConnection {
  /** The control plane: room state, match, requests, signals, liveness of the channel to the host. */
  readonly client: RoomClient;
  /**
   * The data plane through the host: session packets in Data frames, the `'relay'` route of
   * `transport` (every pair's fallback). Its `stats` count the packets it dropped.
   */
  readonly relay: RelayRoute;
  /**
   * The session transport: other members are `slot:N`, reached over a direct link while one is
   * open and alive, over the host's relay otherwise (`routes.transport`).
   */
  readonly transport: Transport;
  /** The routes to the other players: which one each uses, and their round trips. */
  readonly routes: RoomRoutes;
  /** The room's code, as the host gave it (the one to share, for a created room). */
  readonly code: string;
  /** This member's slot in the room (players first; its `slot:N` address in a match). */
  readonly slot: number;
  /** Whether this member plays or only watches. */
  readonly role: 'player' | 'spectator';
  /**
   * This member's reconnect token, a secret: a new page or process of the same member joins with
   * it (`request: { action: 'join', code, token, ... }`) to come back into its slot, during a match
   * even after the room removed it (docs/rejoin-and-spectators.md). Keep it where only this member
   * finds it (a tab's `sessionStorage`), never in a link.
   */
  readonly token: string;
  /** The connection to the host now (see `RoomConnectionState`). */
  readonly state: RoomConnectionState;
  /**
   * Who holds the room: the host (`holder` 0xff, HOST_HOLDER) until it is lost, then the player
   * that took it over (its slot), with the epoch of its decisions. Undefined before the first
   * room state, or with migration off.
   */
  readonly holder: RoomHolder | undefined;
  /**
   * Drains room events (see {@link RoomClientEvent}), `connection` state changes, and host
   * migration's events (`holder-lost`, `holder`, `orphaned`: see `RoomMigrationEvent`). Signals
   * for direct links are handled by `routes` and not returned.
   */
  events(): (
    | RoomClientEvent
    | RoomMigrationEvent
    | {
        readonly type: 'connection';
        /** The connection's new state. */
        readonly state: RoomConnectionState;
      }
  )[];
  /** Leaves the room on purpose and closes the channel and every direct link. Call it also after the host is gone, once the match is over. */
  close(): void;
}

/** Why a join was refused: 'no-such-room', 'bad-password', 'full', 'in-progress', 'rate-limited', 'unreachable', ... */
export class RoomJoinError extends Error {
  constructor(
    /** The host's reason ('no-such-room', 'full', ...), or 'unreachable' when no host answered. */
    readonly reason: string,
    /** The HTTP status of the refusal, if an answer came. */
    readonly status: number | undefined,
  ) {
    super(`could not join: ${reason}${status !== undefined ? ` (HTTP ${status})` : ''}`);
    this.name = 'RoomJoinError';
  }
}

/**
 * How long the host may be quiet before pairs without a direct link go through a third player
 * (ms). The host pings every 250 ms, so 600 ms is two pings missed: a dead host costs such a pair
 * (and, through the prediction window, the whole match) about 0.6 s of stall instead of the 1.5 s
 * the connection takes to declare the channel dead. A false alarm is harmless: the peer relay
 * carries the packets too, and the pair returns to the host's relay once it is heard.
 */
const HOST_QUIET_MS = 600;

/**
 * The pause between reconnect attempts once the usual ones are spent and other players say the
 * host is still there (ms): a path that broke (a Wi-Fi roam, a firewall's state table) may take
 * seconds to come back; once a second keeps trying without flooding the host.
 */
const VOUCHED_RETRY_MS = 1000;

/**
 * How often a player holding the room after its host tries to bring it back onto the host (ms): a
 * host started again at the same address is found within 3 s, and a browser logs one failed
 * request per attempt while it is down.
 */
const REHOME_PROBE_MS = 3000;

/**
 * How long a member waits, once the host is gone, for a player to take the room over before it
 * counts the room as closed (ms). Far beyond the usual second or two: a claim must have reached
 * it by then, or nobody could make one.
 */
const MIGRATION_WAIT_MS = 10_000;

/** Refusals a reconnect tries again after: they say nothing about the slot. */
const RETRYABLE: ReadonlySet<string> = new Set(['unreachable', 'rate-limited']);

interface Binding {
  readonly code: string;
  readonly slot: number;
  readonly role: 'player' | 'spectator';
  readonly token: string;
}

/**
 * Connects to a Backspin host over geckos.io's unreliable data channel (ordered: false,
 * maxRetransmits: 0) and joins or creates a room. The same code runs in browsers and in Node
 * (where `installNodeWebRTC()` from `backspin/node` must run first). If the channel drops (geckos
 * closes it on a brief ICE hiccup) or the host goes silent, it reconnects into the same slot with
 * its token, and a session on `transport` goes on unaware. This is the only file that imports
 * `@geckos.io/client`.
 */
export async function connectToRoom(options: RoomConnectionOptions): Promise<RoomConnection> {
  const now = options.now ?? (() => performance.now());
  const client = new RoomClient();
  const relay = new RelayRoute();
  /** Both planes, for every frame from the host. */
  const planes = { control: client, data: relay };
  const extra: ({ type: 'connection'; state: RoomConnectionState } | RoomMigrationEvent)[] = [];
  const silenceMs = options.silenceTimeoutMs ?? 1500;
  const attempts = options.reconnectAttempts ?? 8;
  const delayMs = options.reconnectDelayMs ?? 250;

  const first = await open(options, encodeConnectRequest(options.request));
  const binding = first.binding;
  let channel: ClientChannel | undefined = first.channel;
  let state: RoomConnectionState = 'connected';
  /** No more reconnects: the member left, or the host said goodbye. */
  let closing = false;
  /** `close()` was called: the routes and the timer are stopped too. */
  let closed = false;
  /** The request that brings this member back into its slot: to the host on a reconnect, to a successor after a migration. */
  const again = encodeConnectRequest({
    action: 'join',
    code: binding.code,
    name: options.request.name,
    role: binding.role,
    token: binding.token,
    ...(options.request.password !== undefined ? { password: options.request.password } : {}),
  });
  const migration: RoomMigration | undefined =
    options.direct === false || options.migration === false || binding.role !== 'player'
      ? undefined
      : new RoomMigration(
          // `routes` exists by the first tick, when this is first asked.
          { slot: binding.slot, client, relay, rejoin: again, random: randomU32, relayVia: (slot: number): number | undefined => routes.relayFor(slot) },
          options.migration ?? {},
        );
  const routes = new RoomRoutes(
    { slot: binding.slot, relay, signal: (to, kind, link, payload) => client.signal(to, kind, link, payload), hostRtts: () => client.pings },
    options.direct ?? {},
    migration,
  );
  /** Room events taken from the client (signals went to `routes`), until `events()` drains them. */
  const inbox: RoomClientEvent[] = [];
  /** Moves the client's events to `routes` and the inbox: signals reach their links at once, not when the game asks. */
  const takeEvents = () => {
    for (const e of client.events()) {
      if (e.type === 'room-moved') backToHost();
      else if (routes.take(e)) inbox.push(e);
    }
  };

  /**
   * The room is back on its host (the player that held it re-homed it there): leave that player
   * and reconnect to the host into our slot, as after a drop.
   */
  const backToHost = () => {
    if (migration === undefined || migration.holdsRoom || !closing || closed) return;
    migration.followHost();
    closing = false;
    void reconnect();
  };

  /** While this member holds the room: whether a re-home attempt is under way, and when the next may start (ms). */
  let probing = false;
  let nextProbeMs = 0;
  /** Whether this member held the room at the last tick: the first probe waits a period after it takes the room. */
  let held = false;
  /**
   * Tries to bring the room this member holds back onto the host, at the connection's address: a
   * host started again there takes it with its code, members and tokens ('rehome'). Then every
   * member reconnects there, and newcomers can join again. A host that is still down refuses
   * nothing: the attempt fails as unreachable and is tried again later.
   */
  const probe = async () => {
    const handover = migration?.successorHost?.authority.exportRoom(binding.code);
    if (handover === undefined) {
      probing = false;
      return;
    }
    try {
      if (!(await answersHttp(options))) return;
      const next = await open(options, encodeConnectRequest({ action: 'rehome', handover, token: binding.token }));
      if (closed || migration?.holdsRoom !== true || next.binding.slot !== binding.slot || next.binding.code !== binding.code) {
        closeChannel(next.channel);
        return;
      }
      migration.rehomed(now());
      closing = false;
      adopt(next.channel);
      setState('connected');
    } catch {
      // The host is not back yet (or refused: a room under our code is there already).
    } finally {
      probing = false;
      nextProbeMs = now() + REHOME_PROBE_MS;
    }
  };

  const setState = (next: RoomConnectionState) => {
    if (next === state) return;
    state = next;
    extra.push({ type: 'connection', state: next });
  };

  /** Both planes lose the channel to the host (until `adopt` gives them the next). */
  const detach = () => {
    client.detach();
    relay.detach();
  };

  const adopt = (ch: ClientChannel) => {
    channel = ch;
    const dc = dataChannelOf(ch);
    const send = (frame: Uint8Array) => {
      try {
        if (dc === undefined) ch.raw.emit(frame);
        else if (dc.readyState === 'open') dc.send(frame);
      } catch {
        // the channel is closing: lost, as a datagram may be
      }
    };
    // Both planes share the one channel: a reconnect re-points them together.
    client.attach(send, now());
    relay.attach(send);
    ch.onRaw((raw: unknown) => {
      const bytes = rawBytes(raw);
      if (bytes !== undefined) demuxHostFrame(bytes, now(), planes);
    });
    ch.onDisconnect(() => {
      if (channel !== ch) return;
      channel = undefined;
      detach();
      if (client.hostClosing !== undefined) {
        // The host said goodbye: nothing to come back to. The timer goes on: it keeps the direct
        // links' routes up to date, and the match may play on over them.
        hostGone();
      } else if (!closing) {
        void reconnect();
      }
    });
  };

  const reconnect = async () => {
    if (client.hostClosing !== undefined) {
      hostGone(); // a goodbye heard meanwhile: nothing to come back to
      return;
    }
    setState('reconnecting');
    let refused = false;
    for (let i = 0; !closing; i++) {
      // Past its attempts, a member goes on trying while some other player of the match says it
      // still hears the host: then the host is there, and only this member's path to it is
      // broken (docs/host-migration.md). Otherwise the host is gone for everyone.
      const vouched = i >= attempts;
      if (vouched && routes.peersHearingHost().length === 0) break;
      try {
        // A host whose page server does not answer either is not dialed: geckos.io would log
        // "Failed to fetch" for each attempt (several a second) as an error of the page.
        if (!(await answersHttp(options))) throw new RoomJoinError('unreachable', undefined);
        const next = await open(options, again);
        if (closing) {
          closeChannel(next.channel);
          return;
        }
        adopt(next.channel);
        setState('connected');
        return;
      } catch (error) {
        // "unreachable" and "rate-limited" pass (a host that stalled answers every member of an
        // address at once, and caps how many may connect at a time); any other refusal is final
        // (the slot is gone, the room closed).
        if (error instanceof RoomJoinError && !RETRYABLE.has(error.reason)) {
          refused = true;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, vouched ? Math.max(delayMs, VOUCHED_RETRY_MS) : delayMs));
      }
    }
    if (closing) return;
    if (refused) {
      // The host is there and our slot is not: out of the room for good, nobody to follow.
      closing = true;
      migration?.close();
      setState('closed');
    } else {
      hostGone();
    }
  };

  /** Migration said no player can take the room over. */
  let orphaned = false;
  /**
   * The host is gone for us: it said goodbye, or it cannot be reached and no other player hears
   * it. Without migration that closes the connection. With it, the connection stays
   * 'reconnecting' until a player holds the room ('connected' again) or nobody can ('closed').
   */
  const hostGone = () => {
    closing = true;
    hostGoneAtMs = now();
    // A member that never heard its room's state (the host died as it joined) has nothing to move.
    setState(migration !== undefined && migration.holder !== undefined && !orphaned ? 'reconnecting' : 'closed');
  };
  /** When the host was found gone (ms): a room nobody has taken over within MIGRATION_WAIT_MS is closed. */
  let hostGoneAtMs = 0;

  const timer = setInterval(() => {
    const t = now();
    client.tick(t);
    takeEvents();
    // Routing does not wait for the connection's 1.5 s verdict: a host quiet for HOST_QUIET_MS
    // (two pings missed) already sends a pair without a direct link through a third player, and
    // back as soon as the host is heard again. The same tells the peers whether we hear the host.
    routes.hostReachable(state === 'connected' && channel !== undefined && client.silentForMs(t) < HOST_QUIET_MS);
    routes.tick(t);
    if (migration !== undefined) {
      migration.tick(t);
      // Not at once on taking the room: a host that just said goodbye is still closing, and one
      // started again takes seconds anyway.
      if (migration.holdsRoom && !held) nextProbeMs = t + REHOME_PROBE_MS;
      held = migration.holdsRoom;
      if (migration.holdsRoom && !probing && t >= nextProbeMs && !closed) {
        probing = true;
        void probe();
      }
      for (const event of migration.events()) {
        if (event.type === 'rehome') {
          backToHost();
          continue;
        }
        extra.push(event);
        if (event.type === 'holder' && !closing) {
          // The room is a player's now: the host is never dialed again (it was lost for everyone,
          // and going back to it could split the room in two).
          closing = true;
          const old = channel;
          channel = undefined;
          if (old !== undefined) closeChannel(old);
        }
        if (event.type === 'holder') setState('connected');
        if (event.type === 'orphaned') {
          orphaned = true;
          if (closing) setState('closed');
        }
      }
      if (state === 'reconnecting' && closing && !migration.holdsRoom && t - hostGoneAtMs > MIGRATION_WAIT_MS) {
        // Nobody took the room over in all this time (the candidates were gone too, or cut off).
        orphaned = true;
        setState('closed');
      }
    }
    if (channel !== undefined && client.hostClosing !== undefined && client.silentForMs(t) > silenceMs) {
      // The host said goodbye and went quiet without closing the channel: over, not a drop.
      const gone = channel;
      channel = undefined;
      detach();
      closeChannel(gone);
      hostGone();
    } else if (channel !== undefined && client.silentForMs(t) > silenceMs) {
      const dead = channel;
      channel = undefined;
      detach();
      closeChannel(dead);
      void reconnect();
    }
  }, options.tickMs ?? 10);
  adopt(first.channel);

  return {
    client,
    relay,
    transport: routes.transport,
    routes,
    code: binding.code,
    slot: binding.slot,
    role: binding.role,
    token: binding.token,
    get state() {
      return state;
    },
    get holder() {
      return migration?.holder;
    },
    events() {
      takeEvents();
      const out = [...inbox, ...extra];
      inbox.length = 0;
      extra.length = 0;
      return out;
    },
    close() {
      if (closed) return;
      closed = true;
      migration?.close();
      routes.close();
      if (!closing) {
        client.leave();
        client.tick(now());
      }
      closing = true;
      clearInterval(timer);
      const ch = channel;
      channel = undefined;
      // Give the leave message a moment to go out.
      setTimeout(() => {
        if (ch !== undefined) closeChannel(ch);
      }, 50);
      setState('closed');
    },
  };
}

/** A uniform u32 from the platform's cryptographic source (the room a member may restore mints match ids and seeds with it). */
function randomU32(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/**
 * Whether anything answers HTTP at the host's address: a quiet first look before a re-home attempt.
 * While the host is down, geckos.io's failed connect logs an error ("Failed to fetch") on every
 * attempt, every {@link REHOME_PROBE_MS} for as long as the host stays away, which players read as
 * the page failing; a refused look costs one line that the browser itself logs for the request.
 */
async function answersHttp(options: RoomConnectionOptions): Promise<boolean> {
  try {
    await fetch(`${options.url}:${options.port}/`, { method: 'HEAD', cache: 'no-store' });
    return true;
  } catch {
    return false;
  }
}

async function open(options: RoomConnectionOptions, authorization: string): Promise<{ channel: ClientChannel; binding: Binding }> {
  const channel = geckos({ url: options.url, port: options.port, authorization, iceServers: [] });
  const error = await new Promise<unknown>((resolve) => {
    void channel.onConnect((err?: unknown) => resolve(err));
  });
  if (error !== undefined && error !== null) {
    const status = (error as { status?: unknown }).status;
    throw new RoomJoinError(refusalReason(typeof status === 'number' ? status : undefined), typeof status === 'number' ? status : undefined);
  }
  const data = channel.userData as Partial<Binding>;
  if (typeof data.code !== 'string' || typeof data.slot !== 'number' || typeof data.token !== 'string' || (data.role !== 'player' && data.role !== 'spectator')) {
    closeChannel(channel);
    throw new RoomJoinError('bad-response', undefined);
  }
  quietLateCandidates(channel);
  return { channel, binding: { code: data.code, slot: data.slot, role: data.role, token: data.token } };
}

/**
 * geckos.io's client keeps polling the host for ICE candidates for about 10 s after connecting and
 * adds each without awaiting the promise; once the connection has closed (a reconnect, a host that
 * went away) that promise rejects unhandled: an uncaught error in a browser's console, the end of a
 * Node process. A candidate that cannot be added to a closed connection is of no use: this
 * connection's `addIceCandidate` swallows the refusal. (`installNodeWebRTC` does the same for every
 * Node connection, including one that fails during its setup.)
 */
function quietLateCandidates(channel: ClientChannel): void {
  const pc = internalsOf(channel).peerConnection?.localPeerConnection;
  if (pc === undefined) return;
  const add = pc.addIceCandidate.bind(pc);
  pc.addIceCandidate = (candidate?: unknown) => add(candidate).catch(() => undefined);
}

/**
 * The data channel under a geckos.io channel, to send on it directly. geckos.io's raw emit sends a
 * turn later and logs every failure ("error Error: ... DataChannel is closed"), once per frame,
 * while a closing channel still reads as open; a direct send fails at once, and is just lost.
 */
function dataChannelOf(channel: ClientChannel): GeckosDataChannel | undefined {
  return internalsOf(channel).peerConnection?.dataChannel;
}

/**
 * Closes a geckos.io channel's peer connection, and nothing else. The client's own `close()` also
 * posts a "close" request to the host without handling its failure: when the host is gone, that
 * request rejects unhandled, which ends a Node process (exit 1) and logs an uncaught error in a
 * browser. The host needs no such request: it sees the peer connection close.
 */
function closeChannel(channel: ClientChannel): void {
  try {
    internalsOf(channel).peerConnection?.localPeerConnection?.close();
  } catch {
    // already closed
  }
}

/** The one data channel of a geckos.io connection, as the browser (or node-datachannel's polyfill) made it. */
interface GeckosDataChannel {
  readonly readyState: string;
  send(data: Uint8Array): void;
}

/**
 * What this file uses of a geckos.io `ClientChannel` beyond its public API (private in its types,
 * stable in @geckos.io/client 3.1.0, pinned in package.json): its peer connection and data channel.
 * Each is optional: a channel whose connect failed has neither, and every use copes.
 */
interface GeckosInternals {
  readonly peerConnection?: {
    readonly dataChannel?: GeckosDataChannel;
    readonly localPeerConnection?: { close(): void; addIceCandidate(candidate?: unknown): Promise<void> };
  };
}

function internalsOf(channel: ClientChannel): GeckosInternals {
  return channel as unknown as GeckosInternals;
}
