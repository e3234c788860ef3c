import { performance } from 'node:perf_hooks';
import { connectToRoom } from '../src/client/geckos-room-connection.ts';
import type { RoomConnection } from '../src/client/geckos-room-connection.ts';
import { createMatchSession } from '../src/relay/match-session.ts';
import type { MatchSession } from '../src/relay/match-session.ts';
import { slotAddress } from '../src/relay/room-client.ts';
import { StandardRoute } from '../src/transport/routed-transport.ts';
import { FramePacer } from '../src/core/frame-pacer.ts';
import { bytesInputCodec } from '../src/core/input-codec.ts';
import { TestGame } from '../src/testing/test-game.ts';
import { Prng } from '../src/kit/prng.ts';
import { compareChecksums } from '../src/sim/compare-checksums.ts';
import type { ChecksumComparison } from '../src/sim/compare-checksums.ts';
import type { RouteId } from '../src/transport/routed-transport.ts';
import type { PeerAddress, Transport } from '../src/transport/transport.ts';

/** Longest wait for members to connect, fill the room, get ready or receive the match (ms). */
const SETUP_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every `everyMs` until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = SETUP_TIMEOUT_MS, everyMs = 10): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Wraps each member's session transport to watch its packets (`LatencyTap`, `ArrivalTap`). */
export interface TransportTap {
  /** `self` is the member's own address as the others know it (`slot:N`). */
  wrap(inner: Transport, self: PeerAddress): Transport;
}

/** One member of a bench room, and its session once the match has reached it. */
interface BenchMember {
  readonly connection: RoomConnection;
  match: MatchSession<Uint8Array, Int32Array> | undefined;
  pacer: FramePacer | undefined;
  input: Uint8Array;
  frameAtBegin: number;
  /** Its session's confirmed checksums (frame → checksum), for `agreement`. */
  readonly checksums: Map<number, number>;
}

/** A member's session figures at one moment, by room slot (`BenchRoom.sessionFigures`). */
export interface SessionFigures {
  readonly slot: number;
  readonly frame: number;
  /** `stats().stallFrames`: advance attempts refused so far (one per game-loop turn that had a frame due). */
  readonly stalls: number;
}

/** Counters over every session of a room since it started. */
export interface BenchRoomCounts {
  desyncs: number;
  disconnects: number;
  reconnects: number;
}

/**
 * A room of `players` Node members on a host, playing a real match of the test game as a browser
 * tab would: `connectToRoom` (direct links on, or `direct: false`), a `P2PSession` per member made
 * by `createMatchSession` from the host's decision (60 fps, input delay 2, prediction window 8),
 * 2-byte inputs that change with probability 0.1 per frame, paced by a `FramePacer`. The caller's
 * game loop calls `tick` every ~1 ms; a member's session is made on the first tick after the match
 * decision reached it, so that a match start can be timed from the owner's `startMatch`.
 */
export class BenchRoom {
  /** When the owner asked for the match (`performance.now()`, ms); undefined before `start`. */
  startedAtMs: number | undefined;
  readonly counts: BenchRoomCounts = { desyncs: 0, disconnects: 0, reconnects: 0 };
  private readonly rng: Prng;

  private constructor(
    private readonly members: readonly BenchMember[],
    private readonly tap: TransportTap | undefined,
    seed: number,
  ) {
    this.rng = new Prng(seed);
  }

  /**
   * Opens a room of `players` members on the loopback host at `port` (the first creates it), all
   * ready. With `declined`, those two slots decline a direct link with each other (`directWith`),
   * so that the pair plays over the host's relay, and through a third player once the host is gone.
   */
  static async open(options: { port: number; players: number; direct: boolean; seed: number; tap?: TransportTap; declined?: readonly [number, number] }): Promise<BenchRoom> {
    const { port, players, declined } = options;
    // A joiner learns its slot only once connected; `directWith` is first asked at the match start, after that.
    const direct = (slotOf: () => number | undefined) =>
      !options.direct ? (false as const) : declined === undefined ? {} : { directWith: (s: number) => slotOf() !== undefined && !isPair(declined, slotOf()!, s) };
    const owner = await connectToRoom({ url: 'http://127.0.0.1', port, request: { action: 'create', name: 'p0', settings: { maxPlayers: players } }, direct: direct(() => 0) });
    const others = await Promise.all(
      Array.from({ length: players - 1 }, (_, i) => {
        let joined: RoomConnection | undefined;
        const request = { action: 'join', code: owner.code, name: `p${i + 1}`, role: 'player' } as const;
        return connectToRoom({ url: 'http://127.0.0.1', port, request, direct: direct(() => joined?.slot) }).then((c) => (joined = c));
      }),
    );
    const all = [owner, ...others];
    const room = new BenchRoom(
      all.map((connection) => ({ connection, match: undefined, pacer: undefined, input: new Uint8Array(2), frameAtBegin: 0, checksums: new Map<number, number>() })),
      options.tap,
      options.seed,
    );
    try {
      await waitFor(() => all.every((c) => c.client.room?.members.filter((m) => m.role === 'player').length === players), 'every member in the room state');
      for (const c of all) c.client.setReady(true);
      await waitFor(() => owner.client.room?.members.every((m) => m.ready) === true, 'everyone ready');
    } catch (error) {
      room.close();
      throw error;
    }
    return room;
  }

  get size(): number {
    return this.members.length;
  }

  /** The owner starts the match; sessions follow on the ticks after the decision reaches each member. */
  start(): void {
    this.startedAtMs = performance.now();
    this.members[0]!.connection.client.startMatch();
  }

  /** Whom each member takes as the room's holder now (`RoomConnection.holder`), and its connection state, by member. */
  holders(): { readonly slot: number; readonly holder: number | undefined; readonly state: string }[] {
    return this.members.map((m) => ({ slot: m.connection.slot, holder: m.connection.holder?.holder, state: m.connection.state }));
  }

  /** Every member's session exists and runs. */
  get running(): boolean {
    return this.members.every((m) => m.match?.session.state === 'running');
  }

  /** One game-loop turn for every member (ms, `performance.now()`). */
  tick(nowMs: number): void {
    for (const m of this.members) {
      for (const e of m.connection.events()) {
        if (e.type === 'connection') {
          if (e.state === 'reconnecting') this.counts.reconnects++;
        } else m.match?.applyRoomEvent(e);
      }
      if (m.match === undefined) {
        const decision = m.connection.client.match;
        if (decision === undefined) continue;
        const self = slotAddress(m.connection.slot);
        m.match = createMatchSession({
          transport: this.tap === undefined ? m.connection.transport : this.tap.wrap(m.connection.transport, self),
          slot: m.connection.slot,
          match: decision,
          game: new TestGame(decision.players.length),
          input: bytesInputCodec(2),
          seed: this.rng.nextU32(),
          session: { onChecksum: (frame, checksum) => m.checksums.set(frame, checksum) },
        });
        m.pacer = new FramePacer(decision.settings.fps);
      }
      const session = m.match.session;
      session.poll(nowMs);
      for (const e of session.events()) {
        if (e.type === 'desync') this.counts.desyncs++;
        else if (e.type === 'disconnected') this.counts.disconnects++;
      }
      if (session.state !== 'running') continue;
      for (let due = m.pacer!.framesDue(nowMs, session.framesAhead); due > 0; due--) {
        if (this.rng.nextInt(10) === 0) m.input = Uint8Array.of(this.rng.nextU32() & 0x0f, this.rng.nextU32() & 0xff);
        if (session.advanceFrame(m.input) !== 'advanced') break;
        m.pacer!.frameDone();
      }
    }
  }

  /**
   * Pairs (counted once) whose route is not `route` at either end: every pair goes through the
   * relay, or through its link. The pair `except.pair`, if given, is held to `except.route` instead.
   */
  pairsOff(route: RouteId, except?: { readonly pair: readonly [number, number]; readonly route: RouteId }): number {
    let off = 0;
    for (const a of this.members)
      for (const b of this.members) {
        if (a.connection.slot >= b.connection.slot) continue;
        const expected = except !== undefined && isPair(except.pair, a.connection.slot, b.connection.slot) ? except.route : route;
        if (this.routeOf(a.connection.slot, b.connection.slot) !== expected || this.routeOf(b.connection.slot, a.connection.slot) !== expected) off++;
      }
    return off;
  }

  /** The route the member in slot `from` uses to reach slot `to`. */
  routeOf(from: number, to: number): RouteId {
    return this.bySlot(from).connection.routes.transport.routeOf(slotAddress(to));
  }

  /** The room's slots, in member order (the owner's, 0, first). */
  get slots(): number[] {
    return this.members.map((m) => m.connection.slot);
  }

  /** Every member's frame and stall count now. */
  sessionFigures(): SessionFigures[] {
    return this.members.map((m) => ({ slot: m.connection.slot, frame: m.match?.session.currentFrame ?? 0, stalls: m.match?.session.stats().stallFrames ?? 0 }));
  }

  /** Every session's confirmed checksums compared with the others' (`compareChecksums`): the check beside the sessions' own desync events. */
  agreement(): ChecksumComparison {
    return compareChecksums(this.members.map((m) => m.checksums));
  }

  private bySlot(slot: number): BenchMember {
    const found = this.members.find((m) => m.connection.slot === slot);
    if (found === undefined) throw new Error(`no member in slot ${slot}`);
    return found;
  }

  /** Every pair's route is 'direct', both ways. */
  get allDirect(): boolean {
    return this.pairsOff(StandardRoute.Direct) === 0;
  }

  /** Every session's round trip to every other player (`PeerStats.rttMs`, ms), those measured so far. */
  rttSamples(): number[] {
    const out: number[] = [];
    for (const m of this.members) {
      const match = m.match;
      if (match === undefined) continue;
      for (const other of this.members) {
        if (other === m) continue;
        const stats = match.session.peerStats(match.handleOf(other.connection.slot));
        if (stats.connected && stats.rttMs > 0) out.push(stats.rttMs);
      }
    }
    return out;
  }

  /** Marks the start of a window for `slowestRate`. */
  markFrames(): void {
    for (const m of this.members) m.frameAtBegin = m.match?.session.currentFrame ?? 0;
  }

  /** The slowest session's frames since `markFrames`, over the frame periods of `ms` (1: real time). */
  slowestRate(ms: number): number {
    let slowest = Number.POSITIVE_INFINITY;
    for (const m of this.members) {
      const fps = m.pacer === undefined ? 60 : m.connection.client.match!.settings.fps;
      slowest = Math.min(slowest, ((m.match?.session.currentFrame ?? 0) - m.frameAtBegin) / ((ms / 1000) * fps));
    }
    return slowest;
  }

  /** Direct-link faults (exceptions the mesh caught: bugs) over every member. */
  get meshFaults(): number {
    return this.members.reduce((a, m) => a + (m.connection.routes.meshStats()?.faults ?? 0), 0);
  }

  /** Every member leaves (closing its links and its channel). */
  close(): void {
    for (const m of this.members) m.connection.close();
  }
}

/** Whether slots `a` and `b` are the two of `pair`, either way round. */
function isPair(pair: readonly [number, number], a: number, b: number): boolean {
  return (a === pair[0] && b === pair[1]) || (a === pair[1] && b === pair[0]);
}

/**
 * The game loop of every room in `rooms()`, one turn every ~1 ms (a `setTimeout(1)`, as a browser
 * tab's loop is woken), until `stop()` holds. Resolves when it stops.
 */
export async function runGameLoop(rooms: () => Iterable<BenchRoom>, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const now = performance.now();
    for (const room of rooms()) room.tick(now);
    await sleep(1);
  }
}
