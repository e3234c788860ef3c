import { describe, expect, it } from 'vitest';
import { RelayRoute, addressSlot, slotAddress } from '../../sdk/src/relay/relay-route.ts';
import { RoomClient } from '../../sdk/src/relay/room-client.ts';
import { demuxHostFrame } from '../../sdk/src/relay/host-frame-demux.ts';
import { MAX_CONTROL_FRAME_BYTES, MAX_RELAY_FRAME_BYTES, RelayFrameKind, encodeDataFrame, encodePingFrame } from '../../sdk/src/relay/relay-frame.ts';
import { MAX_PACKET_BYTES } from '../../sdk/src/protocol/messages.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

/** A route attached to a recorder of the frames it sends. */
function rig(options: { maxQueuedPackets?: number } = {}) {
  const route = new RelayRoute(options);
  const sent: Uint8Array[] = [];
  route.attach((frame) => sent.push(frame));
  return { route, sent };
}

describe('slot addresses', () => {
  it('slot:N round-trips for every slot', () => {
    for (let slot = 0; slot <= 31; slot++) {
      expect(slotAddress(slot)).toBe(`slot:${slot}`);
      expect(addressSlot(slotAddress(slot))).toBe(slot);
    }
  });

  it('anything else is no slot', () => {
    for (const address of ['', 'slot:', 'slot:-1', 'slot:1.5', 'slot:1e1', 'Slot:1', ' slot:1', 'slot:1 ', 'slot:1\n', 'slot:100', 'slot:0x1', '127.0.0.1:9000', 'slot:١']) {
      expect(addressSlot(address), JSON.stringify(address)).toBeUndefined();
    }
  });
});

describe('RelayRoute: sending', () => {
  it('sends a Data frame to the addressed slot, as a fresh array', () => {
    const { route, sent } = rig();
    const packet = bytes(0xb5, 1, 2);
    route.send('slot:3', packet);
    route.send('slot:31', bytes(7));
    packet[0] = 0; // the session reuses its buffer
    expect(sent.map((f) => [...f])).toEqual([
      [RelayFrameKind.Data, 3, 0xb5, 1, 2],
      [RelayFrameKind.Data, 31, 7],
    ]);
    expect(route.stats).toEqual({ inboxOverflow: 0, unaddressable: 0, sentDetached: 0, malformed: 0 });
  });

  it('drops, without throwing, and counts what has no slot of 0..31', () => {
    const { route, sent } = rig();
    const addresses = ['', 'peer-1', 'slot:x', 'slot:32', 'slot:99', 'slot:07', '10.0.0.1:9000'];
    for (const to of addresses) expect(() => route.send(to, bytes(1))).not.toThrow();
    expect(sent).toEqual([]);
    expect(route.stats.unaddressable).toBe(addresses.length);
    expect(route.stats.sentDetached).toBe(0);
  });

  it('drops, without throwing, and counts what is sent with no channel attached', () => {
    const { route, sent } = rig();
    route.detach();
    route.send('slot:1', bytes(1));
    expect(sent).toEqual([]);
    const never = new RelayRoute();
    expect(() => never.send('slot:1', bytes(1))).not.toThrow();
    expect(route.stats.sentDetached).toBe(1);
    expect(never.stats.sentDetached).toBe(1);
    expect(route.stats.unaddressable).toBe(0);
  });

  it('a packet over MAX_PACKET_BYTES is a bug in the caller: RangeError', () => {
    const { route, sent } = rig();
    route.send('slot:1', new Uint8Array(MAX_PACKET_BYTES));
    expect(sent[0]).toHaveLength(MAX_RELAY_FRAME_BYTES);
    expect(() => route.send('slot:1', new Uint8Array(MAX_PACKET_BYTES + 1))).toThrow(RangeError);
  });

  it('attach again (a reconnect) re-points sending to the new channel; held packets stay', () => {
    const { route, sent } = rig();
    route.deliver(4, bytes(1));
    route.detach();
    route.send('slot:1', bytes(2)); // between the drop and the reconnect: lost
    const next: Uint8Array[] = [];
    route.attach((frame) => next.push(frame));
    route.send('slot:1', bytes(3));
    expect(sent).toEqual([]);
    expect(next.map((f) => [...f])).toEqual([[RelayFrameKind.Data, 1, 3]]);
    expect(route.receive().map((d) => [d.from, [...d.data]])).toEqual([['slot:4', [1]]]);
  });
});

describe('RelayRoute: receiving', () => {
  it('hands out each delivered packet once, as from slot:N, as a copy of the bytes', () => {
    const { route } = rig();
    const payload = bytes(9, 8, 7);
    route.deliver(2, payload);
    route.deliver(0, bytes(1));
    payload[0] = 0; // the channel may reuse its buffer
    expect(route.receive().map((d) => [d.from, [...d.data]])).toEqual([
      ['slot:2', [9, 8, 7]],
      ['slot:0', [1]],
    ]);
    expect(route.receive()).toEqual([]);
  });

  it('an empty drain allocates nothing: the same frozen empty array every time', () => {
    const { route } = rig();
    const a = route.receive();
    expect(a).toEqual([]);
    expect(route.receive()).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('holds at most maxQueuedPackets undrained packets, dropping the oldest (counted)', () => {
    const { route } = rig({ maxQueuedPackets: 3 });
    for (let i = 0; i < 5; i++) route.deliver(1, bytes(i));
    expect(route.receive().map((d) => d.data[0])).toEqual([2, 3, 4]);
    expect(route.stats.inboxOverflow).toBe(2);
    for (let i = 0; i < 3; i++) route.deliver(1, bytes(i)); // drained: room again for 3
    expect(route.receive()).toHaveLength(3);
    expect(route.stats.inboxOverflow).toBe(2);
  });

  it('the default bound is 4096 packets', () => {
    const { route } = rig();
    for (let i = 0; i < 5000; i++) route.deliver(1, bytes(i & 0xff));
    const got = route.receive();
    expect(got).toHaveLength(4096);
    expect(got[0]!.data[0]).toBe((5000 - 4096) & 0xff);
    expect(route.stats.inboxOverflow).toBe(904);
  });

  it('refuses a bound that is not a whole number of packets ≥ 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new RelayRoute({ maxQueuedPackets: bad })).toThrow(RangeError);
    expect(() => new RelayRoute({ maxQueuedPackets: 1 })).not.toThrow();
  });

  it('refuses and counts a delivery no Data frame can carry: slot outside 0..31, empty or oversized packet', () => {
    const { route } = rig();
    route.deliver(-1, bytes(1));
    route.deliver(32, bytes(1));
    route.deliver(1.5, bytes(1));
    route.deliver(Number.NaN, bytes(1));
    route.deliver(1, new Uint8Array(0));
    route.deliver(1, new Uint8Array(MAX_PACKET_BYTES + 1));
    expect(route.receive()).toEqual([]);
    expect(route.stats).toEqual({ inboxOverflow: 0, unaddressable: 0, sentDetached: 0, malformed: 6 });
    route.deliver(31, new Uint8Array(MAX_PACKET_BYTES));
    expect(route.receive().map((d) => [d.from, d.data.length])).toEqual([['slot:31', MAX_PACKET_BYTES]]);
  });
});

describe('demuxHostFrame: a member splits the frames from the host', () => {
  function planes() {
    const client = new RoomClient();
    const route = new RelayRoute();
    const sent: Uint8Array[] = [];
    const send = (frame: Uint8Array) => sent.push(frame);
    client.attach(send, 0);
    route.attach(send);
    return { client, route, sent, planes: { control: client, data: route } };
  }

  it("a Data frame's packet goes to the route, and it counts as hearing from the host", () => {
    const { client, route, planes: p } = planes();
    const frame = encodeDataFrame(2, bytes(9, 8, 7));
    demuxHostFrame(frame, 500, p);
    frame[2] = 0; // the channel may reuse its buffer
    expect(route.receive().map((d) => [d.from, [...d.data]])).toEqual([['slot:2', [9, 8, 7]]]);
    expect(client.silentForMs(500)).toBe(0);
    expect(client.events()).toEqual([]);
  });

  it('every other frame goes to the client only (a ping is answered)', () => {
    const { client, route, sent, planes: p } = planes();
    demuxHostFrame(encodePingFrame(RelayFrameKind.Ping, 7), 300, p);
    expect(sent.map((f) => [...f])).toEqual([[RelayFrameKind.Pong, 7, 0, 0, 0]]);
    expect(client.silentForMs(300)).toBe(0);
    expect(route.receive()).toEqual([]);
  });

  it('malformed frames reach no route: the client counts them and they are not the host speaking', () => {
    const { client, route, planes: p } = planes();
    demuxHostFrame(new Uint8Array(0), 100, p);
    demuxHostFrame(new Uint8Array(MAX_CONTROL_FRAME_BYTES + 1).fill(RelayFrameKind.Control), 100, p);
    demuxHostFrame(new Uint8Array(2000).fill(RelayFrameKind.Data), 100, p);
    demuxHostFrame(bytes(9, 1, 2), 100, p);
    demuxHostFrame(bytes(RelayFrameKind.Data, 40, 1), 100, p);
    demuxHostFrame(bytes(RelayFrameKind.Data, 1), 100, p);
    demuxHostFrame(bytes(RelayFrameKind.Ping, 1), 100, p);
    expect(client.stats.malformed).toBe(7);
    expect(client.silentForMs(100)).toBe(100);
    expect(route.receive()).toEqual([]);
    expect(route.stats.malformed).toBe(0);
    expect(client.events()).toEqual([]);
  });
});
