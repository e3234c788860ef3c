import { RelayFrameKind, decodeRelayFrame } from './relay-frame.ts';

/** A member's two planes on its channel to the host, as the demultiplexer feeds them. */
export interface MemberPlanes {
  /**
   * The control plane (`RoomClient.receive`): takes every frame, Data frames included, because it
   * watches the channel's liveness (any frame from the host counts), counts malformed frames,
   * answers pings and reads Control segments. It ignores a Data frame's packet.
   */
  readonly control: { receive(frame: Uint8Array, nowMs: number): void };
  /** The data plane (`RelayRoute.deliver`): takes the (slot, packet) of each well-formed Data frame. */
  readonly data: { deliver(slot: number, payload: Uint8Array): void };
}

/**
 * Hands one frame from the host (as it came off the channel; `nowMs` on the caller's monotonic
 * clock) to a member's planes: every frame to the control plane, and a Data frame's packet also
 * to the data plane. The one place a member splits its incoming frames by kind; Data frames are
 * decoded twice (here and for liveness), a few comparisons each.
 */
export function demuxHostFrame(frame: Uint8Array, nowMs: number, planes: MemberPlanes): void {
  planes.control.receive(frame, nowMs);
  if (frame[0] !== RelayFrameKind.Data) return;
  const decoded = decodeRelayFrame(frame);
  if (decoded.ok && decoded.frame.kind === RelayFrameKind.Data) planes.data.deliver(decoded.frame.slot, decoded.frame.payload);
}
