import type { MatchResult } from './match-request.ts';

/** One member's tally over the room's matches. A member is its room slot and name together. */
export interface PartyLine {
  readonly slot: number;
  readonly name: string;
  /** Matches played to their end, won, rounds won in them, and times knocked out in them. */
  readonly played: number;
  readonly wins: number;
  readonly rounds: number;
  readonly falls: number;
}

/** One finished match as the scoreboard counts it: each player's slot, name and figures. */
export interface PartyMatch {
  /** The host's match id (u32): a match is counted once, however often its results show. */
  readonly matchId: number;
  readonly players: readonly { readonly slot: number; readonly name: string; readonly roundsWon: number; readonly falls: number; readonly won: boolean }[];
}

/** Most lines kept: far beyond a party's comings and goings; past it, new members are not counted. */
export const MAX_PARTY_LINES = 64;
/** Most rooms whose scoreboards a page keeps (the oldest goes first). */
const MAX_ROOMS = 8;
/** Most players in one match (the session's player limit). */
const MAX_MATCH_PLAYERS = 16;

/**
 * The party scoreboard of one room: matches won, rounds won and falls per member over the room's
 * matches. Each page keeps its own, from the matches it saw end: every page of a match computes
 * the same final standings (they are the confirmed, deterministic end of the simulation), so the
 * pages that played the same matches show the same scoreboard, with nothing sent. A page that
 * joined later counts from its first match; a page dropped from a match does not count that one.
 *
 * Members are told apart by slot and name: a slot freed and taken by someone else is a new line,
 * and a member who leaves keeps its line.
 */
export class PartyScoreboard {
  private readonly lines = new Map<string, { slot: number; name: string; played: number; wins: number; rounds: number; falls: number }>();
  private readonly counted = new Set<number>();

  /** Matches counted. */
  get matches(): number {
    return this.counted.size;
  }

  /**
   * Counts a finished match, once per match id. Figures that are not whole numbers of at least 0,
   * slots outside 0..15 and matches of fewer than 2 or more than 16 players are refused (false),
   * as is a match counted before.
   */
  record(match: PartyMatch): boolean {
    if (!isU32(match.matchId) || this.counted.has(match.matchId)) return false;
    const players = match.players;
    if (!Array.isArray(players) || players.length < 2 || players.length > MAX_MATCH_PLAYERS) return false;
    for (const p of players) {
      if (!isCount(p.slot) || p.slot >= MAX_MATCH_PLAYERS || typeof p.name !== 'string' || !isCount(p.roundsWon) || !isCount(p.falls) || typeof p.won !== 'boolean') return false;
    }
    if (new Set(players.map((p) => p.slot)).size !== players.length || players.filter((p) => p.won).length > 1) return false;
    this.counted.add(match.matchId);
    for (const p of players) {
      const key = `${p.slot}:${p.name}`;
      let line = this.lines.get(key);
      if (line === undefined) {
        if (this.lines.size >= MAX_PARTY_LINES) continue;
        line = { slot: p.slot, name: p.name, played: 0, wins: 0, rounds: 0, falls: 0 };
        this.lines.set(key, line);
      }
      line.played++;
      if (p.won) line.wins++;
      line.rounds += p.roundsWon;
      line.falls += p.falls;
    }
    return true;
  }

  /** The lines, best first: most wins, then most rounds, then fewest falls, then by slot. */
  standings(): PartyLine[] {
    return [...this.lines.values()]
      .map((l) => ({ ...l }))
      .sort((a, b) => b.wins - a.wins || b.rounds - a.rounds || a.falls - b.falls || a.slot - b.slot || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** The match of an online result as the scoreboard counts it; undefined offline or for a match that ended early here. */
export function partyMatchOf(result: MatchResult): PartyMatch | undefined {
  const request = result.request;
  if (request.mode !== 'online' || result.endedEarly !== undefined) return undefined;
  return {
    matchId: request.match.matchId,
    players: request.match.players.map((slot, p) => ({
      slot,
      name: result.names[p] ?? `Slot ${slot}`,
      roundsWon: result.roundsWon[p] ?? 0,
      falls: result.falls[p] ?? 0,
      won: p === result.winner,
    })),
  };
}

const boards = new Map<string, PartyScoreboard>();

/** This page's scoreboard of the room with this join code (made empty on first use). */
export function partyScoreboard(code: string): PartyScoreboard {
  let board = boards.get(code);
  if (board === undefined) {
    if (boards.size >= MAX_ROOMS) boards.delete(boards.keys().next().value!);
    board = new PartyScoreboard();
    boards.set(code, board);
  }
  return board;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

function isU32(n: unknown): n is number {
  return isCount(n) && n < 0x100000000;
}
