import { afterEach, describe, expect, it } from 'vitest';
import { agreement, openRoom, play, startLoopbackHost, startMatch } from '../helpers/live-room.ts';
import type { LivePlayer } from '../helpers/live-room.ts';
import type { RunningHost } from '../../sdk/src/host/geckos-host.ts';
import type { RoomConnection } from '../../sdk/src/transport/geckos-room-connection.ts';

/**
 * Real geckos.io on loopback: a host and Node clients (node-datachannel's WebRTC) play the test
 * game for thousands of frames through the host's relay, with loss injected on the clients' side
 * of the real channel. Every confirmed checksum must agree.
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
  ])('%i players with %f loss on each client play 2000 frames in agreement', async (count, loss) => {
    host = await startLoopbackHost();
    members = await openRoom(host, count, { fps: 200 });
    const { match, players } = await startMatch(members, { loss });
    expect(match.players).toHaveLength(count);
    await play(players, () => players.every((p) => p.session.currentFrame >= 2000), 60_000);
    // Let the last inputs settle, then compare.
    await play(players, () => players.every((p: LivePlayer) => p.session.confirmedFrame >= 1990), 10_000);
    const { compared, mismatches } = agreement(players);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(95);
    for (const p of players) {
      expect(p.events.filter((e) => e.type === 'desync' || e.type === 'disconnected')).toEqual([]);
      // The loss really happened (on loopback, a lost packet is often covered by the next one
      // within the input delay, so rollbacks are not guaranteed and are not what this proves).
      if (loss > 0) expect((p.transport as { lost?: number }).lost).toBeGreaterThan(0);
    }
    const relay = host.relay.stats();
    // Unchanged inputs go out every 2 frames: at least ~1000 packets per player reach the others.
    expect(relay.framesRelayed).toBeGreaterThan(1000 * count);
    expect(relay.dropped['bad-destination']).toBe(0);
  }, 90_000);
});
