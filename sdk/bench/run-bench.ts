/**
 * `npm run bench`: rollback sessions of the trivial test game over the simulated network, in
 * virtual time, for each profile of ../shared/network-profiles.json × 2, 4, 8 and 16 players.
 *
 *   npm run bench                          table of every scenario
 *   npm run bench -- --json                one JSON object per line
 *   npm run bench -- --profile awful --players 4 --frames 600
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
import type { NetworkProfile } from '../src/sim/network-profile.ts';

export interface BenchResult {
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
  /** `advanceFrame` calls that could not advance, summed over all players. */
  readonly stallFrames: number;
  /** Every frame confirmed in the end, a minute of virtual time later at most. */
  readonly deadlock: boolean;
}

const ALL_PLAYERS = [2, 4, 8, 16];

export function runScenario(name: string, profile: NetworkProfile, players: number, frames: number, seed: number): BenchResult {
  const match = new SimulatedMatch({ players, seed, profile, timer: () => performance.now() });
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
    stallFrames: stats.reduce((a, s) => a + s.stallFrames, 0),
    deadlock,
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

  if (!values.json) {
    console.log(`Backspin bench: ${frames} frames at 60 fps per scenario, virtual time, seed ${seed}; node ${process.version}`);
    console.log('warming up the JIT (three standard-scenario runs, discarded)...');
  }
  // V8 needs a few full runs before the hot paths reach their final tier; without this the first
  // scenarios would measure the compiler, not the SDK.
  const standard = file.standardScenario;
  for (let w = 0; w < 3; w++) runScenario(standard.profile, getProfile(file, standard.profile), standard.players, standard.frames, seed + 2000 + w);
  if (!values.json) console.log(header());
  for (const name of names) {
    const profile = getProfile(file, name);
    for (const players of playerCounts) {
      runScenario(name, profile, players, Math.min(frames, 1200), seed + 1000); // this scenario's shapes, discarded
      const result = runScenario(name, profile, players, frames, seed);
      console.log(values.json ? JSON.stringify(result) : row(result));
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
  ['stallFrames', 'stalls', 7],
  ['deadlock', 'deadlock', 8],
];

function header(): string {
  return COLUMNS.map(([, title, w]) => title.padStart(w)).join(' ');
}

function row(r: BenchResult): string {
  return COLUMNS.map(([key, , w]) => String(r[key]).padStart(w)).join(' ');
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
