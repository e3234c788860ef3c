import { RoomClient } from '../../sdk/src/relay/room-client.ts';
import type { RoomClientEvent, RoomClientOptions } from '../../sdk/src/relay/room-client.ts';
import type { MemberBinding } from '../../sdk/src/relay/relay-host.ts';
import type { ConnectRequest } from '../../sdk/src/relay/connect-request.ts';
import type { RelayRig, RigMember } from '../helpers/relay-rig.ts';

/**
 * A member of a {@link RelayRig}'s host that the test wires by hand, so that it can do what the
 * rig's own members cannot: keep one RoomClient across connections (a reconnect re-attaches the
 * same client, as `connectToRoom` does), and lose frames in one direction only. To the rig it is
 * a raw member: the rig moves its frames to the host; this class hands the host's frames to the
 * client (it reads them from the link's record of everything sent).
 */
export class HandMember {
  readonly client: RoomClient;
  /** Every event the client raised so far. */
  readonly events: RoomClientEvent[] = [];
  /** The size of every frame the client sent, on every connection, lost or not (bytes). */
  readonly frameSizes: number[] = [];
  /** While true, frames from the client are lost. */
  dropUplink = false;
  /** While true, frames from the host are lost. */
  dropDownlink = false;
  /** The next `dropNextUplink` frames from the client are lost (then it is 0 again). */
  dropNextUplink = 0;
  private connection: RigMember;
  /** Frames of the current link already handed over (or lost). */
  private cursor = 0;

  private constructor(
    private readonly rig: RelayRig,
    binding: MemberBinding,
    private readonly address: string,
    options: RoomClientOptions,
  ) {
    this.client = new RoomClient(options);
    this.connection = this.open(binding);
  }

  /** Authorizes `request` from `address` and opens the member's first connection; throws if refused. */
  static connect(rig: RelayRig, request: ConnectRequest, address = '10.0.9.1', options: RoomClientOptions = {}): HandMember {
    const result = rig.authorize(request, address);
    if (!result.ok) throw new Error(`refused: ${result.error}`);
    return new HandMember(rig, result.binding, address, options);
  }

  get binding(): MemberBinding {
    return this.connection.binding;
  }

  /** Whether the host has closed the current connection. */
  get closed(): boolean {
    return this.connection.link.closed;
  }

  /** Events of one type raised so far. */
  eventsOf<T extends RoomClientEvent['type']>(type: T): Extract<RoomClientEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<RoomClientEvent, { type: T }> => e.type === type);
  }

  /** The host closes the current connection, as it does for a channel that went silent. */
  lose(): void {
    this.rig.host.closeMember(this.binding.code, this.binding.slot, this.rig.nowMs);
  }

  /** Comes back into the slot with the reconnect token, on a new connection, with the same client. */
  reconnect(): void {
    this.client.detach();
    const { code, role, token } = this.binding;
    const result = this.rig.authorize({ action: 'join', code, name: '', role, token }, this.address);
    if (!result.ok) throw new Error(`reconnect refused: ${result.error}`);
    this.connection = this.open(result.binding);
  }

  /** Hands the host's new frames to the client (unless lost) and lets it tick, until nothing moves. */
  sync(): void {
    for (let round = 0; round < 100; round++) {
      const sent = this.connection.link.sent;
      if (this.cursor === sent.length) break;
      const frames = sent.slice(this.cursor);
      this.cursor = sent.length;
      if (!this.dropDownlink) for (const f of frames) this.client.receive(f, this.rig.nowMs);
      this.events.push(...this.client.events());
      this.rig.pump();
    }
    this.client.tick(this.rig.nowMs);
    this.events.push(...this.client.events());
    this.rig.pump();
  }

  private open(binding: MemberBinding): RigMember {
    const connection = this.rig.open(binding, true);
    this.connection = connection;
    this.cursor = 0;
    this.client.attach((frame) => {
      this.frameSizes.push(frame.length);
      if (this.dropUplink) return;
      if (this.dropNextUplink > 0) {
        this.dropNextUplink--;
        return;
      }
      connection.outbox.push(frame);
    }, this.rig.nowMs);
    this.sync();
    return connection;
  }
}

/** Lets `ms` pass in steps of `stepMs`: the rig advances, and each hand member catches up. */
export function advanceWith(rig: RelayRig, hands: readonly HandMember[], ms: number, stepMs = 10): void {
  const end = rig.nowMs + ms;
  while (rig.nowMs < end) {
    rig.advance(Math.min(stepMs, end - rig.nowMs), stepMs);
    for (const h of hands) h.sync();
  }
}
