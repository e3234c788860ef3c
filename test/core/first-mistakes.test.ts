import { describe, expect, it } from 'vitest';
import { P2PSession } from '../../sdk/src/core/p2p-session.ts';
import type { P2PSessionConfig } from '../../sdk/src/core/session-config.ts';
import type { SessionEvent } from '../../sdk/src/core/session-events.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import { SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';
import { NETWORK_PRESETS } from '../../sdk/src/sim/network-presets.ts';

/**
 * A game developer's first mistakes get answers that say what is wrong, not a silent stall or a
 * stack trace from deep inside (issue 11): a session built without a part, a checksum that is no
 * u32, an input of the wrong shape, a peer address nobody answers, two sessions that think they
 * are the same player.
 */
function pair(options: { local?: [number, number]; addressOf1?: string } = {}) {
  const clock = new VirtualClock();
  const network = new SimulatedNetwork({ seed: 3, clock, profile: NETWORK_PRESETS.lan });
  const [l0, l1] = options.local ?? [0, 1];
  const make = (me: number, local: number) =>
    new P2PSession<Uint8Array, Int32Array>({
      players: [0, 1].map((p) => (p === local ? { kind: 'local' as const } : { kind: 'remote' as const, address: `p${me === 0 ? 1 : 0}` })),
      game: new TestGame(2),
      transport: network.endpoint(`p${me}`),
      input: bytesInputCodec(2),
      seed: 10 + me,
    });
  const sessions = [make(0, l0), make(1, l1)];
  const events: SessionEvent[][] = [[], []];
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      clock.advance(10);
      sessions.forEach((s, i) => {
        s.poll(clock.now());
        events[i]!.push(...s.events());
      });
    }
  };
  return { sessions, events, run, clock };
}

describe('first mistakes', () => {
  it('a session without its game, transport or input codec is refused at construction, naming the part', () => {
    const clock = new VirtualClock();
    const network = new SimulatedNetwork({ seed: 1, clock, profile: NETWORK_PRESETS.lan });
    const good: P2PSessionConfig<Uint8Array, Int32Array> = {
      players: [{ kind: 'local' }, { kind: 'remote', address: 'b' }],
      game: new TestGame(2),
      transport: network.endpoint('a'),
      input: bytesInputCodec(2),
      seed: 1,
    };
    const build = (patch: Record<string, unknown>) => () => new P2PSession({ ...good, ...patch } as P2PSessionConfig<Uint8Array, Int32Array>);
    expect(build({ game: undefined })).toThrow(new TypeError('game is missing: pass your game: step(inputs), save(), load(state) and checksum()'));
    expect(build({ game: { step() {}, save() {}, load() {} } })).toThrow(/^game\.checksum must be a function/);
    expect(build({ transport: undefined })).toThrow(/^transport is missing/);
    expect(build({ transport: { send() {} } })).toThrow(/^transport\.receive must be a function/);
    expect(build({ input: { size: 2, encode() {} } })).toThrow(/^input\.decode must be a function/);
    expect(() => new P2PSession(undefined as never)).toThrow(TypeError);
    expect(build({})).not.toThrow();
  });

  it('a checksum that is not a u32 (a float, NaN, a string) stops the session with a TypeError that says so; an int32 is read as its bits', () => {
    for (const [bad, shown] of [
      [1.5, '1.5'],
      [Number.NaN, 'NaN'],
      ['abc', 'the string "abc"'],
      [2 ** 32, '4294967296'],
    ] as const) {
      const { sessions, run } = pair();
      (sessions[0] as unknown as { game: { checksum: () => unknown } }).game.checksum = () => bad;
      run(500);
      expect(() => {
        for (let f = 0; f < 120; f++) sessions[0]!.advanceFrame(Uint8Array.of(f, 0));
      }).toThrow(new TypeError(`game.checksum() must return a u32 (an integer 0..4294967295; an int32 is read as its u32 bits), got ${shown}`));
    }
    const { sessions, run } = pair();
    (sessions[0] as unknown as { game: { checksum: () => unknown } }).game.checksum = () => -5;
    run(500);
    expect(() => {
      for (let f = 0; f < 120; f++) sessions[0]!.advanceFrame(Uint8Array.of(f, 0));
    }).not.toThrow();
  });

  it('an input of the wrong type or size is refused, saying what was expected and what came, and the session goes on', () => {
    const { sessions, run, clock } = pair();
    run(500);
    const session = sessions[0]!;
    const frame = session.currentFrame;
    expect(() => session.advanceFrame(Uint8Array.of(1, 2, 3))).toThrow(new RangeError('the input must be exactly 2 bytes, got 3'));
    expect(() => session.advanceFrame(7 as never)).toThrow(new TypeError('the input must be a Uint8Array of 2 bytes (bytesInputCodec), got number 7'));
    expect(() => session.advanceFrame([1, 2] as never)).toThrow(new TypeError('the input must be a Uint8Array of 2 bytes (bytesInputCodec), got Array(2)'));
    expect(() => session.advanceFrame(Int16Array.of(1) as never)).toThrow(/got Int16Array$/);
    expect(() => session.advanceFrame(undefined as never)).toThrow(/got undefined$/);
    // Refused before anything was queued: the session is where it was, and plays on.
    expect(session.currentFrame).toBe(frame);
    for (let i = 0; i < 30; i++) {
      clock.advance(16);
      for (const s of sessions) {
        s.poll(clock.now());
        s.advanceFrame(new Uint8Array(2));
      }
    }
    expect(session.currentFrame).toBeGreaterThanOrEqual(frame + 25);
  });

  it('a peer address nobody answers is named in a synchronizing event after 3 s, and every 3 s after', () => {
    const { sessions, events, run } = pair();
    // Session 1 is never polled again: a wrong address, or a peer that is not running.
    const silent = sessions[1]!;
    silent.poll = () => undefined;
    run(6500);
    const named = events[0]!.filter((e) => e.type === 'synchronizing' && e.silentMs !== undefined);
    expect(named.map((e) => (e.type === 'synchronizing' ? [e.player, e.count, e.silentMs! >= 3000] : []))).toEqual([
      [1, 0, true],
      [1, 0, true],
    ]);
    // A peer that answers is never named so.
    const fine = pair();
    fine.run(6500);
    expect(fine.events[0]!.filter((e) => e.type === 'synchronizing' && e.silentMs !== undefined)).toEqual([]);
    expect(fine.sessions[0]!.state).toBe('running');
  });

  it('incompatible-peer says which shared parameter differs: player count, input size, match id, epoch', () => {
    const reasonFor = (a: { n?: number; size?: number; matchId?: number; epoch?: number }, b: { n?: number; size?: number; matchId?: number; epoch?: number }) => {
      const clock = new VirtualClock();
      const network = new SimulatedNetwork({ seed: 4, clock, profile: NETWORK_PRESETS.lan });
      const make = (me: number, o: { n?: number; size?: number; matchId?: number; epoch?: number }) =>
        new P2PSession<Uint8Array, Int32Array>({
          players: Array.from({ length: o.n ?? 2 }, (_, p) => (p === me ? { kind: 'local' as const } : { kind: 'remote' as const, address: p <= 1 ? `p${p}` : `nobody${p}` })),
          game: new TestGame(o.n ?? 2),
          transport: network.endpoint(`p${me}`),
          input: bytesInputCodec(o.size ?? 2),
          seed: 20 + me,
          matchId: o.matchId ?? 0,
          epoch: o.epoch ?? 0,
        });
      const s0 = make(0, a);
      const s1 = make(1, b);
      const seen: SessionEvent[] = [];
      for (let t = 0; t < 1000; t += 10) {
        clock.advance(10);
        s0.poll(clock.now());
        s1.poll(clock.now());
        seen.push(...s0.events());
        s1.events();
      }
      return seen.filter((e) => e.type === 'incompatible-peer').map((e) => (e.type === 'incompatible-peer' ? e.reason : ''));
    };
    expect(reasonFor({}, { n: 3 })).toEqual(['player count differs: it has 3 players, we have 2']);
    expect(reasonFor({}, { size: 4 })).toEqual(['input size differs: it sends 4-byte inputs, we 2-byte ones']);
    expect(reasonFor({ matchId: 7 }, { matchId: 8 })).toEqual(['match id differs (it belongs to another match), or several parameters do (player count, input size, protocol version)']);
    expect(reasonFor({ epoch: 1 }, { epoch: 2 })).toEqual(['epoch differs: it has 2, we 1 (a decision of another room authority)']);
  });

  it('two sessions given the same local player are told so, once, instead of waiting in silence', () => {
    const { events, run } = pair({ local: [0, 0] });
    run(2000);
    const told = events[0]!.filter((e) => e.type === 'incompatible-peer');
    expect(told).toEqual([
      { type: 'incompatible-peer', player: 1, reason: "the peer at p1 says it is player 0, this session's own local player: both sessions were given the same local player" },
    ]);
  });
});
