import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * A coturn TURN server for tests (Debian's `coturn` package: `apt-get install coturn`), started
 * on loopback on free ports with a temporary config and long-term credentials, and stopped (and
 * its files removed) by `stop()`. Tests that need it call `coturnOrSkip` at module level and skip
 * when it says so: without `turnserver` they are skipped with a loud notice, except under CI=true,
 * where a missing coturn fails the run.
 */
export const TURNSERVER = '/usr/bin/turnserver';

/** Whether `turnserver` can be run here. */
export const hasCoturn = spawnSync(TURNSERVER, ['--version'], { encoding: 'utf8' }).error === undefined;

/**
 * Call at module level: returns whether coturn is there; if not, warns loudly that `what` is
 * skipped, or throws under CI=true (a CI without coturn must not pass silently).
 */
export function coturnOrSkip(what: string): boolean {
  if (hasCoturn) return true;
  const notice = `\n!!! ${TURNSERVER} not found: ${what} is SKIPPED. Install Debian's coturn (apt-get install coturn) to run it.\n`;
  if (process.env['CI'] === 'true') throw new Error(notice);
  console.warn(notice);
  return false;
}

/** A port free for both UDP and TCP on 127.0.0.1 (coturn listens on both). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

export interface CoturnOptions {
  /** The long-term credential's user. Default 'backspin'. */
  readonly username?: string;
  /** Its password. Default 'loopback-only'. */
  readonly credential?: string;
  /** Default 'backspin.test'. */
  readonly realm?: string;
  /**
   * The address coturn relays from (`relay-ip`). Default 127.0.0.1, the clients' own address.
   * 127.0.0.2 (any 127.x address: on Linux the whole 127.0.0.0/8 is loopback) closes the side
   * door libjuice finds on loopback: a TURN permission is for an IP, so with the relayed
   * addresses on the clients' IP an end's own socket may send into the other end's allocation,
   * which then learns a peer-reflexive candidate and can move the pair off TURN (srflx->prflx).
   */
  readonly relayIp?: string;
  /** How many relay ports coturn may allocate from (a random block of this size). Default 100. */
  readonly relayPorts?: number;
}

export interface Coturn {
  /** coturn's listening port (UDP and TCP) on 127.0.0.1. */
  readonly port: number;
  readonly username: string;
  readonly credential: string;
  /** The ports coturn relays from (`min-port`..`max-port`): a relayed candidate's port is in it. */
  readonly relayPorts: { readonly min: number; readonly max: number };
  /** The lines of the config it runs with. */
  readonly config: readonly string[];
  /**
   * The `iceServers` entry that reaches it over UDP; `credential` overrides the password (e.g. a
   * wrong one, for a test of links that cannot open).
   */
  iceServer(credential?: string): RTCIceServer;
  /** Everything coturn wrote so far (stdout and stderr), for diagnostics and counting. */
  log(): string;
  /** Allocations coturn granted so far (its "ALLOCATE processed, success" log lines; needs `verbose`, which the config has). */
  allocations(): number;
  /** The relayed addresses ("127.0.0.1:port") coturn allocated so far ("Local relay addr" log lines). */
  relayAddresses(): string[];
  /** Stops coturn (SIGTERM, then SIGKILL after 2 s) and removes its temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/** Starts coturn on loopback; resolves once it listens (rejects with its log if it exits or stalls). */
export async function startCoturn(options: CoturnOptions = {}): Promise<Coturn> {
  if (!hasCoturn) throw new Error(`${TURNSERVER} not found`);
  const username = options.username ?? 'backspin';
  const credential = options.credential ?? 'loopback-only';
  const realm = options.realm ?? 'backspin.test';
  const relayPorts = options.relayPorts ?? 100;
  const relayIp = options.relayIp ?? '127.0.0.1';
  const port = await freePort();
  // Relay ports: a random block of `relayPorts` in 20000..59999; coturn skips busy ones.
  const minPort = 20_000 + Math.floor(Math.random() * Math.floor(40_000 / relayPorts)) * relayPorts;
  const dir = mkdtempSync(join(tmpdir(), 'backspin-coturn-'));
  const configPath = join(dir, 'turnserver.conf');
  const config = [
    'listening-ip=127.0.0.1',
    `listening-port=${port}`,
    `relay-ip=${relayIp}`,
    `min-port=${minPort}`,
    `max-port=${minPort + relayPorts - 1}`,
    'allow-loopback-peers', // the peers' relayed addresses are on loopback too
    'lt-cred-mech',
    'fingerprint',
    `user=${username}:${credential}`,
    `realm=${realm}`,
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-multicast-peers',
    'verbose', // each allocation, permission, channel bind and refused credential in the log
    'simple-log',
    'log-file=stdout',
    `pidfile=${join(dir, 'turnserver.pid')}`,
    `userdb=${join(dir, 'turndb')}`,
  ];
  writeFileSync(configPath, [...config, ''].join('\n'));
  const chunks: string[] = [];
  const log = () => chunks.join('');
  const child: ChildProcess = spawn(TURNSERVER, ['-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = performance.now() + 5000;
  while (!/Total General servers|DB connection success/i.test(log()) && child.exitCode === null) {
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`coturn did not start listening in 5 s:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (child.exitCode !== null) {
    await stop();
    throw new Error(`coturn exited ${child.exitCode}:\n${log()}`);
  }
  return {
    port,
    username,
    credential,
    relayPorts: { min: minPort, max: minPort + relayPorts - 1 },
    config,
    iceServer: (password = credential) => ({ urls: `turn:127.0.0.1:${port}?transport=udp`, username, credential: password }),
    log,
    allocations: () => log().match(/ALLOCATE processed, success/g)?.length ?? 0,
    relayAddresses: () => [...log().matchAll(/Local relay addr: (\S+)/g)].map((m) => m[1]!),
    stop,
  };
}
