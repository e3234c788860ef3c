import { SessionState } from '../core/p2p-session.ts';
import { RejoinableSession } from '../core/rejoinable-session.ts';
import type { P2PSessionConfig } from '../core/session-config.ts';
import { bytesInputCodec } from '../core/input-codec.ts';
import { FramePacer } from '../core/frame-pacer.ts';
import type { SessionEvent } from '../core/session-events.ts';
import { Prng } from '../kit/prng.ts';
import { TestGame } from '../testing/test-game.ts';
import type { NetworkProfile } from './network-profile.ts';
import { SimulatedNetwork } from './simulated-network.ts';
import { VirtualClock } from './virtual-clock.ts';
import type { Transport } from '../transport/transport.ts';
import { compareChecksums } from './compare-checksums.ts';
import type { ChecksumComparison } from './compare-checksums.ts';

/** Session settings a simulated match may override (everything but players, game and transport). */
export type SimulatedSessionOptions = Partial<
  Omit<P2PSessionConfig<Uint8Array, Int32Array>, 'players' | 'game' | 'transport' | 'input' | 'seed' | 'onChecksum' | 'onConfirmedInputs'>
>;

/** What a game may attach to one peer's session to watch its match (e.g. a `ReplayRecorder`'s hooks). */
export type SimulatedPeerHooks = Pick<P2PSessionConfig<Uint8Array, Int32Array>, 'onChecksum' | 'onConfirmedInputs'>;

/** A simulated match: how many players, the seed, the network, and the sessions' settings. */
export interface SimulatedMatchOptions {
  /** 2..16. */
  readonly players: number;
  /** Seeds the network, the inputs, the clock drifts and the sessions. */
  readonly seed: number;
  /** The conditions of every link (e.g. `NETWORK_PRESETS.wifi`). */
  readonly profile: NetworkProfile;
  /** Frames per second. Default 60. */
  readonly fps?: number;
  /** Bytes per input. Default 2. */
  readonly inputSize?: number;
  /**
   * Chance per frame that a player's input changes (0..1). Default 0.1: a held key lasts about
   * ten frames, like a person playing. 1 makes every frame a new random input (worst case).
   */
  readonly inputChangeRate?: number;
  /** Each peer's clock runs fast or slow by up to this many parts per million. Default 200. */
  readonly clockDriftPpm?: number;
  /**
   * Rate of each peer's game clock against real time (1 = exact), e.g. `[1.02, 1]` for a first
   * peer whose clock runs 2% fast: what time sync must correct. Default all 1.
   */
  readonly clockRates?: readonly number[];
  /** Session settings for every peer (input delay, prediction, timeouts...). */
  readonly session?: SimulatedSessionOptions;
  /** Measures the time spent inside the sessions and games (e.g. `performance.now`); off by default. */
  readonly timer?: () => number;
  /** The virtual clock to run on, for a test that builds more of the world on it (another network). Default: a new one at 0. */
  readonly clock?: VirtualClock;
  /**
   * Each peer's transport, given its own endpoint on the match's network: default that endpoint.
   * A test wraps it, or combines it with another network's (e.g. a `RoutedTransport` over a relay
   * network and a direct one).
   */
  readonly transport?: (player: number, endpoint: Transport) => Transport;
  /**
   * Called on each peer's tick just before its `poll` (virtual ms): where a test applies what a
   * game loop would between two frames (a route change, a setting).
   */
  readonly beforePoll?: (player: number, nowMs: number) => void;
  /**
   * Hooks for each peer's session, asked once per peer at construction (undefined: none): e.g. a
   * `ReplayRecorder` on one peer. The match still keeps each peer's checksums itself.
   */
  readonly hooks?: (player: number) => SimulatedPeerHooks | undefined;
}

/** One simulated player: its session, game, clock and what it saw. */
export interface SimulatedPeer {
  /** The peer's player handle. */
  readonly player: number;
  /** Its address on the simulated network. */
  readonly address: string;
  /** Its session (a new one after `restart`). */
  session: RejoinableSession<Uint8Array, Int32Array>;
  /** Its game (a new one after `restart`). */
  game: TestGame;
  /** Times `restart` gave it a new session. */
  restarts: number;
  /** Confirmed checksums by frame, as the session took them. */
  readonly checksums: Map<number, number>;
  /** Every event its session raised, in order. */
  readonly events: SessionEvent[];
  /** False once the peer was killed (a crash): it no longer runs. */
  alive: boolean;
  /** Virtual time at which the session started running (ms), or -1. */
  runningAtMs: number;
  /** Frames its session advanced. */
  framesAdvanced: number;
  /** Calls to `advanceFrame`, stalled ones included. */
  advanceCalls: number;
}

/**
 * A whole match in virtual time: N sessions of the test game over one `SimulatedNetwork`, each
 * peer polling at its own slightly drifting 60 Hz and pacing frames with a `FramePacer`, as a
 * browser tab would. Deterministic for a seed. Used by the convergence tests and `npm run bench`.
 */
export class SimulatedMatch {
  /** The virtual clock everything runs on (ms). */
  readonly clock: VirtualClock;
  /** The network between the peers. */
  readonly network: SimulatedNetwork;
  /** Every peer, by player handle. */
  readonly peers: readonly SimulatedPeer[];
  /** Length of one frame (ms): 1000 / fps. */
  readonly frameMs: number;
  /** Time spent inside sessions and games (ms, per `timer`), the simulated network's own excluded; 0 without a timer. */
  sdkMs = 0;
  /** Time spent inside the simulated network's send and receive (ms, per `timer`). */
  networkMs = 0;
  private readonly pollMs: Float64Array;
  private readonly nextPollMs: Float64Array;
  private readonly pacers: FramePacer[];
  private readonly inputRngs: Prng[];
  private readonly inputs: Uint8Array[];
  private readonly changeRate: number;
  private readonly clockRates: readonly number[];
  private readonly timer: (() => number) | undefined;
  private readonly beforePoll: ((player: number, nowMs: number) => void) | undefined;
  /** What building another session for a peer needs (`restart`). */
  private readonly build: { readonly options: SimulatedMatchOptions; readonly addresses: readonly string[]; readonly fps: number; readonly inputSize: number; readonly rng: Prng };

  constructor(options: SimulatedMatchOptions) {
    this.clock = options.clock ?? new VirtualClock();
    this.beforePoll = options.beforePoll;
    const { players, seed } = options;
    const fps = options.fps ?? 60;
    const inputSize = options.inputSize ?? 2;
    this.frameMs = 1000 / fps;
    this.changeRate = options.inputChangeRate ?? 0.1;
    this.clockRates = options.clockRates ?? [];
    this.timer = options.timer;
    this.network = new SimulatedNetwork({ seed, clock: this.clock, profile: options.profile });
    const rng = new Prng(seed ^ 0x5eed);
    const drift = options.clockDriftPpm ?? 200;
    const addresses = Array.from({ length: players }, (_, i) => `peer-${i}`);
    this.pollMs = new Float64Array(players);
    this.nextPollMs = new Float64Array(players);
    this.pacers = [];
    this.inputRngs = [];
    this.inputs = [];
    const peers: SimulatedPeer[] = [];
    this.build = { options, addresses, fps, inputSize, rng };
    for (let p = 0; p < players; p++) {
      const game = new TestGame(players);
      const checksums = new Map<number, number>();
      const session = this.newSession(p, game, checksums, false);
      peers.push({ player: p, address: addresses[p]!, session, game, checksums, events: [], alive: true, runningAtMs: -1, framesAdvanced: 0, advanceCalls: 0, restarts: 0 });
      const ppm = (rng.nextInt(2 * drift + 1) - drift) / 1e6;
      this.pollMs[p] = this.frameMs * (1 + ppm);
      this.nextPollMs[p] = rng.nextInt(Math.max(1, Math.floor(this.frameMs))); // a random phase
      this.pacers.push(new FramePacer(fps));
      this.inputRngs.push(new Prng(rng.nextU32()));
      this.inputs.push(new Uint8Array(inputSize));
    }
    this.peers = peers;
  }

  /** A session for player `p` on a new endpoint at its address (`rejoin`: back into the running match). */
  private newSession(p: number, game: TestGame, checksums: Map<number, number>, rejoin: boolean): RejoinableSession<Uint8Array, Int32Array> {
    const { options, addresses, fps, inputSize, rng } = this.build;
    const endpoint = this.network.endpoint(addresses[p]!);
    const hooks = rejoin ? undefined : options.hooks?.(p);
    return new RejoinableSession<Uint8Array, Int32Array>({
      ...options.session,
      fps,
      players: addresses.map((address, h) => (h === p ? { kind: 'local' as const } : { kind: 'remote' as const, address })),
      game,
      transport: this.timedTransport(options.transport?.(p, endpoint) ?? endpoint),
      input: bytesInputCodec(inputSize),
      seed: rng.nextU32(),
      onChecksum: (frame, checksum) => {
        checksums.set(frame, checksum);
        hooks?.onChecksum?.(frame, checksum);
      },
      ...(hooks?.onConfirmedInputs !== undefined ? { onConfirmedInputs: hooks.onConfirmedInputs } : {}),
      ...(rejoin ? { rejoin: true } : {}),
    });
  }

  /**
   * A killed peer comes back (a reloaded page, a restarted process): a new session with
   * `rejoin: true` at its address, and every other live peer's session is told
   * (`readmit`), as a room would tell them. Its checksums from before and after go into the same
   * map, so that a returning peer that disagrees with anyone shows in `compareChecksums`.
   */
  restart(player: number): void {
    const peer = this.peers[player];
    if (peer === undefined) throw new RangeError(`no player ${player}`);
    if (peer.alive) this.kill(player);
    peer.game = new TestGame(this.peers.length);
    peer.session = this.newSession(player, peer.game, peer.checksums, true);
    peer.alive = true;
    peer.restarts++;
    peer.runningAtMs = -1;
    this.pacers[player] = new FramePacer(this.build.fps);
    this.nextPollMs[player] = this.clock.now();
    for (const other of this.peers) if (other !== peer && other.alive) other.session.readmit(player);
  }

  /** Runs until virtual time `untilMs`. */
  runUntil(untilMs: number): void {
    for (;;) {
      let next = Infinity;
      let who = -1;
      for (let p = 0; p < this.peers.length; p++) {
        if (this.peers[p]!.alive && this.nextPollMs[p]! < next) {
          next = this.nextPollMs[p]!;
          who = p;
        }
      }
      if (who < 0 || next > untilMs) break;
      if (next > this.clock.now()) this.clock.set(next);
      this.tick(who);
      this.nextPollMs[who] = next + this.pollMs[who]!;
    }
    if (untilMs > this.clock.now()) this.clock.set(untilMs);
  }

  /** Runs until every live peer has advanced `frames` frames, or `timeoutMs` of virtual time pass. */
  runFrames(frames: number, timeoutMs: number): boolean {
    const deadline = this.clock.now() + timeoutMs;
    while (this.clock.now() < deadline) {
      this.runUntil(Math.min(deadline, this.clock.now() + 100));
      if (this.peers.every((peer) => !peer.alive || peer.session.currentFrame >= frames)) return true;
    }
    return false;
  }

  /** The peer vanishes: no goodbye, its packets stop both ways (a crash or a pulled cable). */
  kill(player: number): void {
    const peer = this.peers[player];
    if (peer === undefined) throw new RangeError(`no player ${player}`);
    peer.alive = false;
    this.network.kill(peer.address);
  }

  /**
   * The peer's process stops for `ms` of virtual time (SIGSTOP, a phone locking its screen, a tab
   * the browser suspends): it is not polled, so it sends nothing and its timers do not run, while
   * packets to it wait in its inbox. Then it carries on where it stopped, its pacer forgiving the
   * backlog as a browser tab's would. A freeze during a freeze ends at the later of the two.
   */
  freeze(player: number, ms: number): void {
    if (this.peers[player] === undefined) throw new RangeError(`no player ${player}`);
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new RangeError(`freeze: ms must be a finite number >= 0, got ${String(ms)}`);
    this.nextPollMs[player] = Math.max(this.nextPollMs[player]!, this.clock.now() + ms);
  }

  /** Frames that real time allowed `peer` since its session started running. */
  framesAllowed(peer: SimulatedPeer): number {
    return peer.runningAtMs < 0 ? 0 : Math.floor((this.clock.now() - peer.runningAtMs) / this.frameMs);
  }

  /** Compares the confirmed checksums of every frame that several peers took. */
  compareChecksums(): ChecksumComparison {
    return compareChecksums(this.peers.map((peer) => peer.checksums));
  }

  private tick(p: number): void {
    const peer = this.peers[p]!;
    const now = this.clock.now();
    const t0 = this.timer?.() ?? 0;
    const network0 = this.networkMs;
    const session = peer.session;
    this.beforePoll?.(p, now);
    session.poll(now);
    if (session.state === SessionState.Running) {
      if (peer.runningAtMs < 0) peer.runningAtMs = now;
      const pacer = this.pacers[p]!;
      const due = pacer.framesDue(now * (this.clockRates[p] ?? 1), session.framesAhead);
      for (let i = 0; i < due; i++) {
        peer.advanceCalls++;
        if (session.advanceFrame(this.nextInput(p)) !== 'advanced') break; // still owed: next tick
        peer.framesAdvanced++;
        pacer.frameDone();
      }
    }
    if (this.timer !== undefined) this.sdkMs += this.timer() - t0 - (this.networkMs - network0);
    for (const event of session.events()) peer.events.push(event);
  }

  /** With a timer, wraps a transport so that the time spent in the simulated network is known. */
  private timedTransport(inner: Transport): Transport {
    const timer = this.timer;
    if (timer === undefined) return inner;
    return {
      send: (to, data) => {
        const t0 = timer();
        inner.send(to, data);
        this.networkMs += timer() - t0;
      },
      receive: () => {
        const t0 = timer();
        const datagrams = inner.receive();
        this.networkMs += timer() - t0;
        return datagrams;
      },
    };
  }

  /** The player's input for its next frame: held, or (at `inputChangeRate`) a new random one. */
  private nextInput(p: number): Uint8Array {
    const input = this.inputs[p]!;
    const rng = this.inputRngs[p]!;
    if (this.changeRate >= 1 || rng.nextU32() / 4294967296 < this.changeRate) {
      for (let i = 0; i < input.length; i++) input[i] = rng.nextU32() & 0xff;
    }
    return input;
  }
}
