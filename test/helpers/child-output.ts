import type { ChildProcess } from 'node:child_process';

/** How a child process ended. */
export interface ChildEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process's output as it comes, and its end. */
export interface ChildOutput {
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has ended and its output is closed. */
  readonly closed: Promise<ChildEnd>;
  /**
   * Resolves with the first match of `pattern` in stdout; rejects after `timeoutMs`, or if the
   * process ends first. `what` names the process in the error.
   */
  waitForOutput(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray>;
}

/** Collects `child`'s stdout and stderr (spawned with both piped) from now on. */
export function captureOutput(child: ChildProcess): ChildOutput {
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const closed = new Promise<ChildEnd>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    stdout: () => out,
    stderr: () => err,
    closed,
    waitForOutput: (pattern, timeoutMs, what) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out);
          if (match === null) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} in the output of ${what} after ${timeoutMs} ms:\n${out}\n${err}`));
        }, timeoutMs);
        const onClose = () => {
          check();
          cleanup();
          reject(new Error(`${what} ended before printing ${pattern}:\n${out}\n${err}`));
        };
        const onError = (error: Error) => {
          cleanup();
          reject(new Error(`${what} could not be started: ${error.message}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          child.off('close', onClose);
          child.off('error', onError);
        };
        child.stdout!.on('data', check);
        child.once('close', onClose);
        child.once('error', onError);
        check();
      }),
  };
}
