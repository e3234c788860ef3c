import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { agreement, play, startLoopbackHost, startMatch, waitFor } from '../helpers/live-room.ts';
import type { RunningHost } from '../../sdk/src/host/geckos-host.ts';
import { connectToRoom } from '../../sdk/src/client/geckos-room-connection.ts';
import { HOST_SILENCE_TIMEOUT_MS, MATCH_DISCONNECT_TIMEOUT_MS } from '../../sdk/src/relay/match-session.ts';
import { DEFAULT_MATCH_RECONNECT_GRACE_MS } from '../../sdk/src/room/room-authority.ts';
import type { RoomConnection } from '../../sdk/src/client/geckos-room-connection.ts';

/**
 * Failures on real geckos.io: a player's process is killed mid-match (SIGKILL: no goodbye, no
 * closed channel), and a player's channel drops for a moment (as geckos does on a brief ICE
 * hiccup) and comes back into the same slot.
 */
let host: RunningHost | undefined;
let members: RoomConnection[] = [];
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  for (const m of members) m.close();
  members = [];
  await host?.close();
  host = undefined;
});

describe('failures on a live host', () => {
  it('a player killed mid-match is dropped by the others at one agreed frame, and they go on', async () => {
    host = await startLoopbackHost();
    const owner = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'create', name: 'owner', settings: { fps: 120 } } });
    const second = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'join', code: owner.code, name: 'second', role: 'player' } });
    members = [owner, second];
    child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/room-player.ts', String(host.port), owner.code, 'doomed'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let childFrame = 0;
    let childSlot = -1;
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        const f = /^frame (\d+)/.exec(line);
        if (f !== null) childFrame = Number(f[1]);
        const s = /^joined slot (\d+)/.exec(line);
        if (s !== null) childSlot = Number(s[1]);
      }
    });
    await waitFor(() => childSlot >= 0, 15_000, 'the child process to join');
    owner.client.setReady(true);
    second.client.setReady(true);
    await waitFor(() => owner.client.room?.members.length === 3 && owner.client.room.members.every((m) => m.ready), 5000, 'three ready players');
    const { match, players } = await startMatch(members);
    const victim = match.players.indexOf(childSlot);
    expect(victim).toBeGreaterThanOrEqual(0);

    await play(players, () => childFrame >= 600 && players.every((p) => p.session.currentFrame >= 600), 30_000);
    const killedAt = performance.now();
    child.kill('SIGKILL');
    const disconnectedAt = (p: (typeof players)[number]) => p.events.find((e) => e.type === 'disconnected' && e.player === victim);
    await play(players, () => players.every((p) => disconnectedAt(p) !== undefined), 15_000);
    const detectedMs = performance.now() - killedAt;
    const frames = players.map((p) => {
      const e = disconnectedAt(p);
      return e?.type === 'disconnected' ? e.frame : -1;
    });
    expect(new Set(frames).size).toBe(1);
    expect(frames[0]).toBeGreaterThanOrEqual(590);
    // The room decides: the host hears nothing for 1.5 s, holds the slot for the match grace
    // (2.5 s), then tells every member (member-dropped), before the session's own backstop timeout
    // (5 s) and far sooner than ICE or geckos would.
    expect(detectedMs).toBeGreaterThan(HOST_SILENCE_TIMEOUT_MS + DEFAULT_MATCH_RECONNECT_GRACE_MS - 500);
    expect(detectedMs).toBeLessThan(MATCH_DISCONNECT_TIMEOUT_MS);
    // The survivors go on, in agreement.
    const goal = Math.max(...players.map((p) => p.session.currentFrame)) + 600;
    await play(players, () => players.every((p) => p.session.currentFrame >= goal), 20_000);
    const { mismatches, compared } = agreement(players);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(40);
    for (const p of players) expect(p.session.peerStats(victim).connected).toBe(false);
  }, 60_000);

  it('a channel that drops for a moment reconnects into the same slot, and the match goes on unaware', async () => {
    host = await startLoopbackHost();
    const owner = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'create', name: 'owner', settings: { fps: 120 } } });
    const other = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'join', code: owner.code, name: 'wobbly', role: 'player' } });
    members = [owner, other];
    owner.client.setReady(true);
    other.client.setReady(true);
    await waitFor(() => owner.client.room?.members.length === 2 && owner.client.room.members.every((m) => m.ready), 5000, 'two ready players');
    const { players } = await startMatch(members);
    await play(players, () => players.every((p) => p.session.currentFrame >= 300), 20_000);

    // The host loses the wobbly member's channel, as on an ICE "disconnected".
    expect(host.relay.closeMember(owner.code, other.slot, performance.now())).toBe(true);
    await play(players, () => other.state === 'reconnecting', 5000).catch(() => undefined);
    await play(players, () => other.state === 'connected' && players.every((p) => p.session.currentFrame >= 900), 20_000);

    const wobbly = players.find((p) => p.connection === other)!;
    const states = [...wobbly.roomEvents, ...other.events()].filter((e) => e.type === 'connection').map((e) => (e.type === 'connection' ? e.state : ''));
    expect(states).toEqual(['reconnecting', 'connected']);
    expect(other.slot).toBe(1);
    for (const p of players) expect(p.events.filter((e) => e.type === 'disconnected' || e.type === 'desync')).toEqual([]);
    await play(players, () => players.every((p) => p.session.confirmedFrame >= 890), 10_000);
    const { mismatches, compared } = agreement(players);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(40);
  }, 60_000);
});
