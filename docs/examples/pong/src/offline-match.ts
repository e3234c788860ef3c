import { FramePacer, P2PSession } from 'backspin';
import { NETWORK_PRESETS, SimulatedNetwork } from 'backspin/sim';
import type { NetworkPresetName } from 'backspin/sim';
import { driveSession } from './drive-session.ts';
import type { Match } from './match.ts';
import { botInput } from './pong-bot.ts';
import { PongGame } from './pong-game.ts';
import { pongInputCodec } from './pong-input.ts';
import { RollbackMeter } from './rollback-meter.ts';

const FPS = 60;

/**
 * You against the bot, each with a session and a game of its own, over Backspin's simulated
 * network with a standard preset's latency, jitter and loss: the bot is a remote peer as far as
 * your session knows, so the rollbacks you see are the ones a real match over that network has.
 * The network runs on the page's clock: realistic, not reproducible.
 */
export class OfflineMatch implements Match {
  readonly game: PongGame;
  readonly localPlayer = 0;
  private readonly preset: NetworkPresetName;
  private readonly peers: { game: PongGame; session: P2PSession<number, Int32Array>; pacer: FramePacer }[];
  private readonly meter = new RollbackMeter();
  private nowMs = 0;

  constructor(preset: NetworkPresetName) {
    this.preset = preset;
    const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
    const network = new SimulatedNetwork({ seed, clock: { now: () => this.nowMs }, profile: NETWORK_PRESETS[preset] });
    const addresses = ['you', 'bot'];
    this.peers = addresses.map((address, me) => {
      const game = new PongGame(seed); // the match seed: the same for both peers
      const session = new P2PSession({
        players: addresses.map((a) => (a === address ? { kind: 'local' as const } : { kind: 'remote' as const, address: a })),
        game,
        transport: network.endpoint(address),
        input: pongInputCodec,
        seed: (seed + 1 + me) >>> 0, // handshake randomness: must differ between peers
        fps: FPS,
      });
      return { game, session, pacer: new FramePacer(FPS) };
    });
    this.game = this.peers[0]!.game;
  }

  tick(nowMs: number, input: () => number): void {
    this.nowMs = nowMs;
    const [you, bot] = this.peers;
    driveSession(you!.session, you!.pacer, nowMs, input);
    driveSession(bot!.session, bot!.pacer, nowMs, () => botInput(bot!.game.state, 1));
    for (const peer of this.peers) {
      for (const e of peer.session.events()) if (e.type === 'desync') console.error('desync', e);
    }
  }

  status(nowMs: number): string {
    const session = this.peers[0]!.session;
    if (session.state !== 'running') return `${this.preset}: connecting to the bot…`;
    return `vs bot over "${this.preset}" · ${this.meter.line(session, 1, nowMs)}`;
  }

  dispose(): void {
    for (const peer of this.peers) peer.session.leave();
  }
}
