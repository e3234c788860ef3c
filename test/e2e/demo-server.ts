import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { captureOutput } from '../helpers/child-output.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The script `npm start` runs (package.json), with `node --import tsx`. */
const START_SCRIPT = 'demo-game/scripts/start.ts';

/** `npm start` running the demo: the port it printed, its output, and how to stop it. */
export interface DemoServer {
  readonly port: number;
  /** Everything printed so far, stdout then stderr. */
  output(): string;
  /**
   * SIGINT to the host process, the one running the start script. Resolves with how `npm start`
   * ended (the host's exit code, passed up by npm); rejects, after killing the group, if it is
   * still running after `timeoutMs`.
   *
   * To the host only, not to npm: npm's shell (dash) does not pass a signal on. Not to the whole
   * group as Ctrl+C in a terminal does either: npm itself then exits by the signal, whatever the
   * host does. (`npm start` runs the host as `node --import tsx`, one process: the `tsx` command
   * relays signals to a child and kills it 30 ms later, which cut the host's goodbye short.)
   */
  interrupt(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to the whole group unless it has ended: for failed tests, so that nothing is left running. */
  kill(): void;
  /**
   * SIGINT to the whole group (npm, its shell, the host), as Ctrl+C in a terminal sends it.
   * Resolves once every process of it has ended; rejects, after killing the group, after `timeoutMs`.
   */
  interruptGroup(timeoutMs: number): Promise<void>;
}

/**
 * Runs `npm start -- …hostArgs` in a process group of its own (npm, its shell, the host) and
 * resolves once the host prints its port. The first run after a source change builds the demo,
 * hence the long `timeoutMs`. On any failure the group is killed before the promise rejects.
 */
export function startDemoServer(hostArgs: readonly string[], timeoutMs: number): Promise<DemoServer> {
  const child = spawn('npm', ['start', '--', ...hostArgs], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const captured = captureOutput(child);
  const closed = captured.closed;
  const output = () => `${captured.stdout()}${captured.stderr() === '' ? '' : `\n[stderr]\n${captured.stderr()}`}`;
  // A safety net for a worker that exits without running afterAll; dropped once the group is stopped.
  const onExit = () => killGroup(child);
  process.once('exit', onExit);
  const kill = () => {
    process.off('exit', onExit);
    killGroup(child);
  };

  const interrupt = async (ms: number) => {
    if (!ended(child)) {
      const host = hostProcess(child.pid!);
      if (host === undefined) {
        kill();
        throw new Error(`no process running ${START_SCRIPT} in npm's process group; killed the group\n${output()}`);
      }
      process.kill(host, 'SIGINT');
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        kill();
        reject(new Error(`npm start was still running ${ms} ms after SIGINT; killed it\n${output()}`));
      }, ms);
    });
    try {
      const result = await Promise.race([closed, late]);
      process.off('exit', onExit);
      return result;
    } finally {
      clearTimeout(timer);
    }
  };

  const interruptGroup = async (ms: number) => {
    const host = hostProcess(child.pid!);
    try {
      process.kill(-child.pid!, 'SIGINT');
    } catch {
      // the group has ended
    }
    const deadline = Date.now() + ms;
    // npm may end first (by the signal): wait for the host itself.
    while (host !== undefined && existsSync(`/proc/${host}`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (host !== undefined && existsSync(`/proc/${host}`)) {
      kill();
      throw new Error(`the host was still running ${ms} ms after Ctrl+C; killed it\n${output()}`);
    }
    process.off('exit', onExit);
  };

  return captured.waitForOutput(/Backspin host listening on port (\d+) /, timeoutMs, 'npm start').then(
    (match) => ({ port: Number(match[1]), output, interrupt, kill, interruptGroup }),
    (error: unknown) => {
      kill();
      throw error;
    },
  );
}

function ended(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * The process of group `groupId` that runs the start script and has no child running it too:
 * the host (were it run by the `tsx` command, the child node process). Read from /proc (Linux), so that no
 * `ps` is needed.
 */
function hostProcess(groupId: number): number | undefined {
  const members: { pid: number; ppid: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After "pid (comm) ": state, ppid, pgrp, … (comm may hold spaces and parentheses).
      const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) !== groupId) continue;
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(START_SCRIPT)) continue;
      members.push({ pid: Number(entry), ppid: Number(ppid) });
    } catch {
      // the process ended while being read
    }
  }
  return members.find((m) => !members.some((other) => other.ppid === m.pid))?.pid;
}

/** Kills the group led by `child` (npm, its shell, the host), which this module started. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // ESRCH: the whole group has already ended
  }
}
