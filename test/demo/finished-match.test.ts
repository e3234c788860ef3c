import { describe, expect, it } from 'vitest';
import type { MatchDecision } from '../../sdk/src/room/match-decision.ts';
import { DEFAULT_ROOM_SETTINGS } from '../../sdk/src/room/room-settings.ts';
import type { RoomState } from '../../sdk/src/room/room-state.ts';
import { endsFinishedMatch } from '../../demo-game/src/app/finished-match.ts';

const MATCH: MatchDecision = { matchId: 77, epoch: 1, seed: 3, players: [0, 1], colors: [0, 1], shapes: [0, 1], settings: DEFAULT_ROOM_SETTINGS, startFrame: 0 };
const PLAYING: RoomState = { code: 'K7QM2P', phase: 'playing', epoch: 1, ownerSlot: 1, settings: DEFAULT_ROOM_SETTINGS, hasPassword: false, members: [], match: MATCH };

describe('who returns the room to its lobby after a match', () => {
  it('the owner, while the room still plays the match that ended on its page', () => {
    expect(endsFinishedMatch(PLAYING, 1, 77)).toBe(true);
  });

  it('nobody else, and not for another match, a room already back in its lobby, or without a finished match', () => {
    expect(endsFinishedMatch(PLAYING, 0, 77)).toBe(false);
    // The owner started the next match meanwhile: that one is not to be ended.
    expect(endsFinishedMatch({ ...PLAYING, match: { ...MATCH, matchId: 78 } }, 1, 77)).toBe(false);
    const { match: _, ...lobby } = PLAYING;
    expect(endsFinishedMatch({ ...lobby, phase: 'lobby' }, 1, 77)).toBe(false);
    expect(endsFinishedMatch(PLAYING, 1, undefined)).toBe(false);
    expect(endsFinishedMatch(undefined, 1, 77)).toBe(false);
  });
});
