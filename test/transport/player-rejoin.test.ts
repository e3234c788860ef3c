import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { play, startLoopbackHost, startMatch, waitFor, watch } from '../helpers/live-room.ts';
import type { LiveSpectator } from '../helpers/live-room.ts';
import type { RunningHost } from '../../sdk/src/host/geckos-host.ts';
import { connectToRoom } from '../../sdk/src/client/geckos-room-connection.ts';
import type { RoomConnection } from '../../sdk/src/client/geckos-room-connection.ts';
import { compareChecksums } from '../../sdk/src/sim/compare-checksums.ts';

/**
 * Issue 13 on real geckos.io and node-datachannel: a player's process is killed mid-match
 * (SIGKILL: no goodbye), the room removes it, and the player starts again with its reconnect
 * token (test/fixtures/room-player.ts): it is back in its slot, back in the same match
 * (`readmitted`), and its checksums agree with everyone's afterwards. A spectator member joins
 * mid-match and watches through the feed of the player the room's rule names (the killed one): it
 * switches to another player's feed when that one's connection is lost, and every checksum it
 * computes agrees with the players'.
 */
let host: RunningHost | undefined;
let members: RoomConnection[] = [];
const children: ChildProcess[] = [];
let spectator: LiveSpectator | undefined;
afterEach(async () => {
  spectator?.stop();
  spectator = undefined;
  for (const child of children) child.kill('SIGKILL');
  children.length = 0;
  for (const m of members) m.close();
  members = [];
  await host?.close();
  host = undefined;
});

/** A room-player process and what it printed so far. */
function player(port: number, code: string, token?: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/room-player.ts', String(port), code, 'phoenix', ...(token !== undefined ? [token] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const seen = { slot: -1, token: '', frame: 0, readmittedAt: -1, checksums: new Map<number, number>() };
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const [word, a, b] = line.split(' ');
      if (word === 'frame') seen.frame = Number(a);
      else if (word === 'joined') seen.slot = Number(b);
      else if (word === 'token') seen.token = a!;
      else if (word === 'readmitted') seen.readmittedAt = Number(a);
      else if (word === 'checksum') seen.checksums.set(Number(a), Number(b));
    }
  });
  return { child, seen };
}

describe('rejoining a running match on a live host', () => {
  it('a player killed mid-match starts again with its token and is back in the same match, in agreement', async () => {
    host = await startLoopbackHost();
    const owner = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'create', name: 'owner', settings: { fps: 120 } } });
    const second = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'join', code: owner.code, name: 'second', role: 'player' } });
    members = [owner, second];
    const first = player(host.port, owner.code);
    await waitFor(() => first.seen.slot >= 0 && first.seen.token !== '', 15_000, 'the player process to join');
    owner.client.setReady(true);
    second.client.setReady(true);
    await waitFor(() => owner.client.room?.members.length === 3 && owner.client.room.members.every((m) => m.ready), 5000, 'three ready players');
    const { match, players } = await startMatch(members);
    const victim = match.players.indexOf(first.seen.slot);
    await play(players, () => first.seen.frame >= 300 && players.every((p) => p.session.currentFrame >= 300), 20_000);

    // A spectator joins the running match: the rule has the highest-slot player (the process) serve it.
    const watcherConnection = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'join', code: owner.code, name: 'watcher', role: 'spectator' } });
    members.push(watcherConnection);
    await waitFor(() => watcherConnection.client.match !== undefined && watcherConnection.client.room !== undefined, 5000, 'the spectator to hear of the match');
    const watcher = (spectator = watch(watcherConnection));
    expect(watcher.member.sourceSlot).toBe(first.seen.slot);
    await play(players, () => watcher.member.spectator.state === 'watching' && watcher.member.spectator.currentFrame >= players[0]!.session.confirmedFrame - 30, 10_000);
    expect(watcher.events[0]).toMatchObject({ type: 'state-loaded', source: `slot:${first.seen.slot}` });

    first.child.kill('SIGKILL');
    const killedAt = Math.max(...players.map((p) => p.session.currentFrame));
    // The room removes it (host silence, then the match grace) and the others drop it.
    await play(players, () => players.every((p) => p.events.some((e) => e.type === 'disconnected' && e.player === victim)), 10_000);
    expect(owner.client.room!.members.some((m) => m.slot === first.seen.slot)).toBe(false);

    // Meanwhile the spectator watches on through another player's feed, live.
    await play(players, () => watcher.member.spectator.currentFrame >= killedAt + 120, 5000);
    const stand = players.find((p) => p.connection.slot === watcher.member.sourceSlot)!;
    expect(stand.match.feed.spectatorCount).toBe(1);

    // Started again with its token: back into its own slot, and into the match.
    const again = player(host.port, owner.code, first.seen.token);
    await play(players, () => again.seen.readmittedAt >= 0 && players.every((p) => p.events.some((e) => e.type === 'readmitted' && e.player === victim)), 15_000);
    expect(again.seen.slot).toBe(first.seen.slot);
    const frames = players.map((p) => {
      const e = p.events.find((x) => x.type === 'readmitted' && x.player === victim);
      return e?.type === 'readmitted' ? e.frame : -1;
    });
    expect(new Set([...frames, again.seen.readmittedAt]).size).toBe(1);
    // The room no longer lists it as returning once it said it is back.
    await play(players, () => owner.client.room?.rejoining === undefined, 3000);
    for (const p of players) expect(p.roomEvents.filter((e) => e.type === 'member-rejoining')).toMatchObject([{ slot: first.seen.slot, matchId: match.matchId }]);

    // Everyone plays on, the returning player too, in agreement.
    const readmittedAt = again.seen.readmittedAt;
    await play(players, () => again.seen.frame >= readmittedAt + 300 && players.every((p) => p.session.confirmedFrame >= readmittedAt + 300), 15_000);
    const returning = new Map([...again.seen.checksums].filter(([f]) => f >= readmittedAt));
    const { framesCompared, mismatchedFrames } = compareChecksums([...players.map((p) => p.checksums), first.seen.checksums, returning]);
    expect(mismatchedFrames).toEqual([]);
    expect(framesCompared).toBeGreaterThan(20);
    // Shared checksums after the return, with the restarted process among them.
    const shared = [...returning.keys()].filter((f) => players.every((p) => p.checksums.has(f)));
    expect(shared.length).toBeGreaterThan(5);
    for (const p of players) expect(p.events.filter((e) => e.type === 'desync')).toEqual([]);

    // The spectator moved to another player's feed when the process went (and back once it returned),
    // kept watching, and agreed with the players all along, after the switch too.
    expect(watcher.sources[0]).toBe(first.seen.slot);
    expect(watcher.sources[1]).not.toBe(first.seen.slot);
    expect(match.players).toContain(watcher.sources[1]);
    await play(players, () => watcher.member.spectator.currentFrame >= readmittedAt + 300, 10_000);
    const watched = compareChecksums([...players.map((p) => p.checksums), watcher.checksums]);
    expect(watched.mismatchedFrames).toEqual([]);
    const agreedAfterSwitch = [...watcher.checksums.keys()].filter((f) => f > killedAt && players.some((p) => p.checksums.get(f) === watcher.checksums.get(f)));
    expect(agreedAfterSwitch.length).toBeGreaterThan(10);
    expect(watcher.events.filter((e) => e.type === 'desync')).toEqual([]);
    expect(watcher.member.spectator.state).toBe('watching');
  }, 60_000);
});
