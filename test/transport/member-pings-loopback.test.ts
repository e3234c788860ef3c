import { afterEach, describe, expect, it } from 'vitest';
import { openRoom, startLoopbackHost, waitFor } from '../helpers/live-room.ts';
import type { RunningHost } from '../../sdk/src/host/geckos-host.ts';
import type { RoomConnection } from '../../sdk/src/transport/geckos-room-connection.ts';

/**
 * The round trips the host reports, over real geckos.io on loopback: what a lobby list shows.
 * (test/relay/member-pings.test.ts checks the figures themselves in virtual time.)
 */
let host: RunningHost | undefined;
let members: RoomConnection[] = [];
afterEach(async () => {
  for (const m of members) m.close();
  members = [];
  await host?.close();
  host = undefined;
});

describe('member round trips over real geckos.io on loopback', () => {
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
