import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { geckos } from '@geckos.io/server';
import type { ServerChannel } from '@geckos.io/server';
import { RoomAuthority } from '../room/room-authority.ts';
import type { RoomAuthorityOptions } from '../room/room-authority.ts';
import { RelayHost } from '../relay/relay-host.ts';
import type { MemberBinding, RelayHostOptions } from '../relay/relay-host.ts';
import { serveStatic } from './static-files.ts';
import { rawBytes } from '../transport/raw-bytes.ts';
import { refusalStatus } from '../relay/connect-request.ts';

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
  /** How often the relay's timers run (ms). Default 10. */
  readonly tickMs?: number;
}

/** A running host. */
export interface RunningHost {
  /** The TCP port (the UDP port is the same number). */
  readonly port: number;
  readonly relay: RelayHost;
  readonly httpServer: Server;
  /** Tells every member the host is going, then stops. */
  close(reason?: string): Promise<void>;
}


/**
 * Starts a Backspin host: one HTTP server on `port` serving the static files and the geckos.io
 * signaling, and one UDP port (the same number) multiplexing every WebRTC connection, with a
 * {@link RelayHost} behind it. This is the only file that imports `@geckos.io/server`.
 */
export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  const bindAddress = options.bindAddress ?? '0.0.0.0';
  const files = options.staticDir !== undefined ? serveStatic(options.staticDir) : undefined;
  const httpServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (files !== undefined) files(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 8080, bindAddress, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const now = () => performance.now();

  const authority = new RoomAuthority({ ...options.authority, random: randomU32 });
  const relay = new RelayHost({ ...options.relay, authority });
  const io = geckos({
    // One UDP port for every connection: the same number as the TCP port, easy to open in a firewall.
    portRange: { min: port, max: port },
    multiplex: true,
    iceServers: [], // a LAN needs no STUN; nothing outside is ever contacted
    ...(bindAddress !== '0.0.0.0' ? { bindAddress } : {}),
    ordered: false,
    maxRetransmits: 0,
    authorization: async (auth: string | undefined, request: IncomingMessage) => {
      const result = relay.authorize(auth ?? '', request.socket.remoteAddress ?? 'unknown', now());
      return result.ok ? result.binding : refusalStatus(result.error);
    },
  });
  io.addServer(httpServer);
  io.onConnection((channel: ServerChannel) => {
    const binding = channel.userData as MemberBinding;
    const id = relay.connect(
      binding,
      {
        send: (frame) => {
          try {
            channel.raw.emit(frame);
          } catch {
            // a closing channel: the datagram is lost, as any may be
          }
        },
        close: () => void channel.close().catch(() => undefined),
      },
      now(),
    );
    channel.onRaw((raw: unknown) => {
      relay.receive(id, rawBytes(raw) ?? NOT_BYTES, now());
    });
    channel.onDisconnect(() => relay.disconnect(id, now()));
  });

  const timer = setInterval(() => relay.tick(now()), options.tickMs ?? 10);
  let closed = false;
  return {
    port,
    relay,
    httpServer,
    async close(reason = 'the host is shutting down') {
      if (closed) return;
      closed = true;
      relay.shutdown(reason, now());
      clearInterval(timer);
      // geckos sends after the call returns: let the goodbyes leave before the channels go.
      await new Promise((resolve) => setTimeout(resolve, 100));
      relay.closeAll();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}

/** What a text message (not ours) is passed on as, so that it is counted as malformed. */
const NOT_BYTES = new Uint8Array(0);

function randomU32(): number {
  return randomBytes(4).readUInt32LE(0);
}
