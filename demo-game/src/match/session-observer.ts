import type { P2PSession, SessionEndReason, SessionEvent } from 'backspin';
import type { PeerLine, RunnerNotice } from './match-runner.ts';
import { NO_NOTICES } from './match-runner.ts';
import { CounterRate } from './counter-rate.ts';

/** The status line of a reloaded page until it is back in its match. */
export const REJOINING_TEXT = 'Rejoining the match…';

/**
 * Reads a P2P session for the player: turns its events into notices (drops, desyncs, stalls) and
 * its stats into overlay figures. Shared by the online and simulator modes.
 */
export class SessionObserver<I, S> {
  private readonly rates: CounterRate[];
  private readonly notices: RunnerNotice[] = [];
  private statusText: string | undefined = 'Connecting to the other players…';
  private readonly waiting = new Map<number, number>();
  /** Frames at which a peer reported a checksum different from ours (never expected). */
  readonly desyncFrames: number[] = [];
  /** Names of the players dropped from the match, in order. */
  readonly droppedNames: string[] = [];
  /**
   * Why the session ended on its own before the match did (the others dropped this player, or it
   * heard no one for too long), for the results screen; undefined while it runs or if we left.
   */
  endedEarly: string | undefined;
  /** No other player is heard: our own connection is down, and the session waits (drops no one). */
  private isolated = false;

  /**
   * @param rejoining this page was reloaded mid-match and its session is getting back in: the
   *   status says "Rejoining the match…" until the others agree it is back (`readmitted`).
   */
  constructor(
    private readonly session: P2PSession<I, S>,
    private readonly names: readonly string[],
    private rejoining = false,
  ) {
    this.rates = names.map(() => new CounterRate());
    if (rejoining) this.statusText = REJOINING_TEXT;
  }

  /** Queues a notice of the runner's own (the host connection, say) with the session's. */
  push(notice: RunnerNotice): void {
    this.notices.push(notice);
  }

  /** Drains the session's events into notices and status; returns them for whoever also wants them. */
  observe(): readonly SessionEvent[] {
    const events = this.session.events();
    for (const e of events) {
      switch (e.type) {
        case 'synchronizing':
          if (!this.rejoining) this.statusText = `Synchronizing with ${this.name(e.player)} (${e.count}/${e.total})`;
          break;
        case 'running':
          // A rejoining session runs (catching up) before it is back in the match.
          this.statusText = this.rejoining ? REJOINING_TEXT : undefined;
          break;
        case 'readmitted':
          if (e.player === this.session.localPlayer) {
            this.rejoining = false;
            this.statusText = undefined;
            this.notices.push({ kind: 'info', text: 'You are back in the match' });
          } else {
            const name = this.name(e.player);
            const dropped = this.droppedNames.lastIndexOf(name);
            if (dropped >= 0) this.droppedNames.splice(dropped, 1);
            this.notices.push({ kind: 'info', text: `${name} is back in the match` });
          }
          break;
        case 'interrupted':
          this.waiting.set(e.player, e.disconnectInMs);
          this.notices.push({ kind: 'info', text: `${this.name(e.player)} is not responding…` });
          break;
        case 'resumed':
          this.waiting.delete(e.player);
          this.notices.push({ kind: 'info', text: `${this.name(e.player)} is back` });
          break;
        case 'disconnected':
          this.waiting.delete(e.player);
          this.droppedNames.push(this.name(e.player));
          this.notices.push({
            kind: 'drop',
            // Players' words: who and what now. The frame is a developer's figure (F3, the console).
            text: `${this.name(e.player)} dropped out. ${this.playersLeft() >= 2 ? 'The match goes on without them.' : 'Too few players are left, so the match ends.'}`,
          });
          break;
        case 'desync':
          this.desyncFrames.push(e.frame);
          this.notices.push({
            kind: 'desync',
            // A bug in the game, not the player's doing: what to do about it, with the figures a report needs.
            text: `Your game and ${this.name(e.player)}'s no longer agree (a bug: please report it with "frame ${e.frame}, ${hex(e.localChecksum)}/${hex(e.remoteChecksum)}").`,
          });
          break;
        case 'isolated':
          this.isolated = true;
          this.notices.push({ kind: 'error', text: `No other player can be heard: your connection is down. The match waits ${Math.ceil(e.endInMs / 1000)} s for it…` });
          break;
        case 'reconnected':
          this.isolated = false;
          this.notices.push({ kind: 'info', text: 'Connected again: the match goes on' });
          break;
        case 'ended':
          this.isolated = false;
          this.endedEarly = endText(e.reason);
          if (this.endedEarly !== undefined) this.notices.push({ kind: 'error', text: this.endedEarly });
          break;
        case 'incompatible-peer':
          this.notices.push({ kind: 'error', text: `${this.name(e.player)} runs an incompatible version: ${e.reason}` });
          break;
        default:
          break;
      }
    }
    return events;
  }

  /** Status line: handshake progress, or who we are waiting for. */
  get status(): string | undefined {
    if (this.statusText !== undefined) return this.statusText;
    if (this.isolated) return 'Connection lost: waiting for the other players…';
    if (this.waiting.size > 0) return `Waiting for ${[...this.waiting.keys()].map((p) => this.name(p)).join(', ')}…`;
    return undefined;
  }

  drainNotices(): readonly RunnerNotice[] {
    return this.notices.length === 0 ? NO_NOTICES : this.notices.splice(0, this.notices.length);
  }

  /** The F3 overlay's session-wide figures: the input delay is the session's own now (an 'auto' one moves). */
  summary(inputDelay: number | 'auto', maxPrediction: number) {
    const s = this.session.stats();
    return {
      frame: s.currentFrame,
      confirmedFrame: s.confirmedFrame,
      inputDelay: this.session.inputDelay,
      autoInputDelay: inputDelay === 'auto',
      maxPrediction,
      maxRollbackFrames: s.maxRollbackFrames,
    };
  }

  peerLines(nowMs: number): PeerLine[] {
    const lines: PeerLine[] = [];
    for (let p = 0; p < this.names.length; p++) {
      if (p === this.session.localPlayer) continue;
      const s = this.session.peerStats(p);
      lines.push({
        name: this.name(p),
        pingMs: s.rttMs,
        rollbackFramesPerSecond: this.rates[p]!.update(nowMs, s.rollbackFrames),
        frameAdvantage: s.localFrameAdvantage,
        kilobytesPerSecond: (s.sendBytesPerSecond + s.receiveBytesPerSecond) / 1000,
        lossPercent: s.lossRate * 100,
        connected: s.connected,
      });
    }
    return lines;
  }

  /** Players still in the match, this one included. */
  private playersLeft(): number {
    let n = 1;
    for (let p = 0; p < this.names.length; p++) if (p !== this.session.localPlayer && this.session.peerStats(p).connected) n++;
    return n;
  }

  private name(player: number): string {
    return this.names[player] ?? `Player ${player + 1}`;
  }
}

/** What the player reads when the session ended on its own; nothing when they left themselves. */
function endText(reason: SessionEndReason): string | undefined {
  switch (reason) {
    case 'removed':
      return 'The other players dropped you from the match: your device stopped answering for too long.';
    case 'isolated':
      return 'Your connection was down too long: no other player could be heard, so the match ended for you.';
    case 'left':
      return undefined;
  }
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
