import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RoomAuthority } from '../room/room-authority.ts';
import type { RoomAuthorityOptions } from '../room/room-authority.ts';
import { RelayHost } from '../relay/relay-host.ts';
import type { MemberBinding, RelayHostOptions, RelayHostStats } from '../relay/relay-host.ts';
import { serveStatic } from './static-files.ts';
import { refusalStatus } from '../relay/connect-request.ts';
import { CONNECTION_ID_LENGTH, SignalingRoute, checkSignalingRequest, isSignalingPath } from './signaling-request.ts';
import { PendingConnections } from './pending-connections.ts';
import type { PendingConnectionsOptions } from './pending-connections.ts';
import type { MemberPeer } from './member-peer.ts';
import { missingPeer } from './missing-peer.ts';
import { LAN_URLS_PATH, lanUrls } from './lan-urls.ts';
import { OPEN_ROOMS_PATH, OpenRoomsEndpoint } from './open-rooms.ts';
import type { OpenRoomsOptions } from './open-rooms.ts';

/** Where a host listens, what it serves, and its limits (`startHost`). Every field is optional. */
export interface HostOptions {
  /** TCP port for the web page and signaling, and UDP port for every WebRTC connection. Default 8080; 0 picks a free TCP port. */
  readonly port?: number;
  /** Address to bind. Default '0.0.0.0' (every interface: the LAN can reach it). */
  readonly bindAddress?: string;
  /** Folder of static files to serve (the game). Without it only signaling is served. */
  readonly staticDir?: string;
  /** Room authority settings (rooms, reconnect grace). */
  readonly authority?: Omit<RoomAuthorityOptions, 'random'>;
  /** Relay limits and liveness settings. */
  readonly relay?: Omit<RelayHostOptions, 'authority'>;
  /** Limits on WebRTC connections still in signaling (half-open), per address and in all. */
  readonly pending?: PendingConnectionsOptions;
  /**
   * Signaling requests one address may have in progress at once. Default 8: a browser sends at
   * most two at a time per connection (the answer, and a poll for candidates).
   */
  readonly maxSignalingRequestsPerAddress?: number;
  /**
   * The list of open rooms at `GET /.backspin/rooms.json` (codes, owners' names, players, phase,
   * whether a password is needed; never a password or token), for a title screen to list them:
   * its limits, or false to serve no list (joining then needs the code). Default: listed.
   */
  readonly roomList?: OpenRoomsOptions | false;
  /** How often the relay's timers run (ms). Default 10. */
  readonly tickMs?: number;
  /** Called for an exception the host caught in its own code (a bug: logged to stderr by default). */
  readonly onFault?: (error: unknown) => void;
}

/** What the host's front (HTTP signaling and WebRTC connections) refused, dropped and reclaimed. */
export interface HostFrontStats {
  /** WebRTC connections the host holds (in signaling or open). */
  readonly peers: number;
  /** Of those, still in signaling. */
  readonly pending: number;
  /** Text messages dropped unread: only binary relay frames travel on a member's channel. */
  readonly textDropped: number;
  /** Connections whose data channel did not open in time, closed. */
  readonly reclaimed: number;
  /** Signaling requests refused, by reason ('cross-origin', 'too-large', 'method', 'address-busy', ...). */
  readonly refused: Readonly<Record<string, number>>;
  /** Exceptions caught in the host's own code: each is a bug. */
  readonly faults: number;
}

/** A running host. */
export interface RunningHost {
  /** The TCP port (the UDP port is the same number). */
  readonly port: number;
  /**
   * The relay behind the front: rooms, members and their counters (`stats().relay`).
   *
   * @internal tests reach into it; its figures are in `stats()`.
   */
  readonly relay: RelayHost;
  /** The Node HTTP server that serves the static files and the signaling, listening on `port`. */
  readonly httpServer: Server;
  /** The front's counters, and the relay's (`relay`: frames relayed and dropped, by reason). */
  stats(): HostFrontStats & {
    /** The relay's counters. */
    readonly relay: RelayHostStats;
  };
  /** Tells every member the host is going, then stops. */
  close(reason?: string): Promise<void>;
}

/** How long the host waits for libdatachannel's SDP offer before giving up on a connection (ms). */
const OFFER_TIMEOUT_MS = 2000;
/**
 * Time a client has to send a whole HTTP request (ms). Node's default is 300 s; a request to this
 * host is a page asset or a few hundred bytes of signaling, sent on a LAN.
 */
const REQUEST_TIMEOUT_MS = 15_000;

interface Peer {
  readonly member: MemberPeer;
  readonly binding: MemberBinding;
  relayId: number | undefined;
}

/**
 * Starts a Backspin host: one HTTP server on `port` serving the static files and the WebRTC
 * signaling that geckos.io's client speaks, and one UDP port (the same number) multiplexing every
 * WebRTC connection, with a `RelayHost` (the rooms and their relay) behind it.
 *
 * The signaling routes are this host's own (`signaling-request.ts` checks each request before its
 * body is read) over libdatachannel (`member-peer.ts`), not geckos.io's server: that parsed text
 * messages in native callbacks (one text message aborted the process), buffered request bodies of
 * any size, answered every origin, and never reclaimed a connection whose channel did not open.
 */
export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  const MemberPeerClass = await loadMemberPeer();
  const bindAddress = options.bindAddress ?? '0.0.0.0';
  const files = options.staticDir !== undefined ? serveStatic(options.staticDir) : undefined;
  const now = () => performance.now();
  const authority = new RoomAuthority({ ...options.authority, random: randomU32 });
  const relay = new RelayHost({ ...options.relay, authority });
  const pending = new PendingConnections(options.pending);
  const maxRequestsPerAddress = options.maxSignalingRequestsPerAddress ?? 8;
  const roomList = options.roomList === false ? undefined : new OpenRoomsEndpoint(authority, options.roomList);
  const peers = new Map<string, Peer>();
  const inFlight = new Map<string, number>();
  const refused: Record<string, number> = {};
  const counters = { textDropped: 0, reclaimed: 0, faults: 0 };
  const fault = (error: unknown) => {
    counters.faults++;
    if (options.onFault !== undefined) options.onFault(error);
    else console.error('backspin-host: internal error (the host keeps running):', error);
  };
  let port = 0;
  let closed = false;

  const refuse = (res: ServerResponse, status: number, reason: string, extra: Record<string, string> = {}) => {
    refused[reason] = (refused[reason] ?? 0) + 1;
    // The body, if any, is not read: the connection closes after the answer.
    res.writeHead(status, { 'content-type': 'text/plain', connection: 'close', ...extra }).end(`${status} ${reason}`);
  };

  const forget = (id: string) => {
    pending.remove(id);
    peers.delete(id);
  };

  const connect = async (req: IncomingMessage, res: ServerResponse, address: string) => {
    if (closed) return refuse(res, 503, 'closing');
    const busy = pending.check(address);
    if (busy !== undefined) return refuse(res, busy === 'host-busy' ? 503 : 429, busy);
    const result = relay.authorize(req.headers.authorization ?? '', address, now());
    if (!result.ok) return refuse(res, refusalStatus(result.error), result.error);
    const id = newConnectionId();
    const peer: Peer = {
      binding: result.binding,
      relayId: undefined,
      member: new MemberPeerClass(
        { id, port, bindAddress: bindAddress !== '0.0.0.0' ? bindAddress : undefined },
        {
          onOpen: () => {
            pending.remove(id);
            peer.relayId = relay.connect(peer.binding, { send: (frame) => peer.member.send(frame), close: () => closePeer(id) }, now());
          },
          onBinary: (data) => {
            if (peer.relayId !== undefined) relay.receive(peer.relayId, data, now());
          },
          onText: () => {
            counters.textDropped++;
          },
          onClosed: () => {
            forget(id);
            if (peer.relayId !== undefined) relay.disconnect(peer.relayId, now());
          },
          onFault: fault,
        },
      ),
    };
    peers.set(id, peer);
    pending.add(id, address, now());
    const localDescription = await peer.member.localDescription(OFFER_TIMEOUT_MS);
    if (localDescription === undefined) {
      closePeer(id);
      return refuse(res, 500, 'no-offer');
    }
    sendJson(res, { userData: result.binding, id, localDescription });
  };

  /** Closes a connection on the host's own decision (the relay's, a reclaim, the client's close request). */
  const closePeer = (id: string) => {
    const peer = peers.get(id);
    if (peer === undefined) return;
    forget(id);
    peer.member.close();
    if (peer.relayId !== undefined) relay.disconnect(peer.relayId, now());
  };

  const signaling = async (req: IncomingMessage, res: ServerResponse) => {
    const check = checkSignalingRequest(req);
    if (!check.ok) return refuse(res, check.status, check.reason, check.allow !== undefined ? { allow: check.allow } : {});
    const address = req.socket.remoteAddress ?? 'unknown';
    const active = inFlight.get(address) ?? 0;
    if (active >= maxRequestsPerAddress) return refuse(res, 429, 'too-many-requests');
    inFlight.set(address, active + 1);
    res.once('close', () => {
      const left = (inFlight.get(address) ?? 1) - 1;
      if (left <= 0) inFlight.delete(address);
      else inFlight.set(address, left);
    });
    if (check.route === SignalingRoute.Connect) return connect(req, res, address);
    const peer = peers.get(check.id!);
    switch (check.route) {
      case SignalingRoute.RemoteDescription: {
        const body = await readBody(req, check.bodyBytes);
        if (body === undefined) return refuse(res, 400, 'bad-body');
        if (peer === undefined) return refuse(res, 404, 'no-such-connection');
        const answer = parseAnswer(body);
        if (answer === undefined) return refuse(res, 400, 'bad-answer');
        if (!peer.member.setRemoteDescription(answer, 'answer')) return refuse(res, 400, 'bad-answer');
        res.writeHead(200, { 'content-type': 'text/plain' }).end('200 OK');
        return;
      }
      case SignalingRoute.AdditionalCandidates:
        if (peer === undefined) return refuse(res, 404, 'no-such-connection');
        sendJson(res, peer.member.takeCandidates());
        return;
      case SignalingRoute.Close:
        // Only the holder of the id (it came in the answer to its own request) knows it.
        if (peer !== undefined) closePeer(check.id!);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('200 OK');
        return;
    }
  };

  const httpServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    try {
      if (isSignalingPath(req.url)) {
        signaling(req, res).catch((error: unknown) => {
          fault(error);
          if (!res.headersSent) refuse(res, 500, 'internal');
        });
      } else if (req.url === LAN_URLS_PATH && req.method === 'GET') {
        // For a page opened through localhost: its join link must name an address phones reach.
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ urls: lanUrls(bindAddress, port) }));
      } else if (req.url === OPEN_ROOMS_PATH && req.method === 'GET' && roomList !== undefined) {
        const answer = roomList.answer(req.socket.remoteAddress ?? 'unknown', now());
        if (answer.status === 429) refuse(res, 429, 'room-list-rate-limited', { 'retry-after': '1' });
        else res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(answer.body);
      } else if (files !== undefined) {
        files(req, res);
      } else {
        res.writeHead(404).end();
      }
    } catch (error) {
      fault(error);
      if (!res.headersSent) refuse(res, 500, 'internal');
    }
  });
  httpServer.requestTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 8080, bindAddress, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  port = (httpServer.address() as AddressInfo).port;

  const timer = setInterval(() => {
    try {
      const t = now();
      relay.tick(t);
      for (const id of pending.expired(t)) {
        if (!peers.has(id)) continue;
        counters.reclaimed++;
        closePeer(id);
      }
    } catch (error) {
      fault(error);
    }
  }, options.tickMs ?? 10);

  return {
    port,
    relay,
    httpServer,
    stats: () => ({ peers: peers.size, pending: pending.size, ...counters, refused: { ...refused }, relay: relay.stats() }),
    async close(reason = 'the host is shutting down') {
      if (closed) return;
      closed = true;
      relay.shutdown(reason, now());
      clearInterval(timer);
      // The goodbye leaves from libdatachannel's thread: let it go before the channels close.
      await new Promise((resolve) => setTimeout(resolve, 100));
      relay.closeAll();
      for (const id of [...peers.keys()]) closePeer(id);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}

/** Reads a body of exactly `length` bytes (Node never delivers more than Content-Length), or undefined. */
function readBody(req: IncomingMessage, length: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= length) chunks.push(chunk);
    });
    req.once('end', () => resolve(size === length ? Buffer.concat(chunks).toString('utf8') : undefined));
    req.once('error', () => resolve(undefined));
    req.once('close', () => resolve(undefined)); // after 'end' this changes nothing
  });
}

/** The SDP of a `{ "sdp": "...", "type": "answer" }` body, or undefined. */
function parseAnswer(body: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { sdp, type } = value as { sdp?: unknown; type?: unknown };
  return typeof sdp === 'string' && sdp.length > 0 && type === 'answer' ? sdp : undefined;
}

function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A connection id as geckos.io's client expects it: 24 letters and digits, unguessable. */
function newConnectionId(): string {
  const bytes = randomBytes(CONNECTION_ID_LENGTH);
  let id = '';
  // 62 does not divide 256; the bias (256 % 62 = 8 values slightly likelier) costs well under a
  // bit of the id's 142: it only has to be unguessable.
  for (const b of bytes) id += ID_ALPHABET[b % ID_ALPHABET.length];
  return id;
}

function randomU32(): number {
  return randomBytes(4).readUInt32LE(0);
}

/**
 * The WebRTC side (`member-peer.ts`, over node-datachannel), loaded when a host starts rather than
 * when `backspin/host` is imported: node-datachannel is an optional peer dependency of `backspin`,
 * and without it `startHost` rejects with what to install instead of Node's module-not-found.
 */
async function loadMemberPeer(): Promise<typeof MemberPeer> {
  try {
    return (await import('./member-peer.ts')).MemberPeer;
  } catch (error) {
    const missing = missingPeer(error, 'node-datachannel');
    if (missing === undefined) throw error;
    throw new Error(missing, { cause: error });
  }
}
