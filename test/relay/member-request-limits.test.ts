import { describe, expect, it } from 'vitest';
import { RelayRig } from '../helpers/relay-rig.ts';
import type { RigMember } from '../helpers/relay-rig.ts';
import { HandMember, advanceWith } from './hand-member.ts';
import { RelayHost } from '../../sdk/src/relay/relay-host.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';

/**
 * Per-member limits on control requests (issue 8, fault 10: 8 members sent 100k chat lines in
 * 25 s, and every honest member received 4,000 chat events a second). Chat: 2 lines a second, in
 * bursts of 5; other room requests: 10 a second, in bursts of 20. What is over is dropped,
 * counted, and the member told once.
 */

const events = RelayRig.eventsOf;
const chats = (m: RigMember) => events(m, 'chat').map((e) => e.text);
const rateErrors = (m: RigMember) => events(m, 'error').filter((e) => e.code === 'rate-limited');

function lobby(rig: RelayRig, players: number): RigMember[] {
  const owner = rig.create('p0', { settings: { maxPlayers: Math.max(2, players) } });
  const all = [owner];
  for (let i = 1; i < players; i++) all.push(rig.join(owner.binding.code, `p${i}`, 'player', { address: `10.0.3.${i}` }));
  rig.advance(50);
  return all;
}

describe('per-member request limits', () => {
  it('chat: a burst of 5 passes, the rest is dropped and counted, the sender is told once; the rate comes back', () => {
    const rig = new RelayRig();
    const [ann, bo, cy] = lobby(rig, 3);
    for (let i = 0; i < 100; i++) bo!.client!.chat(`line ${i}`);
    rig.advance(50);
    const first = ['line 0', 'line 1', 'line 2', 'line 3', 'line 4'];
    for (const m of [ann!, bo!, cy!]) expect(chats(m)).toEqual(first);
    expect(rig.host.stats().dropped['chat-rate-limited']).toBe(95);
    expect(rateErrors(bo!)).toEqual([{ type: 'error', code: 'rate-limited', message: 'too many chat lines: dropped until you slow down' }]);
    expect(rateErrors(ann!)).toEqual([]);
    // A second later: two lines' worth back. More beyond that is the same flood: no second notice.
    rig.advance(1000);
    bo!.client!.chat('back');
    bo!.client!.chat('again');
    for (let i = 0; i < 20; i++) bo!.client!.chat(`more ${i}`);
    rig.advance(50);
    expect(chats(ann!).slice(5)).toEqual(['back', 'again']);
    expect(rateErrors(bo!)).toHaveLength(1);
    // Quiet long enough to fill the burst again (2.5 s): a new flood is news, told once more.
    rig.advance(3000);
    for (let i = 0; i < 20; i++) bo!.client!.chat(`later ${i}`);
    rig.advance(50);
    expect(chats(ann!).slice(7)).toEqual(['later 0', 'later 1', 'later 2', 'later 3', 'later 4']);
    expect(rateErrors(bo!)).toHaveLength(2);
    // Others chat as usual meanwhile: the limit is per member.
    for (let i = 0; i < 5; i++) cy!.client!.chat(`cy ${i}`);
    rig.advance(50);
    expect(chats(ann!).slice(12)).toEqual(['cy 0', 'cy 1', 'cy 2', 'cy 3', 'cy 4']);
    expect(rateErrors(cy!)).toEqual([]);
  });

  it('the flood of issue 8: 8 members chatting as fast as they can; a spectator hears at most what the limits let through', () => {
    const rig = new RelayRig();
    const players = lobby(rig, 8);
    const watcher = rig.join(players[0]!.binding.code, 'watcher', 'spectator', { address: '10.0.4.1' });
    rig.advance(50);
    let sent = 0;
    const seconds = 3;
    for (let t = 0; t < seconds * 100; t++) {
      for (const p of players) for (let k = 0; k < 2; k++, sent++) p.client!.chat(`${sent}`); // 200 lines a second each
      rig.advance(10);
    }
    rig.advance(200);
    const heard = chats(watcher).length;
    // At most a burst of 5 and 2 a second from each of the 8, against 4,800 sent.
    expect(sent).toBe(8 * 200 * seconds);
    expect(heard).toBeLessThanOrEqual(8 * (5 + 2 * (seconds + 0.3)));
    expect(heard).toBeGreaterThanOrEqual(8 * (5 + 2 * seconds - 1)); // the last refill falls just short of a whole line
    for (const p of players) expect(rateErrors(p)).toHaveLength(1);
    expect(rig.host.stats().dropped['chat-rate-limited']).toBeGreaterThan(sent - heard - 8 * 256); // what was not still in flight
  });

  it('other requests: a burst of 20 passes, the rest is dropped, told once; leaving is never refused', () => {
    const rig = new RelayRig();
    const [ann, bo] = lobby(rig, 2);
    const roomStatesBefore = events(ann!, 'room-state').length;
    for (let i = 0; i < 100; i++) bo!.client!.setReady(i % 2 === 0);
    rig.advance(50);
    expect(rig.host.stats().dropped['request-rate-limited']).toBe(80);
    expect(events(bo!, 'error')).toEqual([{ type: 'error', code: 'rate-limited', message: 'too many requests: dropped until you slow down' }]);
    expect(events(ann!, 'room-state').length - roomStatesBefore).toBeLessThanOrEqual(20);
    // Chat has a bucket of its own, and leaving is not a limited request.
    bo!.client!.chat('still here');
    bo!.client!.leave();
    rig.advance(50);
    expect(chats(ann!)).toEqual(['still here']);
    expect(ann!.client!.room?.members.map((m) => m.slot)).toEqual([0]);
  });

  it('set-look: a taken colour is refused by the host in a code the page can explain; looks share the requests\' limit', () => {
    const rig = new RelayRig();
    const [ann, bo] = lobby(rig, 2);
    bo!.client!.setLook(0, 3); // Ann's colour
    bo!.client!.setLook(5, 3);
    rig.advance(50);
    expect(events(bo!, 'error').map((e) => e.code)).toEqual(['color-taken']);
    expect(ann!.client!.room?.members.map((m) => [m.slot, m.color, m.shape])).toEqual([[0, 0, 0], [1, 5, 3]]);
    for (let i = 0; i < 100; i++) bo!.client!.setLook(6 + (i % 2), 1);
    rig.advance(50);
    expect(rig.host.stats().dropped['request-rate-limited']).toBe(100 - 18); // 2 of the burst of 20 went above
    expect(rateErrors(bo!)).toHaveLength(1);
  });

    it('a member keeps its limits across a reconnect: coming back does not refill them', () => {
    const rig = new RelayRig();
    const ann = rig.create('ann');
    const bo = HandMember.connect(rig, { action: 'join', code: ann.binding.code, name: 'bo', role: 'player' });
    advanceWith(rig, [bo], 50);
    for (let i = 0; i < 10; i++) bo.client.chat(`${i}`);
    advanceWith(rig, [bo], 50);
    expect(chats(ann)).toHaveLength(5);
    bo.lose();
    bo.reconnect();
    for (let i = 10; i < 20; i++) bo.client.chat(`${i}`);
    advanceWith(rig, [bo], 100);
    expect(chats(ann)).toEqual(['0', '1', '2', '3', '4']);
    expect(bo.eventsOf('error').filter((e) => e.code === 'rate-limited')).toHaveLength(1);
  });

  it('takes the limits from the options, and refuses bad ones', () => {
    const rig = new RelayRig({ relay: { chatPerSecond: 1, chatBurst: 2, requestsPerSecond: 1, requestBurst: 1 } });
    const [ann, bo] = lobby(rig, 2);
    for (let i = 0; i < 5; i++) bo!.client!.chat(`${i}`);
    bo!.client!.setReady(true);
    bo!.client!.setReady(false);
    rig.advance(50);
    expect(chats(ann!)).toEqual(['0', '1']);
    expect(rig.host.stats().dropped).toMatchObject({ 'chat-rate-limited': 3, 'request-rate-limited': 1 });
    const authority = new RoomAuthority({ random: () => 1 });
    expect(() => new RelayHost({ authority, chatPerSecond: 0 })).toThrow(RangeError);
    expect(() => new RelayHost({ authority, chatBurst: 0.5 })).toThrow(RangeError);
    expect(() => new RelayHost({ authority, requestsPerSecond: -1 })).toThrow(RangeError);
    expect(() => new RelayHost({ authority, requestBurst: Number.NaN })).toThrow(RangeError);
  });
});
