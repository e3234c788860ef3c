import { afterEach, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { sleep, startLoopbackHost, waitFor } from '../helpers/live-room.ts';
import type { RunningHost } from '../../sdk/src/host/geckos-host.ts';
import { connectToRoom } from '../../sdk/src/client/geckos-room-connection.ts';
import type { RoomConnection } from '../../sdk/src/client/geckos-room-connection.ts';

/**
 * Fault 8 of issue 8 over real geckos.io on loopback, through `connectToRoom`'s own reconnect:
 * requests made just before and while a member's channel drops reach the room exactly once, in
 * order, once it is back in its slot.
 */
let host: RunningHost | undefined;
let members: RoomConnection[] = [];
afterEach(async () => {
  for (const m of members) m.close();
  members = [];
  await sleep(100);
  await host?.close();
  host = undefined;
});

describe('control requests across a real reconnect', () => {
  it('chat lines sent as the channel drops arrive once each, in order, after the reconnect', async () => {
    host = await startLoopbackHost();
    const ann = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'create', name: 'ann' } });
    const bo = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'join', code: ann.code, name: 'bo', role: 'player' } });
    members = [ann, bo];
    await waitFor(() => ann.client.room?.members.length === 2 && bo.client.room?.members.length === 2, 5000, 'both in the room');
    const heard: string[] = [];
    const listen = () => {
      for (const e of ann.events()) if (e.type === 'chat') heard.push(e.text);
    };
    bo.client.chat('sent before the drop'); // on its way: the host closes the channel before it can read it
    expect(host.relay.closeMember(ann.code, bo.slot, performance.now())).toBe(true);
    bo.client.chat('sent into the dead channel');
    bo.client.setReady(true);
    await waitFor(() => (listen(), bo.state === 'reconnecting' || heard.length >= 2), 5000, 'bo noticing the drop');
    bo.client.chat('sent while reconnecting');
    await waitFor(() => (listen(), bo.state === 'connected' && heard.length >= 3), 10_000, 'bo back, and its lines heard');
    await sleep(300); // time for any duplicate to show
    listen();
    expect(heard).toEqual(['sent before the drop', 'sent into the dead channel', 'sent while reconnecting']);
    expect(ann.client.room?.members.find((m) => m.slot === bo.slot)?.ready).toBe(true);
    expect(bo.slot).toBe(1);
  }, 30_000);
});
