/**
 * `npm run bench`: rollback sessions of the trivial test game over the simulated network, in
 * virtual time, for each profile of ../shared/network-profiles.json: a CPU and network table
 * (2, 4, 8 and 16 players, one seed), then a play-feel table (4 and 8 players, mean of seeds 1-3:
 * stalls, rollbacks, confirmation latency; see play-feel-probe.ts).
 *
 *   npm run bench                          both tables
 *   npm run bench -- --json                one JSON object per line ("table": "cpu" or "feel")
 *   npm run bench -- --profile awful --players 4 --frames 600
 *   npm run bench -- --table feel --seeds 1,2,3,4
 *   npm run bench -- --input-resend-frames 1   unchanged inputs every frame (the demo's setting)
 *
 * Virtual time makes the network figures exact for a seed; only the CPU figures depend on the
 * machine. The JIT is warmed up first (three standard-scenario runs, then a short run of each
 * scenario, all discarded), so that the CPU figures are the SDK's steady state.
 */
import { cpuUsage } from 'node:process';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SimulatedMatch } from '../src/sim/simulated-match.ts';
import { loadNetworkProfiles } from '../src/node.ts';
import { getProfile } from '../src/sim/network-profile.ts';
import type { NetworkProfile, NetworkProfiles } from '../src/sim/network-profile.ts';
import { measurePlayFeel } from './play-feel-probe.ts';
import type { PlayFeelMeasure } from './play-feel-probe.ts';

export interface BenchResult {
  readonly table: 'cpu';
  readonly profile: string;
  readonly players: number;
  readonly frames: number;
  /**
   * Fewest frames any peer advanced by the end. The window is `frames` frame periods after the
   * last peer started running (plus the tick that runs the frame due at its end); peers that
   * started earlier have had longer.
   */
  readonly framesAdvancedMin: number;
  readonly confirmedFrameMin: number;
  /** Frames whose confirmed checksums differ between peers (independent of the sessions' own detector), plus desync events. */
  readonly desyncs: number;
  /** Time inside the sessions and the test game, the simulated network's own time excluded, per player per frame (µs). */
  readonly cpuUsPerPlayerFrame: number;
  /** Process CPU for the whole run, simulated network included, per player per frame (µs): an upper bound. */
  readonly processCpuUsPerPlayerFrame: number;
  /** Payload bytes each player sent per second, all peers together. */
  readonly payloadBytesPerPlayerSecond: number;
  /** Packets per second on one directed link. */
  readonly packetsPerLinkSecond: number;
  /** Frames re-simulated per second, per player. */
  readonly rollbackFramesPerSecond: number;
  readonly maxRollbackFrames: number;
  /**
   * The sessions' `stats().stallFrames`, summed over all players: `advanceFrame` calls that could
   * not advance. Not what players feel: a peer pinned at its prediction window advances a frame on
   * every tick yet counts a stalled call on every tick too. The play-feel table's stall frames are.
   */
  readonly stalledCalls: number;
  /** Every frame confirmed in the end, a minute of virtual time later at most. */
  readonly deadlock: boolean;
}

const ALL_PLAYERS = [2, 4, 8, 16];
/** Player counts of the play-feel table (issue 12: a small and a large match). */
const FEEL_PLAYERS = [4, 8];

export function runScenario(name: string, profile: NetworkProfile, players: number, frames: number, seed: number, inputResendFrames = 2): BenchResult {
  const match = new SimulatedMatch({ players, seed, profile, timer: () => performance.now(), session: { inputResendFrames } });
  // Handshake first; the measured window is `frames` frames of time after the last peer starts.
  const startDeadline = 30_000;
  match.runUntil(1);
  while (match.peers.some((p) => p.runningAtMs < 0) && match.clock.now() < startDeadline) match.runUntil(match.clock.now() + 10);
  const lastStart = Math.max(...match.peers.map((p) => p.runningAtMs));
  const cpuBefore = cpuUsage();
  const sdkBefore = match.sdkMs;
  // One frame period more, so that the last peer's loop has ticked for the frame due at the end.
  const end = lastStart + (frames + 1) * match.frameMs;
  match.runUntil(end);
  const cpu = cpuUsage(cpuBefore);
  const sdkMs = match.sdkMs - sdkBefore;
  const stats = match.peers.map((p) => p.session.stats());
  const seconds = match.clock.now() / 1000;
  const advanced = match.peers.map((p) => p.session.currentFrame);
  const playerFrames = advanced.reduce((a, b) => a + b, 0);
  const bytes = stats.reduce((sum, s) => sum + s.peers.reduce((a, p) => a + p.bytesSent, 0), 0);
  const packets = stats.reduce((sum, s) => sum + s.peers.reduce((a, p) => a + p.packetsSent, 0), 0);
  const confirmedFrameMin = Math.min(...stats.map((s) => s.confirmedFrame));
  // No deadlock: once inputs stop changing nothing is left unconfirmed for long.
  const framesAdvancedMin = Math.min(...advanced);
  const compared = match.compareChecksums();
  const desyncEvents = stats.reduce((a, s) => a + s.desyncs, 0);
  const settle = match.clock.now() + 60_000;
  let deadlock = true;
  while (match.clock.now() < settle) {
    match.runUntil(match.clock.now() + 1000);
    if (match.peers.every((p) => p.session.confirmedFrame >= framesAdvancedMin)) {
      deadlock = false;
      break;
    }
  }
  return {
    table: 'cpu',
    profile: name,
    players,
    frames,
    framesAdvancedMin,
    confirmedFrameMin,
    desyncs: compared.mismatchedFrames.length + desyncEvents,
    cpuUsPerPlayerFrame: round((sdkMs * 1000) / playerFrames, 3),
    processCpuUsPerPlayerFrame: round((cpu.user + cpu.system) / playerFrames, 3),
    payloadBytesPerPlayerSecond: round(bytes / players / seconds, 1),
    packetsPerLinkSecond: round(packets / (players * (players - 1)) / seconds, 2),
    rollbackFramesPerSecond: round(stats.reduce((a, s) => a + s.rollbackFrames, 0) / players / seconds, 2),
    maxRollbackFrames: Math.max(...stats.map((s) => s.maxRollbackFrames)),
    stalledCalls: stats.reduce((a, s) => a + s.stallFrames, 0),
    deadlock,
  };
}

/** Profiles on which the issue asks the confirmation latency's median to be within a frame of its limit. */
const LATENCY_TARGET_PROFILES = new Set(['lan', 'wifi', 'continental', 'intercontinental']);

/** One row of the play-feel table: a profile and player count, means over the seeds unless said. */
export interface PlayFeelResult {
  readonly table: 'feel';
  readonly profile: string;
  readonly players: number;
  readonly seeds: readonly number[];
  /** The sessions' input delay setting: 2 (the default) or 'auto'. */
  readonly inputDelay: number | 'auto';
  /** Where the delay was at the end (frames, mean of peers and seeds): with 'auto', where it settled. */
  readonly inputDelayFrames: number;
  /** Stall frames (ticks owed a frame that advanced none) per minute, all players summed. */
  readonly stallFramesPerMinute: number;
  /** The sessions' stalled `advanceFrame` calls per minute, all players summed (the old "stalls"). */
  readonly stalledCallsPerMinute: number;
  /** Longest stall of any player in any seed (ms): the worst, not a mean. */
  readonly longestStallMs: number;
  /** From the first peer's start to the last peer's (ms), see `PlayFeelMeasure.startSpreadMs`. */
  readonly startSpreadMs: number;
  /** Each seed's longest stall (ms), in the order of `seeds`. */
  readonly longestStallMsBySeed: readonly number[];
  /** Frames re-simulated per player per second. */
  readonly rollbackFramesPerSecond: number;
  /** 99th percentile of frames re-simulated by one rollback. */
  readonly rollbackDepthP99: number;
  /** Confirmation latency median and 99th percentile (ms), see `PlayFeel`. */
  readonly confirmLatencyP50Ms: number;
  readonly confirmLatencyP99Ms: number;
  /** Its physical limit (ms): rttMs / 2 - input delay in ms. */
  readonly confirmLimitMs: number;
  /** Median over the limit (ms). */
  readonly confirmExcessMs: number;
  /** Whether the median is within one frame period of the limit; null where no target is set (awful). */
  readonly latencyTargetMet: boolean | null;
}

/** Plays `profile` with `players` once per seed and averages what the players felt. */
export function runPlayFeel(
  name: string,
  profile: NetworkProfile,
  players: number,
  frames: number,
  seeds: readonly number[],
  inputDelay: number | 'auto' = 2,
  inputResendFrames = 2,
): PlayFeelResult {
  const runs: PlayFeelMeasure[] = seeds.map((seed) => measurePlayFeel(profile, players, seed, frames, { inputDelay, inputResendFrames }));
  const mean = (pick: (r: PlayFeelMeasure) => number): number => runs.reduce((a, r) => a + pick(r), 0) / runs.length;
  const p50 = mean((r) => r.confirmLatencyP50Ms);
  const limit = runs[0]!.confirmLimitMs;
  const frameMs = 1000 / 60;
  return {
    table: 'feel',
    profile: name,
    players,
    seeds,
    inputDelay,
    inputDelayFrames: round(mean((r) => r.inputDelayFrames), 1),
    stallFramesPerMinute: round(mean((r) => r.stallFramesPerMinute), 1),
    stalledCallsPerMinute: round(mean((r) => r.stalledCallsPerMinute), 1),
    longestStallMs: round(Math.max(...runs.map((r) => r.longestStallMs)), 0),
    longestStallMsBySeed: runs.map((r) => round(r.longestStallMs, 0)),
    startSpreadMs: round(mean((r) => r.startSpreadMs), 0),
    rollbackFramesPerSecond: round(mean((r) => r.rollbackFramesPerSecond), 2),
    rollbackDepthP99: round(mean((r) => r.rollbackDepthP99), 1),
    confirmLatencyP50Ms: round(p50, 1),
    confirmLatencyP99Ms: round(mean((r) => r.confirmLatencyP99Ms), 1),
    confirmLimitMs: round(limit, 1),
    confirmExcessMs: round(p50 - limit, 1),
    latencyTargetMet: LATENCY_TARGET_PROFILES.has(name) ? p50 - limit <= frameMs : null,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      profile: { type: 'string' },
      players: { type: 'string' },
      frames: { type: 'string' },
      seed: { type: 'string', default: '1' },
      seeds: { type: 'string', default: '1,2,3' },
      table: { type: 'string', default: 'both' },
      'input-resend-frames': { type: 'string', default: '2' },
    },
    strict: true,
  });
  const file = loadNetworkProfiles();
  const names = values.profile !== undefined ? [values.profile] : Object.keys(file.profiles);
  for (const name of names) getProfile(file, name); // fail early on an unknown name
  const playerCounts = values.players !== undefined ? [positiveInt('--players', values.players)] : ALL_PLAYERS;
  for (const p of playerCounts) if (p < 2 || p > 16) throw new RangeError(`--players must be 2..16, got ${p}`);
  const frames = values.frames !== undefined ? positiveInt('--frames', values.frames) : file.standardScenario.frames;
  const seed = positiveInt('--seed', values.seed ?? '1');
  const seeds = (values.seeds ?? '1,2,3').split(',').map((text) => positiveInt('--seeds', text));
  const table = values.table ?? 'both';
  const resend = positiveInt('--input-resend-frames', values['input-resend-frames'] ?? '2');
  if (table !== 'both' && table !== 'cpu' && table !== 'feel') throw new RangeError(`--table must be cpu, feel or both, got ${table}`);
  if (table !== 'feel') runCpuTable(values.json ?? false, file, names, playerCounts, frames, seed, resend);
  if (table !== 'cpu') {
    const feelPlayers = values.players !== undefined ? playerCounts : FEEL_PLAYERS;
    if (!values.json) {
      console.log('');
      console.log(`Play feel: ${frames} frames after the last start, mean of seeds ${seeds.join(', ')}; stalls per minute summed over players; latencies in ms; inputResendFrames ${resend}`);
      console.log(feelHeader());
    }
    for (const name of names) {
      for (const players of feelPlayers) {
        // The default fixed delay, then 'auto' (issue 12: rollbacks with and without it).
        for (const inputDelay of [2, 'auto'] as const) {
          const result = runPlayFeel(name, getProfile(file, name), players, frames, seeds, inputDelay, resend);
          console.log(values.json ? JSON.stringify(result) : feelRow(result));
        }
      }
    }
  }
}

/** The CPU and network table: one measured run per scenario, after the JIT warm-up. */
function runCpuTable(json: boolean, file: NetworkProfiles, names: readonly string[], playerCounts: readonly number[], frames: number, seed: number, resend: number): void {
  if (!json) {
    console.log(`Backspin bench: ${frames} frames at 60 fps per scenario, virtual time, seed ${seed}; inputResendFrames ${resend}; node ${process.version}`);
    console.log('warming up the JIT (three standard-scenario runs, discarded)...');
  }
  // V8 needs a few full runs before the hot paths reach their final tier; without this the first
  // scenarios would measure the compiler, not the SDK.
  const standard = file.standardScenario;
  for (let w = 0; w < 3; w++) runScenario(standard.profile, getProfile(file, standard.profile), standard.players, standard.frames, seed + 2000 + w);
  if (!json) console.log(header());
  for (const name of names) {
    const profile = getProfile(file, name);
    for (const players of playerCounts) {
      runScenario(name, profile, players, Math.min(frames, 1200), seed + 1000, resend); // this scenario's shapes, discarded
      const result = runScenario(name, profile, players, frames, seed, resend);
      console.log(json ? JSON.stringify(result) : row(result));
    }
  }
}

const COLUMNS: [keyof BenchResult, string, number][] = [
  ['profile', 'profile', 16],
  ['players', 'players', 7],
  ['framesAdvancedMin', 'advanced', 8],
  ['confirmedFrameMin', 'confirmed', 9],
  ['desyncs', 'desyncs', 7],
  ['cpuUsPerPlayerFrame', 'µs/pl·frame', 11],
  ['processCpuUsPerPlayerFrame', 'proc µs', 8],
  ['payloadBytesPerPlayerSecond', 'B/pl·s', 8],
  ['packetsPerLinkSecond', 'pkt/link·s', 10],
  ['rollbackFramesPerSecond', 'rb fr/s', 8],
  ['maxRollbackFrames', 'max rb', 6],
  ['deadlock', 'deadlock', 8],
];

function header(): string {
  return COLUMNS.map(([, title, w]) => title.padStart(w)).join(' ');
}

function row(r: BenchResult): string {
  return COLUMNS.map(([key, , w]) => String(r[key]).padStart(w)).join(' ');
}

const FEEL_COLUMNS: [keyof PlayFeelResult, string, number][] = [
  ['profile', 'profile', 16],
  ['players', 'players', 7],
  ['inputDelay', 'delay', 5],
  ['inputDelayFrames', 'settled', 7],
  ['stallFramesPerMinute', 'stall fr/min', 12],
  ['longestStallMs', 'worst stall ms', 14],
  ['startSpreadMs', 'start spread ms', 15],
  ['stalledCallsPerMinute', '(stalled calls/min)', 19],
  ['rollbackFramesPerSecond', 'rb fr/s', 8],
  ['rollbackDepthP99', 'rb depth p99', 12],
  ['confirmLatencyP50Ms', 'confirm p50', 11],
  ['confirmLatencyP99Ms', 'confirm p99', 11],
  ['confirmLimitMs', 'limit', 7],
  ['confirmExcessMs', 'p50-limit', 9],
  ['latencyTargetMet', 'p50 ≤ limit+1fr', 15],
];

function feelHeader(): string {
  return FEEL_COLUMNS.map(([, title, w]) => title.padStart(w)).join(' ');
}

function feelRow(r: PlayFeelResult): string {
  return FEEL_COLUMNS.map(([key, , w]) => (key === 'latencyTargetMet' && r[key] === null ? '—' : String(r[key])).padStart(w)).join(' ');
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${flag} must be a positive integer, got ${text}`);
  return n;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
