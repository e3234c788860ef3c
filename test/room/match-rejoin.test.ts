import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { decodeControlMessage, encodeControlMessage } from '../../sdk/src/room/control-messages.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';
import { parseRoomHandover } from '../../sdk/src/room/room-handover.ts';
import { MemberDropReason } from '../../sdk/src/room/room-events.ts';
import type { RoomEvent } from '../../sdk/src/room/room-events.ts';

// Issue 13: a player of the running match whom the room removed keeps its way back (token, slot,
// name) until the match ends; a player back with a new session asks the others to readmit it.

function authority(epoch = 1, seed = 7): RoomAuthority {
  const prng = new Prng(seed);
  return new RoomAuthority({ random: () => prng.nextU32(), epoch, reconnectGraceMs: 5000, matchReconnectGraceMs: 2500 });
}

function ok<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}

/** Ann (owner, 0), Bo (1), Cy (2) playing; a spectator in 16; events drained. */
function playing(a: RoomAuthority) {
  const created = ok(a.createRoom({ name: 'Ann' }, 0));
  const { code } = created;
  const tokens = [created.token];
  for (const name of ['Bo', 'Cy']) tokens.push(ok(a.join({ code, name, role: 'player' }, 0)).token);
  const spectator = ok(a.join({ code, name: 'Sy', role: 'spectator' }, 0)).token;
  for (let s = 0; s < 3; s++) ok(a.setReady(code, s, true));
  const match = ok(a.start(code, 0, 0)).match;
  a.events();
  return { code, tokens, spectator, match };
}

/** Bo's connection drops at 1000 ms and the match grace runs out: the room removes it. */
function removeBo(a: RoomAuthority, code: string): RoomEvent[] {
  ok(a.connectionLost(code, 1, 1000));
  a.tick(1000 + 2500);
  return a.events();
}

const rejoining = (events: RoomEvent[]) => events.filter((e) => e.type === 'member-rejoining');

describe('rejoining a running match: the room', () => {
  it('a removed match player comes back with its token into its own slot and name, and asks once per return to be readmitted', () => {
    const a = authority();
    const { code, tokens, match } = playing(a);
    const dropped = removeBo(a, code);
    expect(dropped.filter((e) => e.type === 'member-dropped')).toHaveLength(1);
    expect(a.room(code)!.members.map((m) => m.slot)).toEqual([0, 2, 16]);

    // Without its token a player cannot come in during a match; a spectator may, and never gets Bo's name.
    expect(a.join({ code, name: 'Bo', role: 'player' }, 4000)).toEqual({ ok: false, error: 'in-progress' });
    const watcher = ok(a.join({ code, name: 'Bo', role: 'spectator' }, 4000));
    expect(a.room(code)!.members.find((m) => m.slot === watcher.slot)!.name).not.toBe('Bo');

    const back = ok(a.join({ code, name: 'ignored', role: 'player', reconnectToken: tokens[1]! }, 5000));
    expect(back).toMatchObject({ slot: 1, token: tokens[1], reconnected: true });
    expect(a.room(code)!.members.find((m) => m.slot === 1)).toMatchObject({ name: 'Bo', role: 'player', connected: true, ready: false, owner: false });
    a.events();

    ok(a.rejoinMatch(code, 1, match.matchId));
    const events = a.events();
    const [event] = rejoining(events);
    expect(event).toMatchObject({ type: 'member-rejoining', code, slot: 1, matchId: match.matchId, epoch: 1 });
    expect(a.room(code)!.rejoining).toEqual([[1, (event as Extract<RoomEvent, { type: 'member-rejoining' }>).returnId]]);
    expect(events.some((e) => e.type === 'room-changed')).toBe(true);

    // A repeat before the next return changes nothing (no spam of readmissions).
    expect(a.rejoinMatch(code, 1, match.matchId)).toEqual({ ok: true });
    expect(rejoining(a.events())).toEqual([]);

    // Back in the match: no longer listed; asking again now is refused until it returns again.
    ok(a.matchRejoined(code, 1, match.matchId));
    expect(a.room(code)!.rejoining).toBeUndefined();
    expect(a.matchRejoined(code, 1, match.matchId)).toEqual({ ok: true }); // idempotent
    expect(a.rejoinMatch(code, 1, match.matchId)).toEqual({ ok: false, error: 'not-returning' });

    // Its page reloads again within the grace (still a member): the token brings a new return, with a new id.
    ok(a.join({ code, name: '', role: 'player', reconnectToken: tokens[1]! }, 6000));
    ok(a.rejoinMatch(code, 1, match.matchId));
    const [second] = rejoining(a.events());
    expect(second).toBeDefined();
    expect((second as Extract<RoomEvent, { type: 'member-rejoining' }>).returnId).not.toBe((event as Extract<RoomEvent, { type: 'member-rejoining' }>).returnId);
  });

  it('refuses a wrong match id, a spectator, a player who was never away, and outside a match; counted', () => {
    const a = authority();
    const { code, tokens, spectator, match } = playing(a);
    ok(a.join({ code, name: '', role: 'spectator', reconnectToken: spectator }, 10));
    expect(a.rejoinMatch(code, 16, match.matchId)).toEqual({ ok: false, error: 'not-a-player' });
    expect(a.rejoinMatch(code, 2, match.matchId)).toEqual({ ok: false, error: 'not-returning' });
    ok(a.join({ code, name: '', role: 'player', reconnectToken: tokens[2]! }, 10));
    expect(a.rejoinMatch(code, 2, (match.matchId + 1) >>> 0)).toEqual({ ok: false, error: 'wrong-match' });
    expect(a.matchRejoined(code, 2, (match.matchId + 1) >>> 0)).toEqual({ ok: false, error: 'wrong-match' });
    expect(a.rejoinMatch(code, 9, match.matchId)).toEqual({ ok: false, error: 'no-such-member' });
    expect(a.rejoinMatch('NOROOM', 2, match.matchId)).toEqual({ ok: false, error: 'no-such-room' });
    expect(a.rejoinMatch(code, 2, 'x' as never)).toEqual({ ok: false, error: 'wrong-match' });
    expect(rejoining(a.events())).toEqual([]);
    ok(a.endMatch(code, 0));
    expect(a.rejoinMatch(code, 2, match.matchId)).toEqual({ ok: false, error: 'not-playing' });
    const rejected = a.stats().rejected;
    expect(rejected['wrong-match']).toBe(3);
    expect(rejected['not-returning']).toBe(1);
  });

  it('a player that joined after the match started (a spectator) or one who left, was kicked or abused the protocol has no way back', () => {
    const a = authority();
    const { code, tokens, match } = playing(a);
    ok(a.leave(code, 1));
    ok(a.drop(code, 2, MemberDropReason.Kicked));
    expect(a.join({ code, name: '', role: 'player', reconnectToken: tokens[1]! }, 10)).toEqual({ ok: false, error: 'bad-token' });
    expect(a.join({ code, name: '', role: 'player', reconnectToken: tokens[2]! }, 10)).toEqual({ ok: false, error: 'bad-token' });
    expect(a.exportRoom(code)!.reserved).toBeUndefined();
    expect(match.players).toEqual([0, 1, 2]);
  });

  it('the way back ends with the match, and with a removal during the return', () => {
    const a = authority();
    const { code, tokens, match } = playing(a);
    removeBo(a, code);
    // Cy returns and asks; then Cy is removed mid-return: no longer listed as rejoining.
    ok(a.join({ code, name: '', role: 'player', reconnectToken: tokens[2]! }, 4000));
    ok(a.rejoinMatch(code, 2, match.matchId));
    expect(a.room(code)!.rejoining?.map(([s]) => s)).toEqual([2]);
    ok(a.connectionLost(code, 2, 4100));
    a.tick(4100 + 2500);
    expect(a.room(code)!.rejoining).toBeUndefined();
    ok(a.endMatch(code, 0));
    expect(a.join({ code, name: '', role: 'player', reconnectToken: tokens[1]! }, 7000)).toEqual({ ok: false, error: 'bad-token' });
    expect(a.join({ code, name: '', role: 'player', reconnectToken: tokens[2]! }, 7000)).toEqual({ ok: false, error: 'bad-token' });
  });

  it('carries the reserved seats and the returns under way through a host migration (export → JSON → restore)', () => {
    const old = authority(3);
    const { code, tokens, match } = playing(old);
    removeBo(old, code);
    ok(old.join({ code, name: '', role: 'player', reconnectToken: tokens[2]! }, 4000));
    ok(old.rejoinMatch(code, 2, match.matchId));
    const returnId = old.room(code)!.rejoining![0]![1];
    const exported = old.exportRoom(code)!;
    expect(exported.reserved).toEqual([[1, tokens[1], 'Bo']]);
    const parsed = parseRoomHandover(JSON.parse(JSON.stringify(exported)));
    if (!parsed.ok) throw new Error(parsed.reason);
    // Also inside a handover control message.
    const decoded = decodeControlMessage(encodeControlMessage({ type: 'handover', handover: parsed.handover }), 'host');
    expect(decoded.ok && decoded.message.type === 'handover' ? decoded.message.handover.reserved : undefined).toEqual(exported.reserved);

    const next = authority(4, 99);
    ok(next.restoreRoom(parsed.handover, 10_000));
    expect(next.room(code)!.rejoining).toEqual([[2, returnId]]);
    const back = ok(next.join({ code, name: '', role: 'player', reconnectToken: tokens[1]! }, 10_100));
    expect(back.slot).toBe(1);
    expect(next.room(code)!.members.find((m) => m.slot === 1)!.name).toBe('Bo');
    next.events();
    ok(next.rejoinMatch(code, 1, match.matchId));
    expect(rejoining(next.events())).toMatchObject([{ slot: 1, matchId: match.matchId, epoch: 4 }]);
    ok(next.matchRejoined(code, 2, match.matchId));
    expect(next.room(code)!.rejoining!.map(([s]) => s)).toEqual([1]);
  });

  it('parseRoomHandover refuses forged seats; room states refuse forged returns', () => {
    const a = authority();
    const { code, match } = playing(a);
    removeBo(a, code);
    const good = JSON.parse(JSON.stringify(a.exportRoom(code))) as Record<string, unknown>;
    expect(parseRoomHandover(good).ok).toBe(true);
    const seat = (good['reserved'] as unknown[][])[0]!;
    const memberToken = (good['tokens'] as unknown[][])[0]![1];
    const forged: unknown[] = [
      [[0, seat[1], 'Bo']], // a slot a member holds
      [[5, seat[1], 'Bo']], // not a player of the match
      [[1, memberToken, 'Bo']], // a token already a member's
      [[1, 'short', 'Bo']],
      [[1, seat[1], '']],
      [[1, seat[1]]],
      [],
      'x',
    ];
    for (const reserved of forged) expect(parseRoomHandover({ ...good, reserved }).ok, JSON.stringify(reserved)).toBe(false);
    const lobbyState: Record<string, unknown> = { ...(good['state'] as Record<string, unknown>), phase: 'lobby' };
    delete lobbyState['match'];
    expect(parseRoomHandover({ ...good, state: lobbyState }).ok).toBe(false); // seats outside a match

    const state = a.room(code)!;
    const roomState = (rejoining: unknown) => decodeControlMessage(new TextEncoder().encode(JSON.stringify({ type: 'room-state', state: { ...state, rejoining } })), 'host').ok;
    expect(roomState([[2, 7]])).toBe(true);
    expect(roomState([[1, 7]])).toBe(false); // not a member now
    expect(roomState([[16, 7]])).toBe(false); // a spectator
    expect(roomState([[2, -1]])).toBe(false);
    expect(roomState([[2, 7], [0, 7]])).toBe(false); // not ascending
    expect(roomState([])).toBe(false);
    expect(match.players).toContain(2);
  });

  it('the control messages: rejoin-match and match-rejoined from members, member-rejoining from the host only', () => {
    for (const message of [
      { type: 'rejoin-match', matchId: 5 },
      { type: 'match-rejoined', matchId: 0xffffffff },
    ] as const) {
      expect(decodeControlMessage(encodeControlMessage(message), 'client')).toEqual({ ok: true, message });
      expect(decodeControlMessage(encodeControlMessage(message), 'host').ok).toBe(false);
    }
    const event = { type: 'member-rejoining', slot: 3, matchId: 9, returnId: 12, epoch: 2 } as const;
    expect(decodeControlMessage(encodeControlMessage(event), 'host')).toEqual({ ok: true, message: event });
    expect(decodeControlMessage(encodeControlMessage(event), 'client').ok).toBe(false);
    const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    for (const bad of [
      { type: 'rejoin-match' },
      { type: 'rejoin-match', matchId: -1 },
      { type: 'rejoin-match', matchId: 1, slot: 2 },
      { type: 'member-rejoining', slot: 16, matchId: 9, returnId: 12, epoch: 2 },
      { type: 'member-rejoining', slot: 1, matchId: 9, epoch: 2 },
    ]) {
      expect(decodeControlMessage(bytes(bad)).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});
