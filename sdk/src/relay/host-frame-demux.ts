import { RelayFrameKind, decodeRelayFrame } from './relay-frame.ts';
import type { RelayFrame } from './relay-frame.ts';

/** A member's two planes on its channel to the host, as the demultiplexer feeds them. */
export interface MemberPlanes {
  /**
   * The control plane (`RoomClient`): takes every frame, Data frames included, because it watches
   * the channel's liveness (any frame from the host counts), counts malformed frames, answers
   * pings and reads Control segments. It ignores a Data frame's packet. `take` is for a frame
   * decoded here already.
   */
  readonly control: { receive(frame: Uint8Array, nowMs: number): void; take(frame: RelayFrame, nowMs: number): void };
  /** The data plane (`RelayRoute.deliver`): takes the (slot, packet) of each well-formed Data frame. */
  readonly data: { deliver(slot: number, payload: Uint8Array): void };
}

/**
 * Hands one frame from the host (as it came off the channel; `nowMs` on the caller's monotonic
 * clock) to a member's planes: every frame to the control plane, and a Data frame's packet also
 * to the data plane. The one place a member splits its incoming frames by kind. Each frame is
 * decoded once: this runs for every session packet the relay carries.
 */
export function demuxHostFrame(frame: Uint8Array, nowMs: number, planes: MemberPlanes): void {
  const decoded = decodeRelayFrame(frame);
  if (!decoded.ok) {
    planes.control.receive(frame, nowMs); // counted there as malformed
    return;
  }
  planes.control.take(decoded.frame, nowMs);
  if (decoded.frame.kind === RelayFrameKind.Data) planes.data.deliver(decoded.frame.slot, decoded.frame.payload);
}
