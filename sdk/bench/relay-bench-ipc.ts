/**
 * The messages between `relay-bench.ts` and its child processes (the host, the client workers),
 * over Node's IPC channel (`fork`). Every request carries an id that its reply echoes, so the
 * parent can await a child's answer; a child answers each request exactly once.
 */

/** What the parent asks of the host process. */
export type HostRequest =
  | { readonly id: number; readonly type: 'begin' }
  | { readonly id: number; readonly type: 'end' }
  | { readonly id: number; readonly type: 'close' };

/** What the parent asks of a client worker. */
export type WorkerRequest =
  | { readonly id: number; readonly type: 'init'; readonly port: number; readonly worker: number; readonly probeHz: number; readonly seed: number }
  | { readonly id: number; readonly type: 'add-rooms'; readonly rooms: number }
  | { readonly id: number; readonly type: 'drop-rooms' }
  | { readonly id: number; readonly type: 'begin' }
  | { readonly id: number; readonly type: 'end' }
  | { readonly id: number; readonly type: 'close' };

/** The host's figures over one measurement window (between `begin` and `end`). */
export interface HostWindow {
  readonly seconds: number;
  /** Process CPU (user + system, every thread: libdatachannel runs its own) over the window, % of one core. */
  readonly cpuPercent: number;
  /** Share of the window the main thread's event loop was busy, % (performance.eventLoopUtilization). */
  readonly loopUtilizationPercent: number;
  /** Event-loop delay over the window (ms): how late the main thread ran a due timer (perf_hooks.monitorEventLoopDelay). */
  readonly loopDelayP50Ms: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  readonly framesRelayed: number;
  readonly bytesRelayed: number;
  /** Frames the relay dropped during the window, every reason together. */
  readonly dropped: number;
  readonly droppedByReason: Readonly<Record<string, number>>;
  readonly connections: number;
  readonly rooms: number;
}

/** A client worker's figures over one measurement window. */
export interface WorkerWindow {
  readonly worker: number;
  readonly seconds: number;
  /** Process CPU over the window, % of one core. */
  readonly cpuPercent: number;
  /** One-way probe latencies received in the window (ms), both directions of the worker's probing pair. */
  readonly probeMs: readonly number[];
  /** Data frames handed to the transport (session packets and probes) and received from the relay, summed over directed links. */
  readonly framesSent: number;
  readonly framesReceived: number;
  /** Sessions in this worker, and the slowest one's frames advanced over the window's frame periods (0..1; 1 when there are none). */
  readonly sessions: number;
  readonly slowestSessionRate: number;
  /** Session `desync` and `disconnected` events, and channel reconnects, since the worker started. */
  readonly desyncs: number;
  readonly disconnects: number;
  readonly reconnects: number;
}

/** A reply: the request's id, then its result or the error that stopped it. */
export type Reply<T> = { readonly id: number; readonly ok: true; readonly result: T } | { readonly id: number; readonly ok: false; readonly error: string };

/** The first message of a child, once it is ready for requests (the host adds its port). */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly port?: number;
}
