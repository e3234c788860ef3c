/**
 * `npm run bench:mesh`: direct links (the default of `connectToRoom`) against the relay
 * (`direct: false`), on loopback, with a real host (`relay-bench-host.ts`, alone in its process)
 * and real WebRTC on both sides (node-datachannel). Three measurements, in this order:
 *
 * 1. **Mesh setup** for 4 and for 8 players (`--reps` fresh rooms each): from the owner's
 *    `startMatch` until every pair's route is 'direct' at both ends (ms). A fresh room each time,
 *    since a room keeps its open links from one match to the next.
 * 2. **Input latency**, 4 players, direct then relay: the one-way time of session packets from a
 *    member's `transport.send` to the other member's `transport.receive()` (`LatencyTap`: all
 *    members in this process, one clock), p50 / p99 (ms); and the sessions' own round trip
 *    (`peerStats(h).rttMs`), median of samples every 100 ms (ms).
 * 3. **Host loss**, 4 players, `--host-loss-reps` rooms, each on a host process of its own: the pair
 *    of slots 0 and 1 declines a direct link (it plays over the host's relay), every other pair is
 *    direct; once they are and the match runs, the host is SIGKILLed. Over the 3 s after the kill:
 *    the direct pairs' longest silence (ms) and the sessions' frames advanced against those due
 *    (and `stallFrames`); the time until the relayed pair is on 'peer-relay' at both ends and until
 *    each end hears the other again (ms); the time until a player holds the room (host migration:
 *    slot 0, the first in line, which has no link to slot 1) and until every member follows it,
 *    connected again (ms); checksums and `disconnected` events.
 * 4. **Host CPU**, 32 players (4 rooms × 8, 60 fps), relay then direct, `--seconds` each: host CPU
 *    ms per second (every thread), frames it relayed, and the ratio direct / relay. The players
 *    live in `--workers` client processes (`mesh-bench-clients.ts`), whole rooms in each.
 *
 *   npm run bench:mesh                      tables, then one JSON line (≈ 3 min)
 *   npm run bench:mesh -- --seconds 5 --reps 3
 *   npm run bench:mesh -- --host-loss-only  the warm-up and part 3 only (≈ 45 s)
 *
 * Parts 1 to 3 run their members in this process (the hosts are children), after a warm-up match per
 * mode (so the JIT has compiled both sides); part 4's workers are started only then, so that they do
 * not take CPU from the parts before. Progress goes to stderr.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { installNodeWebRTC } from '../src/node/node-webrtc.ts';
import { PEER_RELAY_ROUTE } from '../src/mesh/peer-relay-route.ts';
import { slotAddress } from '../src/relay/room-client.ts';
import { StandardRoute } from '../src/transport/routed-transport.ts';
import { BenchRoom, runGameLoop, waitFor } from './bench-room.ts';
import type { SessionFigures, TransportTap } from './bench-room.ts';
import { ForkedChild, runParent } from './forked-child.ts';
import { ArrivalTap } from './host-loss-arrivals.ts';
import { LatencyTap } from './latency-tap.ts';
import type { MeshWorkerRequest, MeshWorkerWindow } from './mesh-bench-ipc.ts';
import type { HostRequest, HostWindow } from './relay-bench-ipc.ts';

installNodeWebRTC();

/** Players in the latency match, and rooms × players of the CPU load: 32 players in rooms of 8 (a room may hold up to MAX_PLAYERS, 16). */
const LATENCY_PLAYERS = 4;
const CPU_ROOMS = 4;
const CPU_ROOM_PLAYERS = 8;
/** A mesh that is not all direct this long after the match start counts as failed (ms). */
const DIRECT_TIMEOUT_MS = 20_000;
/** Play before a window opens, once every session runs (and every pair is direct) (ms): the first route switches and rollbacks settle. */
const SETTLE_MS = 2000;
/** Pause after rooms close, so that their channels and links are gone before the next measurement (ms). */
const QUIET_MS = 1500;
/** Interval of the round-trip samples during the latency window (ms). */
const RTT_SAMPLE_MS = 100;
/** Players of a host-loss room, and the pair of slots in it that declines a direct link (it plays over the host's relay until the host dies). */
const HOST_LOSS_PLAYERS = 4;
const RELAYED_PAIR = [0, 1] as const;
/** Play before the kill once every other pair is direct (ms): long enough for the second before the kill to be steady play. */
const HOST_LOSS_SETTLE_MS = 1500;
/** The windows before and after the kill (ms): the second before gives the steady packet interval; the 3 s after hold the relayed pair's ~1.5 s silence check and its catch-up. */
const BEFORE_KILL_MS = 1000;
const AFTER_KILL_MS = 3000;
/** Longest wait for the relayed pair to reach 'peer-relay' after the kill before the run counts it as never (ms). */
const PEER_RELAY_TIMEOUT_MS = 8000;
/** Route polling interval after the kill (ms): the switch time's resolution. */
const ROUTE_POLL_MS = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile of unsorted samples (NaN when there are none). */
function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (x: number, digits: number) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

/** The CPU model as the kernel names it (`os.cpus()` as a fallback, e.g. off Linux). */
function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model.trim() ?? '?';
}

/** Busy time of every core since boot (ms): all but idle and iowait. */
function machineBusyMs(): number {
  let busy = 0;
  for (const { times } of cpus()) busy += times.user + times.nice + times.sys + times.irq;
  return busy;
}

// ---- this process's members (parts 1 and 2) ----

const rooms = new Set<BenchRoom>();
let stopped = false;

async function openRoom(port: number, players: number, direct: boolean, seed: number, tap?: TransportTap, declined?: readonly [number, number]): Promise<BenchRoom> {
  const room = await BenchRoom.open({ port, players, direct, seed, ...(tap === undefined ? {} : { tap }), ...(declined === undefined ? {} : { declined }) });
  rooms.add(room);
  return room;
}

async function closeRoom(room: BenchRoom): Promise<void> {
  rooms.delete(room);
  room.close();
  await sleep(QUIET_MS);
}

/**
 * A match in a fresh room until every pair is direct: the time from the owner's `startMatch` until
 * every session ran, and until every pair was direct (ms); undefined on a timeout.
 */
async function setupOnce(port: number, players: number, seed: number): Promise<{ runningMs: number; directMs: number } | undefined> {
  const room = await openRoom(port, players, true, seed);
  try {
    room.start();
    let runningAt: number | undefined;
    await waitFor(
      () => {
        if (runningAt === undefined && room.running) runningAt = performance.now();
        return room.allDirect;
      },
      'every pair direct',
      DIRECT_TIMEOUT_MS,
      2,
    );
    const directAt = performance.now();
    if (runningAt === undefined) await waitFor(() => room.running, 'every session running');
    return { runningMs: (runningAt ?? performance.now()) - room.startedAtMs!, directMs: directAt - room.startedAtMs! };
  } catch (error) {
    console.error(`  ${players} players: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  } finally {
    await closeRoom(room);
  }
}

interface SetupResult {
  readonly players: number;
  /** Setup time of every run (ms), in order; a run that timed out is left out and counted in `failed`. */
  readonly runsMs: readonly number[];
  /** The same runs' time until every session ran (ms): the match decision and the sessions' handshake, over the relay. */
  readonly runningMs: readonly number[];
  readonly failed: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

async function measureSetup(port: number, players: number, reps: number): Promise<SetupResult> {
  const runsMs: number[] = [];
  const runningMs: number[] = [];
  let failed = 0;
  for (let i = 0; i < reps; i++) {
    const run = await setupOnce(port, players, 100 * players + i);
    if (run === undefined) failed++;
    else {
      runsMs.push(round(run.directMs, 0));
      runningMs.push(round(run.runningMs, 0));
    }
  }
  console.error(`  setup, ${players} players: all direct ${runsMs.join(', ')} ms (sessions running ${runningMs.join(', ')} ms)${failed > 0 ? `, ${failed} timed out` : ''}`);
  return { players, runsMs, runningMs, failed, medianMs: percentile(runsMs, 50), maxMs: runsMs.length > 0 ? Math.max(...runsMs) : Number.NaN };
}

interface LatencyResult {
  readonly mode: 'direct' | 'relay';
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Median of the sessions' round trips (`PeerStats.rttMs`, every player to every other, every 100 ms) (ms). */
  readonly rttMedianMs: number;
  /** The same over the window's last second only (ms): how far the estimate still moved during the window. */
  readonly rttLastSecondMs: number;
  /** This process's CPU (the 4 members, every thread) and the host's, ms per second. */
  readonly membersCpuMsPerSecond: number;
  readonly hostCpuMsPerSecond: number;
  /** CPU of everything else on the machine: its busy time less this process's and the host's (ms per s). */
  readonly otherCpuMsPerSecond: number;
  /** Pairs not on the mode's route at the end of the window (0 expected). */
  readonly pairsOffRoute: number;
  readonly slowestSessionPercent: number;
}

async function measureLatency(host: ForkedChild<HostRequest>, port: number, direct: boolean, seconds: number): Promise<LatencyResult> {
  const tap = new LatencyTap();
  const room = await openRoom(port, LATENCY_PLAYERS, direct, direct ? 11 : 12, tap);
  try {
    room.start();
    await waitFor(() => room.running, 'every session running');
    if (direct) await waitFor(() => room.allDirect, 'every pair direct', DIRECT_TIMEOUT_MS);
    await sleep(SETTLE_MS);
    tap.reset();
    tap.enabled = true;
    room.markFrames();
    await host.call({ type: 'begin' });
    const cpu0 = process.cpuUsage();
    const busy0 = machineBusyMs();
    const t0 = performance.now();
    const rtts: { atMs: number; rttMs: number }[] = [];
    while (performance.now() - t0 < seconds * 1000) {
      await sleep(RTT_SAMPLE_MS);
      const atMs = performance.now();
      for (const rttMs of room.rttSamples()) rtts.push({ atMs, rttMs });
    }
    tap.enabled = false;
    const ms = performance.now() - t0;
    const used = process.cpuUsage(cpu0);
    const membersMs = (used.user + used.system) / ms;
    const busy = machineBusyMs() - busy0;
    const h = await host.call<HostWindow>({ type: 'end' });
    const samples = tap.samples.slice();
    const lastSecond = rtts.filter((r) => r.atMs >= t0 + ms - 1000).map((r) => r.rttMs);
    const mode = direct ? 'direct' : 'relay';
    const result: LatencyResult = {
      mode,
      samples: samples.length,
      p50Ms: round(percentile(samples, 50), 3),
      p99Ms: round(percentile(samples, 99), 3),
      maxMs: round(samples.length > 0 ? Math.max(...samples) : Number.NaN, 2),
      rttMedianMs: round(percentile(rtts.map((r) => r.rttMs), 50), 2),
      rttLastSecondMs: round(percentile(lastSecond, 50), 2),
      membersCpuMsPerSecond: round(membersMs, 1),
      hostCpuMsPerSecond: round(h.cpuPercent * 10, 1),
      otherCpuMsPerSecond: round(Math.max(0, (busy / ms) * 1000 - membersMs - h.cpuPercent * 10), 1),
      pairsOffRoute: room.pairsOff(direct ? StandardRoute.Direct : StandardRoute.Relay),
      slowestSessionPercent: round(room.slowestRate(ms) * 100, 1),
    };
    console.error(`  latency, ${mode}: ${result.samples} packets, one-way p50/p99 ${result.p50Ms}/${result.p99Ms} ms, session RTT median ${result.rttMedianMs} ms (last second ${result.rttLastSecondMs}), others' CPU ${result.otherCpuMsPerSecond} ms/s`);
    return result;
  } finally {
    await closeRoom(room);
  }
}

// ---- part 3: the host dies mid-match ----

/** One host-loss run: a 4-player room whose host process is SIGKILLed mid-match. */
interface HostLossRun {
  /** The longest silence of any direct pair, either end, in the second before the kill (ms): the steady packet interval. */
  readonly directGapBeforeMs: number;
  /** The same from the kill to 3 s after (ms): what the kill cost the direct pairs (issue 10: no stall). */
  readonly directGapAfterMs: number;
  /** From the kill until the relayed pair's route is 'peer-relay' at both ends (ms; NaN: never within 8 s). */
  readonly peerRelayMs: number;
  /**
   * From the kill until both ends of the relayed pair have heard the other again (ms; NaN: not
   * within 3 s) (issue 10: within 2.5 s): the end of each end's longest silence after the kill, so
   * a pair that never went silent reads as the end of some short gap.
   */
  readonly relayedHeardMs: number;
  /** From the kill until a player holds the room (the successor restored it: host migration), ms; NaN: not within 8 s. */
  readonly successorMs: number;
  /** From the kill until every member follows that player and is connected to it again, ms; NaN: not within 8 s. */
  readonly followedMs: number;
  /** Frames each session advanced over the 3 s after the kill, and stalled advance attempts (`stallFrames`) there, by slot. */
  readonly frames: readonly number[];
  readonly stalls: readonly number[];
  /** Frames due over those 3 s at 60 fps (the same for every session). */
  readonly framesDue: number;
  /** Confirmed frames checksummed by two sessions or more over the whole match (one in 60), and those that disagree. */
  readonly checksums: { readonly compared: number; readonly mismatched: number };
  readonly desyncs: number;
  readonly disconnects: number;
}

/** A figure over the runs: median, worst (the largest; the smallest for frame rates), and every value (per run, or per run and member). */
interface Spread {
  readonly p50: number;
  readonly worst: number;
  readonly values: readonly number[];
}

interface HostLossResult {
  readonly players: number;
  readonly relayedPair: readonly [number, number];
  readonly afterKillMs: number;
  readonly runs: readonly HostLossRun[];
  readonly failed: number;
  readonly directGapBeforeMs: Spread;
  readonly directGapAfterMs: Spread;
  /** Frames advanced over due (%) of the members whose every pair is direct (slots 2 and 3), and of the relayed pair's; p50 and worst (lowest). */
  readonly directMembersFramesPercent: Spread;
  readonly relayedMembersFramesPercent: Spread;
  readonly directMembersStalls: Spread;
  readonly relayedMembersStalls: Spread;
  readonly peerRelayMs: Spread;
  readonly relayedHeardMs: Spread;
  readonly successorMs: Spread;
  readonly followedMs: Spread;
  readonly checksumsMismatched: number;
  readonly desyncs: number;
  readonly disconnects: number;
}

const inRelayedPair = (slot: number) => slot === RELAYED_PAIR[0] || slot === RELAYED_PAIR[1];

/** The longest silence over every direct pair of `room`, both ends, between `fromMs` and `toMs` (ms). */
function directGap(arrivals: ArrivalTap, slots: readonly number[], fromMs: number, toMs: number): number {
  let worst = 0;
  for (const a of slots)
    for (const b of slots) {
      if (a === b || (inRelayedPair(a) && inRelayedPair(b))) continue;
      worst = Math.max(worst, arrivals.longestGap(slotAddress(a), slotAddress(b), fromMs, toMs).gapMs);
    }
  return worst;
}

async function hostLossOnce(seed: number): Promise<HostLossRun> {
  const host = new ForkedChild<HostRequest>('host-loss host', './relay-bench-host.ts', import.meta.url);
  try {
    const { port } = await host.ready;
    if (port === undefined) throw new Error('the host did not say its port');
    const arrivals = new ArrivalTap();
    const room = await openRoom(port, HOST_LOSS_PLAYERS, true, seed, arrivals, RELAYED_PAIR);
    try {
      arrivals.enabled = true;
      room.start();
      const ready = { pair: RELAYED_PAIR, route: StandardRoute.Relay };
      await waitFor(() => room.running && room.pairsOff(StandardRoute.Direct, ready) === 0, 'every other pair direct, the pair on the relay', DIRECT_TIMEOUT_MS);
      await sleep(HOST_LOSS_SETTLE_MS);
      const atKill = room.sessionFigures();
      const killedAt = performance.now();
      host.kill();
      const [x, y] = RELAYED_PAIR;
      let peerRelayAt = Number.NaN;
      let successorAt = Number.NaN;
      let followedAt = Number.NaN;
      let afterKill: readonly SessionFigures[] | undefined;
      let windowMs = 0;
      const waiting = () => Number.isNaN(peerRelayAt) || Number.isNaN(followedAt);
      for (let now = killedAt; now - killedAt < AFTER_KILL_MS || (waiting() && now - killedAt < PEER_RELAY_TIMEOUT_MS); now = performance.now()) {
        if (Number.isNaN(peerRelayAt) && room.routeOf(x, y) === PEER_RELAY_ROUTE && room.routeOf(y, x) === PEER_RELAY_ROUTE) peerRelayAt = now;
        const holders = room.holders();
        const successor = holders.find((h) => h.holder === h.slot);
        if (Number.isNaN(successorAt) && successor !== undefined) successorAt = now;
        if (Number.isNaN(followedAt) && successor !== undefined && holders.every((h) => h.holder === successor.slot && h.state === 'connected')) followedAt = now;
        if (afterKill === undefined && now - killedAt >= AFTER_KILL_MS) {
          afterKill = room.sessionFigures();
          windowMs = now - killedAt;
        }
        await sleep(ROUTE_POLL_MS);
      }
      if (afterKill === undefined) {
        afterKill = room.sessionFigures();
        windowMs = performance.now() - killedAt;
      }
      const slots = room.slots.sort((a, b) => a - b); // 0..3: a slot is its index in `frames` and `stalls`
      const heard = [arrivals.longestGap(slotAddress(x), slotAddress(y), killedAt, killedAt + AFTER_KILL_MS), arrivals.longestGap(slotAddress(y), slotAddress(x), killedAt, killedAt + AFTER_KILL_MS)];
      const { framesCompared, mismatchedFrames } = room.agreement();
      const bySlot = (figures: readonly SessionFigures[], pick: (f: SessionFigures) => number) => slots.map((s) => pick(figures.find((f) => f.slot === s)!));
      const run: HostLossRun = {
        directGapBeforeMs: round(directGap(arrivals, slots, killedAt - BEFORE_KILL_MS, killedAt), 1),
        directGapAfterMs: round(directGap(arrivals, slots, killedAt, killedAt + AFTER_KILL_MS), 1),
        peerRelayMs: round(peerRelayAt - killedAt, 0),
        relayedHeardMs: round(heard.some((h) => h.endedAtMs === undefined) ? Number.NaN : Math.max(...heard.map((h) => h.endedAtMs! - killedAt)), 0),
        successorMs: round(successorAt - killedAt, 0),
        followedMs: round(followedAt - killedAt, 0),
        frames: bySlot(afterKill, (f) => f.frame).map((f, i) => f - bySlot(atKill, (a) => a.frame)[i]!),
        stalls: bySlot(afterKill, (f) => f.stalls).map((f, i) => f - bySlot(atKill, (a) => a.stalls)[i]!),
        framesDue: Math.floor((windowMs / 1000) * 60),
        checksums: { compared: framesCompared, mismatched: mismatchedFrames.length },
        desyncs: room.counts.desyncs,
        disconnects: room.counts.disconnects,
      };
      console.error(
        `  host loss, seed ${seed}: direct pairs' longest silence ${run.directGapBeforeMs} ms before, ${run.directGapAfterMs} ms after the kill; ` +
          `pair ${x}-${y} on peer-relay after ${run.peerRelayMs} ms, heard again after ${run.relayedHeardMs} ms; successor holds the room after ${run.successorMs} ms, every member follows it after ${run.followedMs} ms; frames in ${AFTER_KILL_MS} ms (slots ${slots.join('/')}) ${run.frames.join('/')} of ${run.framesDue} due, ` +
          `stalls ${run.stalls.join('/')}; ${run.checksums.compared} checksummed frames, ${run.checksums.mismatched} mismatched, ${run.desyncs} desyncs, ${run.disconnects} disconnected`,
      );
      return run;
    } finally {
      await closeRoom(room);
    }
  } finally {
    host.kill();
  }
}

/** Median and worst of `values`; `worst` picks the worst (the largest, or for frame rates the smallest). */
function spread(values: readonly number[], digits: number, worst: 'max' | 'min' = 'max'): Spread {
  const defined = values.filter((v) => Number.isFinite(v));
  const extreme = defined.length < values.length ? Number.NaN : defined.length === 0 ? Number.NaN : worst === 'max' ? Math.max(...defined) : Math.min(...defined);
  return { p50: round(percentile(defined, 50), digits), worst: round(extreme, digits), values: values.map((v) => round(v, digits)) };
}

async function measureHostLoss(reps: number): Promise<HostLossResult> {
  const runs: HostLossRun[] = [];
  let failed = 0;
  for (let i = 0; i < reps; i++) {
    try {
      runs.push(await hostLossOnce(500 + i));
    } catch (error) {
      failed++;
      console.error(`  host loss, run ${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // Frames as a share of those due, per member group: slots whose every pair is direct, and the relayed pair's.
  const percentOf = (run: HostLossRun, relayed: boolean) => run.frames.filter((_, i) => inRelayedPair(i) === relayed).map((f) => (100 * f) / run.framesDue);
  const stallsOf = (run: HostLossRun, relayed: boolean) => run.stalls.filter((_, i) => inRelayedPair(i) === relayed);
  return {
    players: HOST_LOSS_PLAYERS,
    relayedPair: RELAYED_PAIR,
    afterKillMs: AFTER_KILL_MS,
    runs,
    failed,
    directGapBeforeMs: spread(runs.map((r) => r.directGapBeforeMs), 1),
    directGapAfterMs: spread(runs.map((r) => r.directGapAfterMs), 1),
    directMembersFramesPercent: spread(runs.flatMap((r) => percentOf(r, false)), 1, 'min'),
    relayedMembersFramesPercent: spread(runs.flatMap((r) => percentOf(r, true)), 1, 'min'),
    directMembersStalls: spread(runs.flatMap((r) => stallsOf(r, false)), 0),
    relayedMembersStalls: spread(runs.flatMap((r) => stallsOf(r, true)), 0),
    peerRelayMs: spread(runs.map((r) => r.peerRelayMs), 0),
    relayedHeardMs: spread(runs.map((r) => r.relayedHeardMs), 0),
    successorMs: spread(runs.map((r) => r.successorMs), 0),
    followedMs: spread(runs.map((r) => r.followedMs), 0),
    checksumsMismatched: runs.reduce((a, r) => a + r.checksums.mismatched, 0),
    desyncs: runs.reduce((a, r) => a + r.desyncs, 0),
    disconnects: runs.reduce((a, r) => a + r.disconnects, 0),
  };
}

// ---- part 4: the host's CPU, members in client workers ----

interface CpuResult {
  readonly mode: 'idle' | 'relay' | 'direct';
  readonly players: number;
  readonly seconds: number;
  /** Host process CPU, every thread (ms per s). */
  readonly hostCpuMsPerSecond: number;
  readonly framesRelayed: number;
  readonly framesRelayedPerSecond: number;
  readonly relayDropped: number;
  /** Every client worker's CPU together (ms per s). */
  readonly clientsCpuMsPerSecond: number;
  /** CPU of everything else on the machine: its busy time less the host's and the workers' (ms per s). */
  readonly otherCpuMsPerSecond: number;
  readonly slowestSessionPercent: number;
  /** Pairs not on the mode's route at the window's end (0 expected). */
  readonly pairsOffRoute: number;
}

async function cpuWindow(
  host: ForkedChild<HostRequest>,
  workers: readonly ForkedChild<MeshWorkerRequest>[],
  mode: CpuResult['mode'],
  seconds: number,
): Promise<CpuResult> {
  await Promise.all([host.call({ type: 'begin' }), ...workers.map((w) => w.call({ type: 'begin' }))]);
  const busyBefore = machineBusyMs();
  await sleep(seconds * 1000);
  const busy = machineBusyMs() - busyBefore;
  const [h, ...ws] = await Promise.all([host.call<HostWindow>({ type: 'end' }), ...workers.map((w) => w.call<MeshWorkerWindow>({ type: 'end' }))]);
  const hostMs = h!.cpuPercent * 10;
  const clientsMs = ws.reduce((a, w) => a + w.cpuMsPerSecond, 0);
  const result: CpuResult = {
    mode,
    players: ws.reduce((a, w) => a + w.sessions, 0),
    seconds: round(h!.seconds, 2),
    hostCpuMsPerSecond: round(hostMs, 1),
    framesRelayed: h!.framesRelayed,
    framesRelayedPerSecond: Math.round(h!.framesRelayed / h!.seconds),
    relayDropped: h!.dropped,
    clientsCpuMsPerSecond: round(clientsMs, 1),
    otherCpuMsPerSecond: round(Math.max(0, busy / h!.seconds - hostMs - clientsMs), 1),
    slowestSessionPercent: round(Math.min(...ws.map((w) => w.slowestSessionRate)) * 100, 1),
    pairsOffRoute: mode === 'idle' ? 0 : ws.reduce((a, w) => a + (mode === 'direct' ? w.pairsNotDirect : w.pairsNotRelay), 0),
  };
  const health = ws.map((w) => `worker ${w.worker}: desyncs ${w.desyncs}, disconnects ${w.disconnects}, reconnects ${w.reconnects}, mesh faults ${w.meshFaults}`).join('; ');
  console.error(
    `  host CPU, ${mode}: ${result.hostCpuMsPerSecond} ms/s, relayed ${result.framesRelayedPerSecond} frames/s, clients ${result.clientsCpuMsPerSecond} ms/s, ` +
      `others ${result.otherCpuMsPerSecond} ms/s, slowest session ${result.slowestSessionPercent}%, pairs off route ${result.pairsOffRoute} (${health})`,
  );
  return result;
}

async function measureCpu(host: ForkedChild<HostRequest>, port: number, workerCount: number, seconds: number, warmupMs: number): Promise<CpuResult[]> {
  const workers = Array.from({ length: workerCount }, (_, i) => new ForkedChild<MeshWorkerRequest>(`client worker ${i + 1}`, './mesh-bench-clients.ts', import.meta.url));
  try {
    await Promise.all(workers.map((w) => w.ready));
    await Promise.all(workers.map((w, i) => w.call({ type: 'init', port, worker: i + 1, seed: 0x5eed + 1000 * i })));
    await sleep(QUIET_MS);
    const results = [await cpuWindow(host, workers, 'idle', Math.min(seconds, 5))];
    for (const direct of [false, true]) {
      // Whole rooms per worker, spread evenly.
      const share = workers.map((_, i) => Math.floor(CPU_ROOMS / workerCount) + (i < CPU_ROOMS % workerCount ? 1 : 0));
      await Promise.all(workers.map((w, i) => (share[i]! > 0 ? w.call({ type: 'add-rooms', rooms: share[i]!, players: CPU_ROOM_PLAYERS, direct }) : null)));
      if (direct) await Promise.all(workers.map((w) => w.call({ type: 'wait-direct', timeoutMs: DIRECT_TIMEOUT_MS })));
      await sleep(warmupMs);
      results.push(await cpuWindow(host, workers, direct ? 'direct' : 'relay', seconds));
      await Promise.all(workers.map((w) => w.call({ type: 'drop-rooms' })));
      await sleep(QUIET_MS);
    }
    return results;
  } finally {
    await Promise.all(workers.map((w) => w.close(3000)));
  }
}

// ---- output ----

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

function printHostLoss(h: HostLossResult): void {
  const row = (what: string, s: Spread, digits: number) => [what, fixed(s.p50, digits), fixed(s.worst, digits), s.values.map((v) => fixed(v, digits)).join(', ')];
  console.log('');
  console.log(
    `Host loss, ${h.players} players, ${h.runs.length} runs (${h.failed} failed): pair ${h.relayedPair.join('-')} on the relay, every other pair direct, the host SIGKILLed; ` +
      `the ${h.afterKillMs / 1000} s after the kill (worst: the largest, the smallest for frames)`,
  );
  console.log(
    table(
      ['figure', 'p50', 'worst', 'runs (members of a run together)'],
      [
        row("direct pairs' longest silence, 1 s before the kill, ms", h.directGapBeforeMs, 1),
        row("direct pairs' longest silence, 3 s after the kill, ms", h.directGapAfterMs, 1),
        row('slots 2, 3 (all pairs direct): frames advanced / due, %', h.directMembersFramesPercent, 1),
        row('slots 2, 3: stalled advance attempts (stallFrames)', h.directMembersStalls, 0),
        row('pair 0-1: kill -> peer-relay at both ends, ms', h.peerRelayMs, 0),
        row('pair 0-1: kill -> both ends hear the other again, ms', h.relayedHeardMs, 0),
        row('slots 0, 1: frames advanced / due, %', h.relayedMembersFramesPercent, 1),
        row('slots 0, 1: stalled advance attempts (stallFrames)', h.relayedMembersStalls, 0),
        row('kill -> a player holds the room (host migration), ms', h.successorMs, 0),
        row('kill -> every member follows it, connected, ms', h.followedMs, 0),
      ],
    ),
  );
  console.log(`checksummed frames compared ${h.runs.map((r) => r.checksums.compared).join(', ')}: ${h.checksumsMismatched} mismatched; ${h.desyncs} desyncs; ${h.disconnects} disconnected events`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      'latency-seconds': { type: 'string', default: '10' },
      reps: { type: 'string', default: '5' },
      workers: { type: 'string', default: '2' },
      warmup: { type: 'string', default: '3' },
      'host-loss-reps': { type: 'string', default: '5' },
      'host-loss-only': { type: 'boolean', default: false },
    },
  });
  const hostLossReps = Number(values['host-loss-reps']);
  const hostLossOnly = values['host-loss-only'];
  const seconds = Number(values.seconds);
  const latencySeconds = Number(values['latency-seconds']);
  const reps = Number(values.reps);
  const workerCount = Number(values.workers);
  const warmupMs = Number(values.warmup) * 1000;
  if (!(seconds > 0) || !(latencySeconds > 0) || !(warmupMs >= 0)) throw new Error('--seconds and --latency-seconds must be > 0, --warmup >= 0');
  if (!Number.isInteger(reps) || reps < 1) throw new Error('--reps must be a positive integer');
  if (!Number.isInteger(hostLossReps) || hostLossReps < 1) throw new Error('--host-loss-reps must be a positive integer');
  if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > CPU_ROOMS) throw new Error(`--workers must be an integer in 1..${CPU_ROOMS}`);

  const startedAt = new Date();
  const machine = { cores: cpus().length, cpu: cpuModel(), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverage1m: round(loadavg()[0]!, 2) };
  console.log(`Backspin mesh bench, ${startedAt.toISOString()}: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, node ${machine.node}, load average ${machine.loadAverage1m}`);
  console.log(`host alone in its process (relay-bench-host.ts); loopback; direct links = connectToRoom's default, relay = direct: false`);

  const host = new ForkedChild<HostRequest>('host', './relay-bench-host.ts', import.meta.url);
  const { port } = await host.ready;
  if (port === undefined) throw new Error('the host did not say its port');
  const loop = runGameLoop(() => rooms, () => stopped);
  const began = performance.now();

  try {
    // Warm-up: a direct match and a relayed one, played and ended, so that both sides' code is compiled.
    console.error('warm-up');
    for (const direct of [true, false]) {
      const room = await openRoom(port, LATENCY_PLAYERS, direct, direct ? 1 : 2);
      room.start();
      await waitFor(() => room.running && (!direct || room.allDirect), 'the warm-up match', DIRECT_TIMEOUT_MS);
      await sleep(warmupMs);
      await closeRoom(room);
    }

    if (hostLossOnly) {
      console.error('host loss');
      const hostLoss = await measureHostLoss(hostLossReps);
      printHostLoss(hostLoss);
      console.log('');
      console.log(`whole bench ${((performance.now() - began) / 1000).toFixed(0)} s; load average at the end ${loadavg()[0]!.toFixed(2)}`);
      console.log(JSON.stringify({ bench: 'mesh', date: startedAt.toISOString(), machine, hostLoss }));
      return;
    }
    console.error('mesh setup');
    const setup = [await measureSetup(port, 4, reps), await measureSetup(port, 8, reps)];
    console.error('input latency');
    const latency = [await measureLatency(host, port, true, latencySeconds), await measureLatency(host, port, false, latencySeconds)];
    console.error('host loss');
    const hostLoss = await measureHostLoss(hostLossReps);
    stopped = true;
    await loop;
    console.error(`host CPU, ${CPU_ROOMS * CPU_ROOM_PLAYERS} players in ${workerCount} client workers`);
    const cpu = await measureCpu(host, port, workerCount, seconds, warmupMs);

    const [direct, relay] = latency as [LatencyResult, LatencyResult];
    const cpuDirect = cpu.find((c) => c.mode === 'direct')!;
    const cpuRelay = cpu.find((c) => c.mode === 'relay')!;
    const ratios = {
      latencyP50: round(direct.p50Ms / relay.p50Ms, 3),
      latencyP99: round(direct.p99Ms / relay.p99Ms, 3),
      rttMedian: round(direct.rttMedianMs / relay.rttMedianMs, 3),
      hostCpu: round(cpuDirect.hostCpuMsPerSecond / cpuRelay.hostCpuMsPerSecond, 3),
      clientsCpu: round(cpuDirect.clientsCpuMsPerSecond / cpuRelay.clientsCpuMsPerSecond, 3),
    };

    console.log('');
    console.log(`Input latency, ${LATENCY_PLAYERS} players, ${latencySeconds} s each: one-way send -> receive() of session packets (ms)`);
    console.log(
      table(
        ['route', 'packets', 'p50 ms', 'p99 ms', 'max ms', 'session RTT median ms', 'RTT last 1 s ms', 'sessions min %', 'pairs off route', 'members CPU ms/s', 'host CPU ms/s', 'others CPU ms/s'],
        [
          ...latency.map((l) => [
            l.mode,
            String(l.samples),
            fixed(l.p50Ms, 3),
            fixed(l.p99Ms, 3),
            fixed(l.maxMs, 2),
            fixed(l.rttMedianMs, 2),
            fixed(l.rttLastSecondMs, 2),
            fixed(l.slowestSessionPercent, 1),
            String(l.pairsOffRoute),
            fixed(l.membersCpuMsPerSecond, 1),
            fixed(l.hostCpuMsPerSecond, 1),
            fixed(l.otherCpuMsPerSecond, 1),
          ]),
          ['direct/relay', '', `×${fixed(ratios.latencyP50, 2)}`, `×${fixed(ratios.latencyP99, 2)}`, '', `×${fixed(ratios.rttMedian, 2)}`, '', '', '', '', '', ''],
        ],
      ),
    );
    console.log('');
    console.log(`Host CPU, ${CPU_ROOMS} rooms × ${CPU_ROOM_PLAYERS} players at 60 fps, ${seconds} s each (idle: no room); ${workerCount} client workers`);
    console.log(
      table(
        ['route', 'players', 'host CPU ms/s', 'relayed frames/s', 'relayed frames', 'clients CPU ms/s', 'others ms/s', 'sessions min %', 'pairs off route'],
        [
          ...cpu.map((c) => [
            c.mode,
            String(c.players),
            fixed(c.hostCpuMsPerSecond, 1),
            String(c.framesRelayedPerSecond),
            String(c.framesRelayed),
            fixed(c.clientsCpuMsPerSecond, 1),
            fixed(c.otherCpuMsPerSecond, 1),
            c.mode === 'idle' ? '-' : fixed(c.slowestSessionPercent, 1),
            c.mode === 'idle' ? '-' : String(c.pairsOffRoute),
          ]),
          ['direct/relay', '', `×${fixed(ratios.hostCpu, 2)}`, '', '', `×${fixed(ratios.clientsCpu, 2)}`, '', '', ''],
        ],
      ),
    );
    console.log('');
    console.log(`Mesh setup: owner's startMatch -> every pair direct at both ends, ${reps} fresh rooms each (ms)`);
    console.log(
      table(
        ['players', 'median ms', 'max ms', 'timed out', 'runs ms', 'sessions running, median ms'],
        setup.map((s) => [String(s.players), fixed(s.medianMs, 0), fixed(s.maxMs, 0), String(s.failed), s.runsMs.join(', '), fixed(percentile(s.runningMs, 50), 0)]),
      ),
    );
    printHostLoss(hostLoss);
    console.log('');
    console.log(`whole bench ${((performance.now() - began) / 1000).toFixed(0)} s; load average at the end ${loadavg()[0]!.toFixed(2)}`);
    console.log(JSON.stringify({ bench: 'mesh', date: startedAt.toISOString(), machine, latency, cpu, setup, ratios, hostLoss }));
  } finally {
    stopped = true;
    for (const room of rooms) room.close();
    rooms.clear();
    await host.close(3000);
  }
}

runParent('bench:mesh', main);
