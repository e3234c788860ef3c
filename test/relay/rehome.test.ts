import { describe, expect, it } from 'vitest';
import { RelayRig } from '../helpers/relay-rig.ts';
import { MAX_CONNECT_REQUEST_CHARS, MAX_REHOME_REQUEST_CHARS, encodeConnectRequest, parseConnectRequest, refusalReason, refusalStatus } from '../../sdk/src/relay/connect-request.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

/** A room of three on one authority (the one a successor held), exported with its secrets. */
function heldRoom(epoch: number) {
  const rng = new Prng(3);
  const authority = new RoomAuthority({ random: () => rng.nextU32(), epoch });
  const created = authority.createRoom({ name: 'Ada' }, 0);
  if (!created.ok) throw new Error(created.error);
  const brook = authority.join({ code: created.code, name: 'Łukasz', role: 'player' }, 0);
  const cy = authority.join({ code: created.code, name: '小明 🎮', role: 'spectator' }, 0);
  if (!brook.ok || !cy.ok) throw new Error('join');
  return { handover: authority.exportRoom(created.code)!, tokens: [created.token, brook.token, cy.token], code: created.code };
}

describe('connect requests in a header', () => {
  it('are printable ASCII whatever the names, and read back unchanged', () => {
    const request = { action: 'join', code: 'ABCDEF', name: 'Łukasz Дима 小明 🎮 "q" \\ é', role: 'player' } as const;
    const text = encodeConnectRequest(request);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(parseConnectRequest(text)).toEqual({ ok: true, request });
  });

  it("a 'rehome' carries the room's handover, up to its own limit; nothing else may be that long", () => {
    const { handover, tokens } = heldRoom(2);
    const text = encodeConnectRequest({ action: 'rehome', handover, token: tokens[0]! });
    expect(text.length).toBeGreaterThan(200);
    expect(parseConnectRequest(text)).toEqual({ ok: true, request: { action: 'rehome', handover, token: tokens[0] } });
    expect(parseConnectRequest(JSON.stringify({ action: 'rehome', handover: { ...handover, tokens: [] }, token: tokens[0] }))).toEqual({ ok: false, error: 'bad-request' });
    expect(parseConnectRequest(JSON.stringify({ action: 'rehome', handover, token: tokens[0], extra: 1 }))).toEqual({ ok: false, error: 'bad-request' });
    const longJoin = JSON.stringify({ action: 'join', code: 'ABCDEF', name: 'x', role: 'player', pad: 'y'.repeat(MAX_CONNECT_REQUEST_CHARS) });
    expect(parseConnectRequest(longJoin)).toEqual({ ok: false, error: 'bad-request' });
    expect(parseConnectRequest(`{"action":"rehome"${' '.repeat(MAX_REHOME_REQUEST_CHARS)}}`)).toEqual({ ok: false, error: 'bad-request' });
    expect(refusalReason(refusalStatus('code-in-use'))).toBe('code-in-use');
  });
});

describe('a host takes a room back (rehome)', () => {
  it('restores it with its code, slots, names and tokens above the holder epoch; the members come back with their tokens', () => {
    const rig = new RelayRig({ seed: 8 });
    const { handover, tokens, code } = heldRoom(2);
    const result = rig.authorize(encodeConnectRequest({ action: 'rehome', handover, token: tokens[1]! }));
    expect(result).toEqual({ ok: true, binding: { code, slot: 1, role: 'player', token: tokens[1] } });
    if (!result.ok) throw new Error(result.error);
    const brook = rig.open(result.binding);
    rig.advance(50);
    const room = brook.client!.room!;
    expect(room.epoch).toBe(3);
    expect(room.members.map((m) => [m.slot, m.name, m.role, m.connected])).toEqual([
      [0, 'Ada', 'player', false],
      [1, 'Łukasz', 'player', true],
      [16, '小明 🎮', 'spectator', false],
    ]);
    // Ada comes back into slot 0 with her token; a newcomer can join again.
    const ada = rig.connect({ action: 'join', code, name: 'Ada', role: 'player', token: tokens[0]! });
    expect(ada.binding.slot).toBe(0);
    const newcomer = rig.join(code, 'Dee');
    expect(newcomer.binding.slot).toBe(2);
    rig.advance(50);
    expect(brook.client!.room!.members.filter((m) => m.connected).map((m) => m.slot)).toEqual([0, 1, 2]);
  });

  it('refuses a token not of a player of the room, a code it has, and a forged handover: nothing restored', () => {
    const rig = new RelayRig({ seed: 9 });
    const { handover, tokens } = heldRoom(2);
    const rehome = (token: string, h = handover) => rig.authorize(encodeConnectRequest({ action: 'rehome', handover: h, token }));
    expect(rehome('A'.repeat(22))).toEqual({ ok: false, error: 'bad-token' });
    expect(rehome(tokens[2]!)).toEqual({ ok: false, error: 'bad-token' }); // a spectator cannot hold a room
    expect(rig.authority.roomCodes()).toEqual([]);
    expect(rehome(tokens[0]!).ok).toBe(true);
    expect(rehome(tokens[1]!)).toEqual({ ok: false, error: 'code-in-use' });
    const forged = { ...handover, tokens: handover.tokens.map(([slot, t], i) => [slot, i === 0 ? t : t] as const), state: { ...handover.state, members: handover.state.members.slice(1) } };
    expect(rig.authorize(JSON.stringify({ action: 'rehome', handover: forged, token: tokens[1] }))).toEqual({ ok: false, error: 'bad-request' });
    expect(rig.authority.roomCodes()).toHaveLength(1);
  });
});
