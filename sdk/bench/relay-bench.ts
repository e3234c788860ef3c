/**
 * `npm run bench:relay`: one real host (geckos.io, WebRTC data channels) relaying real matches
 * between Node clients on loopback, at growing loads: 4-player rooms at 60 fps, 8, 16, 24, ...
 * players, until `--max-players` or until the machine cannot keep up.
 *
 *   npm run bench:relay                              table of every load step
 *   npm run bench:relay -- --json                    one JSON object per step
 *   npm run bench:relay -- --max-players 32 --seconds 5
 *   npm run bench:relay -- --max-players 320 --step 32    until the machine gives up
 *
 * Processes (so that the host's CPU is measured alone):
 * - the host (`relay-bench-host.ts`), alone in its process;
 * - `--workers` client workers (`relay-bench-clients.ts`): the 4-player rooms, spread evenly,
 *   each room's four players in one worker, each playing a real session of the test game; plus a
 *   probing pair per worker;
 * - one quiet prober: a client worker with a probing pair and nothing else, so that its probes
 *   are not delayed by a busy game loop on their own side;
 * - this process, which only commands and collects.
 *
 * First one match per worker is played for a while and ended (so the JIT has compiled the host's
 * and the clients' code), then an idle step is measured. Every load step: the rooms are added,
 * every session runs, `--warmup` seconds pass, then the window of `--seconds` opens. After the
 * last load every match ends and the idle step is measured again. Latency is the one-way time of
 * the probes (sender and receiver in one process, one clock), which includes both clients'
 * WebRTC stacks and loopback as well as the host; what the load adds is the difference from the
 * idle baseline (per percentile, the lower of the two idle steps). Loss is counted per directed
 * link, frames handed to the transport at one end against frames that arrived at the other. The
 * run stops after a step that loses more than 2% of its frames or whose slowest session advanced
 * fewer than 90% of the window's frame periods. Progress goes to stderr; the table (or the JSON
 * lines) comes at the end, once the baseline is known.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { HostRequest, HostWindow, WorkerRequest, WorkerWindow } from './relay-bench-ipc.ts';
import { ForkedChild, runParent } from './forked-child.ts';

const PLAYERS_PER_ROOM = 4;
/** Stop criteria: loss inside the relay (fraction), and the slowest session's pace against real time. */
const MAX_LOSS = 0.02;
const MIN_SESSION_RATE = 0.9;

/**
 * One step's figures. The two idle steps (probing pairs only, no match) come before the loads and
 * after every match has ended; together they are the baseline of the `added` figures.
 */
export interface RelayBenchStep {
  readonly phase: 'idle' | 'load' | 'idle again';
  readonly players: number;
  readonly rooms: number;
  readonly seconds: number;
  /** Host process CPU, every thread, % of one core. */
  readonly hostCpuPercent: number;
  /** Host main thread busy share, %. */
  readonly hostLoopUtilizationPercent: number;
  readonly hostLoopDelayP99Ms: number;
  /**
   * Quiet prober: one-way probe latency (ms), and its increase over the idle baseline (ms): the
   * lower of the two idle steps' values, so that the increase is not understated.
   */
  readonly probeP50Ms: number;
  readonly probeP99Ms: number;
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  /** Probing pairs inside the loaded client workers: the same figures, busy game loops included. */
  readonly workerProbeP50Ms: number;
  readonly workerProbeP99Ms: number;
  readonly workerAddedP50Ms: number;
  readonly workerAddedP99Ms: number;
  /** The quiet prober's slowest probe (ms). */
  readonly probeMaxMs: number;
  readonly probeSamples: number;
  /** Data frames lost between the clients' transports, through the relay, % of those sent. */
  readonly lossPercent: number;
  /** Frames the relay itself dropped (rate limits, malformed, ...). */
  readonly relayDropped: number;
  readonly framesRelayedPerSecond: number;
  readonly bytesRelayedPerSecond: number;
  /** Slowest session's frames advanced over the window's frame periods, %. */
  readonly slowestSessionPercent: number;
  /** Every client worker's CPU together, % of one core. */
  readonly clientsCpuPercent: number;
  /**
   * CPU used by everything else on the machine (other users' processes, the kernel's own work,
   * this process), % of one core: the machine's busy time less the host's and the clients'. Tail
   * latencies are only worth reading when it is small.
   */
  readonly otherCpuPercent: number;
  readonly desyncs: number;
  readonly disconnects: number;
  readonly reconnects: number;
}

const spawnChild = <R extends { id: number; type: string }>(name: string, file: string) => new ForkedChild<R>(name, file, import.meta.url);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile of unsorted samples (NaN when there are none). */
function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Busy time of every core of the machine since boot (ms): all but idle and iowait. */
function machineBusyMs(): number {
  let busy = 0;
  for (const { times } of cpus()) busy += times.user + times.nice + times.sys + times.irq;
  return busy;
}

const round = (x: number, digits: number) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** A step before the baseline is known. */
type MeasuredStep = Omit<RelayBenchStep, 'addedP50Ms' | 'addedP99Ms' | 'workerAddedP50Ms' | 'workerAddedP99Ms'>;

/** Adds the increases over the baseline: per percentile, the lower of the two idle steps. */
function withAdded(steps: readonly MeasuredStep[]): RelayBenchStep[] {
  const idle = steps.filter((s) => s.phase !== 'load');
  const base = (pick: (s: MeasuredStep) => number) => Math.min(...idle.map(pick));
  const [q50, q99, w50, w99] = [base((s) => s.probeP50Ms), base((s) => s.probeP99Ms), base((s) => s.workerProbeP50Ms), base((s) => s.workerProbeP99Ms)];
  return steps.map((s) => ({
    ...s,
    addedP50Ms: round(s.probeP50Ms - q50, 3),
    addedP99Ms: round(s.probeP99Ms - q99, 3),
    workerAddedP50Ms: round(s.workerProbeP50Ms - w50, 3),
    workerAddedP99Ms: round(s.workerProbeP99Ms - w99, 3),
  }));
}

/** One line of progress while the run goes on (the table or the JSON comes at the end, once the baseline is known). */
function progress(s: MeasuredStep): string {
  return (
    `  ${s.phase === 'load' ? `${s.players} players, ${s.rooms} rooms` : s.phase}: host CPU ${s.hostCpuPercent}%, one-way p50/p99 ` +
    `${s.probeP50Ms}/${s.probeP99Ms} ms, loss ${s.lossPercent}%, slowest session ${s.slowestSessionPercent}%, clients' CPU ${s.clientsCpuPercent}%, others' ${s.otherCpuPercent}%`
  );
}

async function measure(
  host: ForkedChild<HostRequest>,
  quiet: ForkedChild<WorkerRequest>,
  workers: readonly ForkedChild<WorkerRequest>[],
  phase: RelayBenchStep['phase'],
  players: number,
  seconds: number,
): Promise<MeasuredStep> {
  const all = [quiet, ...workers];
  await Promise.all([host.call({ type: 'begin' }), ...all.map((w) => w.call({ type: 'begin' }))]);
  const machineBefore = machineBusyMs();
  await sleep(seconds * 1000);
  const machineBusy = machineBusyMs() - machineBefore;
  const [h, q, ...ws] = await Promise.all([host.call<HostWindow>({ type: 'end' }), ...all.map((w) => w.call<WorkerWindow>({ type: 'end' }))]);
  const quietSamples = q!.probeMs;
  const workerSamples = ws.flatMap((w) => w.probeMs);
  const every = [q!, ...ws];
  const sent = every.reduce((a, w) => a + w.framesSent, 0);
  const received = every.reduce((a, w) => a + w.framesReceived, 0);
  const probeP50 = percentile(quietSamples, 50);
  const probeP99 = percentile(quietSamples, 99);
  const workerP50 = percentile(workerSamples, 50);
  const workerP99 = percentile(workerSamples, 99);
  const clientsCpu = every.reduce((a, w) => a + w.cpuPercent, 0);
  return {
    phase,
    players,
    rooms: players / PLAYERS_PER_ROOM,
    seconds: round(h.seconds, 2),
    hostCpuPercent: round(h.cpuPercent, 1),
    hostLoopUtilizationPercent: round(h.loopUtilizationPercent, 1),
    hostLoopDelayP99Ms: round(h.loopDelayP99Ms, 2),
    probeP50Ms: round(probeP50, 3),
    probeP99Ms: round(probeP99, 3),
    workerProbeP50Ms: round(workerP50, 3),
    workerProbeP99Ms: round(workerP99, 3),
    probeMaxMs: round(quietSamples.length > 0 ? Math.max(...quietSamples) : Number.NaN, 2),
    probeSamples: quietSamples.length + workerSamples.length,
    lossPercent: round(sent > 0 ? Math.max(0, 1 - received / sent) * 100 : 0, 3),
    relayDropped: h.dropped,
    framesRelayedPerSecond: Math.round(h.framesRelayed / h.seconds),
    bytesRelayedPerSecond: Math.round(h.bytesRelayed / h.seconds),
    slowestSessionPercent: round(Math.min(...ws.map((w) => w.slowestSessionRate)) * 100, 1),
    clientsCpuPercent: round(clientsCpu, 1),
    otherCpuPercent: round(Math.max(0, (machineBusy / (h.seconds * 1000)) * 100 - h.cpuPercent - clientsCpu), 1),
    desyncs: every.reduce((a, w) => a + w.desyncs, 0),
    disconnects: every.reduce((a, w) => a + w.disconnects, 0),
    reconnects: every.reduce((a, w) => a + w.reconnects, 0),
  };
}

const COLUMNS: readonly [string, number, (s: RelayBenchStep) => string][] = [
  ['step', 10, (s) => s.phase],
  ['players', 7, (s) => String(s.players)],
  ['rooms', 5, (s) => String(s.rooms)],
  ['host CPU %', 10, (s) => s.hostCpuPercent.toFixed(1)],
  ['loop p99 ms', 11, (s) => s.hostLoopDelayP99Ms.toFixed(2)],
  ['one-way p50/p99 ms', 18, (s) => `${s.probeP50Ms.toFixed(2)} / ${s.probeP99Ms.toFixed(2)}`],
  ['added p50/p99 ms', 16, (s) => `${s.addedP50Ms.toFixed(2)} / ${s.addedP99Ms.toFixed(2)}`],
  ['in-worker added p50/p99', 23, (s) => `${s.workerAddedP50Ms.toFixed(2)} / ${s.workerAddedP99Ms.toFixed(2)}`],
  ['loss %', 7, (s) => s.lossPercent.toFixed(3)],
  ['relayed/s', 9, (s) => String(s.framesRelayedPerSecond)],
  ['sessions min %', 14, (s) => (s.phase === 'load' ? s.slowestSessionPercent.toFixed(1) : '-')],
  ['clients CPU %', 13, (s) => s.clientsCpuPercent.toFixed(1)],
  ['others CPU %', 12, (s) => s.otherCpuPercent.toFixed(1)],
];

const header = () => COLUMNS.map(([title, w]) => title.padStart(w)).join(' ');
const row = (s: RelayBenchStep) => COLUMNS.map(([, w, cell]) => cell(s).padStart(w)).join(' ');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      'max-players': { type: 'string', default: '48' },
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      workers: { type: 'string', default: '2' },
      'probe-hz': { type: 'string', default: '50' },
      step: { type: 'string', default: '8' },
    },
  });
  const maxPlayers = Number(values['max-players']);
  const seconds = Number(values.seconds);
  const warmup = Number(values.warmup);
  const workerCount = Number(values.workers);
  const probeHz = Number(values['probe-hz']);
  const stepPlayers = Number(values.step);
  if (!Number.isInteger(stepPlayers) || stepPlayers < PLAYERS_PER_ROOM || stepPlayers % PLAYERS_PER_ROOM !== 0) {
    throw new Error(`--step must be a positive multiple of ${PLAYERS_PER_ROOM}`);
  }
  if (!Number.isInteger(maxPlayers) || maxPlayers < stepPlayers) throw new Error('--max-players must be an integer >= --step');
  if (!(seconds > 0) || !(warmup >= 0)) throw new Error('--seconds must be > 0 and --warmup >= 0');
  if (!Number.isInteger(workerCount) || workerCount < 1) throw new Error('--workers must be a positive integer');
  if (!(probeHz > 0 && probeHz <= 200)) throw new Error('--probe-hz must be in (0, 200]');

  const log = values.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  const cpu = cpus();
  log(
    `Backspin relay bench: ${cpu.length} cores (${cpu[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ` +
      `load average ${loadavg()[0]!.toFixed(2)}`,
  );
  log(
    `processes: host alone; ${workerCount} client workers (rooms of ${PLAYERS_PER_ROOM}, 60 fps, + a probing pair each); 1 quiet prober. ` +
      `On ${cpu.length} cores the clients compete with the host for CPU.`,
  );
  log(`each step: ${stepPlayers} more players (rooms added), ${warmup} s warm-up, ${seconds} s measured (the idle baseline ${2 * seconds} s); probes ${probeHz}/s each way per pair`);

  const host = spawnChild<HostRequest>('host', './relay-bench-host.ts');
  const { port } = await host.ready;
  if (port === undefined) throw new Error('the host did not say its port');
  const quiet = spawnChild<WorkerRequest>('prober', './relay-bench-clients.ts');
  const workers = Array.from({ length: workerCount }, (_, i) => spawnChild<WorkerRequest>(`worker ${i + 1}`, './relay-bench-clients.ts'));
  const all = [quiet, ...workers];
  await Promise.all(all.map((w) => w.ready));
  await Promise.all(all.map((w, i) => w.call({ type: 'init', port, worker: i, probeHz, seed: 0x5eed + i })));

  const steps: MeasuredStep[] = [];
  const record = (step: MeasuredStep) => {
    steps.push(step);
    console.error(progress(step));
  };

  // Warm-up: one match per worker, ended before the baseline, so that the host's and the clients'
  // code is compiled by the JIT when the idle baseline is taken (a cold start reads slower).
  await Promise.all(workers.map((w) => w.call({ type: 'add-rooms', rooms: 1 })));
  await sleep(2 * warmup * 1000);
  await Promise.all(workers.map((w) => w.call({ type: 'drop-rooms' })));
  await sleep(warmup * 1000);
  // The baseline every later step is compared with: twice as long, for steadier tail percentiles.
  record(await measure(host, quiet, workers, 'idle', 0, 2 * seconds));

  const roomsIn = workers.map(() => 0);
  try {
    for (let players = stepPlayers; players <= maxPlayers; players += stepPlayers) {
      const target = players / PLAYERS_PER_ROOM;
      const adds = workers.map(() => 0);
      for (let r = roomsIn.reduce((a, b) => a + b, 0); r < target; r++) {
        const i = roomsIn.indexOf(Math.min(...roomsIn));
        roomsIn[i]!++;
        adds[i]!++;
      }
      await Promise.all(workers.map((w, i) => (adds[i]! > 0 ? w.call({ type: 'add-rooms', rooms: adds[i]! }) : Promise.resolve())));
      await sleep(warmup * 1000);
      const step = await measure(host, quiet, workers, 'load', players, seconds);
      record(step);
      if (step.lossPercent > MAX_LOSS * 100 || step.slowestSessionPercent < MIN_SESSION_RATE * 100) {
        console.error(`stopped: ${step.lossPercent > MAX_LOSS * 100 ? `loss ${step.lossPercent}% > ${MAX_LOSS * 100}%` : `slowest session at ${step.slowestSessionPercent}% of real time`}`);
        break;
      }
    }
    // The idle step again, every match gone, the JIT warm. The two idle steps differ by the
    // machine's own noise; the lower of the two is the baseline.
    await Promise.all(workers.map((w) => w.call({ type: 'drop-rooms' })));
    await sleep(warmup * 1000);
    record(await measure(host, quiet, workers, 'idle again', 0, 2 * seconds));
  } catch (error) {
    // A load the machine could not set up (or a child that died): the steps measured so far still count.
    console.error(`stopped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    process.exitCode = 1;
  }

  const results = withAdded(steps);
  if (values.json) for (const step of results) console.log(JSON.stringify(step));
  else {
    console.log(header());
    for (const step of results) console.log(row(step));
  }

  await Promise.all(all.map((w) => w.close(3000)));
  await host.close(3000);
}

runParent('bench:relay', main);
