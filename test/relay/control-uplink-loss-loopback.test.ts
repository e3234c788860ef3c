import { afterEach, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { geckos } from '@geckos.io/client';
import { sleep, startLoopbackHost, waitFor } from '../helpers/live-room.ts';
import type { RunningHost } from '../../sdk/src/host/geckos-host.ts';
import { connectToRoom } from '../../sdk/src/client/geckos-room-connection.ts';
import type { RoomConnection } from '../../sdk/src/client/geckos-room-connection.ts';
import { rawBytes } from '../../sdk/src/transport/raw-bytes.ts';
import { RoomClient } from '../../sdk/src/relay/room-client.ts';
import type { RoomClientEvent } from '../../sdk/src/relay/room-client.ts';
import { encodeConnectRequest } from '../../sdk/src/relay/connect-request.ts';
import type { ConnectRequest } from '../../sdk/src/relay/connect-request.ts';
import { MAX_RELAY_FRAME_BYTES } from '../../sdk/src/relay/relay-frame.ts';
import { MAX_CHAT_LENGTH } from '../../sdk/src/room/control-messages.ts';

/**
 * Fault 6 of issue 8 over real geckos.io on loopback: a member's uplink loses everything for
 * 400 ms while it sends long chat lines; once it works again, every line must reach the room.
 */

/** A member whose RoomClient sends through a switch that can lose every frame up. */
async function memberWithUplinkSwitch(port: number, request: ConnectRequest) {
  const channel = geckos({ url: 'http://127.0.0.1', port, authorization: encodeConnectRequest(request), iceServers: [] });
  const error = await new Promise<unknown>((resolve) => void channel.onConnect((err?: unknown) => resolve(err)));
  if (error !== undefined && error !== null) throw new Error(`refused: ${JSON.stringify(error)}`);
  const client = new RoomClient();
  const uplink = { lose: false, frameSizes: [] as number[] };
  client.attach((frame) => {
    uplink.frameSizes.push(frame.length);
    if (!uplink.lose) channel.raw.emit(frame);
  }, performance.now());
  channel.onRaw((raw: unknown) => {
    const bytes = rawBytes(raw);
    if (bytes !== undefined) client.receive(bytes, performance.now());
  });
  const timer = setInterval(() => client.tick(performance.now()), 10);
  return { client, uplink, close: () => (clearInterval(timer), channel.close()) };
}

let host: RunningHost | undefined;
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await sleep(50);
  await host?.close();
  host = undefined;
});

describe('member control messages after uplink loss, over real geckos.io', () => {
  it('long chat lines sent during 400 ms of uplink loss all reach the room once it works again', async () => {
    host = await startLoopbackHost();
    const ann: RoomConnection = await connectToRoom({ url: 'http://127.0.0.1', port: host.port, request: { action: 'create', name: 'ann' } });
    closers.push(() => ann.close());
    const bo = await memberWithUplinkSwitch(host.port, { action: 'join', code: ann.code, name: 'bo', role: 'player' });
    closers.push(bo.close);
    await waitFor(() => ann.client.room?.members.length === 2 && bo.client.room?.members.length === 2, 5000, 'both members in the room');
    const lines = [0, 1, 2].map((i) => String.fromCodePoint(0x1f600 + i).repeat(MAX_CHAT_LENGTH));
    bo.uplink.lose = true;
    for (const line of lines) bo.client.chat(line);
    await sleep(400);
    bo.uplink.lose = false;
    const heard: RoomClientEvent[] = [];
    await waitFor(() => (heard.push(...ann.events().filter((e): e is RoomClientEvent => e.type === 'chat')), heard.length >= lines.length), 8000, 'every line at ann');
    expect(heard.map((e) => e.type === 'chat' && e.text)).toEqual(lines);
    expect(host.relay.stats().dropped.oversized).toBe(0);
    expect(Math.max(...bo.uplink.frameSizes)).toBeLessThanOrEqual(MAX_RELAY_FRAME_BYTES);
  }, 30_000);
});
