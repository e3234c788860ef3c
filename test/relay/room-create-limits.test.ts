import { describe, expect, it } from 'vitest';
import { RelayRig } from '../helpers/relay-rig.ts';
import { RelayHost } from '../../sdk/src/relay/relay-host.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';

/**
 * Room creation is charged per remote address (issue 8, fault 5: one address created 63 rooms in
 * 3.3 s, another held all 64, and every honest create got 503): rooms held open per address,
 * creates per minute per address, and the host's own cap on rooms.
 */

const create = (rig: RelayRig, address: string, name = 'x') => {
  const r = rig.authorize({ action: 'create', name }, address);
  return r.ok ? 'ok' : r.error;
};

describe('room creation limits per address', () => {
  it('an address holds at most roomsPerAddress (4) open rooms; a room frees its place when it closes', () => {
    const rig = new RelayRig({ relay: { roomCreatesPerMinute: 1000 } });
    const mine = [0, 1, 2, 3].map((i) => rig.connect({ action: 'create', name: `r${i}` }, { address: 'a' }));
    expect(create(rig, 'a')).toBe('too-many-own-rooms');
    expect(create(rig, 'b')).toBe('ok'); // another address is not concerned
    // A room still counts while anyone is in it, creator or not.
    const guest = rig.join(mine[0]!.binding.code, 'guest', 'player', { address: 'c' });
    mine[0]!.client!.leave();
    rig.advance(50);
    expect(rig.authority.room(mine[0]!.binding.code)).toBeDefined();
    expect(create(rig, 'a')).toBe('too-many-own-rooms');
    // It closes with its last member: a's place is free again.
    guest.client!.leave();
    rig.advance(50);
    expect(rig.authority.room(mine[0]!.binding.code)).toBeUndefined();
    expect(create(rig, 'a')).toBe('ok');
    expect(create(rig, 'a')).toBe('too-many-own-rooms');
    // A room whose channel never opened closes after the reconnect grace (5 s), and frees its place too.
    rig.advance(5100);
    expect(create(rig, 'a')).toBe('ok');
  });

  it('an address creates at most roomCreatesPerMinute (6) rooms a minute, open or not; one more every 10 s', () => {
    const rig = new RelayRig({ relay: { roomsPerAddress: 100 } });
    for (let i = 0; i < 6; i++) {
      const owner = rig.connect({ action: 'create', name: `r${i}` }, { address: 'a' });
      owner.client!.leave(); // each room closes at once: churning is what this limit is for
      rig.advance(20);
    }
    expect(rig.host.stats().rooms).toBe(0);
    expect(create(rig, 'a')).toBe('create-rate-limited');
    expect(create(rig, 'b')).toBe('ok');
    rig.nowMs += 9_000;
    expect(create(rig, 'a')).toBe('create-rate-limited');
    rig.nowMs += 1_000;
    expect(create(rig, 'a')).toBe('ok');
    expect(create(rig, 'a')).toBe('create-rate-limited');
  });

  it('takes the limits from the options, and refuses bad ones', () => {
    const rig = new RelayRig({ relay: { roomsPerAddress: 1, roomCreatesPerMinute: 2 } });
    expect(create(rig, 'a')).toBe('ok');
    expect(create(rig, 'a')).toBe('too-many-own-rooms');
    rig.advance(5100); // never opened: closed after the grace
    expect(create(rig, 'a')).toBe('ok');
    rig.advance(5100);
    expect(create(rig, 'a')).toBe('create-rate-limited');
    const authority = new RoomAuthority({ random: () => 1 });
    expect(() => new RelayHost({ authority, roomsPerAddress: 0 })).toThrow(RangeError);
    expect(() => new RelayHost({ authority, roomCreatesPerMinute: 0 })).toThrow(RangeError);
  });

  it("the attack of issue 8: one address hammering creates gets 4 rooms, then nothing, and the others' creates all succeed", () => {
    const rig = new RelayRig();
    const results: string[] = [];
    for (let i = 0; i < 63; i++) {
      results.push(create(rig, '6.6.6.6', `spam${i}`));
      rig.nowMs += 50; // 63 in 3.2 s
    }
    expect(results.slice(0, 4)).toEqual(['ok', 'ok', 'ok', 'ok']);
    // Refused creates are failed attempts: after 10 of them the address is rate-limited for everything.
    expect(results.slice(4, 14)).toEqual(Array(10).fill('too-many-own-rooms'));
    expect(results.slice(14).every((r) => r === 'rate-limited')).toBe(true);
    expect(rig.authorize({ action: 'join', code: 'ABCDEF', name: 'x', role: 'player' }, '6.6.6.6')).toEqual({ ok: false, error: 'rate-limited' });
    // The host's 64 rooms: 60 more, one from each honest machine, all succeed; then the host is full.
    for (let i = 0; i < 60; i++) expect(create(rig, `10.1.0.${i}`)).toBe('ok');
    expect(create(rig, '10.2.0.1')).toBe('too-many-rooms');
    expect(rig.authority.stats().rooms).toBe(64);
  });
});
