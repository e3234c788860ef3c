import { describe, expect, it } from 'vitest';
import { decodeControlMessage, encodeControlMessage } from '../../sdk/src/room/control-messages.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';
import type { RoomEvent } from '../../sdk/src/room/room-events.ts';
import type { MemberRole } from '../../sdk/src/room/room-state.ts';
import { FixtureRandom } from './control-fixtures.ts';

/**
 * Thousands of random calls, valid and not, on a few rooms, checking after each one that every
 * room's snapshot passes the strict control-message decoder (one owner, roles by slot, ascending
 * slots, a match exactly while playing) and that the authority's own rules hold.
 */
describe('RoomAuthority: random operations keep every rule', () => {
  it('20 runs × 600 steps', () => {
    let steps = 0;
    let okCalls = 0;
    const eventCounts: Record<string, number> = {};
    for (let run = 0; run < 20; run++) {
      const r = new FixtureRandom(1000 + run);
      const epoch = r.u32();
      const a = new RoomAuthority({ random: r.u32, maxRooms: 4, epoch, reconnectGraceMs: 1000 });
      /** Tokens handed out, by room code and slot (stale ones stay: reconnects with them must fail). */
      const tokens = new Map<string, Map<number, string>>();
      const codes: string[] = [];
      let now = 0;
      let failures = 0;

      for (let step = 0; step < 600; step++, steps++) {
        now += r.below(400);
        const code = codes.length > 0 && r.chance(0.95) ? r.pick(codes) : 'ZZZZZZ';
        const state = a.room(code);
        const slot = state !== undefined && state.members.length > 0 && r.chance(0.85) ? r.pick(state.members).slot : r.below(24);
        const before = state;
        let result: { ok: boolean } | undefined;
        switch (r.below(12)) {
          case 0: {
            const created = a.createRoom({ name: r.pick(['Ada', 'ada', 'Bob', ' x ', '']), ...(r.chance(0.3) ? { password: 'pw' } : {}) }, now);
            if (created.ok) {
              codes.push(created.code);
              tokens.set(created.code, new Map([[0, created.token]]));
            }
            result = created;
            break;
          }
          case 1:
          case 2: {
            const role: MemberRole = r.chance(0.7) ? 'player' : 'spectator';
            const known = [...(tokens.get(code)?.entries() ?? [])];
            const reconnect = known.length > 0 && r.chance(0.3) ? r.pick(known) : undefined;
            const joined = a.join(
              {
                code: r.chance(0.9) ? code : code.toLowerCase(),
                name: r.pick(['Ada', 'ADA', 'Cy', '😀'.repeat(24)]),
                role,
                ...(r.chance(0.8) ? { password: 'pw' } : {}),
                ...(reconnect !== undefined ? { reconnectToken: reconnect[1] } : {}),
              },
              now,
            );
            if (joined.ok) {
              if (reconnect !== undefined) {
                expect(joined.reconnected).toBe(true);
                expect(joined.slot).toBe(reconnect[0]);
              } else {
                expect(joined.reconnected).toBe(false);
                expect(before!.members.some((m) => m.slot === joined.slot)).toBe(false);
                if (role === 'player') expect(before!.phase).toBe('lobby');
                expect(joined.slot < 16).toBe(role === 'player');
                tokens.get(code)!.set(joined.slot, joined.token);
              }
            }
            result = joined;
            break;
          }
          case 3:
            result = a.setReady(code, slot, r.chance(0.8));
            break;
          case 4:
            result = a.updateSettings(code, slot, r.pick([{ maxPlayers: r.between(1, 17) }, { fps: 30 }, { inputDelay: r.between(0, 31) }, {}]));
            break;
          case 5:
          case 6: {
            // Ready everyone first half the time, so that starts do happen.
            if (r.chance(0.5) && before !== undefined) {
              for (const m of before.members) if (!a.setReady(code, m.slot, true).ok) failures++;
            }
            const started = a.start(code, before?.ownerSlot ?? 0, now);
            if (started.ok) expect(started.match.epoch).toBe(epoch);
            result = started;
            break;
          }
          case 7:
            result = a.endMatch(code, r.chance(0.7) ? (before?.ownerSlot ?? 0) : slot);
            break;
          case 8:
            result = a.leave(code, slot);
            break;
          case 9:
            result = a.connectionLost(code, slot, now);
            break;
          case 10:
            result = a.drop(code, slot, r.pick(['timeout', 'kicked', 'protocol-error'] as const));
            break;
          default:
            a.tick(now);
        }
        if (result !== undefined) {
          if (result.ok) okCalls++;
          else failures++;
        }

        // Rules that must hold after every call.
        const events: RoomEvent[] = a.events();
        for (const e of events) {
          eventCounts[e.type] = (eventCounts[e.type] ?? 0) + 1;
          if (e.type === 'member-dropped') expect(e.epoch).toBe(epoch);
          if (e.type === 'room-closed') {
            expect(a.room(e.code)).toBeUndefined();
            expect(e.state.phase).toBe('closed');
            codes.splice(codes.indexOf(e.code), 1);
          }
        }
        let members = 0;
        for (const c of a.roomCodes()) {
          const s = a.room(c)!;
          members += s.members.length;
          const decoded = decodeControlMessage(encodeControlMessage({ type: 'room-state', state: s }), 'host');
          expect(decoded.ok).toBe(true);
          const players = s.members.filter((m) => m.role === 'player');
          expect(players.length).toBeLessThanOrEqual(s.settings.maxPlayers);
          expect(s.members.length).toBeGreaterThan(0);
          expect(new Set(s.members.map((m) => m.name.toLowerCase())).size).toBe(s.members.length);
          if (s.phase === 'lobby') expect(s.match).toBeUndefined();
          for (const m of s.members) if (m.role === 'spectator') expect(m.ready).toBe(false);
        }
        const stats = a.stats();
        expect(stats.members).toBe(members);
        expect(Object.values(stats.rejected).reduce((x, n) => x + n, 0)).toBe(failures);
      }
    }
    expect(steps).toBe(12_000);
    // The runs did reach every part of the authority.
    for (const type of ['room-changed', 'match-started', 'match-ended', 'member-dropped', 'owner-changed', 'room-closed']) {
      expect(eventCounts[type] ?? 0, type).toBeGreaterThan(0);
    }
    expect(okCalls).toBeGreaterThan(1000);
    console.info(`authority random ops: ${steps} steps, ${okCalls} calls accepted, events ${JSON.stringify(eventCounts)}`);
  });
});
