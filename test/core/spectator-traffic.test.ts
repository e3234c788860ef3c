import { describe, expect, it } from 'vitest';
import { splitSpectatorTraffic } from '../../sdk/src/core/spectator-traffic.ts';
import type { Datagram, Transport } from '../../sdk/src/transport/transport.ts';

/** A transport whose inbox the test fills, recording what is sent. */
function fakeTransport(): Transport & { inbox: Datagram[]; sent: [string, number][] } {
  const t = {
    inbox: [] as Datagram[],
    sent: [] as [string, number][],
    send: (to: string, data: Uint8Array) => void t.sent.push([to, data.length]),
    receive: () => t.inbox.splice(0),
    drainRouteChanges: () => [{ peer: 'p1' }],
  };
  return t;
}

const datagram = (from: string, n: number): Datagram => ({ from, data: new Uint8Array(n) });

describe('splitSpectatorTraffic', () => {
  it("hands the players' datagrams to the session and everyone else's to the feed, each once, whichever side drains first", () => {
    const inner = fakeTransport();
    const split = splitSpectatorTraffic(inner, ['p1', 'p2']);
    inner.inbox.push(datagram('p1', 1), datagram('s1', 2), datagram('p2', 3), datagram('s2', 4));
    expect(split.spectators.receive().map((d) => d.from)).toEqual(['s1', 's2']);
    inner.inbox.push(datagram('s3', 5), datagram('p1', 6));
    expect(split.players.receive().map((d) => d.data.length)).toEqual([1, 3, 6]);
    expect(split.spectators.receive().map((d) => d.from)).toEqual(['s3']);
    expect(split.players.receive()).toEqual([]);
    split.players.send('p2', new Uint8Array(7));
    split.spectators.send('s1', new Uint8Array(8));
    expect(inner.sent).toEqual([['p2', 7], ['s1', 8]]);
    // Route changes concern the players' links: the session's side passes them on.
    expect(split.players.drainRouteChanges?.()).toEqual([{ peer: 'p1' }]);
    expect(split.spectators.drainRouteChanges).toBeUndefined();
  });

  it('drops (and counts) the oldest datagrams of a side that is never drained', () => {
    const inner = fakeTransport();
    const split = splitSpectatorTraffic(inner, ['p1']);
    for (let i = 0; i < 5000; i++) inner.inbox.push(datagram(`s${i}`, 1));
    split.players.receive();
    expect(split.dropped()).toBe(5000 - 4096);
    const kept = split.spectators.receive();
    expect(kept).toHaveLength(4096);
    expect(kept[0]!.from).toBe(`s${5000 - 4096}`);
  });
});
