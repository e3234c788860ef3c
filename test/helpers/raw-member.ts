import { performance } from 'node:perf_hooks';
import { geckos } from '@geckos.io/client';
import type { ClientChannel, RawMessage } from '@geckos.io/client';
import { RoomClient } from '../../sdk/src/relay/room-client.ts';
import { RelayRoute } from '../../sdk/src/relay/relay-route.ts';
import { demuxHostFrame } from '../../sdk/src/relay/host-frame-demux.ts';
import { ReliableChannel } from '../../sdk/src/relay/reliable-channel.ts';
import { RelayFrameKind, decodeRelayFrame, encodeControlFrame, encodePingFrame } from '../../sdk/src/relay/relay-frame.ts';
import { encodeConnectRequest, refusalReason } from '../../sdk/src/relay/connect-request.ts';
import type { ConnectRequest } from '../../sdk/src/relay/connect-request.ts';
import { MAX_ROOM_STATE_MESSAGE_BYTES } from '../../sdk/src/room/control-messages.ts';
import type { RoomConnection } from '../../sdk/src/client/geckos-room-connection.ts';
import { RoomRoutes } from '../../sdk/src/client/room-routes.ts';
import type { Transport } from '../../sdk/src/transport/transport.ts';

/**
 * A room member speaking through a geckos.io channel it holds itself, so that a test can write
 * anything on the wire next to (or instead of) what the SDK's own client would send. Node needs
 * `installNodeWebRTC()` first (live-room.ts does it on import).
 */
export interface RawMember {
  readonly channel: ClientChannel;
  readonly code: string;
  readonly slot: number;
  readonly role: 'player' | 'spectator';
  readonly token: string;
  /** Writes one message on the raw channel, as is. Never throws. */
  emit(message: RawMessage): void;
  /** Whether the channel has closed (either side closed it). */
  readonly disconnected: boolean;
  close(): void;
}

/** A raw member with a RoomClient and a RelayRoute on the channel: it stays alive (pongs, acks) and can play. */
export interface RawRoomMember extends RawMember {
  readonly client: RoomClient;
  readonly relay: RelayRoute;
  /** The member as `startMatch`/`play` from live-room.ts expect it, with `transport` as its session transport. */
  readonly connection: RoomConnection;
}

/** A raw member that runs its own reliable control channel, so it can put any bytes in well-formed segments. */
export interface RawControlMember extends RawMember {
  /** Queues `bytes` as one control message (sent on the next tick, every 10 ms). */
  sendControlBytes(bytes: Uint8Array): void;
}

/** Why the host refused a connection. */
export class JoinRefused extends Error {
  constructor(readonly reason: string) {
    super(`refused: ${reason}`);
  }
}

function asBytes(raw: unknown): Uint8Array | undefined {
  if (raw instanceof Uint8Array) return raw;
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  return undefined;
}

/** Opens a geckos channel with `request`; resolves once it is open, or throws {@link JoinRefused}. */
async function open(port: number, request: ConnectRequest | string): Promise<Omit<RawMember, 'close'> & { channel: ClientChannel }> {
  const authorization = typeof request === 'string' ? request : encodeConnectRequest(request);
  const channel = geckos({ url: 'http://127.0.0.1', port, authorization, iceServers: [] });
  const error = await new Promise<unknown>((resolve) => void channel.onConnect((err?: unknown) => resolve(err)));
  if (error !== undefined && error !== null) {
    const status = (error as { status?: unknown }).status;
    throw new JoinRefused(refusalReason(typeof status === 'number' ? status : undefined));
  }
  const data = channel.userData as { code: string; slot: number; role: 'player' | 'spectator'; token: string };
  let disconnected = false;
  channel.onDisconnect(() => (disconnected = true));
  const emit = (message: RawMessage) => {
    try {
      channel.raw.emit(message);
    } catch {
      // a closing channel
    }
  };
  return {
    channel,
    code: data.code,
    slot: data.slot,
    role: data.role,
    token: data.token,
    emit,
    get disconnected() {
      return disconnected;
    },
  };
}

/** A member whose room side is the SDK's RoomClient and RelayRoute, on a channel the test also writes to. */
export async function joinWithClient(port: number, request: ConnectRequest, wrap: (t: Transport) => Transport = (t) => t): Promise<RawRoomMember> {
  const base = await open(port, request);
  const client = new RoomClient();
  const relay = new RelayRoute();
  const now = () => performance.now();
  const send = (frame: Uint8Array) => base.emit(frame);
  client.attach(send, now());
  relay.attach(send);
  base.channel.onRaw((raw: unknown) => {
    const bytes = asBytes(raw);
    if (bytes !== undefined) demuxHostFrame(bytes, now(), { control: client, data: relay });
  });
  const timer = setInterval(() => client.tick(now()), 10);
  const transport = wrap(relay);
  const close = () => {
    clearInterval(timer);
    base.channel.close();
  };
  // Relay only: this member is about the relay's handling of a raw channel.
  const routes = new RoomRoutes({ slot: base.slot, relay: transport, signal: () => undefined }, false);
  const connection: RoomConnection = {
    client,
    relay,
    transport: routes.transport,
    routes,
    code: base.code,
    holder: undefined,
    slot: base.slot,
    role: base.role,
    token: base.token,
    state: 'connected',
    events: () => client.events(),
    close,
  };
  return Object.assign(base, { client, relay, connection, close });
}

/** A member that answers pings and acknowledges the host's control messages with its own channel. */
export async function joinWithOwnControl(port: number, request: ConnectRequest): Promise<RawControlMember> {
  const base = await open(port, request);
  const control = new ReliableChannel({ maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES });
  const now = () => performance.now();
  base.channel.onRaw((raw: unknown) => {
    const bytes = asBytes(raw);
    if (bytes === undefined) return;
    const decoded = decodeRelayFrame(bytes);
    if (!decoded.ok) return;
    if (decoded.frame.kind === RelayFrameKind.Ping) base.emit(encodePingFrame(RelayFrameKind.Pong, decoded.frame.id));
    else if (decoded.frame.kind === RelayFrameKind.Control) control.receive(decoded.frame.segment, now());
  });
  const timer = setInterval(() => {
    for (const s of control.poll(now())) base.emit(encodeControlFrame(s));
  }, 10);
  return Object.assign(base, {
    sendControlBytes: (bytes: Uint8Array) => void control.send(bytes),
    close: () => {
      clearInterval(timer);
      base.channel.close();
    },
  });
}

/** A connection attempt that is expected to be refused: its reason, or 'accepted' (and the channel is closed). */
export async function attempt(port: number, request: ConnectRequest | string): Promise<string> {
  try {
    const member = await open(port, request);
    member.channel.close();
    return 'accepted';
  } catch (error) {
    if (error instanceof JoinRefused) return error.reason;
    throw error;
  }
}
