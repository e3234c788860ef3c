/**
 * A client worker of `npm run bench:mesh`: one process holding whole rooms of Node members
 * (`BenchRoom`: `connectToRoom` with direct links on or off, a real session each, 60 fps), in one
 * game loop, so that the host's CPU can be read with real matches on it. Started by `mesh-bench.ts`
 * with `fork`; two of them share the 32 players, because 4 rooms of 8 with direct links are 112
 * peer connections besides the 32 host channels, more than one process's game loop should carry
 * next to its WebRTC threads on a 2-core machine.
 */
import { cpuUsage } from 'node:process';
import { performance } from 'node:perf_hooks';
import { installNodeWebRTC } from '../src/node/node-webrtc.ts';
import { StandardRoute } from '../src/transport/routed-transport.ts';
import { BenchRoom, runGameLoop, waitFor } from './bench-room.ts';
import type { MeshWorkerRequest, MeshWorkerWindow } from './mesh-bench-ipc.ts';
import type { ReadyMessage } from './relay-bench-ipc.ts';
import { answerParent } from './answer-parent.ts';

installNodeWebRTC();

const rooms: BenchRoom[] = [];
let port = 0;
let worker = -1;
let seed = 1;
let stopped = false;
let window: { atMs: number; cpu: NodeJS.CpuUsage } | undefined;
/** Counts of rooms already dropped, so that `end` reports everything since the worker started. */
const dropped = { desyncs: 0, disconnects: 0, reconnects: 0, meshFaults: 0 };

async function addRooms(count: number, players: number, direct: boolean): Promise<void> {
  const added: BenchRoom[] = [];
  for (let i = 0; i < count; i++) {
    const room = await BenchRoom.open({ port, players, direct, seed: seed++ });
    rooms.push(room);
    added.push(room);
    room.start();
  }
  await waitFor(() => added.every((r) => r.running), 'every session running');
}

function end(): MeshWorkerWindow {
  if (window === undefined) throw new Error('end without begin');
  const ms = performance.now() - window.atMs;
  const cpu = cpuUsage(window.cpu);
  window = undefined;
  const sum = (pick: (r: BenchRoom) => number) => rooms.reduce((a, r) => a + pick(r), 0);
  return {
    worker,
    seconds: ms / 1000,
    cpuMsPerSecond: (cpu.user + cpu.system) / ms,
    sessions: sum((r) => r.size),
    slowestSessionRate: rooms.length === 0 ? 1 : Math.min(...rooms.map((r) => r.slowestRate(ms))),
    pairsNotDirect: sum((r) => r.pairsOff(StandardRoute.Direct)),
    pairsNotRelay: sum((r) => r.pairsOff(StandardRoute.Relay)),
    desyncs: dropped.desyncs + sum((r) => r.counts.desyncs),
    disconnects: dropped.disconnects + sum((r) => r.counts.disconnects),
    reconnects: dropped.reconnects + sum((r) => r.counts.reconnects),
    meshFaults: dropped.meshFaults + sum((r) => r.meshFaults),
  };
}

async function handle(request: MeshWorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'init':
      port = request.port;
      worker = request.worker;
      seed = request.seed;
      void runGameLoop(() => rooms, () => stopped);
      return null;
    case 'add-rooms':
      await addRooms(request.rooms, request.players, request.direct);
      return null;
    case 'wait-direct': {
      const t0 = performance.now();
      await waitFor(() => rooms.every((r) => r.allDirect), 'every pair direct', request.timeoutMs);
      return performance.now() - t0;
    }
    case 'drop-rooms':
      for (const room of rooms.splice(0)) {
        dropped.desyncs += room.counts.desyncs;
        dropped.disconnects += room.counts.disconnects;
        dropped.reconnects += room.counts.reconnects;
        dropped.meshFaults += room.meshFaults;
        room.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 300)); // the leave messages go out, the channels close
      return null;
    case 'begin':
      for (const room of rooms) room.markFrames();
      window = { atMs: performance.now(), cpu: cpuUsage() };
      return null;
    case 'end':
      return end();
    case 'close':
      stopped = true;
      for (const room of rooms.splice(0)) room.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      return null;
  }
}

answerParent<MeshWorkerRequest>(() => `mesh client worker ${worker}`, handle);

const ready: ReadyMessage = { type: 'ready' };
process.send?.(ready);
