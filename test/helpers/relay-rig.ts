import { Prng } from '../../sdk/src/kit/prng.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';
import type { RoomAuthorityOptions } from '../../sdk/src/room/room-authority.ts';
import { RelayHost } from '../../sdk/src/relay/relay-host.ts';
import type { HostConnection, MemberBinding, RelayHostOptions } from '../../sdk/src/relay/relay-host.ts';
import { RoomClient } from '../../sdk/src/relay/room-client.ts';
import type { RoomClientEvent, RoomClientOptions } from '../../sdk/src/relay/room-client.ts';
import { RelayRoute } from '../../sdk/src/relay/relay-route.ts';
import type { RelayRouteOptions } from '../../sdk/src/relay/relay-route.ts';
import { demuxHostFrame } from '../../sdk/src/relay/host-frame-demux.ts';
import { encodeConnectRequest } from '../../sdk/src/relay/connect-request.ts';
import type { ConnectRequest } from '../../sdk/src/relay/connect-request.ts';

/**
 * A {@link HostConnection} that records every frame the host sends it (copied: the host hands
 * over relayed frames it received, and the test may reuse its buffers), and holds the frames not
 * yet delivered to the member.
 */
export class FakeLink implements HostConnection {
  /** Every frame sent, in order, whether delivered or not. */
  readonly sent: Uint8Array[] = [];
  /** Frames not yet handed to the member. */
  pending: Uint8Array[] = [];
  closed = false;
  /** Frames the host sent after it closed this link (it never should). */
  sentAfterClose = 0;

  send(frame: Uint8Array): void {
    if (this.closed) {
      this.sentAfterClose++;
      return;
    }
    const copy = frame.slice();
    this.sent.push(copy);
    this.pending.push(copy);
  }

  close(): void {
    this.closed = true;
  }

  /** Sent frames whose first byte is `kind`. */
  framesOfKind(kind: number): Uint8Array[] {
    return this.sent.filter((f) => f[0] === kind);
  }
}

/** One member as the rig wires it: a host connection and, unless raw, a RoomClient and a RelayRoute at the other end. */
export interface RigMember {
  readonly binding: MemberBinding;
  readonly id: number;
  readonly link: FakeLink;
  /** Undefined for a raw member: the test reads `link.sent` and writes with `rig.sendRaw` itself. */
  readonly client: RoomClient | undefined;
  /** The member's session transport through the host (undefined for a raw member). */
  readonly route: RelayRoute | undefined;
  /** Frames from the member not yet handed to the host. */
  outbox: Uint8Array[];
  /** While true, nothing moves either way (a dead network). */
  cut: boolean;
  /** Every event the client raised so far. */
  readonly events: RoomClientEvent[];
}

export interface RelayRigOptions {
  readonly relay?: Omit<RelayHostOptions, 'authority'>;
  readonly authority?: Omit<RoomAuthorityOptions, 'random'>;
  readonly client?: RoomClientOptions;
  readonly route?: RelayRouteOptions;
  readonly seed?: number;
}

/**
 * A {@link RelayHost} and its members wired in memory, in virtual time. Frames are queued both
 * ways and moved by `pump` (never re-entrantly), the way a network would hand them over later.
 */
export class RelayRig {
  nowMs = 0;
  readonly authority: RoomAuthority;
  readonly host: RelayHost;
  readonly members: RigMember[] = [];
  private readonly clientOptions: RoomClientOptions;
  private readonly routeOptions: RelayRouteOptions;

  constructor(options: RelayRigOptions = {}) {
    const rng = new Prng(options.seed ?? 1);
    this.authority = new RoomAuthority({ ...options.authority, random: () => rng.nextU32() });
    this.host = new RelayHost({ ...options.relay, authority: this.authority });
    this.clientOptions = options.client ?? {};
    this.routeOptions = options.route ?? {};
  }

  /** The host's decision on a connection attempt (the request as the network would carry it). */
  authorize(request: ConnectRequest | string, address = '10.0.0.1') {
    return this.host.authorize(typeof request === 'string' ? request : encodeConnectRequest(request), address, this.nowMs);
  }

  /** The member's channel opens: connects it to the host, with a RoomClient and a RelayRoute unless `raw`. */
  open(binding: MemberBinding, raw = false): RigMember {
    const link = new FakeLink();
    const client = raw ? undefined : new RoomClient(this.clientOptions);
    const route = raw ? undefined : new RelayRoute(this.routeOptions);
    const id = this.host.connect(binding, link, this.nowMs);
    const member: RigMember = { binding, id, link, client, route, outbox: [], cut: false, events: [] };
    const send = (frame: Uint8Array) => member.outbox.push(frame);
    client?.attach(send, this.nowMs);
    route?.attach(send);
    this.members.push(member);
    this.pump();
    return member;
  }

  /** Authorizes and opens; throws if refused. */
  connect(request: ConnectRequest, options: { address?: string; raw?: boolean } = {}): RigMember {
    const result = this.authorize(request, options.address);
    if (!result.ok) throw new Error(`refused: ${result.error}`);
    return this.open(result.binding, options.raw ?? false);
  }

  create(name: string, extra: { password?: string; settings?: Record<string, number> } = {}): RigMember {
    return this.connect({ action: 'create', name, ...extra });
  }

  join(code: string, name: string, role: 'player' | 'spectator' = 'player', options: { raw?: boolean; password?: string; address?: string } = {}): RigMember {
    const request: ConnectRequest = { action: 'join', code, name, role, ...(options.password !== undefined ? { password: options.password } : {}) };
    return this.connect(request, { raw: options.raw ?? false, ...(options.address !== undefined ? { address: options.address } : {}) });
  }

  /** One frame from a member straight to the host, now. */
  sendRaw(member: RigMember, frame: Uint8Array): void {
    this.host.receive(member.id, frame, this.nowMs);
  }

  /** Moves queued frames both ways until nothing is left (members that are cut keep theirs). */
  pump(): void {
    for (let round = 0; round < 1000; round++) {
      let moved = false;
      for (const m of this.members) {
        if (m.cut) continue;
        if (m.outbox.length > 0) {
          const frames = m.outbox;
          m.outbox = [];
          for (const f of frames) this.host.receive(m.id, f, this.nowMs);
          moved = true;
        }
        if (m.link.pending.length > 0) {
          const frames = m.link.pending;
          m.link.pending = [];
          if (m.client !== undefined && m.route !== undefined) for (const f of frames) demuxHostFrame(f, this.nowMs, { control: m.client, data: m.route });
          moved = true;
        }
        if (m.client !== undefined) m.events.push(...m.client.events());
      }
      if (!moved) return;
    }
    throw new Error('the rig did not settle in 1000 rounds');
  }

  /** Lets `ms` pass in steps of `stepMs`: the host and every client tick, frames move. */
  advance(ms: number, stepMs = 10): void {
    const end = this.nowMs + ms;
    while (this.nowMs < end) {
      this.nowMs = Math.min(end, this.nowMs + stepMs);
      this.host.tick(this.nowMs);
      for (const m of this.members) if (!m.cut && !m.link.closed) m.client?.tick(this.nowMs);
      this.pump();
    }
  }

  /** Events of one type the member has raised so far. */
  static eventsOf<T extends RoomClientEvent['type']>(member: RigMember, type: T): Extract<RoomClientEvent, { type: T }>[] {
    return member.events.filter((e): e is Extract<RoomClientEvent, { type: T }> => e.type === type);
  }
}
