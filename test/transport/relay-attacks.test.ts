import { afterAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { agreement, openRoom, play, sleep, startLoopbackHost, startMatch, waitFor } from '../helpers/live-room.ts';
import type { LivePlayer } from '../helpers/live-room.ts';
import { joinWithClient, joinWithOwnControl, attempt } from '../helpers/raw-member.ts';
import type { RawControlMember, RawRoomMember } from '../helpers/raw-member.ts';
import type { RunningHost } from '../../sdk/src/host/geckos-host.ts';
import { RoomJoinError, connectToRoom } from '../../sdk/src/client/geckos-room-connection.ts';
import type { RoomConnection } from '../../sdk/src/client/geckos-room-connection.ts';
import type { Datagram, Transport } from '../../sdk/src/transport/transport.ts';
import { RelayFrameKind, encodeDataFrame } from '../../sdk/src/relay/relay-frame.ts';
import type { RelayDropReason, RelayHostStats } from '../../sdk/src/relay/relay-host.ts';
import { encodePacket } from '../../sdk/src/protocol/encode-packet.ts';
import { MessageType } from '../../sdk/src/protocol/messages.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

/**
 * Attacks on a live host: real geckos.io on loopback, three honest players and a fourth, hostile
 * one in the same match, plus a hostile spectator of that room and the hostile owner of another
 * room, all writing on their raw channels. Whatever they send, the honest match must go on
 * exactly as without them, and every hostile frame must be refused and counted by the host.
 */

/** `global.gc`, exposed at run time (vitest starts the worker without --expose-gc). */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

let host: RunningHost | undefined;
const closers: (() => void)[] = [];
afterAll(async () => {
  for (const close of closers) close();
  await sleep(100); // the honest members' 'leave' goes out before the host does
  await host?.close();
});

type Dropped = Partial<Record<RelayDropReason, number>>;
function droppedSince(before: RelayHostStats, after: RelayHostStats): Dropped {
  const out: Dropped = {};
  for (const [reason, n] of Object.entries(after.dropped) as [RelayDropReason, number][]) if (n !== before.dropped[reason]) out[reason] = n - before.dropped[reason];
  return out;
}
const sum = (d: Dropped) => Object.values(d).reduce((a, b) => a + b, 0);

/** Total packets a session dropped, over every reason. */
const sessionDrops = (p: LivePlayer) => Object.values(p.session.stats().dropped).reduce((a, b) => a + b, 0);

/** The hostile player's transport: hands every packet to its session as usual, and keeps copies. */
function capturing(inner: Transport) {
  const captured: Datagram[] = [];
  let ownToken = -1;
  const sent = { count: 0 };
  const transport: Transport = {
    send(to, data) {
      sent.count++;
      ownToken = data[3]! | (data[4]! << 8);
      inner.send(to, data);
    },
    receive() {
      const got = inner.receive();
      for (const d of got) if (captured.length < 2000) captured.push({ from: d.from, data: d.data.slice() });
      return got;
    },
  };
  return { transport, captured, sent, token: () => ownToken };
}

/** Calls `send(i)` for i = 0..count-1, spread evenly over about `ms`, in batches every 5 ms. */
async function spread(count: number, ms: number, send: (i: number) => void): Promise<void> {
  const batches = Math.max(1, Math.floor(ms / 5));
  let i = 0;
  for (let b = 0; b < batches; b++) {
    const until = Math.round(((b + 1) * count) / batches);
    for (; i < until; i++) send(i);
    await sleep(5);
  }
}

describe('attacks on a live host', () => {
  it('refuses and counts every hostile frame and join while an honest match plays on unaffected', async () => {
    const rng = new Prng(0xa77ac4);
    // Default limits: 1000 frames/s per connection in bursts of 500, 10 failed joins a minute per
    // address. (A member of this 4-player match at 200 fps sends ~350 frames/s.)
    host = await startLoopbackHost();
    const port = host.port;
    const honest: RoomConnection[] = await openRoom(host, 3, { fps: 200 });
    for (const m of honest) closers.push(() => m.close());
    const code = honest[0]!.code;

    // Mallory: the fourth player of the match, running an honest session (or the match could not
    // start) while writing whatever it likes next to it.
    let tap: ReturnType<typeof capturing> | undefined;
    const mallory: RawRoomMember = await joinWithClient(port, { action: 'join', code, name: 'mallory', role: 'player' }, (t) => (tap = capturing(t)).transport);
    closers.push(() => mallory.close());
    mallory.client.setReady(true);
    // Eve: a spectator of the same room. Oscar: the owner of a room of his own, with a password.
    const eve: RawRoomMember = await joinWithClient(port, { action: 'join', code, name: 'eve', role: 'spectator' });
    closers.push(() => eve.close());
    const oscar: RawControlMember = await joinWithOwnControl(port, { action: 'create', name: 'oscar', password: 'sesame' });
    closers.push(() => oscar.close());
    expect([mallory.slot, eve.slot, oscar.slot]).toEqual([3, 16, 0]);
    expect(oscar.code).not.toBe(code);
    await waitFor(() => honest[0]!.client.room?.members.filter((m) => m.ready).length === 4, 5000, 'mallory ready');

    const { match, players } = await startMatch([...honest, mallory.connection]);
    expect(match.players).toEqual([0, 1, 2, 3]);
    const honestPlayers = players.slice(0, 3);
    const malloryPlayer = players[3]!;
    const goal = 1500;
    let attacksDone = false;
    const playing = play(players, () => attacksDone && players.every((p) => p.session.currentFrame >= goal), 40_000);

    const figures: Record<string, Dropped | number> = {};
    const relay = host.relay;
    const settle = () => sleep(150);

    const runAttacks = async () => {
      await waitFor(() => players.every((p) => p.session.state === 'running' && p.session.currentFrame >= 60), 10_000, 'the match running');
      const everyone = [mallory, eve, oscar];

      // 0. How fast a member running an honest session sends, as a yardstick.
      {
        const count = tap!.sent.count;
        const t0 = performance.now();
        await sleep(500);
        figures['sessionSendsPerSecond'] = Math.round((tap!.sent.count - count) / ((performance.now() - t0) / 1000));
      }
      // 1. Garbage: random bytes of unknown kinds, truncated frames, text where bytes belong.
      let before = relay.stats();
      const textBefore = host!.stats().textDropped;
      let sent = 0;
      let texts = 0;
      await spread(150, 300, (i) => {
        const m = everyone[i % 3]!;
        const kind = i % 5;
        if (kind === 0) m.emit(Uint8Array.from({ length: 1 + rng.nextInt(60) }, (_, j) => (j === 0 ? 5 + rng.nextInt(250) : rng.nextU32() & 0xff)));
        else if (kind === 1) m.emit(Uint8Array.of(RelayFrameKind.Data, rng.nextInt(4)).subarray(0, 1 + (i & 1)));
        else if (kind === 2) m.emit(Uint8Array.of(RelayFrameKind.Ping, 1, 2));
        else if (kind === 3) m.emit(`garbage ${i}`);
        else m.emit(JSON.stringify({ rawMessage: { length: 1e9 } }));
        if (kind >= 3) texts++;
        sent++;
      });
      await settle();
      figures['garbage'] = droppedSince(before, relay.stats());
      // Text never reaches the relay: the host drops it unread (and counts it).
      figures['textDropped'] = host!.stats().textDropped - textBefore;
      expect(figures['textDropped']).toBeGreaterThanOrEqual(texts * 0.9);
      expect(figures['textDropped']).toBeLessThanOrEqual(texts);
      expect(sum(figures['garbage'])).toBeGreaterThanOrEqual((sent - texts) * 0.9);
      expect(sum(figures['garbage'])).toBeLessThanOrEqual(sent - texts);
      // (A Data frame too short to hold a packet is malformed, whoever sends it: a spectator's too.)
      expect(Object.keys(figures['garbage']).sort()).toEqual(['malformed', 'unknown-kind']);

      // 2. Oversized frames, up to 60 KB, of every kind.
      before = relay.stats();
      sent = 0;
      await spread(60, 300, (i) => {
        const size = [1203, 1500, 8000, 60_000][i % 4]!;
        const frame = new Uint8Array(size);
        frame[0] = [RelayFrameKind.Data, RelayFrameKind.Control, RelayFrameKind.Ping][i % 3]!;
        everyone[i % 3]!.emit(frame);
        sent++;
      });
      await settle();
      figures['oversized'] = droppedSince(before, relay.stats());
      expect(figures['oversized']['oversized']).toBeGreaterThanOrEqual(sent * 0.9);
      expect(sum(figures['oversized'])).toBe(figures['oversized']['oversized']);

      // 3. Packets in other players' names: Mallory replays what honest players sent her to the
      // other honest players, and forges packets with their tokens or claiming their handles. The
      // host stamps her slot on all of them, so the honest sessions see them come from her.
      const honestDropsBefore = honestPlayers.map(sessionDrops);
      before = relay.stats();
      const ctx = { playerCount: 4, inputSize: 2, previousInput: () => undefined };
      const forgedTo = [0, 0, 0];
      const victimToken = (slot: number) => {
        const d = tap!.captured.find((x) => x.from === `slot:${slot}`);
        return d === undefined ? 0 : d.data[3]! | (d.data[4]! << 8);
      };
      expect(tap!.captured.length).toBeGreaterThan(100);
      expect(tap!.token()).toBeGreaterThanOrEqual(0);
      for (const s of [0, 1, 2]) expect(victimToken(s)).not.toBe(tap!.token());
      await spread(240, 1200, (i) => {
        const to = i % 3;
        const victim = (to + 1 + (i % 2)) % 3;
        let packet: Uint8Array;
        switch ((i >> 1) % 4) {
          case 0: {
            const copies = tap!.captured.filter((d) => d.from === `slot:${victim}`);
            packet = copies[rng.nextInt(copies.length)]!.data;
            break;
          }
          case 1: // "I, the victim, am leaving": would drop the victim if believed
            packet = encodePacket({ token: victimToken(victim), message: { type: MessageType.Goodbye, lastFrame: 10 } }, ctx);
            break;
          case 2: // a handshake in the victim's name, with Mallory's own token
            packet = encodePacket({ token: tap!.token(), message: { type: MessageType.SyncRequest, nonce: i, fingerprint: 0, player: victim, epoch: match.epoch } }, ctx);
            break;
          default: {
            // inputs in the victim's name, with Mallory's own (valid) token
            const statuses = Array.from({ length: 4 }, () => ({ disconnected: false, lastFrame: -1 }));
            const frame = malloryPlayer.session.currentFrame;
            packet = encodePacket({ token: tap!.token(), message: { type: MessageType.Input, player: victim, currentFrame: frame, statuses, startFrame: 0, inputs: new Uint8Array(0) } }, ctx);
          }
        }
        mallory.emit(encodeDataFrame(to, packet));
        forgedTo[to]!++;
      });
      // Frames to herself and to empty slots go nowhere (the one to the spectator, slot 16, goes to
      // it: a player's feed serves spectators, and Eve's own code ignores it).
      for (let slot = 3; slot <= 31; slot++) mallory.emit(encodeDataFrame(slot, Uint8Array.of(0xb5, 1, 7, 0, 0)));
      await settle();
      figures['forged'] = droppedSince(before, relay.stats());
      figures['forgedRelayed'] = relay.stats().framesRelayed - before.framesRelayed;
      expect(figures['forged']).toEqual({ 'bad-destination': 28 });
      figures['honestSessionDrops'] = honestPlayers.reduce((n, p, i) => n + sessionDrops(p) - honestDropsBefore[i]!, 0);
      const reasons: Record<string, number> = {};
      for (const p of honestPlayers) for (const [r, n] of Object.entries(p.session.stats().dropped)) if (n > 0) reasons[r] = (reasons[r] ?? 0) + n;
      figures['honestSessionDropReasons'] = reasons;
      honestPlayers.forEach((p, i) => {
        // Every forged packet to this player was dropped by its session (loopback loses next to nothing).
        const dropped = sessionDrops(p) - honestDropsBefore[i]!;
        expect(dropped, `player ${i}`).toBeGreaterThanOrEqual(forgedTo[i]! * 0.9);
        expect(dropped, `player ${i}`).toBeLessThanOrEqual(forgedTo[i]! + 5);
        const stats = p.session.stats();
        expect(stats.dropped['unknown-sender']).toBe(0); // nothing came in under an address that is not a player
        expect(stats.peers.every((peer) => peer.connected)).toBe(true);
      });

      // 4. The control path: garbage segments, garbage in good segments, and requests they may not make.
      before = relay.stats();
      for (let i = 0; i < 30; i++) everyone[i % 3]!.emit(Uint8Array.from({ length: 2 + rng.nextInt(200) }, (_, j) => (j === 0 ? RelayFrameKind.Control : rng.nextU32() & 0xff)));
      const utf8 = (s: string) => new TextEncoder().encode(s);
      for (const text of ['not json', '[]', '{"type":"welcome","slot":0,"code":"AAAAAA","token":"x","epoch":1}', '{"type":"kick","slot":1}', '{"__proto__":{"type":"leave"}}']) oscar.sendControlBytes(utf8(text));
      for (const m of [mallory, eve]) {
        m.client.endMatch();
        m.client.startMatch();
        m.client.setReady(false);
        m.client.updateSettings({ fps: 30 });
      }
      oscar.sendControlBytes(utf8('{"type":"start-match"}')); // alone in his room
      await sleep(300);
      figures['control'] = droppedSince(before, relay.stats());
      // The requests travel reliably: all 9 refused. The 30 bad segments are datagrams (loopback loses next to none).
      expect(figures['control']['not-permitted']).toBe(9);
      expect(figures['control']['bad-control']).toBeGreaterThanOrEqual(5 + 27);
      expect(figures['control']['bad-control']).toBeLessThanOrEqual(5 + 30);
      expect(Object.keys(figures['control']).sort()).toEqual(['bad-control', 'not-permitted']);
      expect(honest[0]!.client.room?.phase).toBe('playing');
      expect(honest[0]!.client.room?.settings.fps).toBe(200);

      // 5. A flood: Eve (same room) and Oscar (another room) send ~4000 frames a second each for 3 s.
      const gc = exposeGc();
      gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      before = relay.stats();
      const flood = { eve: 0, oscar: 0 };
      const floodStart = performance.now();
      const frame = encodeDataFrame(1, new Uint8Array(40));
      await spread(12_000, 3000, (i) => {
        frame[1] = i % 4;
        eve.emit(frame);
        oscar.emit(frame);
        flood.eve++;
        flood.oscar++;
      });
      const floodMs = performance.now() - floodStart;
      const during = relay.stats();
      expect(during.connections).toBe(6);
      expect(during.rooms).toBe(2);
      await settle();
      gc?.();
      figures['heapGrowthBytes'] = process.memoryUsage().heapUsed - heapBefore;
      figures['flood'] = droppedSince(before, relay.stats());
      figures['floodMs'] = Math.round(floodMs);
      const floodDrops = figures['flood'];
      // The rate limit (1000 frames/s, bursts of 500 per connection) let through at most this much of it:
      const allowed = 2 * (500 + (1000 * (floodMs + 300)) / 1000);
      expect(floodDrops['rate-limited']).toBeGreaterThanOrEqual(flood.eve + flood.oscar - allowed - 100);
      // What got past the limit: Oscar's was refused as addressed to nobody; Eve's, a spectator's to
      // the players, was relayed (their spectator feeds take it, never their sessions), at her
      // connection's rate and no more.
      expect(Object.keys(floodDrops).sort()).toEqual(['bad-destination', 'rate-limited']);
      expect(sum(floodDrops)).toBeGreaterThanOrEqual(flood.oscar * 0.9 + flood.eve - allowed / 2 - 100);
      const honestRate = figures['sessionSendsPerSecond'] as number;
      expect(relay.stats().framesRelayed - before.framesRelayed).toBeLessThan(1.5 * 4 * honestRate * ((floodMs + 300) / 1000) + allowed / 2);
      figures['gcExposed'] = gc === undefined ? 0 : 1;
      if (gc !== undefined) expect(figures['heapGrowthBytes']).toBeLessThan(8 * 1024 * 1024);
    };
    const attacks = runAttacks().finally(() => (attacksDone = true));
    const outcome = await Promise.allSettled([attacks, playing]);
    attacksDone = true;
    for (const r of outcome) if (r.status === 'rejected') throw r.reason;
    await play(players, () => players.every((p) => p.session.confirmedFrame >= goal - 10), 10_000);

    // The honest match: every confirmed checksum agrees, nobody was dropped, nothing desynced.
    const { compared, mismatches } = agreement(players);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(70);
    for (const p of players) {
      // Nothing ever reached a session from an address that is not a player of the match (Eve's slot 16, another room).
      expect(p.session.stats().dropped['unknown-sender']).toBe(0);
      expect(p.events.filter((e) => e.type === 'desync' || e.type === 'disconnected' || e.type === 'incompatible-peer')).toEqual([]);
      expect(p.connection.client.stats.malformed).toBe(0);
    }
    for (const p of players.filter((x) => honest.includes(x.connection))) {
      expect([...p.roomEvents, ...p.connection.events()].filter((e) => e.type === 'member-dropped' || e.type === 'connection')).toEqual([]);
    }
    const stats = relay.stats();
    expect(stats.connections).toBe(6);
    expect(host.relay.authority.stats().members).toBe(6);

    // Joins: a wrong code, a wrong password, a garbage request, then a burst over the per-address
    // limit (10 failures a minute; the six successful joins above took nothing from it).
    const refusal = async (request: Parameters<typeof connectToRoom>[0]['request']) => {
      try {
        const c = await connectToRoom({ url: 'http://127.0.0.1', port, request, reconnectAttempts: 0 });
        c.close();
        return 'accepted';
      } catch (error) {
        if (error instanceof RoomJoinError) return error.reason;
        throw error;
      }
    };
    const refusedBefore = relay.stats().joinsRefused;
    expect(await refusal({ action: 'join', code: 'ZZZZZZ', name: 'x', role: 'player' })).toBe('no-such-room');
    expect(await refusal({ action: 'join', code: oscar.code, name: 'x', role: 'spectator', password: 'open sesame' })).toBe('bad-password');
    expect(await attempt(port, '{"action":"join","code":{"$ne":null}}')).toBe('bad-request');
    const burst: string[] = [];
    for (let i = 0; i < 14; i++) burst.push(await refusal({ action: 'join', code: 'ZZZZZZ', name: `x${i}`, role: 'player' }));
    const firstLimited = burst.indexOf('rate-limited');
    figures['burstRefusedAsNoSuchRoom'] = firstLimited;
    figures['burstRateLimited'] = burst.length - firstLimited;
    // 7 failures were left, plus one back every 6 s while the test ran; after that every attempt waits.
    expect(firstLimited).toBeGreaterThanOrEqual(7);
    expect(firstLimited).toBeLessThanOrEqual(10);
    expect(burst.slice(0, firstLimited).every((r) => r === 'no-such-room')).toBe(true);
    expect(burst.slice(firstLimited).every((r) => r === 'rate-limited')).toBe(true);
    // Even a well-formed join from that address waits now.
    expect(await refusal({ action: 'join', code: oscar.code, name: 'y', role: 'spectator', password: 'sesame' })).toBe('rate-limited');
    expect(relay.stats().joinsRefused - refusedBefore).toBe(3 + 14 + 1);
    expect(relay.stats().connections).toBe(6);

    // A forged geckos.io event: the JSON text {"disconnect":…} once made geckos.io's server raise
    // 'disconnect' although the connection was up. The host reads no text at all now: it is
    // counted and dropped, and the connection is what it was.
    expect(oscar.disconnected).toBe(false);
    const textBefore = host!.stats().textDropped;
    oscar.channel.emit('disconnect', 'closed');
    await waitFor(() => host!.stats().textDropped === textBefore + 1, 5000, 'the forged event counted as text');
    await sleep(300);
    expect(oscar.disconnected).toBe(false);
    expect(relay.stats().connections).toBe(6);

    console.log('relay attack figures', JSON.stringify({ ...figures, final: relay.stats(), frames: players.map((p) => p.session.currentFrame) }));
  }, 60_000);
});
