import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captureOutput } from './child-output.ts';
import type { ChildOutput } from './child-output.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** A `backspin-host` in its own process, on 127.0.0.1 and a free port: a host a test can kill for real. */
export interface HostProcess {
  readonly child: ChildProcess;
  readonly output: ChildOutput;
  readonly port: number;
}

/** Starts `backspin-host --port <port> --bind 127.0.0.1 ...args` (port 0: a free one) and waits until it listens (15 s at most). */
export async function spawnHostProcess(args: readonly string[] = [], port = 0): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sdk/src/host/host-cli.ts', '--port', String(port), '--bind', '127.0.0.1', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const match = await output.waitForOutput(/listening on port (\d+)/, 15_000, 'the host');
  return { child, output, port: Number(match[1]) };
}
