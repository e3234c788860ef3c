import { describe, expect, it } from 'vitest';
import { RoomClient } from '../../sdk/src/relay/room-client.ts';
import { ReliableChannel } from '../../sdk/src/relay/reliable-channel.ts';
import { MAX_CONTROL_FRAME_BYTES, MAX_RELAY_FRAME_BYTES, RelayFrameKind, decodeRelayFrame, encodeControlFrame, encodeDataFrame, encodePingFrame } from '../../sdk/src/relay/relay-frame.ts';
import { MAX_CHAT_LENGTH, MAX_ROOM_STATE_MESSAGE_BYTES, decodeControlMessage, encodeControlMessage } from '../../sdk/src/room/control-messages.ts';
import type { ClientControlMessage, HostControlMessage, MatchDecision, RoomState } from '../../sdk/src/room/control-messages.ts';
import { DEFAULT_ROOM_SETTINGS } from '../../sdk/src/room/room-settings.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

/** A client attached to a recorder, and a host-side reliable channel to talk to it. */
function rig(options: { maxFrameBytes?: number } = {}) {
  const client = new RoomClient(options);
  const sent: Uint8Array[] = [];
  client.attach((frame) => sent.push(frame), 0);
  const host = new ReliableChannel({ maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES });
  let now = 0;
  /** The host says `messages` (delivered at once); returns what the client asked for in reply. */
  const say = (...messages: HostControlMessage[]): ClientControlMessage[] => {
    for (const m of messages) host.send(encodeControlMessage(m));
    now += 5;
    for (const s of host.poll(now)) client.receive(encodeControlFrame(s), now);
    return heard();
  };
  /** What the client sent on its control path since the last call (acks are absorbed by the host channel). */
  const heard = (): ClientControlMessage[] => {
    const out: ClientControlMessage[] = [];
    for (const frame of sent.splice(0)) {
      const decoded = decodeRelayFrame(frame);
      if (!decoded.ok || decoded.frame.kind !== RelayFrameKind.Control) continue;
      for (const m of host.receive(decoded.frame.segment, now)) {
        const message = decodeControlMessage(m, 'client');
        if (message.ok) out.push(message.message);
      }
    }
    return out;
  };
  return { client, sent, say, heard, host };
}

const room = (overrides: Partial<RoomState> = {}): RoomState => ({
  code: 'ABCDEF',
  phase: 'lobby',
  epoch: 7,
  ownerSlot: 0,
  settings: DEFAULT_ROOM_SETTINGS,
  hasPassword: false,
  members: [
    { slot: 0, name: 'ann', role: 'player', ready: true, connected: true, owner: true, color: 0, shape: 0 },
    { slot: 1, name: 'bo', role: 'player', ready: false, connected: true, owner: false, color: 1, shape: 1 },
  ],
  ...overrides,
});

const match: MatchDecision = { matchId: 42, epoch: 7, seed: 9, players: [0, 1], colors: [0, 1], shapes: [0, 1], settings: DEFAULT_ROOM_SETTINGS, startFrame: 0 };

describe('RoomClient: frames from the host', () => {
  it('counts malformed frames from the host and ignores them', () => {
    const { client } = rig();
    client.receive(new Uint8Array(0), 1);
    client.receive(new Uint8Array(MAX_CONTROL_FRAME_BYTES + 1).fill(RelayFrameKind.Control), 1);
    client.receive(new Uint8Array(2000).fill(RelayFrameKind.Data), 1);
    client.receive(bytes(9, 1, 2), 1);
    client.receive(bytes(RelayFrameKind.Data, 40, 1), 1);
    client.receive(bytes(RelayFrameKind.Ping, 1), 1);
    expect(client.stats.malformed).toBe(6);
    expect(client.events()).toEqual([]);
  });

  it("takes a Data frame without raising anything or answering (its packet is the relay route's)", () => {
    const { client, sent } = rig();
    client.receive(encodeDataFrame(2, bytes(9, 8, 7)), 1);
    expect(client.events()).toEqual([]);
    expect(sent).toEqual([]);
    expect(client.stats.malformed).toBe(0);
  });
});

describe('RoomClient: liveness', () => {
  it('answers a ping with a pong of the same id; any valid frame counts as hearing from the host', () => {
    const { client, sent } = rig();
    expect(client.silentForMs(100)).toBe(100);
    client.receive(encodePingFrame(RelayFrameKind.Ping, 0xabcdef01), 100);
    expect(sent.map((f) => decodeRelayFrame(f))).toEqual([{ ok: true, frame: { kind: RelayFrameKind.Pong, id: 0xabcdef01 } }]);
    expect(client.silentForMs(150)).toBe(50);
    client.receive(encodePingFrame(RelayFrameKind.Pong, 1), 200);
    expect(client.silentForMs(200)).toBe(0);
    client.receive(bytes(0xee), 300); // garbage is not the host speaking
    expect(client.silentForMs(300)).toBe(100);
    client.receive(encodeDataFrame(3, bytes(1)), 350); // a session packet relayed by the host is
    expect(client.silentForMs(350)).toBe(0);
    client.receive(bytes(RelayFrameKind.Data, 40, 1), 400); // a malformed one is not
    expect(client.silentForMs(400)).toBe(50);
    expect(sent).toHaveLength(1);
  });
});

describe('RoomClient: control messages', () => {
  it('raises an event for every host message and keeps the latest room, slot, code, epoch and match', () => {
    const { client, say } = rig();
    say({ type: 'welcome', slot: 1, code: 'ABCDEF', token: 'a'.repeat(32), epoch: 7 });
    expect(client.slot).toBe(1);
    expect(client.code).toBe('ABCDEF');
    expect(client.epoch).toBe(7);
    say({ type: 'room-state', state: room() });
    expect(client.room?.members.map((m) => m.name)).toEqual(['ann', 'bo']);
    say({ type: 'match-start', match, epoch: 7 });
    say({ type: 'match-start', match, epoch: 7 }); // re-sent after a reconnect: no second event
    expect(client.match).toEqual(match);
    say(
      { type: 'member-dropped', slot: 0, reason: 'timeout', epoch: 7 },
      { type: 'chat', slot: 0, text: 'gg' },
      { type: 'error', code: 'not-owner', message: 'start-match refused' },
      { type: 'host-closing', reason: 'bye' },
    );
    expect(client.events().map((e) => e.type)).toEqual(['welcome', 'room-state', 'match-start', 'member-dropped', 'chat', 'error', 'host-closing']);
    expect(client.events()).toEqual([]);
  });

  it("keeps the host's latest round trips of the room's members, replaced by each report; raises no event", () => {
    const { client, say, host } = rig();
    expect(client.pings.size).toBe(0);
    say({ type: 'room-state', state: room() }); // members in slots 0 and 1
    client.events();
    say({ type: 'pings', pings: [[0, 12], [1, 40]] });
    expect(Object.fromEntries(client.pings)).toEqual({ 0: 12, 1: 40 });
    expect(client.events()).toEqual([]); // a lobby reads `pings` when it draws
    say({ type: 'pings', pings: [[1, 35]] }); // slot 0 not measured now (a reconnect, say)
    expect(Object.fromEntries(client.pings)).toEqual({ 1: 35 });
    say({ type: 'pings', pings: [[0, 9], [1, 30], [5, 7]] }); // 5 is nobody in the room
    expect(Object.fromEntries(client.pings)).toEqual({ 0: 9, 1: 30 });
    // Bo leaves: the room state without slot 1 takes its entry away at once, before any report.
    say({ type: 'room-state', state: room({ members: [room().members[0]!] }) });
    expect(Object.fromEntries(client.pings)).toEqual({ 0: 9 });
    // A report that breaks the rules is counted and changes nothing.
    const malformed = client.stats.malformed;
    host.send(new TextEncoder().encode('{"type":"pings","pings":[[0,-1]]}'));
    host.send(new TextEncoder().encode('{"type":"pings","pings":[]}'));
    say();
    expect(client.stats.malformed).toBe(malformed + 2);
    expect(Object.fromEntries(client.pings)).toEqual({ 0: 9 });
  });

  it("keeps the latest handover of its own room (the room's secrets, for a successor), raising no event", () => {
    const { client, say } = rig();
    say({ type: 'welcome', slot: 0, code: room().code, token: 'a'.repeat(32), epoch: 1 }, { type: 'room-state', state: room() });
    client.events();
    expect(client.handover).toBeUndefined();
    const tokens = room().members.map((m, i) => [m.slot, String(i + 1).repeat(32)] as const);
    say({ type: 'handover', handover: { state: room(), tokens } });
    expect(client.handover).toEqual({ state: room(), tokens });
    expect(client.events()).toEqual([]); // a secret: never an event
    // Another room's is ignored (the host never sends one; it is checked all the same).
    const other = { ...room(), code: 'ZZZZZZ' };
    say({ type: 'handover', handover: { state: other, tokens } });
    expect(client.handover!.state.code).toBe(room().code);
  });

  it('takes a room-state larger than one datagram', () => {
    const { client, say } = rig();
    const name = (i: number) => String.fromCodePoint(0x1f600 + i).repeat(24);
    const members = Array.from({ length: 24 }, (_, slot) => ({ slot, name: name(slot), role: slot < 16 ? ('player' as const) : ('spectator' as const), ready: false, connected: true, owner: slot === 0, ...(slot < 16 ? { color: slot, shape: slot } : {}) }));
    say({ type: 'room-state', state: room({ members, settings: { ...DEFAULT_ROOM_SETTINGS, maxPlayers: 16 } }) });
    expect(client.room?.members).toHaveLength(24);
    expect(client.stats.malformed).toBe(0);
  });

  it('sends each request on the reliable control path', () => {
    const { client, heard } = rig();
    client.setReady(true);
    client.updateSettings({ fps: 30 });
    client.startMatch();
    client.endMatch();
    client.chat('hi');
    client.leave();
    expect(heard()).toEqual([
      { type: 'set-ready', ready: true },
      { type: 'update-settings', settings: { fps: 30 } },
      { type: 'start-match' },
      { type: 'end-match' },
      { type: 'chat', text: 'hi' },
      { type: 'leave' },
    ]);
  });

  it('a host that acknowledges nothing: requests beyond the window are refused with a backlog error, not queued', () => {
    const { client, sent } = rig();
    for (let i = 0; i < 300; i++) client.chat(`c${i}`);
    const errors = client.events().filter((e) => e.type === 'error');
    expect(errors).toHaveLength(300 - 256);
    expect(errors[0]).toMatchObject({ code: 'backlog' });
    expect(sent.length).toBeGreaterThan(0);
  });

  it('under loss, every frame fits the host limit however many long requests a resend gathers (with a SACK too)', () => {
    const { client, sent, host } = rig();
    // The host's messages arrive out of order, so the client's segments carry a SACK.
    host.send(encodeControlMessage({ type: 'chat', slot: 0, text: 'a' }));
    host.poll(1); // lost
    host.send(encodeControlMessage({ type: 'chat', slot: 0, text: 'b' }));
    for (const s of host.poll(2)) client.receive(encodeControlFrame(s), 2);
    // 40 chat lines of 200 four-byte characters (825 bytes each) while every frame up is lost.
    const lines = Array.from({ length: 40 }, (_, i) => String.fromCodePoint(0x1f600 + i).repeat(MAX_CHAT_LENGTH));
    for (const line of lines) client.chat(line);
    expect(encodeControlMessage({ type: 'chat', text: lines[0]! }).length).toBe(825);
    for (let now = 0; now <= 2000; now += 10) client.tick(now);
    const lost = sent.splice(0);
    expect(lost.length).toBeGreaterThan(40);
    for (const frame of lost) expect(frame.length).toBeLessThanOrEqual(MAX_RELAY_FRAME_BYTES);
    expect(lost.some((f) => f[1] === 0x11)).toBe(true); // a segment with a SACK
    // The uplink works again: every line arrives, once, in order, in frames the host accepts.
    const got: string[] = [];
    for (let now = 2010; now <= 5000; now += 10) {
      client.tick(now);
      for (const frame of sent.splice(0)) {
        expect(frame.length).toBeLessThanOrEqual(MAX_RELAY_FRAME_BYTES);
        const decoded = decodeRelayFrame(frame);
        if (!decoded.ok || decoded.frame.kind !== RelayFrameKind.Control) continue;
        for (const m of host.receive(decoded.frame.segment, now)) {
          const message = decodeControlMessage(m, 'client');
          if (message.ok && message.message.type === 'chat') got.push(message.message.text);
        }
      }
      for (const s of host.poll(now)) client.receive(encodeControlFrame(s), now);
    }
    expect(got).toEqual(lines);
  });

  it('a request too long for one frame is refused with an error event, never sent', () => {
    const { client, sent, heard } = rig({ maxFrameBytes: 600 });
    client.chat('x'.repeat(MAX_CHAT_LENGTH)); // 225 bytes: fits
    client.chat(String.fromCodePoint(0x1f600).repeat(MAX_CHAT_LENGTH)); // 825 bytes: does not
    client.chat('after');
    expect(client.events()).toEqual([{ type: 'error', code: 'too-large', message: "'chat' request of 825 bytes is over the 551-byte limit of one frame" }]);
    for (const frame of sent) expect(frame.length).toBeLessThanOrEqual(600);
    expect(heard()).toEqual([
      { type: 'chat', text: 'x'.repeat(MAX_CHAT_LENGTH) },
      { type: 'chat', text: 'after' },
    ]);
    expect(() => new RoomClient({ maxFrameBytes: 127 })).toThrow(RangeError);
    expect(() => new RoomClient({ maxFrameBytes: MAX_RELAY_FRAME_BYTES + 1 })).toThrow(RangeError);
  });

  it('a re-attach carries the requests the host has not acknowledged, behind a resume marker with the count it has', () => {
    const client = new RoomClient();
    const first: Uint8Array[] = [];
    client.attach((frame) => first.push(frame), 0);
    const host1 = new ReliableChannel({ maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES });
    const toHost = (frames: Uint8Array[], host: ReliableChannel, now: number) =>
      frames.splice(0).flatMap((f) => {
        const d = decodeRelayFrame(f);
        return d.ok && d.frame.kind === RelayFrameKind.Control ? host.receive(d.frame.segment, now).map((m) => [...m]) : [];
      });
    client.chat('a');
    client.chat('b');
    expect(toHost(first, host1, 1)).toHaveLength(2);
    for (const s of host1.poll(20)) client.receive(encodeControlFrame(s), 20); // a and b acknowledged
    client.chat('c'); // reaches the host, whose ack is lost
    expect(toHost(first, host1, 30).map((m) => new TextDecoder().decode(Uint8Array.from(m)))).toEqual(['{"type":"chat","text":"c"}']);
    client.setReady(true);
    first.length = 0; // lost
    client.detach();
    client.chat('d'); // while detached
    const second: Uint8Array[] = [];
    client.attach((frame) => second.push(frame), 100); // sends at once
    const host2 = new ReliableChannel({ maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES });
    const got = toHost(second, host2, 101);
    expect(got[0]).toEqual([0, 2, 0, 0, 0]); // the host has had 2 (a and b) as far as the client knows
    expect(got.slice(1).map((m) => new TextDecoder().decode(Uint8Array.from(m)))).toEqual([
      '{"type":"chat","text":"c"}',
      '{"type":"set-ready","ready":true}',
      '{"type":"chat","text":"d"}',
    ]);
    // A third connection before anything was acknowledged: the same count, the marker not carried as a request.
    const third: Uint8Array[] = [];
    client.attach((frame) => third.push(frame), 200);
    const got3 = toHost(third, new ReliableChannel({ maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES }), 201);
    expect(got3.map((m) => m.length)).toEqual([5, got[1]!.length, got[2]!.length, got[3]!.length]);
    expect(got3[0]).toEqual([0, 2, 0, 0, 0]);
  });

  it('a first attach carries requests made before it without a marker; a re-attach with nothing pending sends nothing', () => {
    const client = new RoomClient();
    client.chat('early');
    const sent: Uint8Array[] = [];
    client.attach((frame) => sent.push(frame), 0);
    const host = new ReliableChannel({ maxMessageBytes: MAX_ROOM_STATE_MESSAGE_BYTES });
    const messages = sent.splice(0).flatMap((f) => {
      const d = decodeRelayFrame(f);
      return d.ok && d.frame.kind === RelayFrameKind.Control ? host.receive(d.frame.segment, 1) : [];
    });
    expect(messages.map((m) => decodeControlMessage(m, 'client'))).toEqual([{ ok: true, message: { type: 'chat', text: 'early' } }]);
    for (const s of host.poll(20)) client.receive(encodeControlFrame(s), 20);
    client.attach((frame) => sent.push(frame), 30);
    expect(sent).toEqual([]);
  });

  it('resends unacknowledged requests on tick, and stops sending once detached', () => {
    const { client, sent } = rig();
    client.setReady(true);
    const first = sent.length;
    client.tick(2000);
    expect(sent.length).toBeGreaterThan(first);
    client.detach();
    const before = sent.length;
    client.tick(10_000);
    client.setReady(false);
    expect(sent.length).toBe(before);
  });
});

describe('slot addresses', () => {
  it('have one spelling per slot', async () => {
    const { addressSlot, slotAddress } = await import('../../sdk/src/relay/room-client.ts');
    expect(addressSlot(slotAddress(7))).toBe(7);
    expect(addressSlot('slot:0')).toBe(0);
    expect(addressSlot('slot:07')).toBeUndefined();
    expect(addressSlot('slot:100')).toBeUndefined();
  });
});

describe('RoomClient: signals from an untrusted host', () => {
  const signal = (from: number, link: number, part: number, parts: number, payload: string): HostControlMessage => ({ type: 'signal', from, kind: 'offer', link, part, parts, payload });

  it('joins the parts of a sender, raises one event, and sends its own as parts of one frame each', () => {
    const { client, say, heard } = rig();
    say({ type: 'welcome', slot: 1, code: 'ABCDEF', token: '0123456789abcdef0123456789abcdef', epoch: 7 }, { type: 'room-state', state: room() });
    client.events();
    say(signal(0, 5, 0, 2, 'v=0\r\n'), signal(0, 5, 1, 2, 'a=end\r\n'));
    expect(client.events()).toEqual([{ type: 'signal', from: 0, kind: 'offer', link: 5, payload: 'v=0\r\na=end\r\n' }]);
    const payload = 'a'.repeat(2500);
    expect(client.signal(0, 'answer', 5, payload)).toBe(true);
    const parts = heard();
    expect(parts.map((m) => m.type === 'signal' && [m.to, m.kind, m.link, m.part, m.parts, m.payload.length])).toEqual([
      [0, 'answer', 5, 0, 3, 1000],
      [0, 'answer', 5, 1, 3, 1000],
      [0, 'answer', 5, 2, 3, 500],
    ]);
  });

  it('drops, and counts, signals from its own slot or from a slot not in the room', () => {
    const { client, say } = rig();
    say({ type: 'welcome', slot: 1, code: 'ABCDEF', token: '0123456789abcdef0123456789abcdef', epoch: 7 }, { type: 'room-state', state: room() });
    client.events();
    say(signal(1, 1, 0, 1, 'from myself?'), signal(5, 1, 0, 1, 'from nobody'));
    expect(client.events()).toEqual([]);
    expect(client.stats.signalsDropped).toBe(2);
  });

  it('forgets a half-received signal when its sender leaves the room, and after the timeout', () => {
    const { client, say } = rig();
    say({ type: 'welcome', slot: 1, code: 'ABCDEF', token: '0123456789abcdef0123456789abcdef', epoch: 7 }, { type: 'room-state', state: room({ members: [...room().members, { slot: 2, name: 'cy', role: 'player', ready: false, connected: true, owner: false, color: 2, shape: 2 }] }) });
    say(signal(0, 1, 0, 3, 'x'.repeat(1000)), signal(2, 1, 0, 3, 'y'.repeat(1000)));
    expect(client.stats.signalCharsHeld).toBe(2000);
    say({ type: 'room-state', state: room() }); // slot 2 left
    expect(client.stats.signalCharsHeld).toBe(1000);
    client.tick(20_000);
    expect(client.stats).toMatchObject({ signalCharsHeld: 0, signalsDropped: 2 });
  });
});
