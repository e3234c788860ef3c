import { expect } from 'vitest';
import type { RunningHost } from '../../sdk/src/host/geckos-host.ts';
import type { RoomConnection, RoomConnectionOptions } from '../../sdk/src/client/geckos-room-connection.ts';
import { slotAddress } from '../../sdk/src/relay/relay-route.ts';
import type { RouteId } from '../../sdk/src/transport/routed-transport.ts';
import type { ChildProcess } from 'node:child_process';
import { agreement, openRoom, play, startLoopbackHost, startMatch, waitFor } from './live-room.ts';
import { spawnHostProcess } from './host-process.ts';
import type { LivePlayer } from './live-room.ts';

/**
 * A match of Node members on a loopback host, connected as a game connects (`connectToRoom`,
 * direct links on unless told otherwise), every game loop running in the background until
 * `stop()`: what the live mesh tests share (test/mesh).
 */
export class LiveMesh {
  host: RunningHost | undefined;
  /** A host in its own process (`startOnHostProcess`), which a test may kill for real. */
  hostProcess: ChildProcess | undefined;
  /** The port of the host the members connected to. */
  hostPort = 0;
  members: RoomConnection[] = [];
  players: LivePlayer[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  /** A room of `count` on a new loopback host (member i's options from `options(i)`), its match started, every game loop running. */
  async start(count: number, options: (member: number) => Pick<RoomConnectionOptions, 'direct' | 'reconnectAttempts'> = () => ({}), seed = 7): Promise<void> {
    this.host = await startLoopbackHost();
    await this.startOn(this.host.port, count, options, seed);
  }

  /** The same on a new `backspin-host` process (`hostProcess`), which `stop` kills if the test did not. */
  async startOnHostProcess(count: number, options: (member: number) => Pick<RoomConnectionOptions, 'direct' | 'reconnectAttempts'> = () => ({}), seed = 7): Promise<void> {
    const host = await spawnHostProcess();
    this.hostProcess = host.child;
    this.hostPort = host.port;
    await this.startOn(host.port, count, options, seed);
  }

  /** The same on a host that runs elsewhere (e.g. a host process a test may kill), on 127.0.0.1:`port`. */
  async startOn(port: number, count: number, options: (member: number) => Pick<RoomConnectionOptions, 'direct' | 'reconnectAttempts'> = () => ({}), seed = 7): Promise<void> {
    this.hostPort = port;
    this.members = await openRoom({ port }, count, {}, options);
    this.players = (await startMatch(this.members)).players;
    this.resume(seed);
  }

  /** Runs every player's game loop in the background (again) until `pause` or `stop`. */
  resume(seed: number): void {
    this.running = true;
    this.loop = play(this.players, () => !this.running, 120_000, seed);
  }

  /** Stops the game loops (the connections stay). */
  async pause(): Promise<void> {
    this.running = false;
    await this.loop;
    this.loop = undefined;
  }

  /** Stops the loops, closes every member and the host. For `afterEach`. */
  async stop(): Promise<void> {
    await this.pause();
    this.players = [];
    for (const m of this.members) m.close();
    this.members = [];
    await this.host?.close();
    this.host = undefined;
    this.hostProcess?.kill('SIGKILL');
    this.hostProcess = undefined;
  }

  routeOf(p: LivePlayer, slot: number): RouteId {
    return p.connection.routes.transport.routeOf(slotAddress(slot));
  }

  bySlot(slot: number): LivePlayer {
    const found = this.players.find((p) => p.connection.slot === slot);
    if (found === undefined) throw new Error(`no player in slot ${slot}`);
    return found;
  }

  /** The slots of every other player. */
  others(p: LivePlayer): number[] {
    return this.players.filter((q) => q !== p).map((q) => q.connection.slot);
  }

  /** Whether every pair's route is `route`, except the pairs `except` says (which must be on `otherwise`). */
  everyRoute(route: RouteId, except?: (a: number, b: number) => boolean, otherwise?: RouteId): () => boolean {
    return () => this.players.every((p) => this.others(p).every((s) => this.routeOf(p, s) === (except?.(p.connection.slot, s) === true ? otherwise : route)));
  }

  /** Every member's view of its peers: "slot route/link#attempts (last end)". */
  routesText(): string {
    return this.players
      .map((p) => `${p.connection.slot}: ${(p.connection.routes.meshStats()?.peers ?? []).map((s) => `${s.slot} ${s.route}/${s.link}#${s.attempts}${s.lastEnd === undefined ? '' : ` (${s.lastEnd})`}`).join(', ')}`)
      .join(' | ');
  }

  framesRelayed(): number {
    return this.host?.relay.stats().framesRelayed ?? 0;
  }

  /** `waitFor`, with the routes (and `detail()`, if given) added to the error at the timeout. */
  async waitUntil(condition: () => boolean, timeoutMs: number, what: string, detail: () => string = () => ''): Promise<void> {
    try {
      await waitFor(condition, timeoutMs, what);
    } catch (error) {
      throw new Error(`${(error as Error).message}: ${this.routesText()}${detail()}`);
    }
  }

  /** No mismatch, desync, drop or fault; at least `minCompared` frames checksummed by two players or more (one every 20 frames). */
  checkHealthy(minCompared: number): { compared: number } {
    const { compared, mismatches } = agreement(this.players);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(minCompared);
    for (const p of this.players) {
      expect(p.events.filter((e) => e.type === 'desync' || e.type === 'disconnected' || e.type === 'ended')).toEqual([]);
      expect(p.session.state).toBe('running');
      expect(p.connection.routes.meshStats()?.faults ?? 0).toBe(0);
    }
    return { compared };
  }
}
