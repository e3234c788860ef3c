/**
 * The host of `npm run bench:relay`, alone in its own process so that its CPU is measured alone:
 * a real geckos.io host on 127.0.0.1 (port chosen by the system). Started by `relay-bench.ts`
 * with `fork`; answers `begin`/`end` with its figures over the window between them.
 *
 * Two departures from the defaults, both limits that a load test on one machine runs into: every
 * client connects from 127.0.0.1, so the per-address limit on join attempts (10 a minute, against
 * join-code guessing) would refuse most of the bench's players; and the default 64 rooms would
 * cap a run at about 240 players. Both are raised here; nothing else is changed.
 */
import { cpuUsage } from 'node:process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { startHost } from '../src/host/geckos-host.ts';
import type { RelayHostStats } from '../src/relay/relay-host.ts';
import type { HostRequest, HostWindow, ReadyMessage, Reply } from './relay-bench-ipc.ts';

/** Sampling interval of the event-loop delay histogram (ms): fine enough to see sub-millisecond stalls add up. */
const LOOP_DELAY_RESOLUTION_MS = 2;

// Every bench client connects from 127.0.0.1: the per-address limits, which keep one LAN guest from
// taking the host, would stop the bench's own load after a few rooms.
const host = await startHost({
  port: 0,
  bindAddress: '127.0.0.1',
  relay: { joinAttemptsPerMinute: 1_000_000, roomsPerAddress: 1_000_000, roomCreatesPerMinute: 1_000_000 },
  authority: { maxRooms: 4096 },
  pending: { maxPerAddress: 4096, maxTotal: 4096 },
  maxSignalingRequestsPerAddress: 4096,
});
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
loopDelay.enable();

/**
 * The histogram holds whole intervals between its timer's runs (ns), the resolution included (Node
 * 20: an idle loop reads about 2.1 ms at a 2 ms resolution); the delay is what exceeds it (ms).
 */
function delayMs(intervalNs: number): number {
  return Math.max(0, intervalNs / 1e6 - LOOP_DELAY_RESOLUTION_MS);
}

let window: { cpu: NodeJS.CpuUsage; atMs: number; stats: RelayHostStats; elu: EventLoopUtilization } | undefined;

function begin(): void {
  loopDelay.reset();
  window = { cpu: cpuUsage(), atMs: performance.now(), stats: host.relay.stats(), elu: performance.eventLoopUtilization() };
}

function end(): HostWindow {
  if (window === undefined) throw new Error('end without begin');
  const cpu = cpuUsage(window.cpu);
  const elu = performance.eventLoopUtilization(window.elu);
  const ms = performance.now() - window.atMs;
  const stats = host.relay.stats();
  const byReason: Record<string, number> = {};
  let dropped = 0;
  for (const [reason, count] of Object.entries(stats.dropped)) {
    const delta = count - (window.stats.dropped as Record<string, number>)[reason]!;
    byReason[reason] = delta;
    dropped += delta;
  }
  const result: HostWindow = {
    seconds: ms / 1000,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / ms) * 100,
    loopUtilizationPercent: elu.utilization * 100,
    loopDelayP50Ms: delayMs(loopDelay.percentile(50)),
    loopDelayP99Ms: delayMs(loopDelay.percentile(99)),
    loopDelayMaxMs: delayMs(loopDelay.max),
    framesRelayed: stats.framesRelayed - window.stats.framesRelayed,
    bytesRelayed: stats.bytesRelayed - window.stats.bytesRelayed,
    dropped,
    droppedByReason: byReason,
    connections: stats.connections,
    rooms: stats.rooms,
  };
  window = undefined;
  return result;
}

async function shutdown(): Promise<void> {
  loopDelay.disable();
  await host.close('benchmark over');
}

process.on('message', (raw: unknown) => {
  const request = raw as HostRequest;
  const reply = (r: Reply<unknown>) => process.send?.(r);
  try {
    switch (request.type) {
      case 'begin':
        begin();
        reply({ id: request.id, ok: true, result: null });
        return;
      case 'end':
        reply({ id: request.id, ok: true, result: end() });
        return;
      case 'close':
        void shutdown().finally(() => {
          const done: Reply<unknown> = { id: request.id, ok: true, result: null };
          process.send?.(done, () => process.exit(0));
        });
        return;
    }
  } catch (error) {
    reply({ id: request.id, ok: false, error: String(error) });
  }
});
// The parent is gone (crashed or killed): never outlive it.
process.on('disconnect', () => process.exit(0));

const ready: ReadyMessage = { type: 'ready', port: host.port };
process.send?.(ready);
