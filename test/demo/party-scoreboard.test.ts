import { describe, expect, it } from 'vitest';
import type { RoomConnection } from '../../sdk/src/client/geckos-room-connection.ts';
import type { MatchDecision } from '../../sdk/src/room/match-decision.ts';
import { DEFAULT_ROOM_SETTINGS } from '../../sdk/src/room/room-settings.ts';
import type { MatchResult } from '../../demo-game/src/app/match-request.ts';
import { MAX_PARTY_LINES, partyMatchOf, partyScoreboard, PartyScoreboard } from '../../demo-game/src/app/party-scoreboard.ts';
import type { PartyMatch } from '../../demo-game/src/app/party-scoreboard.ts';
import { REMATCH_COUNTDOWN_MS, RematchCountdown } from '../../demo-game/src/app/rematch-countdown.ts';
import { MAX_SHORT_ROUND_SECONDS, shortMatchFromLink } from '../../demo-game/src/app/short-match.ts';
import { ArenaGame } from '../../demo-game/src/sim/arena-game.ts';
import { ArenaConfig as C } from '../../demo-game/src/sim/arena-config.ts';
import { ArenaPhase } from '../../demo-game/src/sim/arena-state.ts';
import { skipCountdown, stepMany } from './arena-helpers.ts';

const ADA = { slot: 0, name: 'Ada' };
const BROOK = { slot: 1, name: 'Brook' };
const CY = { slot: 2, name: 'Cy' };

/** A match of these players: `winner` won it; figures are rounds won and falls per player. */
function match(matchId: number, players: readonly { slot: number; name: string }[], winner: number, rounds: readonly number[], falls: readonly number[]): PartyMatch {
  return { matchId, players: players.map((p, i) => ({ ...p, roundsWon: rounds[i]!, falls: falls[i]!, won: i === winner })) };
}

describe('the party scoreboard', () => {
  it('adds up wins, rounds and falls per member over the matches, best first, each match once', () => {
    const board = new PartyScoreboard();
    expect(board.matches).toBe(0);
    expect(board.record(match(7, [ADA, BROOK], 1, [1, 3], [4, 2]))).toBe(true);
    expect(board.record(match(8, [ADA, BROOK, CY], 0, [3, 0, 2], [1, 5, 3]))).toBe(true);
    // The results screen shows again after a replay: the same match is not counted twice.
    expect(board.record(match(8, [ADA, BROOK, CY], 0, [3, 0, 2], [1, 5, 3]))).toBe(false);
    expect(board.record(match(9, [BROOK, CY], 0, [3, 1], [0, 6]))).toBe(true);
    expect(board.matches).toBe(3);
    expect(board.standings()).toEqual([
      { ...BROOK, played: 3, wins: 2, rounds: 6, falls: 7 },
      { ...ADA, played: 2, wins: 1, rounds: 4, falls: 5 },
      { ...CY, played: 2, wins: 0, rounds: 3, falls: 9 },
    ]);
  });

  it('tells members apart by slot and name: a slot taken by someone new is a new line', () => {
    const board = new PartyScoreboard();
    board.record(match(1, [ADA, BROOK], 0, [3, 0], [0, 3]));
    board.record(match(2, [ADA, { slot: 1, name: 'Dee' }], 1, [0, 3], [3, 0]));
    const lines = board.standings();
    expect(lines.map((l) => `${l.slot}:${l.name}:${l.wins}`)).toEqual(['1:Dee:1', '0:Ada:1', '1:Brook:0']);
    // A tie on wins and rounds goes to fewer falls.
    expect(lines[0]!.falls).toBeLessThan(lines[1]!.falls);
  });

  it('refuses a malformed match whole, and counts nothing of it', () => {
    const board = new PartyScoreboard();
    const good = match(5, [ADA, BROOK], 0, [3, 1], [1, 3]);
    const bad: unknown[] = [
      { ...good, matchId: -1 },
      { ...good, matchId: 2 ** 32 },
      { ...good, matchId: 1.5 },
      { ...good, players: [good.players[0]] },
      { ...good, players: 'Ada' },
      { ...good, players: Array.from({ length: 17 }, (_, i) => ({ ...good.players[0]!, slot: i, won: false })) },
      { ...good, players: [good.players[0], { ...good.players[1], slot: 0 }] },
      { ...good, players: [good.players[0], { ...good.players[1], won: true }] },
      { ...good, players: [good.players[0], { ...good.players[1], falls: -1 }] },
      { ...good, players: [good.players[0], { ...good.players[1], roundsWon: Number.NaN }] },
      { ...good, players: [good.players[0], { ...good.players[1], slot: 16 }] },
      { ...good, players: [good.players[0], { ...good.players[1], name: 7 }] },
    ];
    for (const m of bad) expect(board.record(m as PartyMatch), JSON.stringify(m)).toBe(false);
    expect(board.matches).toBe(0);
    expect(board.standings()).toEqual([]);
    expect(board.record(good)).toBe(true);
  });

  it(`keeps at most ${MAX_PARTY_LINES} lines, however many members come and go`, () => {
    const board = new PartyScoreboard();
    for (let i = 0; i < MAX_PARTY_LINES; i++) board.record(match(i, [ADA, { slot: 1, name: `Guest ${i}` }], 0, [1, 0], [0, 1]));
    expect(board.standings().length).toBe(MAX_PARTY_LINES);
    // Ada's line goes on counting; the newcomer beyond the limit is not listed.
    board.record(match(1000, [ADA, { slot: 1, name: 'Late' }], 1, [0, 1], [1, 0]));
    const lines = board.standings();
    expect(lines.length).toBe(MAX_PARTY_LINES);
    expect(lines.find((l) => l.name === 'Ada')!.played).toBe(MAX_PARTY_LINES + 1);
    expect(lines.some((l) => l.name === 'Late')).toBe(false);
  });

  it('counts an online result by the slots of its match decision, and neither an offline one nor one that ended early', () => {
    const decision: MatchDecision = { matchId: 42, epoch: 1, seed: 9, players: [0, 3], colors: [0, 1], shapes: [0, 1], settings: DEFAULT_ROOM_SETTINGS, startFrame: 0 };
    const connection = { code: 'K7QM2P' } as unknown as RoomConnection;
    const result: MatchResult = {
      request: { mode: 'online', connection, match: decision },
      names: ['Ada', 'Cy'],
      localPlayer: 1,
      roundsWon: [1, 3],
      falls: [5, 2],
      left: [false, false],
      winner: 1,
    };
    expect(partyMatchOf(result)).toEqual({
      matchId: 42,
      players: [
        { slot: 0, name: 'Ada', roundsWon: 1, falls: 5, won: false },
        { slot: 3, name: 'Cy', roundsWon: 3, falls: 2, won: true },
      ],
    });
    expect(partyMatchOf({ ...result, endedEarly: 'The host left.' })).toBeUndefined();
    expect(partyMatchOf({ ...result, request: { mode: 'bots', playerName: 'Ada', bots: 1, syncTest: false } })).toBeUndefined();
  });

  it('is one per room code on a page', () => {
    const a = partyScoreboard('PARTY1');
    expect(partyScoreboard('PARTY1')).toBe(a);
    expect(partyScoreboard('PARTY2')).not.toBe(a);
  });
});

describe('the rematch countdown', () => {
  it(`counts ${REMATCH_COUNTDOWN_MS / 1000} s from when everyone is in, and is due once`, () => {
    const c = new RematchCountdown();
    expect(c.update(0, false)).toBeUndefined();
    expect(c.takeDue(0)).toBe(false);
    expect(c.update(1000, true)).toBe(REMATCH_COUNTDOWN_MS / 1000);
    expect(c.update(1001, true)).toBe(REMATCH_COUNTDOWN_MS / 1000);
    expect(c.update(1000 + REMATCH_COUNTDOWN_MS - 999, true)).toBe(1);
    expect(c.takeDue(1000 + REMATCH_COUNTDOWN_MS - 1)).toBe(false);
    expect(c.update(1000 + REMATCH_COUNTDOWN_MS, true)).toBe(0);
    expect(c.takeDue(1000 + REMATCH_COUNTDOWN_MS)).toBe(true);
    expect(c.takeDue(1000 + REMATCH_COUNTDOWN_MS + 200)).toBe(false);
    expect(c.update(1000 + REMATCH_COUNTDOWN_MS + 5000, true)).toBe(0);
  });

  it('starts over after anyone holds on, and is due again only after a whole new countdown', () => {
    const c = new RematchCountdown(3000);
    c.update(0, true);
    expect(c.update(2500, false)).toBeUndefined();
    expect(c.takeDue(3000)).toBe(false);
    expect(c.update(4000, true)).toBe(3);
    expect(c.takeDue(6999)).toBe(false);
    expect(c.takeDue(7000)).toBe(true);
    // Due once, then held on and all in again: a new countdown, due once more.
    c.update(7100, false);
    c.update(8000, true);
    expect(c.takeDue(10_999)).toBe(false);
    expect(c.takeDue(11_000)).toBe(true);
  });

  it('refuses a length that is not a finite number of ms', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new RematchCountdown(bad)).toThrow(RangeError);
  });
});

describe('?shortMatch= for a whole online match in seconds', () => {
  it('reads whole seconds from 1 to the maximum as one round that wins, and the normal rules otherwise', () => {
    expect(shortMatchFromLink('?shortMatch=4')).toEqual({ roundFrames: 240, roundsToWin: 1 });
    expect(shortMatchFromLink(`?room=K7QM2P&shortMatch=${MAX_SHORT_ROUND_SECONDS}`)).toEqual({ roundFrames: MAX_SHORT_ROUND_SECONDS * 60, roundsToWin: 1 });
    for (const bad of ['', '?shortMatch', '?shortMatch=', '?shortMatch=0', '?shortMatch=-3', '?shortMatch=2.5', `?shortMatch=${MAX_SHORT_ROUND_SECONDS + 1}`, '?shortMatch=soon']) {
      expect(shortMatchFromLink(bad), bad).toBeUndefined();
    }
  });

  it('ends the match after one round of that length, the leader winning it', () => {
    const short = shortMatchFromLink('?shortMatch=2')!;
    const game = new ArenaGame({ players: 2, seed: 5, short });
    expect(game.roundsToWin).toBe(1);
    skipCountdown(game);
    expect(game.phase).toBe(ArenaPhase.Playing);
    game.state.roundPoints[1] = 1;
    stepMany(game, short.roundFrames - 1, [0, 0]);
    expect(game.phase).toBe(ArenaPhase.Playing);
    stepMany(game, 1, [0, 0]);
    expect(game.matchWinner).toBe(1);
    stepMany(game, C.ROUND_OVER_FRAMES, [0, 0]);
    expect(game.phase).toBe(ArenaPhase.MatchOver);
    // Without it, the rules' own.
    expect(new ArenaGame({ players: 2, seed: 5 }).roundsToWin).toBe(C.ROUNDS_TO_WIN);
  });

  it('refuses short rules that are not whole numbers of at least 1', () => {
    for (const short of [{ roundFrames: 0, roundsToWin: 1 }, { roundFrames: 60, roundsToWin: 0 }, { roundFrames: 1.5, roundsToWin: 1 }, { roundFrames: Number.NaN, roundsToWin: 1 }]) {
      expect(() => new ArenaGame({ players: 2, seed: 1, short }), JSON.stringify(short)).toThrow(RangeError);
    }
  });
});
