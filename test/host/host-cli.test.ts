import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lanAddresses } from '../../sdk/src/host/lan-addresses.ts';
import { parseHostArgs } from '../../sdk/src/host/host-cli.ts';
import { installNodeWebRTC } from '../../sdk/src/node/node-webrtc.ts';
import { connectToRoom } from '../../sdk/src/client/geckos-room-connection.ts';
import type { RoomConnection } from '../../sdk/src/client/geckos-room-connection.ts';
import { captureOutput } from '../helpers/child-output.ts';

/**
 * The command-line host as a user runs it: a real child process (`node --import tsx
 * sdk/src/host/host-cli.ts`, or the `backspin-host` bin), its printed addresses, the page it
 * serves (and what it refuses), a Node client creating a room over real WebRTC, and Ctrl+C
 * stopping it cleanly. Every wait is bounded; every child is killed after its test.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = 'sdk/src/host/host-cli.ts';
const BIN = 'sdk/bin/backspin-host.mjs';
const PAGE = '<!doctype html><title>Backspin test page</title><h1>hello from the host</h1>\n';
const SCRIPT = 'export const answer = 42;\n';
const SECRET = 'outside the static folder: must never be served';

installNodeWebRTC();

interface HostProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects after `timeoutMs` or if the process ends first. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Resolves when the process has ended and its output is closed; rejects after `timeoutMs`. */
  ended(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const connections: RoomConnection[] = [];
let work = '';
let staticDir = '';

function runHost(args: readonly string[], via: 'cli' | 'bin' = 'cli'): HostProcess {
  const argv = via === 'cli' ? ['--import', 'tsx', CLI, ...args] : [BIN, ...args];
  const child = spawn(process.execPath, argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const output = captureOutput(child);
  return {
    child,
    stdout: output.stdout,
    stderr: output.stderr,
    waitForOutput: (pattern, timeoutMs) => output.waitForOutput(pattern, timeoutMs, 'the host'),
    ended: (timeoutMs) => withTimeout(output.closed, timeoutMs, 'the host to exit'),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type SeenEvent = ReturnType<RoomConnection['events']>[number];

/** Drains `connection`'s events into `seen` until one satisfies `predicate`; rejects after `timeoutMs`. */
async function waitForEvent(connection: RoomConnection, seen: SeenEvent[], predicate: (e: SeenEvent) => boolean, timeoutMs: number, what: string): Promise<SeenEvent> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    for (const e of connection.events()) seen.push(e);
    const found = seen.find(predicate);
    if (found !== undefined) return found;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; events: ${JSON.stringify(seen.map((e) => e.type))}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The host on a free port serving the test folder, once it has printed its whole banner. */
async function startServingHost(): Promise<{ host: HostProcess; port: number }> {
  const host = runHost(['--port', '0', '--static', staticDir]);
  const port = Number((await host.waitForOutput(/listening on port (\d+)/, 15_000))[1]);
  expect(port).toBeGreaterThan(0);
  await host.waitForOutput(/Press Ctrl\+C to stop\./, 5_000);
  return { host, port };
}

function get(url: string): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(5_000) });
}

/** A Node client creating a room; closed in afterEach, even if it connects after the timeout. */
function connect(port: number): Promise<RoomConnection> {
  const connecting = connectToRoom({ url: 'http://127.0.0.1', port, request: { action: 'create', name: 'a' } });
  connecting.then((c) => connections.push(c), () => undefined);
  return withTimeout(connecting, 10_000, 'the client to connect');
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'backspin-host-cli-'));
  staticDir = join(work, 'game');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), PAGE);
  writeFileSync(join(staticDir, 'game.js'), SCRIPT);
  mkdirSync(join(work, 'private'));
  writeFileSync(join(work, 'private', 'secret.txt'), SECRET);
  // A link inside the served folder to a file outside it: refused, as `..` is.
  symlinkSync(join(work, 'private', 'secret.txt'), join(staticDir, 'linked-secret.txt'));
});

afterEach(() => {
  for (const c of connections.splice(0)) c.close();
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

afterAll(() => {
  for (const c of connections.splice(0)) c.close(); // one that connected only after its test timed out
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('backspin-host on the command line', () => {
  it('--help prints the usage and exits 0 (through the bin)', async () => {
    const host = runHost(['--help'], 'bin');
    const { code } = await host.ended(10_000);
    expect(code).toBe(0);
    expect(host.stdout()).toMatch(/^Usage: backspin-host \[--port 8080\] \[--bind 0\.0\.0\.0\] \[--static DIR\]/);
    expect(host.stdout()).toContain('--static DIR');
    expect(host.stdout()).toContain('Ctrl+C');
    // The limits a LAN host may meet are in the help, with their defaults.
    expect(host.stdout()).toContain('--rooms-per-address N        open rooms one address may have created (default 4)');
    expect(host.stdout()).toContain('--room-creates-per-minute N  rooms one address may create per minute (default 6)');
    expect(host.stdout()).toMatch(/Limits \(docs\/hosting\.md explains each\): 64 rooms in all/);
  });

  it('takes the room limits as whole numbers, and refuses anything else with a reason', () => {
    expect(parseHostArgs([])).toMatchObject({ roomsPerAddress: 4, roomCreatesPerMinute: 6, roomList: true });
    expect(parseHostArgs(['--no-room-list'])).toMatchObject({ roomList: false });
    expect(parseHostArgs(['--rooms-per-address', '40', '--room-creates-per-minute=100'])).toMatchObject({ roomsPerAddress: 40, roomCreatesPerMinute: 100 });
    for (const bad of ['0', '-1', '1.5', 'x', '', '10000000']) {
      expect(() => parseHostArgs([`--rooms-per-address=${bad}`])).toThrow(`--rooms-per-address must be a whole number from 1 to 1000000, got "${bad}"`);
      expect(() => parseHostArgs([`--room-creates-per-minute=${bad}`])).toThrow('--room-creates-per-minute must be a whole number');
    }
  });

  it.each([['abc'], ['70000'], ['1e3'], ['']])('a bad --port %j exits 2 with a clear message and no server', async (port) => {
    const host = runHost([`--port=${port}`]);
    const { code } = await host.ended(10_000);
    expect(code).toBe(2);
    expect(host.stderr()).toContain(`--port must be a whole number from 0 to 65535, got "${port}"`);
    expect(host.stderr()).toContain('Usage: backspin-host');
    expect(host.stdout()).not.toContain('listening');
  });

  it('--static naming a missing folder exits 2 with a clear message', async () => {
    const missing = join(work, 'no-such-folder');
    const host = runHost(['--port', '0', '--static', missing]);
    const { code } = await host.ended(10_000);
    expect(code).toBe(2);
    expect(host.stderr()).toContain(`backspin-host: --static: no such folder: ${missing}`);
    expect(host.stdout()).not.toContain('listening');
  });

  it('serves the page, hosts a room for a Node client, and exits 0 on SIGINT', async () => {
    const { host, port } = await startServingHost();
    const out = host.stdout();

    // The addresses: always this machine; each LAN address, and a QR code of the first, if any.
    expect(out).toContain(`On this machine:  http://localhost:${port}/`);
    const lan = lanAddresses();
    if (lan.length > 0) {
      for (const ip of lan) expect(out).toContain(`On the LAN:       http://${ip}:${port}/`);
      expect(out).toContain(`Scan to join (http://${lan[0]}:${port}/):`);
      // Half-block art, one text line per two rows of modules: 21+ modules and the quiet zone.
      const qrLines = out.split('\n').filter((line) => /[▀▄█]/.test(line));
      expect(qrLines.length).toBeGreaterThanOrEqual(12);
    } else {
      expect(out).toContain('No LAN address found');
      expect(out).not.toContain('Scan to join');
    }
    expect(out).not.toContain('No --static folder');

    // The static folder over HTTP.
    const base = `http://127.0.0.1:${port}`;
    const page = await get(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe(PAGE);
    const script = await get(`${base}/game.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe(SCRIPT);
    const missing = await get(`${base}/missing.js`);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
    const linked = await get(`${base}/linked-secret.txt`);
    expect(linked.status).toBe(403);
    expect(await linked.text()).not.toContain(SECRET);
    const climbing = await get(`${base}/..%2fprivate%2fsecret.txt`);
    expect(climbing.status).toBe(404);
    expect(await climbing.text()).not.toContain(SECRET);

    // A Node client creates a room over WebRTC (UDP on the same port number).
    const connection = await connect(port);
    expect(connection.code).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    expect(connection.slot).toBe(0);
    expect(connection.role).toBe('player');
    const seen: SeenEvent[] = [];
    const welcome = await waitForEvent(connection, seen, (e) => e.type === 'welcome', 5_000, 'welcome');
    expect(welcome).toEqual({ type: 'welcome', slot: 0, code: connection.code, epoch: 1 });
    const state = await waitForEvent(connection, seen, (e) => e.type === 'room-state', 5_000, 'room-state');
    if (state.type !== 'room-state') throw new Error('unreachable');
    expect(state.state.code).toBe(connection.code);
    expect(state.state.phase).toBe('lobby');
    expect(state.state.members).toEqual([{ slot: 0, name: 'a', role: 'player', ready: false, connected: true, owner: true, color: 0, shape: 0 }]);

    // Ctrl+C: the host closes every channel and exits cleanly, at once.
    const stopAt = performance.now();
    expect(host.child.kill('SIGINT')).toBe(true);
    const { code, signal } = await host.ended(5_000);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(performance.now() - stopAt).toBeLessThan(3_000);
    expect(host.stdout()).toContain('SIGINT: telling every player the host is going...');
    expect(host.stdout()).toContain('Host stopped.');
    expect(host.stderr()).toBe('');
    await waitForEvent(connection, seen, (e) => e.type === 'connection', 5_000, 'the client to notice the channel closing');
    expect(connection.state).not.toBe('connected');
  });

  it('on SIGINT the client receives host-closing before its channel closes, and does not try to come back', async () => {
    const { host, port } = await startServingHost();
    const connection = await connect(port);
    const seen: SeenEvent[] = [];
    await waitForEvent(connection, seen, (e) => e.type === 'room-state', 5_000, 'room-state');
    expect(host.child.kill('SIGINT')).toBe(true);
    // The goodbye comes before the channel closes, or not at all.
    await waitForEvent(connection, seen, (e) => e.type === 'host-closing' || e.type === 'connection', 5_000, 'host-closing or the channel closing');
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const e of connection.events()) seen.push(e);
    expect(seen.find((e) => e.type === 'host-closing')).toEqual({ type: 'host-closing', reason: 'the host stopped' });
    expect((await host.ended(5_000)).code).toBe(0);
    await waitForEvent(connection, seen, (e) => e.type === 'connection' && e.state === 'closed', 5_000, 'the connection to close');
    expect(seen.some((e) => e.type === 'connection' && e.state === 'reconnecting')).toBe(false);
    expect(connection.state).toBe('closed');
  });
});
