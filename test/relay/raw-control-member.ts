import { RelayRig } from '../helpers/relay-rig.ts';
import type { RigMember } from '../helpers/relay-rig.ts';
import { ReliableChannel } from '../../sdk/src/relay/reliable-channel.ts';
import { MAX_MEMBER_SEGMENT_BYTES, RelayFrameKind, decodeRelayFrame, encodeControlFrame, encodePingFrame } from '../../sdk/src/relay/relay-frame.ts';
import { MAX_ROOM_STATE_MESSAGE_BYTES, decodeControlMessage } from '../../sdk/src/room/control-messages.ts';
import type { HostControlMessage } from '../../sdk/src/room/control-messages.ts';

/**
 * A member of a {@link RelayRig} that speaks the control channel itself, without a RoomClient, so
 * that it can send what a RoomClient never would (forged fields, broken part sequences, any
 * bytes). It keeps its connection alive: it acknowledges the host's control messages, answers its
 * pings, and collects what the host says to it.
 */
export class RawControlMember {
  readonly channel = new ReliableChannel({ maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES, maxSegmentBytes: MAX_MEMBER_SEGMENT_BYTES });
  /** Every control message the host sent it, decoded. */
  readonly received: HostControlMessage[] = [];
  private cursor = 0;

  constructor(
    private readonly rig: RelayRig,
    readonly member: RigMember,
  ) {}

  static join(rig: RelayRig, code: string, name: string, role: 'player' | 'spectator', address: string): RawControlMember {
    return new RawControlMember(rig, rig.join(code, name, role, { raw: true, address }));
  }

  get slot(): number {
    return this.member.binding.slot;
  }

  /**
   * Queues one message, as bytes (unchecked), and sends what is due. False if its window is full.
   * A message too long for one member frame cannot go in a segment the host accepts: it goes
   * alone, in a Control frame over the size limit (dropped by the host), and false is returned.
   */
  send(bytes: Uint8Array): boolean {
    if (bytes.length > this.channel.maxSendMessageBytes) {
      const frame = new Uint8Array(bytes.length + 49);
      frame[0] = RelayFrameKind.Control;
      frame.set(bytes, 1);
      this.rig.sendRaw(this.member, frame);
      return false;
    }
    const ok = this.channel.send(bytes);
    this.flush();
    return ok;
  }

  /** Queues one message given as JSON text. */
  sendText(text: string): boolean {
    return this.send(new TextEncoder().encode(text));
  }

  /** Reads the host's new frames (acknowledging them, answering pings), then sends what is due. */
  sync(): void {
    const sent = this.member.link.sent;
    for (; this.cursor < sent.length; this.cursor++) {
      const decoded = decodeRelayFrame(sent[this.cursor]!);
      if (!decoded.ok) continue;
      const f = decoded.frame;
      if (f.kind === RelayFrameKind.Ping) this.rig.sendRaw(this.member, encodePingFrame(RelayFrameKind.Pong, f.id));
      if (f.kind !== RelayFrameKind.Control) continue;
      for (const bytes of this.channel.receive(f.segment, this.rig.nowMs)) {
        const message = decodeControlMessage(bytes, 'host');
        if (message.ok) this.received.push(message.message);
      }
    }
    this.flush();
  }

  private flush(): void {
    if (this.member.link.closed) return;
    for (const segment of this.channel.poll(this.rig.nowMs)) this.rig.sendRaw(this.member, encodeControlFrame(segment));
  }
}

/** Lets `ms` pass in steps of `stepMs`: the rig advances, and each raw member catches up. */
export function advanceRaw(rig: RelayRig, raws: readonly RawControlMember[], ms: number, stepMs = 10): void {
  const end = rig.nowMs + ms;
  while (rig.nowMs < end) {
    rig.advance(Math.min(stepMs, end - rig.nowMs), stepMs);
    for (const raw of raws) raw.sync();
    rig.pump();
  }
}

export const signalEvents = (m: RigMember) => RelayRig.eventsOf(m, 'signal');
