import { SimulatedMatch } from './simulated-match.ts';
import type { SimulatedMatchOptions } from './simulated-match.ts';
import { SpectatorFeed } from '../core/spectator-feed.ts';
import type { SpectatorFeedConfig } from '../core/spectator-feed.ts';
import { SpectatorSession } from '../core/spectator-session.ts';
import type { SpectatorSessionConfig } from '../core/spectator-session.ts';
import type { SpectatorEvent } from '../core/spectator-events.ts';
import { splitSpectatorTraffic } from '../core/spectator-traffic.ts';
import { bytesInputCodec } from '../core/input-codec.ts';
import { TestGame } from '../testing/test-game.ts';
import type { Transport } from '../transport/transport.ts';
import { Prng } from '../kit/prng.ts';

/** Feed settings a spectated match may override. */
export type SimulatedFeedOptions = Partial<Pick<SpectatorFeedConfig<Int32Array>, 'maxSpectators' | 'historyFrames' | 'maxCatchUpFrames' | 'sendIntervalMs' | 'timeoutMs'>>;
/** Spectator settings a test may override. */
export type SimulatedSpectatorOptions = Partial<
  Pick<SpectatorSessionConfig<Uint8Array, Int32Array>, 'delayFrames' | 'catchUpAfterFrames' | 'catchUpFramesPerAdvance' | 'checksumIntervalFrames' | 'sourceTimeoutMs' | 'bufferFrames'>
>;

/** A simulated match with spectator feeds on some players' peers. */
export interface SpectatedMatchOptions extends Omit<SimulatedMatchOptions, 'hooks' | 'beforePoll'> {
  /** The players whose peers serve a `SpectatorFeed`. */
  readonly feeds: readonly number[];
  readonly feed?: SimulatedFeedOptions;
}

/** One simulated spectator: its session, game, and what it saw. */
export interface SimulatedSpectator {
  readonly address: string;
  readonly session: SpectatorSession<Uint8Array, Int32Array>;
  readonly game: TestGame;
  /** Its own checksums by frame (the state at the start of the frame). */
  readonly checksums: Map<number, number>;
  readonly events: SpectatorEvent[];
  /** Per tick once watching: virtual ms, the players' newest confirmed frame minus its current frame, and its buffer (frames). */
  readonly samples: { readonly atMs: number; readonly lagFrames: number; readonly bufferFrames: number }[];
  /** False once stopped (`freeze` or `kill`): it is not ticked. */
  alive: boolean;
  /** Ticks are skipped until this virtual time (ms): a frozen tab. */
  frozenUntilMs: number;
}

/**
 * A `SimulatedMatch` whose players in `feeds` each serve a `SpectatorFeed` (the transport split
 * between session and feed by `splitSpectatorTraffic`, the feed fed by the session's hooks and
 * polled on its player's tick), and spectators on the same network, each ticking at 60 Hz:
 * `poll`, then `advanceFrame`. For the spectator tests and `npm run bench:spectators`.
 */
export class SpectatedMatch {
  readonly match: SimulatedMatch;
  /** Each player's feed, if it serves one. */
  readonly feeds: readonly (SpectatorFeed<Int32Array> | undefined)[];
  readonly spectators: SimulatedSpectator[] = [];
  /** Time spent in the feeds' `poll` (ms, per `timer`), the simulated network's own excluded; 0 without a timer. */
  feedMs = 0;
  private readonly timer: (() => number) | undefined;
  private readonly players: number;
  private readonly rng: Prng;
  private nextTickMs = 0;

  constructor(options: SpectatedMatchOptions) {
    const addresses = Array.from({ length: options.players }, (_, i) => `peer-${i}`);
    const feeds: (SpectatorFeed<Int32Array> | undefined)[] = [];
    const feedTransports: (Transport | undefined)[] = [];
    this.players = options.players;
    this.timer = options.timer;
    this.rng = new Prng(options.seed ^ 0x5bec);
    for (let p = 0; p < options.players; p++) feeds.push(undefined);
    const game = new TestGame(options.players);
    const makeFeed = (p: number, transport: Transport): SpectatorFeed<Int32Array> =>
      new SpectatorFeed<Int32Array>({ ...options.feed, game, transport, playerCount: options.players, inputSize: options.inputSize ?? 2, ...(options.session?.matchId !== undefined ? { matchId: options.session.matchId } : {}), seed: this.rng.nextU32() });
    this.match = new SimulatedMatch({
      ...options,
      transport: (player, endpoint) => {
        const inner = options.transport?.(player, endpoint) ?? endpoint;
        if (!options.feeds.includes(player)) return inner;
        const split = splitSpectatorTraffic(inner, addresses);
        feedTransports[player] = split.spectators;
        return split.players;
      },
      hooks: (player) => {
        if (!options.feeds.includes(player)) return undefined;
        // Asked for before the transport is made: the feed reaches its side of the split through this.
        const feed = makeFeed(player, {
          send: (to, data) => this.timed(() => feedTransports[player]!.send(to, data)),
          receive: () => this.timed(() => feedTransports[player]!.receive()),
        });
        feeds[player] = feed;
        return { onConfirmedInputs: feed.onConfirmedInputs, onChecksum: feed.onChecksum };
      },
      beforePoll: (player, nowMs) => {
        const feed = feeds[player];
        if (feed === undefined) return;
        const t0 = this.timer?.() ?? 0;
        feed.poll(nowMs);
        if (this.timer !== undefined) this.feedMs += this.timer() - t0;
      },
    });
    for (let p = 0; p < options.players; p++) feeds[p]?.attach(this.match.peers[p]!.session);
    this.feeds = feeds;
    this.nextTickMs = this.match.clock.now() + 0.5;
  }

  /** Runs `f`, and with a timer takes its time (the simulated network's) off `feedMs`. */
  private timed<T>(f: () => T): T {
    if (this.timer === undefined) return f();
    const t0 = this.timer();
    const result = f();
    this.feedMs -= this.timer() - t0;
    return result;
  }

  /** A spectator that starts now, watching through `source`'s feed. */
  addSpectator(source: number, options: SimulatedSpectatorOptions = {}): SimulatedSpectator {
    const address = `spectator-${this.spectators.length}`;
    const endpoint = this.match.network.endpoint(address);
    const game = new TestGame(this.players);
    const checksums = new Map<number, number>();
    const session = new SpectatorSession<Uint8Array, Int32Array>({
      ...options,
      game,
      input: bytesInputCodec(2),
      transport: endpoint,
      source: `peer-${source}`,
      playerCount: this.players,
      seed: this.rng.nextU32(),
      onChecksum: (frame, checksum) => checksums.set(frame, checksum),
    });
    const spectator: SimulatedSpectator = { address, session, game, checksums, events: [], samples: [], alive: true, frozenUntilMs: 0 };
    this.spectators.push(spectator);
    return spectator;
  }

  /** Runs until `untilMs` (virtual): the players on their own ticks, the spectators every frame. */
  runUntil(untilMs: number): void {
    const frameMs = this.match.frameMs;
    while (this.nextTickMs <= untilMs) {
      this.match.runUntil(this.nextTickMs);
      this.tickSpectators(this.nextTickMs);
      this.nextTickMs += frameMs;
    }
    this.match.runUntil(untilMs);
  }

  /** The players' newest confirmed frame (the most any live peer has). */
  confirmedFrame(): number {
    let confirmed = -1;
    for (const peer of this.match.peers) if (peer.alive) confirmed = Math.max(confirmed, peer.session.confirmedFrame);
    return confirmed;
  }

  /**
   * Compares every spectator's checksums with the players' confirmed ones: the frames compared per
   * spectator, and every frame where they differ (as "spectator frame: theirs / players'").
   */
  compareWithPlayers(): { compared: number[]; mismatches: string[] } {
    const compared: number[] = [];
    const mismatches: string[] = [];
    for (const spectator of this.spectators) {
      let n = 0;
      for (const [frame, checksum] of spectator.checksums) {
        for (const peer of this.match.peers) {
          const theirs = peer.checksums.get(frame);
          if (theirs === undefined) continue;
          n++;
          if (theirs !== checksum) mismatches.push(`${spectator.address} frame ${frame}: ${checksum} / player ${peer.player} ${theirs}`);
          break;
        }
      }
      compared.push(n);
    }
    return { compared, mismatches };
  }

  private tickSpectators(nowMs: number): void {
    const confirmed = this.confirmedFrame();
    for (const spectator of this.spectators) {
      if (!spectator.alive || nowMs < spectator.frozenUntilMs) continue;
      const session = spectator.session;
      session.poll(nowMs);
      session.advanceFrame();
      for (const event of session.events()) spectator.events.push(event);
      if (session.state === 'watching') spectator.samples.push({ atMs: nowMs, lagFrames: confirmed - session.currentFrame, bufferFrames: session.framesBehind });
    }
  }
}
