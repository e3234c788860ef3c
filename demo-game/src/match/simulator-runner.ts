import { FramePacer, P2PSession } from 'backspin';
import type { PlayerSpec, Replay, ReplayRecorder } from 'backspin';
import { SimulatedNetwork } from 'backspin/sim';
import type { NetworkProfile } from 'backspin/sim';
import { ArenaGame, arenaInputCodec, botInput } from '../sim/index.ts';
import type { ArenaInput, ArenaMode, ArenaState } from '../sim/index.ts';
import { recordChecksum } from '../app/debug-hooks.ts';
import { driveSession } from './drive-session.ts';
import type { MatchRunner, PeerLine, RunnerNotice } from './match-runner.ts';
import { CHECKSUM_INTERVAL_FRAMES, INPUT_RESEND_FRAMES, MatchMode } from './match-runner.ts';
import { MatchOverWatch } from './match-over-watch.ts';
import { SessionObserver } from './session-observer.ts';
import { createArenaRecorder } from './arena-replay.ts';

export interface SimulatorRunnerOptions {
  /** Players, 2..8: you are player 1, every other one a bot with a session of its own. */
  readonly players: number;
  readonly profileName: string;
  readonly profile: NetworkProfile;
  readonly seed: number;
  readonly playerName: string;
  /** Frames of input delay, or 'auto' (each session follows its round trips). Default 'auto'. */
  readonly inputDelay?: number | 'auto';
  /** Prediction window in frames; 0 runs lockstep (default 8). */
  readonly maxPrediction?: number;
  /** The way to play (default Classic). */
  readonly gameMode?: ArenaMode | undefined;
}

interface SimulatedPeer {
  readonly game: ArenaGame;
  readonly session: P2PSession<ArenaInput, ArenaState>;
  readonly pacer: FramePacer;
  /** This peer's bot input for the frame about to be advanced (peers 1..n-1; made once, called per frame). */
  readonly bot: () => ArenaInput;
}

const FPS = 60;

/**
 * Several players on this one machine, each with its own rollback session and its own copy of
 * the game, talking over Backspin's simulated network with a chosen profile (latency, jitter,
 * loss, freezes): you play player 1 and see its predicted state, so rollback at 250 ms is felt,
 * not imagined. The network runs on the real clock here, so it is not reproducible, only realistic.
 */
export class SimulatorRunner implements MatchRunner {
  readonly mode = MatchMode.Simulator;
  readonly game: ArenaGame;
  readonly localPlayer = 0;
  readonly names: readonly string[];
  private readonly peers: SimulatedPeer[];
  private readonly observer: SessionObserver<ArenaInput, ArenaState>;
  private readonly over = new MatchOverWatch();
  private readonly inputDelay: number | 'auto';
  private readonly maxPrediction: number;
  /** Records the match as player 1's session confirms it. */
  private readonly recorder: ReplayRecorder;
  private nowMs = 0;

  constructor(options: SimulatorRunnerOptions) {
    const n = options.players;
    this.inputDelay = options.inputDelay ?? 'auto';
    this.maxPrediction = options.maxPrediction ?? 8;
    this.names = [options.playerName, ...Array.from({ length: n - 1 }, (_, i) => `Bot ${i + 1}`)];
    const network = new SimulatedNetwork({ seed: options.seed, clock: { now: () => this.nowMs }, profile: options.profile });
    const address = (p: number) => `sim:${p}`;
    const recorder = createArenaRecorder({ players: n, seed: options.seed, mode: options.gameMode, fps: FPS, names: this.names });
    this.recorder = recorder;
    const onChecksum = (frame: number, checksum: number): void => {
      recordChecksum(frame, checksum);
      recorder.onChecksum(frame, checksum);
    };
    this.peers = Array.from({ length: n }, (_, me) => {
      const game = new ArenaGame({ players: n, seed: options.seed, mode: options.gameMode });
      const players: PlayerSpec[] = Array.from({ length: n }, (_, p) => (p === me ? { kind: 'local' } : { kind: 'remote', address: address(p) }));
      const session = new P2PSession<ArenaInput, ArenaState>({
        players,
        game,
        transport: network.endpoint(address(me)),
        input: arenaInputCodec,
        seed: options.seed + me + 1,
        inputDelay: this.inputDelay,
        maxPrediction: this.maxPrediction,
        fps: FPS,
        checksumIntervalFrames: CHECKSUM_INTERVAL_FRAMES,
        inputResendFrames: INPUT_RESEND_FRAMES,
        ...(me === 0 ? { onChecksum, onConfirmedInputs: recorder.onConfirmedInputs } : {}),
      });
      return { game, session, pacer: new FramePacer(FPS), bot: () => botInput(game.state, me, game.frame) };
    });
    this.game = this.peers[0]!.game;
    this.observer = new SessionObserver(this.peers[0]!.session, this.names);
  }

  tick(nowMs: number, sample: () => ArenaInput): void {
    this.nowMs = nowMs;
    for (let me = 0; me < this.peers.length; me++) {
      const peer = this.peers[me]!;
      driveSession(peer.session, peer.pacer, nowMs, me === 0 ? sample : peer.bot);
      if (me === 0) this.observer.observe();
      else peer.session.events(); // bots have nobody to tell
    }
    this.over.update(this.game);
  }

  get frame(): number {
    return this.peers[0]!.session.currentFrame;
  }

  get confirmedFrame(): number {
    return this.peers[0]!.session.confirmedFrame;
  }

  get endedEarly(): string | undefined {
    return this.observer.endedEarly;
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
    return this.observer.summary(this.inputDelay, this.maxPrediction);
  }

  drainNotices(): readonly RunnerNotice[] {
    return this.observer.drainNotices();
  }

  get status(): string | undefined {
    return this.observer.status;
  }

  get finished(): boolean {
    return this.over.decided(this.peers[0]!.session.confirmedFrame);
  }

  replay(): Replay {
    return this.recorder.replay();
  }

  dispose(): void {
    for (const p of this.peers) p.session.leave();
  }
}
