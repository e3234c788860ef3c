import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geckos } from '@geckos.io/client';
import { agreement, openRoom, play, sleep, startMatch, waitFor } from '../helpers/live-room.ts';
import type { LivePlayer } from '../helpers/live-room.ts';
import { joinWithOwnControl } from '../helpers/raw-member.ts';
import type { RawControlMember } from '../helpers/raw-member.ts';
import { captureOutput } from '../helpers/child-output.ts';
import { spawnHostProcess } from '../helpers/host-process.ts';
import type { HostProcess } from '../helpers/host-process.ts';
import { encodeConnectRequest } from '../../sdk/src/relay/connect-request.ts';
import type { ConnectRequest } from '../../sdk/src/relay/connect-request.ts';
import { connectToRoom } from '../../sdk/src/client/geckos-room-connection.ts';
import type { RoomConnection } from '../../sdk/src/client/geckos-room-connection.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

/**
 * The faults an adversarial LAN guest found in the host (issue 8), each attacked on the real
 * command-line host (`runHostCli`, the code `npm start` runs) in its own process, while an honest
 * three-member match plays in this one. After each attack the host is still up, has logged no
 * internal error, and the honest members agree on every checksum with no frame gap over 200 ms.
 * Attacks that are charged per address come from other loopback addresses (127.0.0.2, ...), so
 * that the honest members' own address is not the one being limited.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/**
 * Open rooms per address (`--rooms-per-address`; the default is 4). Every member this file opens
 * through geckos.io comes from 127.0.0.1: the honest room and a few attackers' rooms at once.
 */
const ROOMS_PER_ADDRESS = 8;
const MiB = 1024 * 1024;

/** A host on the command line: the same process a LAN host runs. */
const spawnHost = spawnHostProcess;

/** The host process's resident memory (bytes), from /proc. */
function rssOf(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

interface HostStats {
  readonly rssBytes: number;
  readonly peers: number;
  readonly pending: number;
  readonly textDropped: number;
  readonly reclaimed: number;
  readonly faults: number;
  readonly refused: Record<string, number>;
  readonly relay: { readonly connections: number; readonly rooms: number };
}

/**
 * Polls the host's counters every 250 ms until `done` holds (true) or `withinMs` passes (false):
 * waits for reclaims and room closings no longer than they take.
 */
async function statsUntil(host: HostProcess, done: (stats: HostStats) => boolean, withinMs: number): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    if (done(await statsOf(host))) return true;
    await sleep(250);
  }
  return false;
}

/** The host's counters, as `kill -USR2` prints them. */
async function statsOf(host: HostProcess): Promise<HostStats> {
  const before = host.output.stdout().length;
  host.child.kill('SIGUSR2');
  const deadline = performance.now() + 5000;
  for (;;) {
    const line = /Stats: (.*)\n/.exec(host.output.stdout().slice(before));
    if (line !== null) return JSON.parse(line[1]!) as HostStats;
    if (performance.now() > deadline) throw new Error('the host printed no stats');
    await sleep(10);
  }
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One HTTP request to the host from `from` (a loopback address), with a fresh connection. */
function http(port: number, method: string, path: string, options: { from?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, localAddress: options.from ?? '127.0.0.1', agent: false, headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A signaling `POST /connections` carrying `request`, from `from`: the WebRTC offer is never answered. */
function offer(port: number, request: ConnectRequest, from: string): Promise<Answer> {
  return http(port, 'POST', '/.wrtc/v2/connections', { from, headers: { authorization: encodeConnectRequest(request), 'content-type': 'application/json' } });
}

/**
 * Sends the head of a request declaring a huge body and a first slice of it, and waits for the
 * host's answer: it must come at once, without the host reading the rest.
 */
function hugeBody(port: number, path: string, declaredBytes: number): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = tcpConnect({ host: '127.0.0.1', port, localAddress: '127.0.0.6' }, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${declaredBytes}\r\n\r\n`);
      socket.write(Buffer.alloc(64 * 1024, 0x7b));
    });
    let answer = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => {
      answer += chunk;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status !== null) {
        resolve({ status: Number(status[1]), ms: performance.now() - t0 });
        socket.destroy();
      }
    });
    socket.on('error', (error) => (answer === '' ? reject(error) : undefined));
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error('the host did not answer a huge body'));
    });
  });
}

/**
 * Drives the honest players in real time in the background, noting per player the longest wall-
 * clock gap between two frames since the last `resetGaps` (ms).
 */
class HonestMatch {
  private running = true;
  private readonly lastAdvance: number[];
  private readonly lastFrame: number[];
  readonly gaps: number[];
  /** Chat lines each player's room connection received. */
  readonly chats: number[];
  readonly done: Promise<void>;

  constructor(readonly players: LivePlayer[]) {
    this.lastAdvance = players.map(() => performance.now());
    this.lastFrame = players.map((p) => p.session.currentFrame);
    this.gaps = players.map(() => 0);
    this.chats = players.map(() => 0);
    this.done = this.loop();
  }

  resetGaps(): void {
    const now = performance.now();
    for (let i = 0; i < this.players.length; i++) {
      this.gaps[i] = 0;
      this.lastAdvance[i] = now;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async loop(): Promise<void> {
    const rng = new Prng(5);
    while (this.running) {
      const now = performance.now();
      this.players.forEach((p, i) => {
        for (const e of p.connection.events()) {
          if (e.type === 'chat') this.chats[i]!++;
          else if (e.type !== 'connection') p.match.applyRoomEvent(e);
        }
        p.session.poll(now);
        for (const e of p.session.events()) p.events.push(e);
        if (p.session.state === 'running') {
          for (let due = p.pacer.framesDue(now, p.session.framesAhead); due > 0; due--) {
            if (rng.nextInt(10) === 0) p.input = Uint8Array.of(rng.nextU32() & 0x0f, rng.nextU32() & 0xff);
            if (p.session.advanceFrame(p.input) !== 'advanced') break;
            p.pacer.frameDone();
          }
        }
        if (p.session.currentFrame !== this.lastFrame[i]) {
          this.gaps[i] = Math.max(this.gaps[i]!, now - this.lastAdvance[i]!);
          this.lastAdvance[i] = now;
          this.lastFrame[i] = p.session.currentFrame;
        }
      });
      await sleep(1);
    }
  }
}

let host: HostProcess;
let members: RoomConnection[] = [];
let honest: HonestMatch;
let staticDir = '';
const hostile: { close(): void }[] = [];
const figures: Record<string, unknown> = {};
let startRss = 0;

/**
 * Runs `attack` while the honest match plays, then checks what must hold after any attack: the
 * host is up and clean, the match kept going with no gap over `allowedGapMs` (200 ms, plus what the
 * attack itself costs, as when the host is stopped), nobody was dropped, and checksums agree.
 */
async function underAttack(name: string, attack: () => Promise<void>, allowedGapMs = 200): Promise<void> {
  honest.resetGaps();
  const from = Math.min(...honest.players.map((p) => p.session.currentFrame));
  await attack();
  await waitFor(() => honest.players.every((p) => p.session.currentFrame >= from + 30), 15_000, `the match going on after ${name}`);
  figures[`${name}.gapsMs`] = honest.gaps.map(Math.round);
  expect(host.child.exitCode, `host exited during ${name}`).toBeNull();
  expect(host.child.signalCode, `host killed during ${name}`).toBeNull();
  expect(host.output.stderr()).not.toMatch(/internal error|Error|abort/i);
  for (const gap of honest.gaps) expect(gap, `frame gap during ${name}`).toBeLessThan(allowedGapMs);
  expect(agreement(honest.players).mismatches).toEqual([]);
  for (const p of honest.players) {
    expect(p.session.state).toBe('running');
    expect(p.events.filter((e) => e.type === 'disconnected' || e.type === 'desync' || e.type === 'ended')).toEqual([]);
  }
}

/** Opens a raw member of its own room, closed when the file ends. */
async function hostileOwner(name: string): Promise<RawControlMember> {
  const member = await joinWithOwnControl(host.port, { action: 'create', name });
  hostile.push(member);
  return member;
}

// ---- the attacks, each usable alone (its test) and in a row (the soak) ----------------------

async function attackText(): Promise<void> {
  const mallory = await hostileOwner('mallory');
  const texts = ['null', 'x', '', '{}', '[]', '{"disconnect":"closed"}', '{"rawMessage":null}', '{"__proto__":{"polluted":1}}', 'true', '1e400', '"s"', 'é'.repeat(5000)];
  for (const text of texts) mallory.emit(text);
  await sleep(300);
  // Still a member in good standing: the host kept its connection.
  expect(mallory.disconnected).toBe(false);
}

async function attackOpenClose(): Promise<void> {
  const owner = await hostileOwner('flaky');
  const reconnect = encodeConnectRequest({ action: 'join', code: owner.code, name: 'flaky', role: 'player', token: owner.token });
  for (let cycle = 0; cycle < 40; cycle++) {
    const channel = geckos({ url: 'http://127.0.0.1', port: host.port, authorization: reconnect, iceServers: [] });
    const delay = cycle % 4; // 0: in the same turn as the open; then 1 to 3 ms later
    await new Promise<void>((resolve) => {
      void channel.onConnect(() => {
        if (delay === 0) channel.close();
        else setTimeout(() => channel.close(), delay);
        resolve();
      });
    });
    await sleep(20);
  }
}

async function attackBodies(): Promise<void> {
  const id = 'A'.repeat(24);
  const answers = await Promise.all([
    hugeBody(host.port, `/.wrtc/v2/connections/${id}/remote-description`, 200_000_000),
    hugeBody(host.port, `/.wrtc/v2/connections/${id}/remote-description`, 200_000_000),
    hugeBody(host.port, '/.wrtc/v2/connections', 200_000_000),
    hugeBody(host.port, '/.wrtc/v2/connections', 20_000),
  ]);
  figures['hugeBody'] = answers;
  for (const a of answers) {
    expect(a.status).toBe(413);
    expect(a.ms).toBeLessThan(1000);
  }
  const chunked = await http(host.port, 'POST', `/.wrtc/v2/connections/${id}/remote-description`, { from: '127.0.0.6', headers: { 'transfer-encoding': 'chunked' }, body: '{}' });
  expect(chunked.status).toBe(411);
  const foreign = await http(host.port, 'POST', '/.wrtc/v2/connections', { from: '127.0.0.6', headers: { origin: 'http://evil.example', authorization: encodeConnectRequest({ action: 'create', name: 'x' }) } });
  expect(foreign.status).toBe(403);
  // No CORS grant for anyone: a page elsewhere cannot read an answer either.
  const preflight = await http(host.port, 'OPTIONS', '/.wrtc/v2/connections', { from: '127.0.0.6', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
  expect(preflight.status).toBe(403);
  const wrongMethod = await http(host.port, 'DELETE', '/.wrtc/v2/connections', { from: '127.0.0.6' });
  expect(wrongMethod.status).toBe(405);
  const answerTo = async (connection: string, body: string) =>
    (await http(host.port, 'POST', `/.wrtc/v2/connections/${connection}/remote-description`, { from: '127.0.0.6', headers: { 'content-type': 'application/json' }, body })).status;
  expect(await answerTo(id, '{"sdp":"v=0","type":"answer"}')).toBe(404);
  // A real connection (a room of its own), answered with nonsense.
  const offered = await offer(host.port, { action: 'create', name: 'bodies' }, '127.0.0.6');
  expect(offered.status).toBe(200);
  const real = (JSON.parse(offered.body) as { id: string }).id;
  for (const body of ['null', '[]', '{"sdp":1,"type":"answer"}', '{"sdp":"v=0","type":"offer"}', '{"sdp":"not an sdp at all","type":"answer"}', '{', `{"sdp":"${'x'.repeat(15_000)}","type":"answer"}`]) {
    expect(await answerTo(real, body), body.slice(0, 40)).toBe(400);
  }
  const candidates = await http(host.port, 'GET', `/.wrtc/v2/connections/${real}/additional-candidates`, { from: '127.0.0.6' });
  expect(candidates.status).toBe(200);
  expect(await http(host.port, 'POST', `/.wrtc/v2/connections/${real}/close`, { from: '127.0.0.6' })).toMatchObject({ status: 200 });
  expect(await answerTo(real, '{"sdp":"v=0","type":"answer"}')).toBe(404);
}

/** Signaling never answered: 4 half-open connections from `from`, then refusals. Returns how many were accepted in all. */
async function attackHalfOpen(from: string): Promise<number> {
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await offer(host.port, { action: 'create', name: `half${i}` }, from)).status);
  figures[`halfOpenStatuses ${from}`] = statuses;
  expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
  expect(statuses.slice(4)).toEqual([429, 429, 429, 429]);
  // Another address is not held up by that one.
  expect((await offer(host.port, { action: 'create', name: 'other' }, '127.0.0.3')).status).toBe(200);
  return 5;
}

async function attackRooms(from: string, other: string): Promise<void> {
  const statuses: number[] = [];
  for (let i = 0; i < ROOMS_PER_ADDRESS + 4; i++) {
    const answer = await offer(host.port, { action: 'create', name: `hog${i}` }, from);
    statuses.push(answer.status);
    // Each connection closed at once: the room stays for its creator's reconnect grace (5 s),
    // and the address is charged for it, not for a half-open connection.
    if (answer.status === 200) await http(host.port, 'POST', `/.wrtc/v2/connections/${(JSON.parse(answer.body) as { id: string }).id}/close`, { from });
  }
  figures[`roomHogStatuses ${from}`] = statuses;
  // 6 creates a minute (425 beyond, and beyond ROOMS_PER_ADDRESS rooms held at once, 412).
  expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
  expect(statuses.slice(6, 8)).toEqual([425, 425]);
  expect(statuses.slice(8).every((s) => s === 412 || s === 425)).toBe(true);
  expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(ROOMS_PER_ADDRESS);
  // Someone else on the LAN still creates a room at once.
  const honestCreate = await offer(host.port, { action: 'create', name: 'honest' }, other);
  expect(honestCreate.status).toBe(200);
  await http(host.port, 'POST', `/.wrtc/v2/connections/${(JSON.parse(honestCreate.body) as { id: string }).id}/close`, { from: other });
}

async function attackTokenAfterFailures(from: string): Promise<void> {
  const owner = await hostileOwner('comeback');
  const guesses: number[] = [];
  for (let i = 0; i < 12; i++) guesses.push((await offer(host.port, { action: 'join', code: 'ZZZZZZ', name: 'guess', role: 'player' }, from)).status);
  expect(guesses.slice(-2)).toEqual([429, 429]);
  // A wrong token is still a failure, refused as such while limited.
  expect((await offer(host.port, { action: 'join', code: owner.code, name: 'x', role: 'player', token: '0'.repeat(32) }, from)).status).toBe(429);
  // The right one comes in.
  const back = await offer(host.port, { action: 'join', code: owner.code, name: 'comeback', role: 'player', token: owner.token }, from);
  expect(back.status).toBe(200);
  await http(host.port, 'POST', `/.wrtc/v2/connections/${(JSON.parse(back.body) as { id: string }).id}/close`, { from });
}

/** A spectator of the honest room floods chat: the honest members hear a few lines, not thousands. */
async function attackChat(): Promise<void> {
  const spammer = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'join', code: members[0]!.code, name: 'spammer', role: 'spectator' } });
  hostile.push(spammer);
  const before = [...honest.chats];
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) {
    spammer.client.chat(`spam ${i}`);
    if (i % 100 === 0) await sleep(5);
  }
  await sleep(1500);
  const seconds = (performance.now() - t0) / 1000;
  const heard = honest.chats.map((n, i) => n - before[i]!);
  figures['chatHeardPerSecond'] = heard.map((n) => Math.round(n / seconds));
  // Each honest member heard the burst allowance and the sustained rate, not 2000 lines.
  for (const n of heard) {
    expect(n).toBeGreaterThan(0);
    expect(n / seconds).toBeLessThan(20);
  }
}

/**
 * A member process in a room of its own with two players of this process is stopped (SIGSTOP) for
 * `freezeMs` in the middle of a match, as a phone locking its screen does, then resumed.
 */
async function freezeMember(freezeMs: number): Promise<{ dropped: boolean; childLines: string }> {
  const owner = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'create', name: 'owner' } });
  const second = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'join', code: owner.code, name: 'second', role: 'player' } });
  hostile.push(owner, second);
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/room-player.ts', String(host.port), owner.code, 'sleepy'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child);
  try {
    const slot = Number((await output.waitForOutput(/joined slot (\d+)/, 15_000, 'the member process'))[1]);
    owner.client.setReady(true);
    second.client.setReady(true);
    await waitFor(() => owner.client.room?.members.length === 3 && owner.client.room.members.every((m) => m.ready), 5000, 'three ready players');
    const { match, players } = await startMatch([owner, second]);
    const sleepy = match.players.indexOf(slot);
    const survivors = new HonestMatch(players);
    try {
      await output.waitForOutput(/frame 300/, 20_000, 'the member process');
      child.kill('SIGSTOP');
      const frozenAt = output.stdout().length;
      await sleep(freezeMs);
      child.kill('SIGCONT');
      // Back: it either plays on within the match, or stops, and never plays alone.
      await sleep(8000);
      const after = output.stdout().slice(frozenAt);
      const dropped = players.map((p) => p.events.find((e) => e.type === 'disconnected' && e.player === sleepy));
      const droppedFrames = dropped.map((e) => (e?.type === 'disconnected' ? e.frame : -1));
      expect(new Set(droppedFrames).size, 'the survivors agree').toBe(1);
      const goal = Math.max(...players.map((p) => p.session.currentFrame)) + 120;
      await waitFor(() => players.every((p) => p.session.currentFrame >= goal), 10_000, 'the survivors going on');
      expect(agreement(players).mismatches).toEqual([]);
      for (const p of players) expect(p.session.state).toBe('running');
      if (droppedFrames[0] === -1) {
        // Not dropped: it is still in the match, and still playing.
        expect(after).not.toMatch(/ended|connection closed/);
        expect(after).toMatch(/frame \d+/);
        const childFrames = [...after.matchAll(/frame (\d+)/g)].map((m) => Number(m[1]));
        expect(Math.max(...childFrames)).toBeGreaterThan(Math.min(...players.map((p) => p.session.currentFrame)) - 300);
      } else {
        // Dropped at an agreed frame: it stopped, said why, and played no frame past that alone.
        expect(after).toMatch(/ended (removed|isolated)|connection closed/);
        const childFrames = [...after.matchAll(/frame (\d+)/g)].map((m) => Number(m[1]));
        for (const f of childFrames) expect(f).toBeLessThanOrEqual(droppedFrames[0]! + 100);
      }
      // Nothing logged on the way (geckos.io's send once logged an error per frame on a closing
      // channel), bar geckos.io's own one line per refused reconnect ("Connection failed with
      // status code 401", "fetch failed").
      expect(after).not.toMatch(/error|Error/);
      for (const line of output.stderr().split('\n').filter((l) => l !== '')) expect(line).toMatch(/^(Connection failed with status code \d{3}\.|fetch failed)$/);
      return { dropped: droppedFrames[0] !== -1, childLines: after };
    } finally {
      await survivors.stop();
    }
  } finally {
    child.kill('SIGKILL');
  }
}

/** The host process itself stops (SIGSTOP) for `stallMs`, then resumes: nobody drops anybody. */
async function stallHost(stallMs: number): Promise<void> {
  host.child.kill('SIGSTOP');
  await sleep(stallMs);
  host.child.kill('SIGCONT');
  await sleep(3000);
  for (const m of members) expect(m.state).toBe('connected');
}

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'backspin-hardening-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>hardening</title>\n');
  host = await spawnHost(['--static', staticDir, '--rooms-per-address', String(ROOMS_PER_ADDRESS)]);
  startRss = rssOf(host.child);
  members = await openRoom(host, 3);
  const { players } = await startMatch(members);
  honest = new HonestMatch(players);
  await waitFor(() => players.every((p) => p.session.currentFrame >= 60), 15_000, 'the honest match running');
}, 60_000);

afterAll(async () => {
  await honest?.stop();
  for (const h of hostile) h.close();
  for (const m of members) m.close();
  await sleep(100);
  host?.child.kill('SIGINT');
  if (host !== undefined) expect((await host.output.closed).code).toBe(0);
  if (staticDir !== '') rmSync(staticDir, { recursive: true, force: true });
  console.log('host hardening figures', JSON.stringify(figures));
});

describe('a live host attacked by a LAN guest, during an honest match', () => {
  it('1. text messages on a data channel (JSON null, garbage, a forged disconnect) are dropped unread', async () => {
    const before = await statsOf(host);
    await underAttack('text', attackText);
    const after = await statsOf(host);
    // ('' may not leave the client at all: libdatachannel sends an empty string as an empty binary.)
    expect(after.textDropped - before.textDropped).toBeGreaterThanOrEqual(11);
    expect(after.faults).toBe(0);
  });

  it('2. channels opened and closed at once, over and over, leave nothing behind', async () => {
    await underAttack('open-close', attackOpenClose);
    await sleep(500);
    const after = await statsOf(host);
    expect(after.faults).toBe(0);
    expect(after.pending).toBe(0);
  });

  it('3. a huge, chunked or foreign signaling request is refused before its body is read', async () => {
    const rssBefore = rssOf(host.child);
    await underAttack('bodies', attackBodies);
    figures['bodiesRssGrowthMiB'] = (rssOf(host.child) - rssBefore) / MiB;
    expect(rssOf(host.child) - rssBefore).toBeLessThan(32 * MiB);
  });

  it('4. half-open connections are capped per address and reclaimed when their channel never opens', async () => {
    const before = await statsOf(host);
    let opened = 0;
    await underAttack('half-open', async () => {
      opened = await attackHalfOpen('127.0.0.2');
    });
    expect((await statsOf(host)).pending).toBe(before.pending + opened);
    // Past the 10 s open deadline every one of them is reclaimed, and the address may try again.
    await sleep(10_500);
    const after = await statsOf(host);
    expect(after.pending).toBe(0);
    expect(after.reclaimed - before.reclaimed).toBe(opened);
    expect((await offer(host.port, { action: 'create', name: 'again' }, '127.0.0.2')).status).toBe(200);
  }, 30_000);

  it('5. rooms are charged per address: a guest cannot take every room, and others still create theirs', async () => {
    await underAttack('rooms', () => attackRooms('127.0.0.4', '127.0.0.5'));
  });

  it('7. a reconnect with a valid token is let in although its address is rate-limited for failures', async () => {
    await underAttack('token-before-limit', () => attackTokenAfterFailures('127.0.0.7'));
  });

  it('10. a chat flood reaches the other members as a trickle', async () => {
    await underAttack('chat', attackChat);
  });

  it('11. members frozen (SIGSTOP) mid-match, each in a room of its own: one frozen 5 s is dropped at one agreed frame and stops, never playing on alone; one frozen 2 s comes back into the match', async () => {
    // Both at once (two rooms, two member processes): the rooms share nothing but the host.
    await underAttack('frozen-members', async () => {
      const [long, short] = await Promise.all([freezeMember(5000), freezeMember(2000)]);
      figures['frozen5s'] = long;
      expect(long.dropped, 'the member frozen 5 s is dropped').toBe(true);
      expect(short.dropped, 'the member frozen 2 s is not').toBe(false);
    });
  }, 60_000);

  it('12. the host stopped for 3.5 s: every member waits, nobody drops anybody, the match goes on in agreement', async () => {
    // The gap is the stall itself, the members' reconnect and catching up.
    await underAttack('host-stall', () => stallHost(3500), 3500 + 1500);
  }, 60_000);
  it('soak: every attack in a row, then the host serves the page and a new match, with its memory and connections back where they were', async () => {
    // The attackers of the tests above leave first: their rooms count against this machine's
    // address (4 open rooms each), as they would for a guest on the LAN.
    for (const h of hostile.splice(0)) h.close();
    // Their rooms close after the reconnect grace (5 s): then only the honest room is left.
    await statsUntil(host, (s) => s.relay.rooms === 1 && s.relay.connections === 3, 10_000);
    // The slow ones, frozen members and a stalled host (tests 11 and 12, 20 s together), ran on
    // this same host just before: what they left behind is in the figures checked below, so they
    // are not played a second time here.
    await underAttack('soak', async () => {
      await attackText();
      await attackOpenClose();
      await attackBodies();
      await attackHalfOpen('127.0.0.8');
      await attackRooms('127.0.0.9', '127.0.0.10');
      await attackTokenAfterFailures('127.0.0.11');
      await attackChat();
    });
    // Every hostile member goes; half-open connections are reclaimed (10 s after they were made);
    // empty rooms close after the grace (5 s). The checks below then say whether all of it happened.
    for (const h of hostile.splice(0)) h.close();
    await statsUntil(host, (s) => s.pending === 0 && s.peers === 3 && s.relay.connections === 3 && s.relay.rooms === 1, 15_000);
    const page = await http(host.port, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('hardening');
    const newcomers = await openRoom(host, 2);
    try {
      const { players } = await startMatch(newcomers);
      await play(players, () => players.every((p) => p.session.currentFrame >= 300), 20_000);
      expect(agreement(players).mismatches).toEqual([]);
      expect(agreement(players).compared).toBeGreaterThan(10);
      const after = await statsOf(host);
      figures['soakEnd'] = { ...after, rssGrowthMiB: (after.rssBytes - startRss) / MiB };
      // The honest three and the two newcomers, nothing else.
      expect(after.pending).toBe(0);
      expect(after.peers).toBe(5);
      expect(after.relay.connections).toBe(5);
      expect(after.relay.rooms).toBe(2);
      expect(after.faults).toBe(0);
      expect(after.rssBytes - startRss).toBeLessThan(64 * MiB);
    } finally {
      for (const m of newcomers) m.close();
    }
  }, 150_000);

  it('9. a member process outlives its host: no unhandled rejection, a closed connection, exit 0', async () => {
    const doomed = await spawnHost([]);
    const member = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/room-member.ts', String(doomed.port), 'create', 'survivor'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = captureOutput(member);
    try {
      await output.waitForOutput(/joined \S+ slot 0/, 15_000, 'the member');
      doomed.child.kill('SIGKILL');
      await output.waitForOutput(/connection reconnecting/, 5000, 'the member');
      // 8 reconnect attempts 250 ms apart, each refused at once (nothing listens), then closed.
      await output.waitForOutput(/connection closed/, 15_000, 'the member');
      const end = await output.closed;
      expect(output.stderr()).not.toMatch(/Unhandled|uncaught/i);
      expect(end).toEqual({ code: 0, signal: null });
      expect(output.stdout()).toMatch(/done/);
    } finally {
      member.kill('SIGKILL');
      doomed.child.kill('SIGKILL');
    }
  }, 40_000);
});
