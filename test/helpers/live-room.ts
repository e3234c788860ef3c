import { performance } from 'node:perf_hooks';
import { startHost } from '../../sdk/src/host/geckos-host.ts';
import type { HostOptions, RunningHost } from '../../sdk/src/host/geckos-host.ts';
import { installNodeWebRTC } from '../../sdk/src/node/node-webrtc.ts';
import { connectToRoom } from '../../sdk/src/client/geckos-room-connection.ts';
import type { RoomConnection, RoomConnectionOptions } from '../../sdk/src/client/geckos-room-connection.ts';
import type { Transport } from '../../sdk/src/transport/transport.ts';
import type { MatchDecision } from '../../sdk/src/room/control-messages.ts';
import type { RoomSettings } from '../../sdk/src/room/room-settings.ts';
import { createMatchSession } from '../../sdk/src/relay/match-session.ts';
import type { MatchSession } from '../../sdk/src/relay/match-session.ts';
import { createSpectatorSession } from '../../sdk/src/relay/spectator-member.ts';
import type { SpectatorMember } from '../../sdk/src/relay/spectator-member.ts';
import type { SpectatorEvent } from '../../sdk/src/core/spectator-events.ts';
import { FramePacer } from '../../sdk/src/core/frame-pacer.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import type { P2PSession } from '../../sdk/src/core/p2p-session.ts';
import type { SessionEvent } from '../../sdk/src/core/session-events.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { compareChecksums } from '../../sdk/src/sim/compare-checksums.ts';

installNodeWebRTC();

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A transport that loses a share of what it sends (loss on the client's side of the real channel). */
export function lossy(inner: Transport, loss: number, seed: number): Transport & { lost: number } {
  const rng = new Prng(seed);
  const wrapped = {
    lost: 0,
    send(to: string, data: Uint8Array) {
      if (rng.nextU32() / 2 ** 32 < loss) {
        wrapped.lost++;
        return;
      }
      inner.send(to, data);
    },
    receive: () => inner.receive(),
    ...(inner.drainRouteChanges === undefined ? {} : { drainRouteChanges: inner.drainRouteChanges.bind(inner) }),
  };
  return wrapped;
}

export async function startLoopbackHost(options: HostOptions = {}): Promise<RunningHost> {
  return startHost({ port: 0, bindAddress: '127.0.0.1', ...options });
}

/**
 * Opens a room on `host` with `players` members (the first creates it); all ready. `options(i)`
 * adds connection options for member i, e.g. `{ direct: false }` to keep it on the relay.
 */
export async function openRoom(
  host: Pick<RunningHost, 'port'>,
  players: number,
  settings: Partial<RoomSettings> = {},
  options: (member: number) => Pick<RoomConnectionOptions, 'direct' | 'reconnectAttempts'> = () => ({}),
): Promise<RoomConnection[]> {
  const owner = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'create', name: 'p0', settings: settings as Record<string, number> }, ...options(0) });
  const others = await Promise.all(
    Array.from({ length: players - 1 }, (_, i) =>
      connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'join', code: owner.code, name: `p${i + 1}`, role: 'player' }, ...options(i + 1) }),
    ),
  );
  const all = [owner, ...others];
  await waitFor(() => all.every((c) => c.client.room?.members.filter((m) => m.role === 'player').length === players), 5000, 'every member in the room state');
  for (const c of all) c.client.setReady(true);
  await waitFor(() => owner.client.room?.members.every((m) => m.ready) === true, 5000, 'everyone ready');
  return all;
}

export interface LivePlayer {
  readonly connection: RoomConnection;
  readonly session: P2PSession<Uint8Array, Int32Array>;
  /** The match session's room side: `applyRoomEvent` applies the host's decisions, as a game does. */
  readonly match: MatchSession<Uint8Array, Int32Array>;
  readonly game: TestGame;
  readonly checksums: Map<number, number>;
  readonly events: SessionEvent[];
  /** The room connection's events, as `play` drained them (it passes the host's decisions on). */
  readonly roomEvents: ReturnType<RoomConnection['events']>;
  readonly pacer: FramePacer;
  readonly transport: Transport;
  input: Uint8Array;
  stopped: boolean;
}

/** Starts the match on the owner's word (unless `started`: already decided) and builds every member's session from the decision. */
export async function startMatch(members: RoomConnection[], options: { loss?: number; session?: Record<string, unknown>; started?: boolean } = {}): Promise<{ match: MatchDecision; players: LivePlayer[] }> {
  if (options.started !== true) members[0]!.client.startMatch();
  await waitFor(() => members.every((c) => c.client.match !== undefined), 5000, 'match-start at every member');
  const match = members[0]!.client.match!;
  const players = members.map((connection, i): LivePlayer => {
    const game = new TestGame(match.players.length);
    const checksums = new Map<number, number>();
    const transport = options.loss ? lossy(connection.transport, options.loss, 100 + i) : connection.transport;
    const matchSession = createMatchSession({
      transport,
      slot: connection.slot,
      match,
      game,
      input: bytesInputCodec(2),
      seed: 1000 + i,
      session: { checksumIntervalFrames: 20, onChecksum: (f: number, c: number) => checksums.set(f, c), ...options.session },
    });
    const { session } = matchSession;
    return { connection, session, match: matchSession, game, checksums, events: [], roomEvents: [], pacer: new FramePacer(match.settings.fps), transport, input: new Uint8Array(2), stopped: false };
  });
  return { match, players };
}

/** Drives every live player's session in real time until `until` holds or `timeoutMs` passes. */
export async function play(players: LivePlayer[], until: () => boolean, timeoutMs: number, seed = 1): Promise<void> {
  const rng = new Prng(seed);
  const deadline = performance.now() + timeoutMs;
  while (!until()) {
    if (performance.now() > deadline) throw new Error(`match did not reach its goal in ${timeoutMs} ms: frames ${players.map((p) => p.session.currentFrame).join(', ')}`);
    const now = performance.now();
    for (const p of players) {
      if (p.stopped) continue;
      // The host's decisions (a member dropped) reach the session as a game passes them on.
      for (const e of p.connection.events()) {
        p.roomEvents.push(e);
        if (e.type !== 'connection') p.match.applyRoomEvent(e);
      }
      p.session.poll(now);
      for (const e of p.session.events()) p.events.push(e);
      if (p.session.state === 'running') {
        for (let due = p.pacer.framesDue(now, p.session.framesAhead); due > 0; due--) {
          if (rng.nextInt(10) === 0) p.input = Uint8Array.of(rng.nextU32() & 0x0f, rng.nextU32() & 0xff);
          if (p.session.advanceFrame(p.input) !== 'advanced') break;
          p.pacer.frameDone();
        }
      }
      // The room's spectators watch through the players' feeds (one per match session).
      p.match.feed.poll(now);
    }
    await sleep(1);
  }
}

/** A spectator member watching a live match from the test's own process (`watch`). */
export interface LiveSpectator {
  readonly connection: RoomConnection;
  readonly member: SpectatorMember<Uint8Array, Int32Array>;
  /** Its own checksums of the match, by frame (every 20 frames, as `startMatch`'s players take them). */
  readonly checksums: Map<number, number>;
  readonly events: SpectatorEvent[];
  /** The serving player's slot after each switch, in order (the first is where it started). */
  readonly sources: number[];
  stop(): void;
}

/**
 * A spectator member of `connection`'s room watches its running match (`createSpectatorSession`),
 * driven every 4 ms on a timer beside `play`, passing on the room's changes as a game would.
 */
export function watch(connection: RoomConnection): LiveSpectator {
  const match = connection.client.match!;
  const checksums = new Map<number, number>();
  const member = createSpectatorSession({
    transport: connection.transport,
    slot: connection.slot,
    match,
    room: connection.client.room!,
    game: new TestGame(match.players.length),
    input: bytesInputCodec(2),
    seed: 4242,
    session: { checksumIntervalFrames: 20, onChecksum: (f, c) => checksums.set(f, c) },
  });
  const events: SpectatorEvent[] = [];
  const sources = [member.sourceSlot];
  const timer = setInterval(() => {
    for (const e of connection.events()) if (e.type !== 'connection' && member.applyRoomEvent(e)) sources.push(member.sourceSlot);
    member.spectator.poll(performance.now());
    member.spectator.advanceFrame();
    events.push(...member.spectator.events());
  }, 4);
  return { connection, member, checksums, events, sources, stop: () => clearInterval(timer) };
}

/** Frames checksummed by at least two players, and the ones where they disagree. */
export function agreement(players: LivePlayer[]): { compared: number; mismatches: number[] } {
  const { framesCompared, mismatchedFrames } = compareChecksums(players.map((p) => p.checksums));
  return { compared: framesCompared, mismatches: [...mismatchedFrames] };
}
