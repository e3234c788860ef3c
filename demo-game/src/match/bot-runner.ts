import { FramePacer, InputStatus, SyncTestSession } from 'backspin';
import type { Replay } from 'backspin';
import { LocalArenaRecording } from './arena-replay.ts';
import { ArenaGame, ArenaPhase, arenaInputCodec, botInput } from '../sim/index.ts';
import type { ArenaInput, ArenaMode, ArenaState } from '../sim/index.ts';
import type { MatchRunner, PeerLine, RunnerNotice } from './match-runner.ts';
import { CHECKSUM_INTERVAL_FRAMES, MatchMode, NO_NOTICES } from './match-runner.ts';

export interface BotRunnerOptions {
  /** Bots besides the player, 1..7. */
  readonly bots: number;
  readonly seed: number;
  readonly playerName: string;
  /** The way to play (default Classic). */
  readonly gameMode?: ArenaMode | undefined;
  /**
   * Runs the match under a {@link SyncTestSession}: every frame, the state of `syncTestDistance`
   * frames ago is loaded and re-simulated, and any checksum difference is reported. For
   * developers changing the simulation; it costs that many extra steps per frame.
   */
  readonly syncTest: boolean;
  readonly syncTestDistance?: number;
  /** Simulation frames per 60 Hz frame (default 1): tests play a whole match in seconds (app/match-speed.ts). */
  readonly speed?: number;
}

const FPS = 60;

/**
 * Play against bots with no network: the game is stepped directly (or through SyncTest), the
 * bots' inputs computed from the current state, paced at 60 fps.
 */
export class BotRunner implements MatchRunner {
  readonly mode = MatchMode.Bots;
  readonly game: ArenaGame;
  readonly localPlayer = 0;
  readonly names: readonly string[];
  private readonly pacer: FramePacer;
  /** Reused every frame: stepping allocates nothing. */
  private readonly inputs: { input: ArenaInput; status: InputStatus }[];
  private readonly raw: ArenaInput[];
  /** Records the match (every frame is final as it is stepped), checksums as a session would take them. */
  private readonly recording: LocalArenaRecording;
  private readonly syncTest: SyncTestSession<ArenaInput, ArenaState> | undefined;
  private readonly notices: RunnerNotice[] = [];
  /** The first frame SyncTest found re-simulating to a different state, if any (it reports one). */
  readonly desyncFrames: number[] = [];
  readonly droppedNames: readonly string[] = [];

  constructor(options: BotRunnerOptions) {
    const players = options.bots + 1;
    const speed = options.speed ?? 1;
    // A sped-up match may also catch up as many real-time frames at once as a normal one.
    this.pacer = speed === 1 ? new FramePacer(FPS) : new FramePacer(FPS * speed, 0.1, 8 * speed);
    this.game = new ArenaGame({ players, seed: options.seed, mode: options.gameMode });
    this.names = [options.playerName, ...Array.from({ length: options.bots }, (_, i) => `Bot ${i + 1}`)];
    this.inputs = Array.from({ length: players }, () => ({ input: 0, status: InputStatus.Confirmed }));
    this.raw = new Array<ArenaInput>(players).fill(0);
    this.recording = new LocalArenaRecording({ players, seed: options.seed, mode: options.gameMode, names: this.names }, CHECKSUM_INTERVAL_FRAMES);
    if (options.syncTest) {
      const distance = options.syncTestDistance ?? 7;
      this.syncTest = new SyncTestSession({ game: this.game, players, input: arenaInputCodec, checkDistance: distance });
      this.notices.push({ kind: 'info', text: `SyncTest on: every frame re-simulates the last ${distance} frames and compares checksums` });
    }
  }

  tick(nowMs: number, sample: () => ArenaInput): void {
    for (let due = this.pacer.framesDue(nowMs); due > 0; due--) {
      if (this.game.phase === ArenaPhase.MatchOver) break;
      const frame = this.game.frame;
      this.raw[0] = sample();
      for (let p = 1; p < this.raw.length; p++) this.raw[p] = botInput(this.game.state, p, frame);
      this.recording.frame(this.game, frame, this.raw);
      if (this.syncTest !== undefined) {
        const mismatch = this.syncTest.advanceFrame(this.raw);
        if (mismatch !== undefined && this.desyncFrames.length === 0) {
          this.desyncFrames.push(mismatch.frame);
          this.notices.push({
            kind: 'desync',
            text: `SyncTest: frame ${mismatch.frame} re-simulated to a different state (checksum ${mismatch.actual >>> 0} instead of ${mismatch.expected >>> 0})`,
          });
        }
      } else {
        for (let p = 0; p < this.raw.length; p++) this.inputs[p]!.input = this.raw[p]!;
        this.game.step(this.inputs);
      }
      this.pacer.frameDone();
    }
  }

  get frame(): number {
    return this.game.frame;
  }

  /** No network: every frame is confirmed as it is stepped. */
  get confirmedFrame(): number {
    return this.game.frame;
  }

  peerLines(): readonly PeerLine[] {
    return [];
  }

  summary() {
    return { frame: this.game.frame, confirmedFrame: this.game.frame, inputDelay: 0, autoInputDelay: false, maxPrediction: 0, maxRollbackFrames: 0 };
  }

  drainNotices(): readonly RunnerNotice[] {
    return this.notices.length === 0 ? NO_NOTICES : this.notices.splice(0, this.notices.length);
  }

  readonly status = undefined;

  get finished(): boolean {
    return this.game.phase === ArenaPhase.MatchOver;
  }

  /** Bots never leave: a match against them always runs to its end. */
  readonly endedEarly = undefined;

  replay(): Replay {
    return this.recording.recorder.replay();
  }

  dispose(): void {}
}
