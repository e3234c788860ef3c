import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installNodeWebRTC } from '../../sdk/src/node/node-webrtc.ts';
import { SignalPipe, datagram, datagramNumber, tappedPeerConnection, waitFor } from './signal-pipe.ts';

/**
 * Two DirectLinks that may only talk through TURN (`iceTransportPolicy: 'relay'`), through a
 * coturn server this test starts on loopback (Debian's `coturn` package: `apt-get install
 * coturn`), on free ports, with a temporary config, killed afterwards. Without `turnserver` the
 * test is skipped with a loud notice, except under CI=true, where a missing coturn fails the run.
 */
const TURNSERVER = '/usr/bin/turnserver';
const hasCoturn = spawnSync(TURNSERVER, ['--version'], { encoding: 'utf8' }).error === undefined;
if (!hasCoturn) {
  const notice = `\n!!! ${TURNSERVER} not found: the TURN test of direct links is SKIPPED. Install Debian's coturn (apt-get install coturn) to run it.\n`;
  if (process.env['CI'] === 'true') throw new Error(notice);
  console.warn(notice);
}

/** A port free for both UDP and TCP on 127.0.0.1 (coturn listens on both). */
async function freePort(): Promise<number> {
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

let coturn: ChildProcess | undefined;
let dir: string | undefined;
let port = 0;
const log: string[] = [];
const USER = 'backspin';
const PASSWORD = 'loopback-only';

beforeAll(async () => {
  if (!hasCoturn) return;
  installNodeWebRTC();
  port = await freePort();
  // Relay ports: a block of 100 above the listening port's neighbourhood; coturn skips busy ones.
  const minPort = 20_000 + Math.floor(Math.random() * 400) * 100;
  dir = mkdtempSync(join(tmpdir(), 'backspin-coturn-'));
  const config = join(dir, 'turnserver.conf');
  writeFileSync(
    config,
    [
      'listening-ip=127.0.0.1',
      `listening-port=${port}`,
      'relay-ip=127.0.0.1',
      `min-port=${minPort}`,
      `max-port=${minPort + 99}`,
      'allow-loopback-peers', // the peers' relayed addresses are on loopback too
      'lt-cred-mech',
      'fingerprint',
      `user=${USER}:${PASSWORD}`,
      'realm=backspin.test',
      'no-tls',
      'no-dtls',
      'no-cli',
      'no-multicast-peers',
      'simple-log',
      'log-file=stdout',
      `pidfile=${join(dir, 'turnserver.pid')}`,
      `userdb=${join(dir, 'turndb')}`,
      '',
    ].join('\n'),
  );
  coturn = spawn(TURNSERVER, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  coturn.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  coturn.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  await waitFor(() => /Total General servers|DB connection success/i.test(log.join('')) || coturn?.exitCode !== null, 5000, 'coturn listening');
  if (coturn.exitCode !== null) throw new Error(`coturn exited ${coturn.exitCode}:\n${log.join('')}`);
});

afterAll(async () => {
  if (coturn !== undefined && coturn.exitCode === null) {
    const exited = new Promise((resolve) => coturn?.once('exit', resolve));
    coturn.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    if (coturn.exitCode === null) coturn.kill('SIGKILL');
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

type SelectedPair = { local: { type: string }; remote: { type: string } } | null;

/**
 * The candidate types of the pair each end uses ("local->remote"), from node-datachannel's
 * `selectedCandidatePair()` extension.
 */
function selectedPairs(connections: readonly RTCPeerConnection[]): string[] {
  return connections.map((pc) => {
    const pair = (pc as unknown as { selectedCandidatePair(): SelectedPair }).selectedCandidatePair();
    return pair === null ? 'none' : `${pair.local.type}->${pair.remote.type}`;
  });
}

describe.skipIf(!hasCoturn)('DirectLink through TURN (coturn on loopback)', () => {
  it("two ends with iceTransportPolicy 'relay' connect through coturn and carry datagrams both ways", async () => {
    const iceServers = [{ urls: `turn:127.0.0.1:${port}?transport=udp`, username: USER, credential: PASSWORD }];
    // libjuice (under node-datachannel) applies the 'relay' policy to the candidates it gathers,
    // not to peer-reflexive ones it learns from incoming checks. On loopback every socket can
    // reach every other, and now and then (seen only under load, always on a slow link, ~1.1 s to
    // open) an end settles on a pair with its own socket (srflx->prflx at both ends bypasses
    // coturn entirely; srflx->relay crosses it on one side only). Browsers never send from a
    // non-relay candidate under 'relay'. So a link that did not end up relay->relay at both ends
    // is retried, up to 3 links, and each such link is reported.
    let p: SignalPipe | undefined;
    let pairs: string[] = [];
    const bypassed: string[] = []; // links not relay->relay at both ends
    for (let attempt = 0; attempt < 3; attempt++) {
      const { ctor, tap } = tappedPeerConnection();
      const next = new SignalPipe({
        seed: 21 + attempt,
        peerConnection: ctor,
        a: { iceServers, iceTransportPolicy: 'relay' },
        b: { iceServers, iceTransportPolicy: 'relay' },
      });
      await waitFor(() => next.a.state === 'open' && next.b.state === 'open', 5000, `both open through TURN (a: ${next.a.state}, b: ${next.b.state})`);
      pairs = selectedPairs(tap.connections);
      expect(pairs).toHaveLength(2);
      if (pairs.every((pair) => pair === 'relay->relay')) {
        p = next;
        break;
      }
      bypassed.push(pairs.join(' '));
      console.warn(`TURN test: libjuice chose ${pairs.join(' ')} (not relay->relay at both ends) after ${next.a.setupMs?.toFixed(0)} ms; retrying with a new link`);
      next.close();
    }
    expect(bypassed.length).toBeLessThan(3);
    if (p === undefined) return;
    try {
      // Only relayed candidates were offered by either end.
      const candidates = p.sent.filter((r) => r.kind === 'candidate').map((r) => r.payload);
      for (const c of candidates) expect(c).toContain('typ relay');
      for (const from of ['a', 'b'] as const) expect(p.sent.some((r) => r.from === from && r.kind === 'candidate')).toBe(true);
      for (let i = 0; i < 100; i++) {
        p.a.send(datagram(i));
        p.b.send(datagram(1000 + i));
      }
      const atA: number[] = [];
      const atB: number[] = [];
      await waitFor(
        () => {
          atA.push(...p.a.receive().map(datagramNumber));
          atB.push(...p.b.receive().map(datagramNumber));
          return atA.length >= 100 && atB.length >= 100;
        },
        3000,
        'datagrams through TURN',
      );
      expect(atB.sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
      expect(atA.sort((x, y) => x - y)).toEqual([...Array(100).keys()].map((i) => 1000 + i));
      await waitFor(() => p.a.stats.pongsReceived >= 6 && p.b.stats.pongsReceived >= 6, 2500, 'settled round trips');
      expect(p.a.rttMs!).toBeLessThan(100);
      expect(p.b.rttMs!).toBeLessThan(100);
      expect(p.a.stats.faults + p.b.stats.faults).toBe(0);
      console.info(`through coturn on port ${port}: open in ${p.a.setupMs?.toFixed(0)} / ${p.b.setupMs?.toFixed(0)} ms, rtt ${p.a.rttMs?.toFixed(2)} / ${p.b.rttMs?.toFixed(2)} ms, ${candidates.length} relay candidates, pairs ${pairs.join(' ')}${bypassed.length > 0 ? `, after ${bypassed.length} link(s) not relayed at both ends` : ''}`);
    } finally {
      p.close();
    }
  }, 20_000);
});
