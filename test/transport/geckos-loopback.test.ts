import { afterEach, describe, expect, it } from 'vitest';
import { agreement, openRoom, play, startLoopbackHost, startMatch, waitFor } from '../helpers/live-room.ts';
import type { LivePlayer } from '../helpers/live-room.ts';
import type { RunningHost } from '../../sdk/src/host/geckos-host.ts';
import type { RoomConnection } from '../../sdk/src/client/geckos-room-connection.ts';

/**
 * Real geckos.io on loopback: a host and Node clients (node-datachannel's WebRTC) play the test
 * game for thousands of frames through the host's relay (direct links turned off; the mesh tests
 * cover those), with loss injected on the clients' side
 * of the real channel. Every confirmed checksum must agree. Also the round trips the host reports
 * to every member (what a lobby list shows; test/relay/member-pings.test.ts checks the figures
 * themselves in virtual time).
 */
let host: RunningHost | undefined;
let members: RoomConnection[] = [];
afterEach(async () => {
  for (const m of members) m.close();
  members = [];
  await host?.close();
  host = undefined;
});

describe('a match over real geckos.io on loopback', () => {
  it.each([
    [2, 0.0],
    [3, 0.05],
    [4, 0.1],
  ])('%i players with %f loss on each client play 800 frames in agreement', async (count, loss) => {
    host = await startLoopbackHost();
    members = await openRoom(host, count, { fps: 200 }, () => ({ direct: false })); // through the relay: that is what this proves
    const { match, players } = await startMatch(members, { loss });
    expect(match.players).toHaveLength(count);
    await play(players, () => players.every((p) => p.session.currentFrame >= 800), 60_000);
    // Let the last inputs settle, then compare.
    await play(players, () => players.every((p: LivePlayer) => p.session.confirmedFrame >= 790), 10_000);
    const { compared, mismatches } = agreement(players);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(36); // a checksum every 20 frames: 40 by frame 800
    for (const p of players) {
      expect(p.events.filter((e) => e.type === 'desync' || e.type === 'disconnected')).toEqual([]);
      // The loss really happened (on loopback, a lost packet is often covered by the next one
      // within the input delay, so rollbacks are not guaranteed and are not what this proves).
      if (loss > 0) expect((p.transport as { lost?: number }).lost).toBeGreaterThan(0);
    }
    const relay = host.relay.stats();
    // Unchanged inputs go out every 2 frames: at least ~400 packets per player reach the others.
    expect(relay.framesRelayed).toBeGreaterThan(400 * count);
    expect(relay.dropped['bad-destination']).toBe(0);
  }, 90_000);

  it('within 3 s of opening a room of 2, both members see both slots with a small round trip', async () => {
    host = await startLoopbackHost();
    members = await openRoom(host, 2);
    const both = () => members.every((c) => c.client.pings.has(0) && c.client.pings.has(1));
    await waitFor(both, 3000, 'both round trips at both members');
    const code = members[0]!.client.code;
    for (const c of members) {
      for (const slot of [0, 1]) {
        const ms = c.client.pings.get(slot)!;
        expect(Number.isInteger(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(1);
        expect(ms).toBeLessThan(250); // loopback: anything near a heartbeat would be a bug
      }
    }
    for (const slot of [0, 1]) expect(host.relay.memberRttMs(code, slot)).toBeGreaterThan(0);
    console.info(`loopback round trips (ms): ${members.map((c) => JSON.stringify(Object.fromEntries(c.client.pings))).join(' ')}`);
    expect(host.relay.stats().stalePongs).toBe(0);
  }, 20_000);
});
