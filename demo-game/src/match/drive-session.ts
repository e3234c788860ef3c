import type { FramePacer, P2PSession } from 'backspin';

/**
 * One tick of a session in a game loop: network in and out, then every frame the pacer says is
 * due, each with a fresh local input. A frame the session cannot advance (handshake, prediction
 * window full, lockstep wait) stays owed and is caught up on a later tick.
 */
export function driveSession<I, S>(session: P2PSession<I, S>, pacer: FramePacer, nowMs: number, input: () => I): void {
  session.poll(nowMs);
  if (session.state !== 'running') return;
  for (let due = pacer.framesDue(nowMs, session.framesAhead); due > 0; due--) {
    if (session.advanceFrame(input()) !== 'advanced') break;
    pacer.frameDone();
  }
}
