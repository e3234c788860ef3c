/**
 * What the players of a `SimulatedMatch` feel, measured from outside through the public API: the
 * match's `beforePoll` hook marks each peer's ticks, and between two ticks of a peer the probe reads
 * what that peer's previous tick did (`currentFrame`, `confirmedFrame`, `stats().rollbackFrames`,
 * and the harness's `advanceCalls` / `framesAdvanced` counters). Nothing in the session changes.
 *
 * Used by `npm run bench` (the play-feel table) and by test/sim/stall-budget.test.ts.
 */
import { SimulatedMatch } from '../src/sim/simulated-match.ts';
import type { NetworkProfile } from '../src/sim/network-profile.ts';
import type { SimulatedSessionOptions } from '../src/sim/simulated-match.ts';

/** The play-feel figures of one match (see docs/benchmarks.md for the exact definitions). */
export interface PlayFeel {
  /**
   * Stall frames, summed over all players: ticks on which the peer's `FramePacer` owed at least
   * one frame and the session advanced none, i.e. refresh periods in which the player wanted the
   * game to move on and the picture stood still. A tick that advanced some of what it owed is not
   * a stall (the picture moved; the rest is caught up later).
   */
  readonly stallFrames: number;
  /** `stallFrames` per minute of virtual time (from the match's creation to the end of the measure). */
  readonly stallFramesPerMinute: number;
  /**
   * The sessions' own `stats().stallFrames`, summed, per minute: `advanceFrame` calls that did not
   * advance. It also counts a tick that advanced frames and then stopped at the prediction window
   * with more owed (a peer pinned at its limit plays on every tick yet "stalls" on every tick), so
   * it overstates what players see; kept for comparison.
   */
  readonly stalledCallsPerMinute: number;
  /**
   * Longest stall of any player (ms of virtual time): from the first stalled tick of a run of them
   * to the next tick that advanced a frame (or the end of the measure, if none did).
   */
  readonly longestStallMs: number;
  /** Frames re-simulated, per player per second of virtual time. */
  readonly rollbackFramesPerSecond: number;
  /** Rollbacks seen, all players. */
  readonly rollbacks: number;
  /** 99th percentile of rollback depth (frames re-simulated by one rollback); 0 without rollbacks. */
  readonly rollbackDepthP99: number;
  /**
   * Confirmation latency, median (ms): for each peer P and frame F, the virtual time of the tick on
   * which P's `confirmedFrame` first reached F, minus the time of the tick on which the last of
   * the other peers played F (its `currentFrame` went past F). Frames below the input delay, which
   * every peer knows from the start, are left out. May be negative: with input delay a remote
   * input leaves `inputDelay` frames before its sender plays its frame.
   */
  readonly confirmLatencyP50Ms: number;
  /** Confirmation latency, 99th percentile (ms). */
  readonly confirmLatencyP99Ms: number;
  /** (peer, frame) pairs behind the confirmation latency percentiles. */
  readonly confirmSamples: number;
}

/** Per-peer bookkeeping: the values after the peer's last settled tick. */
interface PeerTrack {
  /** Virtual time of the tick not yet settled (ms), -1 before the first. */
  pendingTickMs: number;
  frame: number;
  confirmed: number;
  calls: number;
  advanced: number;
  rollbackFrames: number;
  /** Time of the first stalled tick of the current run of stalls (ms), -1 when not stalled. */
  stallStartMs: number;
  /** Virtual time (ms) at which the peer played each frame (by frame number). */
  readonly playedAtMs: number[];
  /** Virtual time (ms) at which the peer's confirmedFrame first reached each frame. */
  readonly confirmedAtMs: number[];
}

/**
 * Pass `probe.beforePoll` as the match's `beforePoll` option, `attach` the match once built, run
 * it, then call `finish` at the end of the measured window (before any further running).
 */
export class PlayFeelProbe {
  private match: SimulatedMatch | undefined;
  private tracks: PeerTrack[] = [];
  private stalls = 0;
  private longestStallMs = 0;
  private readonly depths: number[] = [];

  /** The `beforePoll` hook: settles what the peer's previous tick did, then marks this one. */
  readonly beforePoll = (player: number, nowMs: number): void => {
    const track = this.tracks[player];
    if (track === undefined) return;
    this.settle(player, track);
    track.pendingTickMs = nowMs;
  };

  /** Starts watching `match` (built with `beforePoll` above), before it first runs. */
  attach(match: SimulatedMatch): void {
    this.match = match;
    this.tracks = match.peers.map((peer) => ({
      pendingTickMs: -1,
      frame: peer.session.currentFrame,
      confirmed: peer.session.confirmedFrame,
      calls: peer.advanceCalls,
      advanced: peer.framesAdvanced,
      rollbackFrames: peer.session.stats().rollbackFrames,
      stallStartMs: -1,
      playedAtMs: [],
      confirmedAtMs: [],
    }));
  }

  /** Settles every peer's last tick and computes the figures, as of the match's clock now. */
  finish(): PlayFeel {
    const match = this.match;
    if (match === undefined) throw new Error('PlayFeelProbe: attach a match first');
    const nowMs = match.clock.now();
    this.tracks.forEach((track, p) => {
      this.settle(p, track);
      track.pendingTickMs = -1;
      if (track.stallStartMs >= 0) this.longestStallMs = Math.max(this.longestStallMs, nowMs - track.stallStartMs);
    });
    const players = this.tracks.length;
    const seconds = nowMs / 1000;
    const rollbackFrames = match.peers.reduce((a, peer) => a + peer.session.stats().rollbackFrames, 0);
    const stalledCalls = match.peers.reduce((a, peer) => a + peer.session.stats().stallFrames, 0);
    const latencies = this.confirmLatencies(match);
    return {
      stallFrames: this.stalls,
      stallFramesPerMinute: seconds > 0 ? (this.stalls * 60) / seconds : 0,
      stalledCallsPerMinute: seconds > 0 ? (stalledCalls * 60) / seconds : 0,
      longestStallMs: this.longestStallMs,
      rollbackFramesPerSecond: seconds > 0 ? rollbackFrames / players / seconds : 0,
      rollbacks: this.depths.length,
      rollbackDepthP99: percentile(this.depths, 0.99),
      confirmLatencyP50Ms: percentile(latencies, 0.5),
      confirmLatencyP99Ms: percentile(latencies, 0.99),
      confirmSamples: latencies.length,
    };
  }

  /** What the peer's pending tick did, from the differences since the tick before it. */
  private settle(p: number, track: PeerTrack): void {
    const tickMs = track.pendingTickMs;
    if (tickMs < 0 || this.match === undefined) return;
    const peer = this.match.peers[p]!;
    const session = peer.session;
    const frame = session.currentFrame;
    for (let f = track.frame; f < frame; f++) track.playedAtMs[f] = tickMs;
    track.frame = Math.max(track.frame, frame);
    const confirmed = session.confirmedFrame;
    for (let f = track.confirmed + 1; f <= confirmed; f++) track.confirmedAtMs[f] = tickMs;
    track.confirmed = Math.max(track.confirmed, confirmed);

    // The harness calls advanceFrame for each owed frame and stops at the first that does not
    // advance, so: calls > 0 means frames were owed; advanced === 0 means none was played.
    const calls = peer.advanceCalls - track.calls;
    const advanced = peer.framesAdvanced - track.advanced;
    track.calls = peer.advanceCalls;
    track.advanced = peer.framesAdvanced;
    if (calls > 0 && advanced === 0) {
      this.stalls++;
      if (track.stallStartMs < 0) track.stallStartMs = tickMs;
    } else if (advanced > 0 && track.stallStartMs >= 0) {
      this.longestStallMs = Math.max(this.longestStallMs, tickMs - track.stallStartMs);
      track.stallStartMs = -1;
    }

    // Only the first advanceFrame of a tick can roll back (mispredictions are found in poll), so
    // the tick's increase is one rollback's depth.
    const rollbackFrames = session.stats().rollbackFrames;
    if (rollbackFrames > track.rollbackFrames) this.depths.push(rollbackFrames - track.rollbackFrames);
    track.rollbackFrames = rollbackFrames;
  }

  private confirmLatencies(match: SimulatedMatch): number[] {
    const out: number[] = [];
    const everyonePlayed = Math.min(...this.tracks.map((t) => t.playedAtMs.length));
    this.tracks.forEach((track, p) => {
      const from = match.peers[p]!.session.inputDelay;
      const to = Math.min(everyonePlayed, track.confirmedAtMs.length);
      for (let f = from; f < to; f++) {
        const confirmedAt = track.confirmedAtMs[f];
        if (confirmedAt === undefined) continue; // confirmed before the probe was attached
        let lastPlayed = -Infinity;
        for (let q = 0; q < this.tracks.length; q++) {
          if (q !== p) lastPlayed = Math.max(lastPlayed, this.tracks[q]!.playedAtMs[f] ?? Infinity);
        }
        if (Number.isFinite(lastPlayed)) out.push(confirmedAt - lastPlayed);
      }
    });
    return out;
  }
}

/** `measurePlayFeel`'s answer: the figures, and the confirmation latency's physical limit. */
export interface PlayFeelMeasure extends PlayFeel {
  /**
   * The least confirmation latency physics allows (ms): a remote input for frame F leaves when its
   * sender plays F - inputDelay, i.e. inputDelay frame periods before it plays F, and takes at
   * least the one-way delay (rttMs / 2 on average): rttMs / 2 - inputDelay × 1000 / fps. With an
   * automatic delay, the peers' mean delay at the end (it has settled by then).
   */
  readonly confirmLimitMs: number;
  /** The peers' input delay at the end (frames), averaged: the fixed one, or where 'auto' settled. */
  readonly inputDelayFrames: number;
  /**
   * From the first peer's start (its session running) to the last peer's (ms of virtual time). A
   * peer that starts more than its prediction window (8 frames, 133 ms) before another stalls at
   * the window until that one's first inputs arrive.
   */
  readonly startSpreadMs: number;
}

/**
 * Plays one match with the default session settings, as `npm run bench` does: the handshakes, then
 * `frames` frame periods after the last peer started running (plus one, so that its loop ticked for
 * the frame due at the end), and returns what its players felt over the whole of it, start included.
 */
export function measurePlayFeel(profile: NetworkProfile, players: number, seed: number, frames: number, session: SimulatedSessionOptions = {}): PlayFeelMeasure {
  const probe = new PlayFeelProbe();
  const match = new SimulatedMatch({ players, seed, profile, session, beforePoll: probe.beforePoll });
  probe.attach(match);
  const startDeadlineMs = 30_000;
  match.runUntil(1);
  while (match.peers.some((p) => p.runningAtMs < 0) && match.clock.now() < startDeadlineMs) match.runUntil(match.clock.now() + 10);
  const starts = match.peers.map((p) => p.runningAtMs);
  const lastStart = Math.max(...starts);
  const startSpreadMs = lastStart - Math.min(...starts);
  match.runUntil(lastStart + (frames + 1) * match.frameMs);
  const inputDelayFrames = match.peers.reduce((sum, p) => sum + p.session.inputDelay, 0) / match.peers.length;
  const confirmLimitMs = profile.rttMs / 2 - inputDelayFrames * match.frameMs;
  return { ...probe.finish(), confirmLimitMs, inputDelayFrames, startSpreadMs };
}

/** Nearest-rank percentile of `values` (`q` in 0..1); 0 for none. Sorts `values` in place. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))]!;
}
