/**
 * `npm run bench:reference`: Backspin and the published rollback-netcode 0.0.6 in one process,
 * under the same conditions, so that the comparison survives a noisy machine: 4 players at 60 fps,
 * 100 ms round trip, no jitter, 0 % and 5 % loss, 3600 frames (60 s) of virtual time, the trivial
 * game with 2-byte inputs that change with probability 0.1 per frame.
 *
 *   npm run bench:reference                  table, then the ratios Backspin / reference
 *   npm run bench:reference -- --json        one JSON object per line
 *   npm run bench:reference -- --frames 1200 --seed 7
 *
 * How the reference is driven (all through its public API):
 * - Its own in-memory `LocalTransport` (one per player, linked pairwise, 50 ms one-way latency,
 *   seeded loss; each player gets its own loss seed so the links are not correlated). Virtual
 *   time advances in 1 ms steps: every step moves every transport to the new time with
 *   `setCurrentTime`, which delivers what is due; a message is therefore late by under 1 ms.
 * - Default session config (star topology: guests talk to the host, which relays inputs; input
 *   redundancy 3; max speculation 60 ticks). The host calls `createRoom`, the guests `joinRoom`
 *   (awaited), the host calls `start()` once all have joined, and every player then calls
 *   `tick(input)` once per 1/60 s of virtual time (a random phase per player, no clock drift).
 * - Its session reads `Date.now()` (ping RTT and its join rate limiter); `Date.now` is replaced by
 *   the virtual clock for the duration of each run and restored afterwards. It never reads
 *   `performance.now()`, which is what this file times with. Its `LocalTransport` sends no
 *   keepalive pings by itself (its WebRTC transport would, every 5 s), so none are sent here.
 *
 * What is measured, for both libraries alike:
 * - frames advanced: each player's current frame at the end of a window of `frames` frame periods
 *   that starts when the last player started running; the minimum over players is reported.
 * - CPU: time inside the library and the game (performance.now around each tick and each message
 *   handler, the in-memory transport's own time subtracted), per player per frame advanced; and the
 *   whole process's CPU over the window (process.cpuUsage, harness and simulated network
 *   included), an upper bound.
 * - payload: bytes the sessions hand to their transport (a broadcast counts once per peer), from
 *   the first message to the end of the window, per player per second of virtual time.
 */
import { cpuUsage } from 'node:process';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { LocalTransport, SessionState, createSession } from 'rollback-netcode';
import type { Game, PlayerId, Session, TransportAdapter } from 'rollback-netcode';
import { Prng } from '../src/kit/prng.ts';
import type { NetworkProfile } from '../src/sim/network-profile.ts';
import { runScenario } from './run-bench.ts';

const REFERENCE = 'rollback-netcode@0.0.6';
const FPS = 60;
const RTT_MS = 100;
const INPUT_BYTES = 2;
const INPUT_CHANGE_RATE = 0.1;
const LOSSES = [0, 0.05];
/** A player that has not advanced for this long before the end of the window has stopped (ms). */
const STOPPED_MS = 5000;
/** Both libraries get this long to connect and start before the run counts as failed (ms). */
const START_DEADLINE_MS = 30_000;
/** Arbitrary wall-clock origin of the virtual `Date.now` (ms since 1970). */
const VIRTUAL_EPOCH_MS = 1_700_000_000_000;

/** One library on one scenario. */
export interface ReferenceBenchRow {
  readonly library: string;
  readonly loss: number;
  readonly players: number;
  readonly frames: number;
  /** Fewest frames any player advanced by the end of the window. */
  readonly framesAdvancedMin: number;
  /** Time inside the library and the game per player per frame advanced (µs). */
  readonly cpuUsPerPlayerFrame: number;
  /** Process CPU over the window per player per frame advanced (µs): an upper bound. */
  readonly processCpuUsPerPlayerFrame: number;
  /** Payload bytes handed to the transport, per player per second of virtual time. */
  readonly payloadBytesPerPlayerSecond: number;
  /** Desync events the sessions reported (Backspin also counts mismatched confirmed checksums). */
  readonly desyncs: number;
  /** Whether some player stopped advancing well before the end of the window. */
  readonly stopped: boolean;
  /**
   * Seconds after the window started at which the last player made its last advance, when the
   * run stopped; null when it did not stop or (Backspin) the time is not recorded.
   */
  readonly stoppedAtS: number | null;
}

/** Backspin's figure divided by the reference's, for one loss rate. */
export interface ReferenceBenchRatio {
  readonly ratio: 'backspin/reference';
  readonly loss: number;
  readonly framesAdvancedMin: number;
  readonly cpuUsPerPlayerFrame: number;
  readonly processCpuUsPerPlayerFrame: number;
  readonly payloadBytesPerPlayerSecond: number;
}

/**
 * The trivial game in the reference's shape: each player walks on an integer grid steered by its
 * first input byte, and a digest folds in every input byte of every frame. Players are summed in
 * by slot, so the order in which the reference's input map lists them cannot matter.
 */
class ReferenceTestGame implements Game {
  /** [frame, digest, x0, y0, x1, y1, ...] */
  private readonly state: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(private readonly slots: ReadonlyMap<string, number>) {
    this.state = new Int32Array(2 + slots.size * 2);
    this.bytes = new Uint8Array(this.state.buffer);
  }

  serialize(): Uint8Array {
    // The reference keeps the returned array as its snapshot, so it must be a fresh copy.
    return this.bytes.slice();
  }

  deserialize(data: Uint8Array): void {
    // Byte-wise: a state that came over the wire may sit at an unaligned offset.
    this.bytes.set(data);
  }

  step(inputs: Map<PlayerId, Uint8Array>): void {
    const s = this.state;
    let digest = s[1]!;
    for (const [id, input] of inputs) {
      const slot = this.slots.get(id) ?? 0;
      const b = input[0] ?? 0;
      s[2 + slot * 2] = (s[2 + slot * 2]! + (b & 1) - ((b >> 1) & 1)) | 0;
      s[3 + slot * 2] = (s[3 + slot * 2]! + ((b >> 2) & 1) - ((b >> 3) & 1)) | 0;
      digest = (digest + Math.imul((slot + 1) ^ (b << 8) ^ ((input[1] ?? 0) << 16), 0x9e3779b1)) | 0;
    }
    s[1] = Math.imul(digest, 0x01000193);
    s[0] = (s[0]! + 1) | 0;
  }

  hash(): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.state.length; i++) h = Math.imul(h ^ this.state[i]!, 0x01000193);
    return h >>> 0;
  }
}

/** Time accounts shared by one run's transports (ms, per performance.now). */
interface Meter {
  sessionMs: number;
  networkMs: number;
}

/**
 * The reference's `LocalTransport` behind its `TransportAdapter` interface, counting the payload
 * handed to it and keeping its own time out of the session's: message handlers run inside the
 * transport's delivery, so they are timed here.
 */
class MeteredTransport implements TransportAdapter {
  bytesSent = 0;
  private messageHandler: ((peerId: string, message: Uint8Array) => void) | null = null;

  constructor(
    readonly inner: LocalTransport,
    private readonly meter: Meter,
  ) {}

  get localPeerId(): string {
    return this.inner.localPeerId;
  }

  get connectedPeers(): ReadonlySet<string> {
    return this.inner.connectedPeers;
  }

  get onMessage(): ((peerId: string, message: Uint8Array) => void) | null {
    return this.messageHandler;
  }

  set onMessage(handler: ((peerId: string, message: Uint8Array) => void) | null) {
    this.messageHandler = handler;
    if (handler === null) {
      this.inner.onMessage = null;
      return;
    }
    const meter = this.meter;
    this.inner.onMessage = (peerId, message) => {
      const t0 = performance.now();
      const network0 = meter.networkMs;
      handler(peerId, message);
      meter.sessionMs += performance.now() - t0 - (meter.networkMs - network0);
    };
  }

  get onConnect(): ((peerId: string) => void) | null {
    return this.inner.onConnect;
  }

  set onConnect(handler: ((peerId: string) => void) | null) {
    this.inner.onConnect = handler;
  }

  get onDisconnect(): ((peerId: string) => void) | null {
    return this.inner.onDisconnect;
  }

  set onDisconnect(handler: ((peerId: string) => void) | null) {
    this.inner.onDisconnect = handler;
  }

  connect(peerId: string): Promise<void> {
    return this.inner.connect(peerId);
  }

  disconnect(peerId: string): void {
    this.inner.disconnect(peerId);
  }

  disconnectAll(): void {
    this.inner.disconnectAll();
  }

  send(peerId: string, message: Uint8Array, reliable: boolean): void {
    this.bytesSent += message.length;
    const t0 = performance.now();
    this.inner.send(peerId, message, reliable);
    this.meter.networkMs += performance.now() - t0;
  }

  broadcast(message: Uint8Array, reliable: boolean): void {
    this.bytesSent += message.length * this.inner.connectedPeers.size;
    const t0 = performance.now();
    this.inner.broadcast(message, reliable);
    this.meter.networkMs += performance.now() - t0;
  }
}

/** The reference on one scenario, in virtual time. */
export async function runReference(loss: number, players: number, frames: number, seed: number): Promise<ReferenceBenchRow> {
  const frameMs = 1000 / FPS;
  const ids = Array.from({ length: players }, (_, i) => `p${i}`);
  const slots = new Map(ids.map((id, i) => [id, i]));
  const meter: Meter = { sessionMs: 0, networkMs: 0 };
  const rng = new Prng(seed ^ 0x7e7e);
  const locals = ids.map(
    (id) => new LocalTransport(id, { latency: RTT_MS / 2, jitter: 0, packetLoss: loss, deterministic: true, seed: rng.nextU32() }),
  );
  for (let a = 0; a < players; a++) for (let b = a + 1; b < players; b++) LocalTransport.link(locals[a]!, locals[b]!);
  const transports = locals.map((t) => new MeteredTransport(t, meter));
  let desyncs = 0;
  const errors: string[] = [];
  const sessions: Session[] = transports.map((transport) => {
    const session = createSession({ game: new ReferenceTestGame(slots), transport, config: { tickRate: FPS, maxPlayers: players } });
    session.on('desync', () => desyncs++);
    session.on('error', (error) => errors.push(error.message));
    return session;
  });
  const host = sessions[0]!;
  const inputRngs = ids.map(() => new Prng(rng.nextU32()));
  const inputs = ids.map(() => new Uint8Array(INPUT_BYTES));
  const nextPollMs = new Float64Array(players);
  for (let p = 0; p < players; p++) nextPollMs[p] = rng.nextInt(Math.floor(frameMs));
  const startedAtMs = new Float64Array(players).fill(-1);
  const lastTick = new Float64Array(players);
  const lastAdvanceMs = new Float64Array(players);

  let nowMs = 0;
  const realDateNow = Date.now;
  Date.now = () => VIRTUAL_EPOCH_MS + nowMs;
  try {
    const roomId = await host.createRoom();
    await Promise.all(sessions.slice(1).map((guest) => guest.joinRoom(roomId, ids[0]!)));

    const step = (): void => {
      nowMs++;
      // The host starts once everyone's join request has arrived (seen at the previous step).
      if (host.state === SessionState.Lobby && host.players.size === players) host.start();
      for (const t of locals) t.setCurrentTime(nowMs);
      for (let p = 0; p < players; p++) {
        if (nextPollMs[p]! > nowMs) continue;
        nextPollMs[p] = nextPollMs[p]! + frameMs;
        const session = sessions[p]!;
        if (session.state !== SessionState.Playing) continue;
        if (startedAtMs[p]! < 0) startedAtMs[p] = nowMs;
        const input = nextInput(inputs[p]!, inputRngs[p]!);
        const t0 = performance.now();
        const network0 = meter.networkMs;
        session.tick(input);
        meter.sessionMs += performance.now() - t0 - (meter.networkMs - network0);
        const tick = session.currentTick;
        if (tick > lastTick[p]!) {
          lastTick[p] = tick;
          lastAdvanceMs[p] = nowMs;
        }
      }
    };

    while (startedAtMs.some((t) => t < 0)) {
      if (nowMs >= START_DEADLINE_MS) throw new Error(`${REFERENCE} did not start within ${START_DEADLINE_MS} ms: ${errors.join('; ')}`);
      step();
    }
    const lastStart = Math.max(...startedAtMs);
    const cpuBefore = cpuUsage();
    const sessionBefore = meter.sessionMs;
    const end = lastStart + (frames + 1) * frameMs;
    while (nowMs + 1 <= end) step();
    const cpu = cpuUsage(cpuBefore);
    const sessionMs = meter.sessionMs - sessionBefore;
    const advanced = sessions.map((s) => s.currentTick as number);
    const playerFrames = advanced.reduce((a, b) => a + b, 0);
    const bytes = transports.reduce((a, t) => a + t.bytesSent, 0);
    const stopped = lastAdvanceMs.every((t) => t < nowMs - STOPPED_MS);
    return {
      library: REFERENCE,
      loss,
      players,
      frames,
      framesAdvancedMin: Math.min(...advanced),
      cpuUsPerPlayerFrame: round((sessionMs * 1000) / playerFrames, 3),
      processCpuUsPerPlayerFrame: round((cpu.user + cpu.system) / playerFrames, 3),
      payloadBytesPerPlayerSecond: round(bytes / players / (nowMs / 1000), 1),
      desyncs,
      stopped,
      stoppedAtS: stopped ? round((Math.max(...lastAdvanceMs) - lastStart) / 1000, 2) : null,
    };
  } finally {
    Date.now = realDateNow;
    // Clears each session's own interval timer.
    for (const s of sessions) s.destroy();
  }
}

/** Backspin on one scenario, through the shared bench harness. */
export function runBackspin(loss: number, players: number, frames: number, seed: number): ReferenceBenchRow {
  const profile: NetworkProfile = { rttMs: RTT_MS, jitterMs: 0, loss, duplicate: 0, reorder: 0 };
  const r = runScenario(`rtt${RTT_MS}-loss${loss}`, profile, players, frames, seed);
  // Backspin does not record when it stopped; more than a second short of the window counts.
  const stopped = r.framesAdvancedMin < frames - FPS;
  return {
    library: 'backspin',
    loss,
    players,
    frames,
    framesAdvancedMin: r.framesAdvancedMin,
    cpuUsPerPlayerFrame: r.cpuUsPerPlayerFrame,
    processCpuUsPerPlayerFrame: r.processCpuUsPerPlayerFrame,
    payloadBytesPerPlayerSecond: r.payloadBytesPerPlayerSecond,
    desyncs: r.desyncs,
    stopped,
    stoppedAtS: null,
  };
}

/** The player's next input: held, or (at the change rate) a new random one, as `SimulatedMatch` does. */
function nextInput(input: Uint8Array, rng: Prng): Uint8Array {
  if (rng.nextU32() / 4294967296 < INPUT_CHANGE_RATE) {
    for (let i = 0; i < input.length; i++) input[i] = rng.nextU32() & 0xff;
  }
  return input;
}

function ratio(backspin: ReferenceBenchRow, reference: ReferenceBenchRow): ReferenceBenchRatio {
  const r = (a: number, b: number): number => (b === 0 ? NaN : round(a / b, 3));
  return {
    ratio: 'backspin/reference',
    loss: backspin.loss,
    framesAdvancedMin: r(backspin.framesAdvancedMin, reference.framesAdvancedMin),
    cpuUsPerPlayerFrame: r(backspin.cpuUsPerPlayerFrame, reference.cpuUsPerPlayerFrame),
    processCpuUsPerPlayerFrame: r(backspin.processCpuUsPerPlayerFrame, reference.processCpuUsPerPlayerFrame),
    payloadBytesPerPlayerSecond: r(backspin.payloadBytesPerPlayerSecond, reference.payloadBytesPerPlayerSecond),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const COLUMNS: [string, number, (r: ReferenceBenchRow) => string][] = [
  ['library', 22, (r) => r.library],
  ['loss', 5, (r) => `${r.loss * 100}%`],
  ['advanced', 8, (r) => String(r.framesAdvancedMin)],
  ['µs/pl·frame', 11, (r) => r.cpuUsPerPlayerFrame.toFixed(2)],
  ['proc µs', 8, (r) => r.processCpuUsPerPlayerFrame.toFixed(2)],
  ['B/pl·s', 8, (r) => r.payloadBytesPerPlayerSecond.toFixed(0)],
  ['desyncs', 7, (r) => String(r.desyncs)],
  ['stopped', 9, (r) => (r.stoppedAtS !== null ? `at ${r.stoppedAtS}s` : r.stopped ? 'yes' : 'no')],
];

function header(): string {
  return COLUMNS.map(([title, w], i) => (i === 0 ? title.padEnd(w) : title.padStart(w))).join(' ');
}

function row(r: ReferenceBenchRow): string {
  return COLUMNS.map(([, w, cell], i) => (i === 0 ? cell(r).padEnd(w) : cell(r).padStart(w))).join(' ');
}

function ratioRow(q: ReferenceBenchRatio): string {
  const x = (v: number): string => `×${v.toFixed(3)}`;
  const cells = ['  backspin / reference', `${q.loss * 100}%`, x(q.framesAdvancedMin), x(q.cpuUsPerPlayerFrame), x(q.processCpuUsPerPlayerFrame), x(q.payloadBytesPerPlayerSecond)];
  return cells.map((c, i) => (i === 0 ? c.padEnd(COLUMNS[i]![1]) : c.padStart(COLUMNS[i]![1]))).join(' ');
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${flag} must be a positive integer, got ${text}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      players: { type: 'string', default: '4' },
      frames: { type: 'string', default: '3600' },
      seed: { type: 'string', default: '1' },
    },
    strict: true,
  });
  const players = positiveInt('--players', values.players ?? '4');
  if (players < 2 || players > 16) throw new RangeError(`--players must be 2..16, got ${players}`);
  const frames = positiveInt('--frames', values.frames ?? '3600');
  const seed = positiveInt('--seed', values.seed ?? '1');
  const json = values.json === true;

  if (!json) {
    console.log(
      `Backspin vs ${REFERENCE}: ${players} players, ${RTT_MS} ms RTT, no jitter, ${frames} frames at ${FPS} fps, ` +
        `virtual time, seed ${seed}; node ${process.version}`,
    );
    console.log('warming up the JIT (three full runs of each library, discarded)...');
  }
  // V8 needs full runs before the hot paths reach their final tier, for both libraries alike.
  for (let w = 0; w < 3; w++) {
    await runReference(0, players, frames, seed + 2000 + w);
    runBackspin(0, players, frames, seed + 2000 + w);
  }
  if (!json) console.log(header());
  const ratios: ReferenceBenchRatio[] = [];
  const notes: string[] = [];
  for (const loss of LOSSES) {
    // This scenario's shapes, discarded.
    await runReference(loss, players, Math.min(frames, 1200), seed + 1000);
    runBackspin(loss, players, Math.min(frames, 1200), seed + 1000);
    const reference = await runReference(loss, players, frames, seed);
    const backspin = runBackspin(loss, players, frames, seed);
    const q = ratio(backspin, reference);
    ratios.push(q);
    for (const r of [reference, backspin]) {
      console.log(json ? JSON.stringify(r) : row(r));
      if (r.stopped) notes.push(`${r.library} at ${r.loss * 100}% loss stopped advancing: its per-frame CPU divides by the ${r.framesAdvancedMin} frames it advanced.`);
    }
    if (json) console.log(JSON.stringify(q));
  }
  if (!json) {
    for (const q of ratios) console.log(ratioRow(q));
    for (const n of notes) console.log(`note: ${n}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(`bench:reference: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
