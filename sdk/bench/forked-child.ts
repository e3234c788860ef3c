import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ReadyMessage, Reply } from './relay-bench-ipc.ts';

/** A child that does not answer in this long is taken as hung (ms): room setup under load can take seconds. */
const REQUEST_TIMEOUT_MS = 120_000;

/** A request before its id is given (distributes over the union, which plain `Omit` would collapse). */
export type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

const live = new Set<ForkedChild<{ id: number; type: string }>>();

/** Kills every child still running (SIGKILL): for the parent's exit, however it exits. */
export function killChildren(): void {
  for (const child of live) child.kill();
}

/**
 * Runs a bench's `main` in the parent process: exit 0 when it is done, 1 with the error (as
 * `name: stack`) when it fails, 130 on Ctrl+C or SIGTERM, and never leaves a child running.
 */
export function runParent(name: string, main: () => Promise<void>): void {
  process.on('exit', killChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killChildren();
      process.exit(130);
    });
  }
  main().then(
    () => process.exit(),
    (error: unknown) => {
      console.error(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      killChildren();
      process.exit(1);
    },
  );
}

/**
 * A bench process forked from a TypeScript file (run through tsx) that speaks the request/reply
 * protocol of `relay-bench-ipc.ts`: it sends `ready` first, then answers each request once, echoing
 * its id. Its stdout and stderr are the parent's.
 */
export class ForkedChild<Request extends { id: number; type: string }> {
  readonly ready: Promise<ReadyMessage>;
  private readonly proc: ChildProcess;
  private nextId = 1;
  private exited = false;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  /** `file` is resolved against `base` (the caller's `import.meta.url`). */
  constructor(
    readonly name: string,
    file: string,
    base: string,
  ) {
    this.proc = fork(fileURLToPath(new URL(file, base)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    live.add(this as unknown as ForkedChild<{ id: number; type: string }>);
    let onReady: (m: ReadyMessage) => void = () => undefined;
    let onFail: (e: Error) => void = () => undefined;
    this.ready = new Promise<ReadyMessage>((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    this.ready.catch(() => undefined); // also rejected by the exit handler once ready: only a pending wait cares
    this.proc.on('message', (raw: unknown) => {
      const message = raw as ReadyMessage | Reply<unknown>;
      if ('type' in message && message.type === 'ready') {
        onReady(message);
        return;
      }
      const reply = message as Reply<unknown>;
      const waiter = this.pending.get(reply.id);
      if (waiter === undefined) return;
      this.pending.delete(reply.id);
      clearTimeout(waiter.timer);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`${name}: ${reply.error}`));
    });
    this.proc.on('error', () => undefined); // a send racing the child's death: 'exit' rejects what was pending
    this.proc.on('exit', (code, signal) => {
      this.exited = true;
      live.delete(this as unknown as ForkedChild<{ id: number; type: string }>);
      const error = new Error(`${name} exited (${signal ?? code})`);
      onFail(error);
      for (const waiter of this.pending.values()) {
        clearTimeout(waiter.timer);
        waiter.reject(error);
      }
      this.pending.clear();
    });
  }

  call<T>(request: WithoutId<Request>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.exited || !this.proc.connected) {
        reject(new Error(`${this.name} is gone; cannot ask '${request.type}'`));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no answer to '${request.type}' in ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc.send({ ...request, id });
    });
  }

  /** Asks the child to close, and kills it if it has not exited within `graceMs` (ms). */
  async close(graceMs: number): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.call({ type: 'close' } as WithoutId<Request>).catch(() => undefined);
    const timer = setTimeout(() => this.kill(), graceMs);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }
}
