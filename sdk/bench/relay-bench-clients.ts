/**
 * A client worker of `npm run bench:relay`: one process holding several Node clients of the
 * host (node-datachannel's WebRTC under @geckos.io/client), started by `relay-bench.ts` with
 * `fork`. On request it opens 4-player rooms and plays a real match in each: a `P2PSession` of
 * the test game per player, 2-byte inputs that change with probability 0.1 per frame, paced at
 * 60 fps by a `FramePacer`, all in one game loop polled every ~1 ms, so the relay carries traffic
 * of the real shape.
 *
 * Besides, a probing pair (two clients alone in a room of their own, no session) sends each other
 * timestamped probes through the relay `probeHz` times a second each way. A probe is a Data frame
 * whose payload starts with {@link PROBE_MARKER} (a session packet never does: its magic is 0xB5)
 * followed by the `performance.now()` of its sending; both ends are in this process, so the
 * one-way latency is read on one clock. Probes are taken out of each client's incoming frames
 * as they arrive from the channel, before the room client queues them, so they measure the path
 * (client WebRTC, loopback, host, loopback, client WebRTC), never the game loop's polling.
 *
 * Loss: every client counts the Data frames it hands to its transport per destination slot and
 * the Data frames that arrive per source slot. All the members of a room are in one worker, so
 * both ends of every link are counted in the same process at the same moments.
 */
import { cpuUsage } from 'node:process';
import { performance } from 'node:perf_hooks';
import { installNodeWebRTC } from '../src/node/node-webrtc.ts';
import { connectToRoom } from '../src/client/geckos-room-connection.ts';
import type { RoomConnection } from '../src/client/geckos-room-connection.ts';
import type { Transport } from '../src/transport/transport.ts';
import { createMatchSession } from '../src/relay/match-session.ts';
import { addressSlot, slotAddress } from '../src/relay/relay-route.ts';
import { MAX_SLOT } from '../src/relay/relay-frame.ts';
import { FramePacer } from '../src/core/frame-pacer.ts';
import { bytesInputCodec } from '../src/core/input-codec.ts';
import type { P2PSession } from '../src/core/p2p-session.ts';
import { TestGame } from '../src/testing/test-game.ts';
import { Prng } from '../src/kit/prng.ts';
import type { ReadyMessage, WorkerRequest, WorkerWindow } from './relay-bench-ipc.ts';
import { answerParent } from './answer-parent.ts';

installNodeWebRTC();

/** First payload byte of a probe. Session packets start with their magic, 0xB5. */
const PROBE_MARKER = 0xee;
/** Probe payload (bytes): marker, padding, f64 send time at offset 8. About a session packet's size. */
const PROBE_BYTES = 16;
const PROBE_TIME_OFFSET = 8;
const PLAYERS_PER_ROOM = 4;
/** Longest wait for a room to fill, get ready, start and have every session running (ms). */
const SETUP_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + SETUP_TIMEOUT_MS;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${SETUP_TIMEOUT_MS} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A client with its frame counters. */
interface Member {
  readonly connection: RoomConnection;
  /** Counts what the session (or the prober) hands to the channel. */
  readonly transport: Transport;
  /** Data frames sent to each slot, and received from each slot. */
  readonly sentTo: Float64Array;
  readonly receivedFrom: Float64Array;
  sentAtBegin: Float64Array;
  receivedAtBegin: Float64Array;
}

interface Player {
  readonly member: Member;
  readonly session: P2PSession<Uint8Array, Int32Array>;
  readonly pacer: FramePacer;
  readonly fps: number;
  input: Uint8Array;
  frameAtBegin: number;
}

const rooms: Member[][] = [];
const players: Player[] = [];
const probeSamples: number[] = [];
let measuring = false;
let desyncs = 0;
let disconnects = 0;
let reconnects = 0;
let port = 0;
let rng = new Prng(1);
let window: { atMs: number; cpu: NodeJS.CpuUsage } | undefined;
let stopped = false;

/** Connects a client and wraps it: counting transport, probe interception on arrival. */
async function connect(request: Parameters<typeof connectToRoom>[0]['request']): Promise<Member> {
  // Every packet through the relay: its cost is what this bench measures (bench:mesh compares direct links).
  const connection = await connectToRoom({ url: 'http://127.0.0.1', port, request, direct: false });
  const sentTo = new Float64Array(MAX_SLOT + 1);
  const receivedFrom = new Float64Array(MAX_SLOT + 1);
  const inner = connection.transport;
  const transport: Transport = {
    send(to, data) {
      const slot = addressSlot(to);
      if (slot !== undefined && slot <= MAX_SLOT) sentTo[slot]!++;
      inner.send(to, data);
    },
    receive: () => inner.receive(),
  };
  // The adapter hands each Data frame's (slot, packet) to `relay.deliver` as it comes off the channel: look at it first.
  const relay = connection.relay;
  const original = relay.deliver.bind(relay);
  relay.deliver = (slot: number, payload: Uint8Array) => {
    receivedFrom[slot & MAX_SLOT]!++;
    if (payload[0] === PROBE_MARKER) {
      if (measuring && payload.length >= PROBE_BYTES) {
        const sentAt = new DataView(payload.buffer, payload.byteOffset + PROBE_TIME_OFFSET, 8).getFloat64(0, true);
        probeSamples.push(performance.now() - sentAt);
      }
      return; // never a session packet
    }
    original(slot, payload);
  };
  return { connection, transport, sentTo, receivedFrom, sentAtBegin: sentTo.slice(), receivedAtBegin: receivedFrom.slice() };
}

/** Opens a room of `count` members (the first creates it), all ready. */
async function openRoom(count: number): Promise<Member[]> {
  const owner = await connect({ action: 'create', name: 'p0', settings: { maxPlayers: Math.max(2, count) } });
  const others = await Promise.all(
    Array.from({ length: count - 1 }, (_, i) => connect({ action: 'join', code: owner.connection.code, name: `p${i + 1}`, role: 'player' })),
  );
  const all = [owner, ...others];
  rooms.push(all);
  await waitFor(() => all.every((m) => m.connection.client.room?.members.filter((x) => x.role === 'player').length === count), 'every member in the room state');
  for (const m of all) m.connection.client.setReady(true);
  await waitFor(() => owner.connection.client.room?.members.every((x) => x.ready) === true, 'everyone ready');
  return all;
}

/** Opens a 4-player room, starts its match and every member's session; resolves once all run. */
async function addMatch(): Promise<void> {
  const members = await openRoom(PLAYERS_PER_ROOM);
  members[0]!.connection.client.startMatch();
  await waitFor(() => members.every((m) => m.connection.client.match !== undefined), 'match-start at every member');
  const added: Player[] = [];
  for (const member of members) {
    const match = member.connection.client.match!;
    const { session } = createMatchSession({
      transport: member.transport,
      slot: member.connection.slot,
      match,
      game: new TestGame(match.players.length),
      input: bytesInputCodec(2),
      seed: rng.nextU32(),
    });
    const player: Player = { member, session, pacer: new FramePacer(match.settings.fps), fps: match.settings.fps, input: new Uint8Array(2), frameAtBegin: 0 };
    added.push(player);
    players.push(player);
  }
  await waitFor(() => added.every((p) => p.session.state === 'running'), 'every session running');
}

/** The game loop of every session in this worker, as a browser tab would run one. */
async function gameLoop(): Promise<void> {
  let lastEventsMs = 0;
  while (!stopped) {
    const now = performance.now();
    for (const p of players) {
      p.session.poll(now);
      for (const e of p.session.events()) {
        if (e.type === 'desync') desyncs++;
        else if (e.type === 'disconnected') disconnects++;
      }
      if (p.session.state !== 'running') continue;
      for (let due = p.pacer.framesDue(now, p.session.framesAhead); due > 0; due--) {
        if (rng.nextInt(10) === 0) p.input = Uint8Array.of(rng.nextU32() & 0x0f, rng.nextU32() & 0xff);
        if (p.session.advanceFrame(p.input) !== 'advanced') break;
        p.pacer.frameDone();
      }
    }
    if (now - lastEventsMs >= 100) {
      lastEventsMs = now;
      for (const room of rooms) for (const m of room) for (const e of m.connection.events()) if (e.type === 'connection' && e.state === 'reconnecting') reconnects++;
    }
    await sleep(1);
  }
}

/** Sends one probe each way between the probing pair (the first room), every 1000/hz ms. */
function startProbes(hz: number): void {
  const pair = rooms[0]!;
  const a = pair[0]!;
  const b = pair[1]!;
  const payload = new Uint8Array(PROBE_BYTES);
  payload[0] = PROBE_MARKER;
  const view = new DataView(payload.buffer);
  const timer = setInterval(() => {
    if (stopped) {
      clearInterval(timer);
      return;
    }
    view.setFloat64(PROBE_TIME_OFFSET, performance.now(), true);
    a.transport.send(slotAddress(b.connection.slot), payload);
    view.setFloat64(PROBE_TIME_OFFSET, performance.now(), true);
    b.transport.send(slotAddress(a.connection.slot), payload);
  }, 1000 / hz);
}

function begin(): void {
  probeSamples.length = 0;
  for (const room of rooms)
    for (const m of room) {
      m.sentAtBegin = m.sentTo.slice();
      m.receivedAtBegin = m.receivedFrom.slice();
    }
  for (const p of players) p.frameAtBegin = p.session.currentFrame;
  window = { atMs: performance.now(), cpu: cpuUsage() };
  measuring = true;
}

function end(worker: number): WorkerWindow {
  if (window === undefined) throw new Error('end without begin');
  measuring = false;
  const ms = performance.now() - window.atMs;
  const cpu = cpuUsage(window.cpu);
  let sent = 0;
  let received = 0;
  for (const room of rooms) {
    for (const from of room) {
      for (const to of room) {
        if (from === to) continue;
        const s = from.sentTo[to.connection.slot]! - from.sentAtBegin[to.connection.slot]!;
        const r = to.receivedFrom[from.connection.slot]! - to.receivedAtBegin[from.connection.slot]!;
        sent += s;
        received += r;
      }
    }
  }
  let slowest = 1;
  for (const p of players) slowest = Math.min(slowest, (p.session.currentFrame - p.frameAtBegin) / ((ms / 1000) * p.fps));
  window = undefined;
  return {
    worker,
    seconds: ms / 1000,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / ms) * 100,
    probeMs: probeSamples.slice(),
    framesSent: sent,
    framesReceived: received,
    sessions: players.length,
    slowestSessionRate: slowest,
    desyncs,
    disconnects,
    reconnects,
  };
}

let workerId = -1;

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'init':
      port = request.port;
      workerId = request.worker;
      rng = new Prng(request.seed);
      await openRoom(2); // the probing pair
      startProbes(request.probeHz);
      void gameLoop();
      return null;
    case 'add-rooms':
      for (let i = 0; i < request.rooms; i++) await addMatch();
      return null;
    case 'drop-rooms': {
      // Every match ends and its players leave; the probing pair (the first room) stays.
      players.length = 0;
      for (const room of rooms.splice(1)) for (const m of room) m.connection.close();
      await sleep(200);
      return null;
    }
    case 'begin':
      begin();
      return null;
    case 'end':
      return end(workerId);
    case 'close':
      stopped = true;
      for (const room of rooms) for (const m of room) m.connection.close();
      await sleep(200); // the leave messages go out, the channels close
      return null;
  }
}

answerParent<WorkerRequest>(() => `client worker ${workerId}`, handle);

const ready: ReadyMessage = { type: 'ready' };
process.send?.(ready);
