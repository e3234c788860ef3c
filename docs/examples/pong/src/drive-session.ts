import { AdvanceResult, SessionState } from 'backspin';
import type { FramePacer, P2PSession } from 'backspin';

/**
 * One tick of a session: network in and out, then each frame the pacer says is due, with a fresh
 * local input. A frame the session cannot advance yet (handshake, prediction window full) is not
 * marked done, so it stays owed and is caught up on a later tick.
 */
export function driveSession<I, S>(session: P2PSession<I, S>, pacer: FramePacer, nowMs: number, input: () => I): void {
  session.poll(nowMs);
  if (session.state !== SessionState.Running) return;
  for (let due = pacer.framesDue(nowMs, session.framesAhead); due > 0; due--) {
    if (session.advanceFrame(input()) !== AdvanceResult.Advanced) break;
    pacer.frameDone();
  }
}
