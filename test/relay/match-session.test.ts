import { describe, expect, it } from 'vitest';
import { createMatchSession } from '../../sdk/src/relay/match-session.ts';
import type { MatchDecision } from '../../sdk/src/room/control-messages.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import { DEFAULT_ROOM_SETTINGS } from '../../sdk/src/room/room-settings.ts';
import type { RoomState } from '../../sdk/src/room/room-state.ts';

const match: MatchDecision = {
  matchId: 0x1234,
  epoch: 3,
  seed: 99,
  players: [0, 2, 5],
  colors: [0, 1, 2],
  shapes: [0, 1, 2],
  settings: { ...DEFAULT_ROOM_SETTINGS, inputDelay: 3, maxPrediction: 0, fps: 120 },
  startFrame: 0,
};
const transport = { sent: [] as string[], send(to: string) { this.sent.push(to); }, receive: () => [] };

describe('createMatchSession', () => {
  it('builds the session exactly as decided: slot order, delay, lockstep, fps', () => {
    const m = createMatchSession({ transport, slot: 2, match, game: new TestGame(3), input: bytesInputCodec(2), seed: 1 });
    expect(m.session.localPlayer).toBe(1);
    expect(m.session.playerCount).toBe(3);
    expect(m.session.inputDelay).toBe(3);
    expect(m.session.rollback).toBe(false);
    expect(m.handleOf(5)).toBe(2);
    expect(m.handleOf(7)).toBe(-1);
    expect(m.slotOf(0)).toBe(0);
    expect(() => m.slotOf(3)).toThrow(RangeError);
    m.session.poll(0);
    expect(new Set(transport.sent)).toEqual(new Set(['slot:0', 'slot:5']));
  });

  it('refuses a member that does not play', () => {
    expect(() => createMatchSession({ transport, slot: 16, match, game: new TestGame(3), input: bytesInputCodec(2), seed: 1 })).toThrow(/does not play/);
  });

  it("applies the host's drop of a playing member of this match's epoch, once; a stale epoch's not at all", () => {
    const m = createMatchSession({ transport, slot: 0, match, game: new TestGame(3), input: bytesInputCodec(2), seed: 1 });
    expect(m.applyRoomEvent({ type: 'member-dropped', slot: 5, reason: 'left', epoch: 2 })).toBe(false); // stale epoch
    expect(m.applyRoomEvent({ type: 'chat', slot: 5, text: 'bye' })).toBe(false);
    expect(m.applyRoomEvent({ type: 'member-dropped', slot: 9, reason: 'left', epoch: 3 })).toBe(false); // not playing
    expect(m.applyRoomEvent({ type: 'member-dropped', slot: 5, reason: 'left', epoch: 3 })).toBe(true);
    expect(m.session.peerStats(2).connected).toBe(false);
    expect(m.applyRoomEvent({ type: 'member-dropped', slot: 5, reason: 'left', epoch: 3 })).toBe(false);
  });

  it("applies a successor authority's drop (a higher epoch) of the match the old host started", () => {
    const m = createMatchSession({ transport, slot: 0, match, game: new TestGame(3), input: bytesInputCodec(2), seed: 1 });
    expect(m.applyRoomEvent({ type: 'member-dropped', slot: 2, reason: 'connection-lost', epoch: 2 })).toBe(false); // older than the match
    expect(m.session.peerStats(1).connected).toBe(true);
    expect(m.applyRoomEvent({ type: 'member-dropped', slot: 2, reason: 'connection-lost', epoch: 4 })).toBe(true);
    expect(m.session.peerStats(1).connected).toBe(false);
    expect(m.applyRoomEvent({ type: 'member-dropped', slot: 5, reason: 'timeout', epoch: 0xffffffff })).toBe(true);
    expect(m.session.peerStats(2).connected).toBe(false);
    // And one of this member's own slot by a successor ends its session.
    expect(m.applyRoomEvent({ type: 'member-dropped', slot: 0, reason: 'kicked', epoch: 4 })).toBe(true);
    expect(m.session.endReason).toBe('removed');
  });

  it('readmits a returning player once per return: member-rejoining, then the room state listing it; a new return again', () => {
    const m = createMatchSession({ transport, slot: 0, match, game: new TestGame(3), input: bytesInputCodec(2), seed: 1 });
    const readmitted: number[] = [];
    const readmit = m.session.readmit.bind(m.session);
    m.session.readmit = (player: number) => {
      readmitted.push(player);
      readmit(player);
    };
    const event = { type: 'member-rejoining', slot: 5, matchId: match.matchId, returnId: 77, epoch: 3 } as const;
    expect(m.applyRoomEvent({ ...event, matchId: 1 })).toBe(false); // another match
    expect(m.applyRoomEvent({ ...event, epoch: 2 })).toBe(false); // a stale authority
    expect(m.applyRoomEvent({ ...event, slot: 0 })).toBe(false); // this member's own return
    expect(m.applyRoomEvent({ ...event, slot: 9 })).toBe(false); // not a player of the match
    expect(m.applyRoomEvent(event)).toBe(true);
    const state = { code: 'ABCDEF', phase: 'playing', epoch: 3, match, rejoining: [[5, 77]] } as unknown as RoomState;
    expect(m.applyRoomEvent({ type: 'room-state', state })).toBe(false); // the same return
    expect(m.applyRoomEvent(event)).toBe(false);
    expect(m.applyRoomEvent({ type: 'room-state', state: { ...state, rejoining: [[2, 5], [5, 78]] } as RoomState })).toBe(true);
    expect(readmitted).toEqual([2, 1, 2]);
  });

  it('a rejoining session: built with rejoin, readmits at once who the room lists as returning besides itself', () => {
    const room = { code: 'ABCDEF', phase: 'playing', epoch: 3, match, rejoining: [[0, 1], [2, 9]] } as unknown as RoomState;
    const m = createMatchSession({ transport, slot: 2, match, game: new TestGame(3), input: bytesInputCodec(2), seed: 1, rejoin: true, room });
    expect(m.applyRoomEvent({ type: 'member-rejoining', slot: 0, matchId: match.matchId, returnId: 1, epoch: 3 })).toBe(false); // done at creation
    expect(m.applyRoomEvent({ type: 'member-rejoining', slot: 0, matchId: match.matchId, returnId: 2, epoch: 3 })).toBe(true);
    // rejoin reaches the session: it needs the game's state as bytes, and says so at once.
    const noBytes = Object.assign(new TestGame(3), { encodeState: undefined, decodeState: undefined });
    expect(() => createMatchSession({ transport, slot: 2, match, game: noBytes, input: bytesInputCodec(2), seed: 1 })).not.toThrow();
    expect(() => createMatchSession({ transport, slot: 2, match, game: noBytes, input: bytesInputCodec(2), seed: 1, rejoin: true })).toThrow(/encodeState/);
  });
});
