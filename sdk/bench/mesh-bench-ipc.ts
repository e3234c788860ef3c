/**
 * The messages between `mesh-bench.ts` and its client workers (`mesh-bench-clients.ts`) over
 * Node's IPC channel, in the request/reply protocol of `relay-bench-ipc.ts` (every request has an
 * id that its one reply echoes). The host process is `relay-bench-host.ts`, unchanged.
 */

/** What the parent asks of a client worker. */
export type MeshWorkerRequest =
  | { readonly id: number; readonly type: 'init'; readonly port: number; readonly worker: number; readonly seed: number }
  /** Opens `rooms` rooms of `players`, starts their matches, resolves once every session runs. */
  | { readonly id: number; readonly type: 'add-rooms'; readonly rooms: number; readonly players: number; readonly direct: boolean }
  /** Resolves once every pair of every room is direct; fails after `timeoutMs` (ms). */
  | { readonly id: number; readonly type: 'wait-direct'; readonly timeoutMs: number }
  | { readonly id: number; readonly type: 'drop-rooms' }
  | { readonly id: number; readonly type: 'begin' }
  | { readonly id: number; readonly type: 'end' }
  | { readonly id: number; readonly type: 'close' };

/** A client worker's figures over one window (between `begin` and `end`). */
export interface MeshWorkerWindow {
  readonly worker: number;
  readonly seconds: number;
  /** Process CPU (user + system, every thread: libdatachannel's included), ms per second. */
  readonly cpuMsPerSecond: number;
  readonly sessions: number;
  /** The slowest session's frames advanced over the window's frame periods (1: real time). */
  readonly slowestSessionRate: number;
  /** Pairs (once each) not on the direct route at both ends, and not on the relay, at `end`. */
  readonly pairsNotDirect: number;
  readonly pairsNotRelay: number;
  /** Since the worker started: session `desync` and `disconnected` events, channel reconnects, mesh faults. */
  readonly desyncs: number;
  readonly disconnects: number;
  readonly reconnects: number;
  readonly meshFaults: number;
}
