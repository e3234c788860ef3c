import { FramePacer, createMatchSession } from 'backspin';
import type { MatchDecision, MatchSession, RoomConnection } from 'backspin';
import { ArenaGame, arenaInputCodec } from '../sim/index.ts';
import type { ArenaInput, ArenaState } from '../sim/index.ts';
import { recordChecksum } from '../app/debug-hooks.ts';
import { driveSession } from './drive-session.ts';
import type { MatchRunner, PeerLine, RunnerNotice } from './match-runner.ts';
import { CHECKSUM_INTERVAL_FRAMES, MatchMode } from './match-runner.ts';
import { MatchOverWatch } from './match-over-watch.ts';
import { SessionObserver } from './session-observer.ts';

/**
 * A match over the host's room: one rollback (or lockstep) session per player, configured from
 * the host's match decision, packets relayed by the host. The room connection stays open after
 * the match (back to the lobby); this runner never closes it.
 */
export class OnlineRunner implements MatchRunner {
  readonly mode = MatchMode.Online;
  readonly game: ArenaGame;
  readonly localPlayer: number;
  readonly names: readonly string[];
  private readonly match: MatchSession<ArenaInput, ArenaState>;
  private readonly observer: SessionObserver<ArenaInput, ArenaState>;
  private readonly over = new MatchOverWatch();
  private readonly pacer: FramePacer;
  private hostGone = false;

  constructor(
    private readonly connection: RoomConnection,
    private readonly decision: MatchDecision,
  ) {
    const room = connection.client.room;
    this.names = decision.players.map((slot) => room?.members.find((m) => m.slot === slot)?.name ?? `Slot ${slot}`);
    this.game = new ArenaGame({ players: decision.players.length, seed: decision.seed });
    this.match = createMatchSession({
      transport: connection.transport,
      slot: connection.slot,
      match: decision,
      game: this.game,
      input: arenaInputCodec,
      seed: crypto.getRandomValues(new Uint32Array(1))[0]!,
      session: { checksumIntervalFrames: CHECKSUM_INTERVAL_FRAMES, onChecksum: recordChecksum },
    });
    this.localPlayer = this.match.session.localPlayer;
    this.observer = new SessionObserver(this.match.session, this.names);
    this.pacer = new FramePacer(decision.settings.fps);
  }

  tick(nowMs: number, sample: () => ArenaInput): void {
    for (const e of this.connection.events()) {
      if (e.type === 'connection') {
        if (e.state === 'reconnecting') this.observer.push({ kind: 'info', text: 'Connection to the host lost; reconnecting…' });
        else if (e.state === 'connected') this.observer.push({ kind: 'info', text: 'Reconnected to the host' });
        else if (!this.hostGone) {
          this.hostGone = true;
          this.observer.push({ kind: 'error', text: 'The connection to the host is closed' });
        }
      } else if (e.type === 'host-closing') {
        this.hostGone = true;
        this.observer.push({ kind: 'error', text: `The host is shutting down: ${e.reason}` });
      } else {
        this.match.applyRoomEvent(e);
      }
    }
    driveSession(this.match.session, this.pacer, nowMs, sample);
    this.observer.observe();
    this.over.update(this.game);
  }

  get frame(): number {
    return this.match.session.currentFrame;
  }

  get confirmedFrame(): number {
    return this.match.session.confirmedFrame;
  }

  get desyncFrames(): readonly number[] {
    return this.observer.desyncFrames;
  }

  get droppedNames(): readonly string[] {
    return this.observer.droppedNames;
  }

  peerLines(nowMs: number): readonly PeerLine[] {
    return this.observer.peerLines(nowMs);
  }

  summary() {
    return this.observer.summary(this.decision.settings.inputDelay, this.decision.settings.maxPrediction);
  }

  drainNotices(): readonly RunnerNotice[] {
    return this.observer.drainNotices();
  }

  get status(): string | undefined {
    return this.hostGone ? 'Disconnected from the host' : this.observer.status;
  }

  /** Over once the simulation says so in confirmed frames: the result can no longer be rolled back. */
  get finished(): boolean {
    return this.over.decided(this.match.session.confirmedFrame);
  }

  get endedEarly(): string | undefined {
    // The session's own word first: "the others dropped you" says more than "the host is gone".
    return this.observer.endedEarly ?? (this.hostGone ? 'The connection to the host was lost, so the match ended early.' : undefined);
  }

  dispose(): void {
    this.match.session.leave();
  }
}
