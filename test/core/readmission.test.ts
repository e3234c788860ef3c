import { describe, expect, it } from 'vitest';
import { Readmission } from '../../sdk/src/core/readmission.ts';
import { decodeRejoinSnapshot, encodeRejoinSnapshot } from '../../sdk/src/core/rejoin-snapshot.ts';
import { P2PSession } from '../../sdk/src/core/p2p-session.ts';
import { RejoinableSession } from '../../sdk/src/core/rejoinable-session.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import { SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';
import { BinaryReadError } from '../../sdk/src/kit/binary-read-error.ts';

describe('Readmission: the agreement on a returning player\'s re-entry frame', () => {
  const everyone = (): boolean => true;

  it('is the latest proposal of every survivor, and caps confirmation below our own until then', () => {
    // Player 3 returns; we are player 0; players 1 and 2 survive with us.
    const r = new Readmission(3, 4);
    expect(r.cap).toBeUndefined();
    r.receive(3, 120, false); // the returning peer's proposal
    expect(r.heard).toBe(120);
    r.propose(Math.max(r.heard, 118)); // our next frame is 118: the proposal heard is later
    expect(r.cap).toBe(119);
    expect(r.decide(0, everyone)).toBe(-1); // 1 and 2 have not proposed
    r.receive(1, 125, false);
    expect(r.decide(0, everyone)).toBe(-1);
    r.receive(2, 121, false);
    expect(r.decide(0, everyone)).toBe(125);
    expect(r.cap).toBeUndefined();
    // A survivor that dropped out meanwhile is not waited for.
    const s = new Readmission(3, 4);
    s.propose(130);
    s.receive(1, 131, false);
    expect(s.decide(0, (p) => p !== 2)).toBe(131);
  });

  it('commits once: a second proposal (ours or a peer\'s) changes nothing', () => {
    const r = new Readmission(1, 3);
    r.propose(50);
    r.propose(40);
    expect(r.proposal).toBe(50);
    r.receive(2, 60, false);
    r.receive(2, 70, false); // forged or buggy: ignored
    expect(r.decide(0, everyone)).toBe(60);
  });

  it('adopts the agreed frame from anyone who knows it, and tells whoever still asks', () => {
    const r = new Readmission(1, 3);
    r.propose(50);
    r.receive(2, 55, true);
    expect(r.agreed).toBe(true);
    expect(r.frame).toBe(55);
    // Peer 1 (the returning one) asks with its proposal: answered at once, then only every interval.
    r.receive(1, 52, false);
    expect(r.due(1, 1000, 33, false)).toEqual({ frame: 55, agreed: true });
    expect(r.due(1, 1010, 33, false)).toBeUndefined();
    expect(r.due(1, 1040, 33, false)).toEqual({ frame: 55, agreed: true });
    // Peer 2 told us it knows: nothing more to it; a peer whose statuses show the player back neither.
    expect(r.due(2, 2000, 33, false)).toBeUndefined();
    expect(r.due(0, 2000, 33, true)).toBeUndefined();
  });

  it('sends our proposal to every peer every interval until the frame is agreed', () => {
    const r = new Readmission(2, 3);
    expect(r.due(1, 0, 33, false)).toBeUndefined(); // nothing proposed yet
    r.propose(90);
    expect(r.due(1, 0, 33, false)).toEqual({ frame: 90, agreed: false });
    expect(r.due(1, 20, 33, false)).toBeUndefined();
    expect(r.due(1, 40, 33, false)).toEqual({ frame: 90, agreed: false });
  });
});

describe('the rejoin snapshot', () => {
  it('round-trips, and refuses what does not fit the session', () => {
    const snapshot = {
      frame: 300,
      inputSize: 2,
      players: [
        { present: true as const, reference: new Uint8Array([1, 2]) },
        { present: false as const, lastFrame: 250 },
        { present: true as const, reference: new Uint8Array([0, 0]) },
      ],
      game: new Uint8Array([9, 8, 7, 6]),
    };
    const bytes = encodeRejoinSnapshot(snapshot);
    expect(decodeRejoinSnapshot(bytes, 3, 2)).toEqual(snapshot);
    expect(() => decodeRejoinSnapshot(bytes, 4, 2)).toThrow(/3 players, this session 4/);
    expect(() => decodeRejoinSnapshot(bytes, 3, 1)).toThrow(/2 bytes, this session's 1/);
    expect(() => decodeRejoinSnapshot(bytes.subarray(0, bytes.length - 1), 3, 2)).toThrow(BinaryReadError);
    expect(() => decodeRejoinSnapshot(new Uint8Array([...bytes, 0]), 3, 2)).toThrow(/1 bytes after/);
    const future = encodeRejoinSnapshot({ ...snapshot, players: [snapshot.players[0]!, { present: true, reference: new Uint8Array(2) }, snapshot.players[2]!] });
    future[0] = 2;
    expect(() => decodeRejoinSnapshot(future, 3, 2)).toThrow(/version 2/);
    expect(() => encodeRejoinSnapshot({ ...snapshot, players: [{ present: false, lastFrame: 300 }, snapshot.players[1]!, snapshot.players[2]!] })).toThrow(RangeError);
  });
});

describe('asking for a rejoin', () => {
  const network = new SimulatedNetwork({ seed: 1, clock: new VirtualClock() });
  const players = [{ kind: 'local' as const }, { kind: 'remote' as const, address: 'b' }];
  const noBytes = (): TestGame => {
    const game = new TestGame(2);
    return Object.assign(Object.create(Object.getPrototypeOf(game) as object) as TestGame, game, { encodeState: undefined, decodeState: undefined });
  };

  it('says clearly when the game cannot send or load its state, and which handle is wrong', () => {
    expect(() => new RejoinableSession({ players, game: noBytes(), transport: network.endpoint('r1'), input: bytesInputCodec(2), seed: 1, rejoin: true })).toThrow(/encodeState.*decodeState/);
    // A plain P2PSession (which carries none of the rejoin code) says which class can.
    expect(() => new P2PSession({ players, game: new TestGame(2), transport: network.endpoint('r5'), input: bytesInputCodec(2), seed: 1, rejoin: true })).toThrow(/RejoinableSession/);
    const session = new RejoinableSession({ players, game: noBytes(), transport: network.endpoint('r2'), input: bytesInputCodec(2), seed: 1 });
    expect(() => session.readmit(1)).toThrow(TypeError);
    const ok = new RejoinableSession({ players, game: new TestGame(2), transport: network.endpoint('r3'), input: bytesInputCodec(2), seed: 1 });
    expect(() => ok.readmit(0)).toThrow(/not a remote player/);
    expect(() => ok.readmit(7)).toThrow(RangeError);
    expect(() => new RejoinableSession({ players, game: new TestGame(2), transport: network.endpoint('r4'), input: bytesInputCodec(2), seed: 1, catchUpFramesPerAdvance: 0 })).toThrow(/catchUpFramesPerAdvance/);
  });
});
