import { describe, expect, it } from 'vitest';
import { SessionRig } from '../helpers/session-rig.ts';
import type { RigGame } from '../helpers/session-rig.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';
import { AdvanceResult, SessionState } from '../../sdk/src/core/p2p-session.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';

const profiles = loadNetworkProfiles();
const continental = getProfile(profiles, 'continental');

function randomize(rig: SessionRig, rng: Prng, rate = 0.2): void {
  for (const peer of rig.peers) if (rng.nextU32() / 2 ** 32 < rate) peer.input = Uint8Array.of(rng.nextU32() & 0xff, rng.nextU32() & 0xff);
}

describe('P2PSession handshake', () => {
  it('synchronizes every pair, reports progress, then runs', () => {
    const rig = new SessionRig({ players: 3 });
    rig.ticks(60);
    for (const peer of rig.peers) {
      expect(peer.session.state).toBe(SessionState.Running);
      const types = peer.events.map((e) => e.type);
      expect(types.filter((t) => t === 'synchronized')).toHaveLength(2);
      expect(types.filter((t) => t === 'synchronizing')).toHaveLength(2 * 5);
      expect(types.indexOf('running')).toBeGreaterThan(types.lastIndexOf('synchronized') - 1);
    }
  });

  it('does not advance before it is synchronized', () => {
    const rig = new SessionRig({ players: 2 });
    expect(rig.peers[0]!.session.advanceFrame(new Uint8Array(2))).toBe(AdvanceResult.Synchronizing);
    expect(rig.peers[0]!.session.currentFrame).toBe(0);
  });

  it('refuses a peer with other session parameters, and says why', () => {
    const rig = new SessionRig({ players: 2, perPlayer: (p) => (p === 1 ? { matchId: 99 } : {}) });
    rig.ticks(120);
    for (const peer of rig.peers) {
      expect(peer.session.state).toBe(SessionState.Synchronizing);
      expect(peer.events.some((e) => e.type === 'incompatible-peer')).toBe(true);
      expect(peer.session.stats().dropped.incompatible).toBeGreaterThan(0);
    }
  });

  it('refuses a peer of another authority epoch', () => {
    const rig = new SessionRig({ players: 2, perPlayer: (p) => ({ epoch: p }) });
    rig.ticks(60);
    const event = rig.peers[0]!.events.find((e) => e.type === 'incompatible-peer');
    expect(event).toMatchObject({ reason: expect.stringMatching(/epoch/) });
  });
});

describe('P2PSession rollback', () => {
  it('rolls back mispredictions and stays in sync over latency', () => {
    const rng = new Prng(3);
    const rig = new SessionRig({ players: 3, profile: continental, seed: 3 });
    rig.ticks(1200, () => randomize(rig, rng));
    const agreement = rig.checksumAgreement();
    expect(agreement.mismatches).toEqual([]);
    expect(agreement.compared).toBeGreaterThan(80);
    const stats = rig.peers[0]!.session.stats();
    expect(stats.rollbackFrames).toBeGreaterThan(0);
    expect(stats.maxRollbackFrames).toBeLessThanOrEqual(8);
    expect(stats.desyncs).toBe(0);
    expect(rig.peers.every((p) => p.events.every((e) => e.type !== 'desync'))).toBe(true);
  });

  it('never runs more than maxPrediction frames past the confirmed frame, and stalls when a peer is silent', () => {
    const rig = new SessionRig({ players: 2, session: { maxPrediction: 4, disconnectTimeoutMs: 60_000, disconnectNotifyStartMs: 100 } });
    rig.ticks(30);
    rig.kill(1);
    const session = rig.peers[0]!.session;
    const results: string[] = [];
    for (let i = 0; i < 40; i++) {
      rig.clock.advance(rig.frameMs);
      session.poll(rig.clock.now());
      results.push(session.advanceFrame(new Uint8Array(2)));
      expect(session.currentFrame - 1 - session.confirmedFrame).toBeLessThanOrEqual(4 + 2);
    }
    expect(results.slice(-10).every((r) => r === AdvanceResult.PredictionLimit)).toBe(true);
    expect(session.stats().stallFrames).toBeGreaterThan(20);
    expect(session.events().some((e) => e.type === 'interrupted')).toBe(true);
  });

  it('accepts an input delay change while running, on one side only', () => {
    const rng = new Prng(5);
    const rig = new SessionRig({ players: 2, profile: continental, seed: 5 });
    rig.ticks(300, (t) => {
      randomize(rig, rng);
      if (t === 100) rig.peers[0]!.session.setInputDelay(5);
      if (t === 200) rig.peers[0]!.session.setInputDelay(0);
      if (t === 250) rig.peers[1]!.session.setInputDelay(7);
    });
    const agreement = rig.checksumAgreement();
    expect(agreement.mismatches).toEqual([]);
    expect(agreement.compared).toBeGreaterThan(20);
    expect(() => rig.peers[0]!.session.setInputDelay(-1)).toThrow(RangeError);
  });
});

describe('P2PSession lockstep (maxPrediction 0)', () => {
  it('never predicts, saves or loads, and stays in sync', () => {
    const rng = new Prng(9);
    let saves = 0;
    let loads = 0;
    const rig = new SessionRig({
      players: 3,
      profile: continental,
      seed: 9,
      session: { maxPrediction: 0, inputDelay: 4 },
      game: (p) => {
        const game = new TestGame(3);
        const wrapped: RigGame = {
          step: (inputs) => {
            for (const i of inputs) expect(i.status).toBe(0);
            game.step(inputs);
          },
          save: () => {
            saves++;
            return game.save();
          },
          load: (s) => {
            loads++;
            game.load(s);
          },
          checksum: () => game.checksum() + p * 0,
        };
        return wrapped;
      },
    });
    rig.ticks(600, () => randomize(rig, rng));
    expect(saves).toBe(0);
    expect(loads).toBe(0);
    const agreement = rig.checksumAgreement();
    expect(agreement.mismatches).toEqual([]);
    expect(agreement.compared).toBeGreaterThan(30);
    expect(rig.peers[0]!.session.currentFrame).toBeGreaterThan(540);
  });
});

describe('P2PSession desync detection', () => {
  it('raises a desync event with the frame and both checksums when one peer diverges', () => {
    const rig = new SessionRig({
      players: 2,
      game: (p) => {
        const game = new TestGame(2);
        if (p === 0) return game;
        // Peer 1's game drifts at frame 150: a bug a developer would make.
        return {
          step: (inputs) => {
            game.step(inputs);
            if (game.frame === 150) game.step(inputs);
          },
          save: () => game.save(),
          load: (s) => game.load(s),
          checksum: () => game.checksum(),
        };
      },
    });
    rig.ticks(400);
    const desync = rig.peers[0]!.events.find((e) => e.type === 'desync');
    expect(desync).toBeDefined();
    if (desync?.type !== 'desync') return;
    expect(desync.frame).toBeGreaterThanOrEqual(150);
    expect(desync.frame).toBeLessThanOrEqual(160);
    expect(desync.player).toBe(1);
    expect(desync.localChecksum).not.toBe(desync.remoteChecksum);
    expect(rig.peers[1]!.events.some((e) => e.type === 'desync')).toBe(true);
  });
});

describe('P2PSession bad input', () => {
  it('counts and drops garbage, unknown senders and spoofed inputs without changing its state', () => {
    const rig = new SessionRig({ players: 3 });
    rig.ticks(60);
    const victim = rig.peers[0]!;
    const before = { frame: victim.session.currentFrame, checksum: victim.game.checksum() };
    victim.transport.inject('p1', Uint8Array.of(1, 2, 3));
    victim.transport.inject('nobody', Uint8Array.of(0xb5, 1, 3, 0, 0, 0));
    victim.transport.inject('p1', new Uint8Array(5000));
    // A valid-looking input packet from p1 claiming to carry p2's inputs: forwarding is only for departed players.
    rig.peers[1]!.transport.recordSends = true;
    rig.tick();
    const fromP2 = rig.peers[2]!;
    fromP2.transport.recordSends = true;
    rig.ticks(2); // unchanged inputs go out every inputResendFrames (2) frames: one tick may have none
    const p2Input = fromP2.transport.sent.find((s) => s.to === 'p0' && ((s.data[2] ?? 0) & 0x0f) === 3);
    expect(p2Input).toBeDefined();
    victim.transport.inject('p1', p2Input!.data); // p2's packet, replayed from p1's address
    victim.session.poll(rig.clock.now());
    const dropped = victim.session.stats().dropped;
    expect(dropped['unknown-sender']).toBe(1);
    expect(dropped.truncated + dropped.oversized + dropped.magic + dropped.malformed).toBeGreaterThanOrEqual(2);
    expect(dropped.stale + dropped.spoofed).toBeGreaterThanOrEqual(1);
    expect(victim.session.currentFrame).toBeGreaterThanOrEqual(before.frame);
    rig.ticks(200);
    expect(rig.checksumAgreement().mismatches).toEqual([]);
  });
});

describe('P2PSession leave', () => {
  it('a leaving player is dropped by all survivors at one agreed frame and the rest play on', () => {
    const rng = new Prng(11);
    const rig = new SessionRig({ players: 4, profile: continental, seed: 11 });
    rig.ticks(200, () => randomize(rig, rng));
    rig.peers[3]!.session.leave();
    rig.peers[3]!.alive = false;
    rig.ticks(300, () => randomize(rig, rng));
    const frames = rig.peers.slice(0, 3).map((p) => p.events.find((e) => e.type === 'disconnected' && e.player === 3));
    expect(frames.every((e) => e !== undefined)).toBe(true);
    const agreed = frames.map((e) => (e?.type === 'disconnected' ? e.frame : -1));
    expect(new Set(agreed).size).toBe(1);
    expect(agreed[0]).toBeGreaterThan(150);
    for (const peer of rig.peers.slice(0, 3)) expect(peer.session.currentFrame).toBeGreaterThan(450);
    expect(rig.checksumAgreement().mismatches).toEqual([]);
    expect(rig.peers[3]!.session.advanceFrame(new Uint8Array(2))).toBe(AdvanceResult.Ended);
  });

  it('validates the local calls', () => {
    const rig = new SessionRig({ players: 2 });
    expect(() => rig.peers[0]!.session.disconnectPlayer(0)).toThrow(/local player/);
    expect(() => rig.peers[0]!.session.disconnectPlayer(7)).toThrow(RangeError);
    expect(() => rig.peers[0]!.session.peerStats(0)).toThrow(/not a remote player/);
    expect(bytesInputCodec(2).encode.bind(null, new Uint8Array(3), new Uint8Array(2))).toThrow(/exactly 2 bytes/);
  });
});

describe('P2PSession with a custom input codec and predictor', () => {
  interface Pad {
    readonly dx: -1 | 0 | 1;
    readonly fire: boolean;
  }
  const padCodec = {
    size: 1,
    encode: (pad: Pad, out: Uint8Array) => {
      out[0] = (pad.dx + 1) | (pad.fire ? 4 : 0);
    },
    decode: (bytes: Uint8Array): Pad => ({ dx: ((bytes[0]! & 3) - 1) as -1 | 0 | 1, fire: (bytes[0]! & 4) !== 0 }),
  };

  it('steps the game with decoded values, predicts with the plugged-in predictor, and stays in sync', async () => {
    const { P2PSession } = await import('../../sdk/src/core/p2p-session.ts');
    const { SimulatedNetwork } = await import('../../sdk/src/sim/simulated-network.ts');
    const { VirtualClock } = await import('../../sdk/src/sim/virtual-clock.ts');
    const clock = new VirtualClock();
    const network = new SimulatedNetwork({ seed: 3, clock, profile: continental });
    let predictions = 0;
    const predictor = {
      // "Fire is released, movement continues": a game-specific guess.
      predict: (_p: number, _f: number, last: Uint8Array, _lf: number, out: Uint8Array) => {
        predictions++;
        out[0] = last[0]! & 3;
      },
    };
    const checksums = [new Map<number, number>(), new Map<number, number>()];
    const sessions = [0, 1].map((me) => {
      const state = { x: 0, shots: 0, frame: 0 };
      return new P2PSession<Pad, typeof state>({
        players: [0, 1].map((h) => (h === me ? { kind: 'local' as const } : { kind: 'remote' as const, address: `pad${h}` })),
        game: {
          step: (inputs) => {
            for (const { input } of inputs) {
              expect(input.dx === -1 || input.dx === 0 || input.dx === 1).toBe(true);
              state.x += input.dx;
              if (input.fire) state.shots++;
            }
            state.frame++;
          },
          save: () => ({ ...state }),
          load: (s) => Object.assign(state, s),
          checksum: () => (Math.imul(state.x, 31) ^ Math.imul(state.shots, 17) ^ state.frame) >>> 0,
        },
        transport: network.endpoint(`pad${me}`),
        input: padCodec,
        predictor,
        seed: 40 + me,
        checksumIntervalFrames: 10,
        onChecksum: (f, c) => checksums[me]!.set(f, c),
      });
    });
    const rng = new Prng(12);
    const pads: Pad[] = [{ dx: 0, fire: false }, { dx: 0, fire: false }];
    for (let t = 0; t < 900; t++) {
      clock.advance(1000 / 60);
      sessions.forEach((s, me) => {
        if (rng.nextInt(8) === 0) pads[me] = { dx: (rng.nextInt(3) - 1) as -1 | 0 | 1, fire: rng.nextBool() };
        s.poll(clock.now());
        s.advanceFrame(pads[me]!);
      });
    }
    expect(predictions).toBeGreaterThan(100);
    const shared = [...checksums[0]!.keys()].filter((f) => checksums[1]!.has(f));
    expect(shared.length).toBeGreaterThan(50);
    for (const f of shared) expect(checksums[0]!.get(f)).toBe(checksums[1]!.get(f));
  });
});

describe('P2PSession bounded memory', () => {
  it('ignores inputs that run far ahead of the present, however valid they look', async () => {
    const { encodePacket } = await import('../../sdk/src/protocol/encode-packet.ts');
    const { MessageType } = await import('../../sdk/src/protocol/messages.ts');
    const rig = new SessionRig({ players: 2 });
    rig.peers[1]!.transport.recordSends = true;
    rig.ticks(60);
    const victim = rig.peers[0]!;
    const real = rig.peers[1]!.transport.sent.find((s) => s.to === 'p0')!.data;
    const token = real[3]! | (real[4]! << 8);
    // A peer (or anyone with its address and token) pushes 12,800 frames of "future" inputs.
    let next = victim.session.inputHistory(1).lastFrame + 1;
    const history = new Map<number, Uint8Array>();
    for (let i = 0; i < 100; i++) {
      const inputs = new Uint8Array(128 * 2).fill(i & 1);
      const bytes = encodePacket(
        {
          token,
          message: {
            type: MessageType.Input,
            player: 1,
            currentFrame: next,
            statuses: [{ disconnected: false, lastFrame: 0 }, { disconnected: false, lastFrame: next + 127 }],
            startFrame: next,
            inputs,
          },
        },
        { playerCount: 2, inputSize: 2, previousInput: (p, f) => history.get(f) ?? victim.session.inputHistory(p).get(f) },
      );
      history.set(next + 127, inputs.subarray(254, 256).slice());
      next += 128;
      victim.transport.inject('p1', bytes);
      victim.session.poll(rig.clock.now());
    }
    const held = victim.session.inputHistory(1);
    expect(held.lastFrame).toBeLessThanOrEqual(victim.session.currentFrame + 256);
    expect(held.lastFrame - held.firstFrame).toBeLessThan(600);
  });

  it('keeps at most 1024 undrained events', () => {
    const rig = new SessionRig({ players: 2, session: { disconnectNotifyStartMs: 1, disconnectTimeoutMs: 1_000_000 } });
    rig.ticks(60);
    const session = rig.peers[0]!.session;
    // Alternate silence and speech: an interrupted/resumed pair each round, never drained.
    for (let i = 0; i < 30_000; i++) {
      rig.clock.advance(5);
      session.poll(rig.clock.now());
      rig.peers[1]!.session.poll(rig.clock.now());
      rig.peers[1]!.session.advanceFrame(new Uint8Array(2));
    }
    const events = session.events();
    expect(events.length).toBe(1024);
    // The newest are kept.
    expect(events[events.length - 1]!.type === 'interrupted' || events[events.length - 1]!.type === 'resumed').toBe(true);
  });
});

describe('P2PSession dropped and removed players', () => {
  const noReference = { playerCount: 3, inputSize: 2, previousInput: () => undefined };

  /** Peer 0 of a running 3-player rig has dropped player 2; player 2 is silent (its packets come only from the test). */
  async function droppedRig() {
    const { encodePacket } = await import('../../sdk/src/protocol/encode-packet.ts');
    const { decodePacket } = await import('../../sdk/src/protocol/decode-packet.ts');
    const { MessageType } = await import('../../sdk/src/protocol/messages.ts');
    const rig = new SessionRig({ players: 3 });
    rig.peers[2]!.transport.recordSends = true;
    rig.ticks(60);
    const real = rig.peers[2]!.transport.sent.find((s) => s.to === 'p0')!.data;
    const token = real[3]! | (real[4]! << 8); // player 2's session token, from its header
    rig.kill(2);
    const survivor = rig.peers[0]!;
    survivor.session.disconnectPlayer(2);
    rig.ticks(20); // its packets still in flight arrive (and may be answered) meanwhile
    survivor.transport.recordSends = true;
    survivor.transport.sent.length = 0;
    const packet = (type: 'keepalive' | 'quality', withToken = token) =>
      encodePacket(
        {
          token: withToken,
          message: type === 'keepalive' ? { type: MessageType.KeepAlive } : { type: MessageType.QualityReport, pingMs: 5, frameAdvantage: 0, packetsSent: 9 },
        },
        noReference,
      ).slice();
    /** The survivor's packets to p2 since the last call, decoded. */
    const repliesToP2 = () => {
      const out = survivor.transport.sent.filter((s) => s.to === 'p2').map((s) => decodePacket(s.data, noReference));
      survivor.transport.sent.length = 0;
      return out;
    };
    return { rig, survivor, packet, repliesToP2, MessageType };
  }

  it("answers a dropped player's valid packets with statuses saying it was dropped, at most every 200 ms", async () => {
    const { rig, survivor, packet, repliesToP2, MessageType } = await droppedRig();
    expect(repliesToP2()).toEqual([]); // nothing is sent to a dropped player unasked
    const staleBefore = survivor.session.stats().dropped.stale;
    for (let i = 0; i < 5; i++) survivor.transport.inject('p2', packet(i % 2 === 0 ? 'keepalive' : 'quality'));
    survivor.session.poll(rig.clock.now());
    const replies = repliesToP2();
    expect(replies).toHaveLength(1); // five packets, one answer
    const reply = replies[0]!;
    expect(reply.ok && reply.packet.message.type).toBe(MessageType.InputAck);
    if (reply.ok && reply.packet.message.type === MessageType.InputAck) {
      expect(reply.packet.message.statuses[2]!.disconnected).toBe(true);
      expect(reply.packet.message.statuses[1]!.disconnected).toBe(false);
    }
    expect(survivor.session.stats().dropped.stale - staleBefore).toBe(5); // still counted as stale
    // Within 200 ms: nothing more. After: one more.
    rig.clock.advance(150);
    survivor.transport.inject('p2', packet('keepalive'));
    survivor.session.poll(rig.clock.now());
    expect(repliesToP2()).toEqual([]);
    rig.clock.advance(60);
    survivor.transport.inject('p2', packet('keepalive'));
    survivor.session.poll(rig.clock.now());
    expect(repliesToP2()).toHaveLength(1);
  });

  it('answers no forged, unknown or undecodable packet', async () => {
    const { rig, survivor, packet, repliesToP2 } = await droppedRig();
    const good = packet('keepalive');
    const forged = packet('keepalive', ((good[3]! | (good[4]! << 8)) + 1) & 0xffff); // p2's address, another token
    survivor.transport.inject('p2', forged);
    survivor.transport.inject('p2', Uint8Array.of(0xb5, 1, 7)); // truncated
    survivor.transport.inject('nobody', good); // not a player
    survivor.session.poll(rig.clock.now());
    expect(repliesToP2()).toEqual([]);
    expect(survivor.transport.sent.filter((s) => s.to === 'nobody')).toEqual([]);
    // The real one still gets its answer: the forged ones did not use up its allowance.
    survivor.transport.inject('p2', good);
    survivor.session.poll(rig.clock.now());
    expect(repliesToP2()).toHaveLength(1);
  });

  it('a player kicked by one peer ends as removed instead of dropping the others and playing on alone', () => {
    const rng = new Prng(21);
    const rig = new SessionRig({ players: 3, profile: continental, seed: 21 });
    rig.ticks(200, () => randomize(rig, rng));
    rig.peers[0]!.session.disconnectPlayer(2);
    rig.ticks(120, () => randomize(rig, rng));
    const [a, b, kicked] = rig.peers;
    expect(kicked!.session.state).toBe(SessionState.Ended);
    expect(kicked!.session.endReason).toBe('removed');
    expect(kicked!.events.filter((e) => e.type === 'ended')).toEqual([{ type: 'ended', reason: 'removed' }]);
    expect(kicked!.events.filter((e) => e.type === 'disconnected')).toEqual([]);
    expect(kicked!.session.advanceFrame(new Uint8Array(2))).toBe(AdvanceResult.Ended);
    const dropsOf = (p: typeof a) => p!.events.filter((e) => e.type === 'disconnected');
    expect(dropsOf(a)).toHaveLength(1);
    expect(dropsOf(b)).toEqual(dropsOf(a));
    expect(a!.session.state).toBe(SessionState.Running);
    expect(rig.checksumAgreement().mismatches).toEqual([]);
  });

  it('leave() and end(reason) end the session once, with the reason as endReason and an ended event', () => {
    const rig = new SessionRig({ players: 2 });
    rig.ticks(60);
    const [a, b] = rig.peers;
    expect(a!.session.endReason).toBeUndefined();
    expect(() => a!.session.end('bored' as never)).toThrow(RangeError);
    a!.session.end('removed');
    a!.session.leave(); // already ended: no second event, the reason stays
    expect(a!.session.endReason).toBe('removed');
    expect(a!.session.events().filter((e) => e.type === 'ended')).toEqual([{ type: 'ended', reason: 'removed' }]);
    b!.session.leave();
    expect(b!.session.endReason).toBe('left');
    expect(b!.session.state).toBe(SessionState.Ended);
  });
});
