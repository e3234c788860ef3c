import { isJoinCode } from 'backspin';
import { cleanPlayerName } from './player-name.ts';

/**
 * Where the host lists its open rooms (the SDK's `OPEN_ROOMS_PATH`, sdk/src/host/open-rooms.ts;
 * `npm run dev` passes it on to the host).
 */
const OPEN_ROOMS_PATH = '/.backspin/rooms.json';

/** Most rooms shown: a host has 64 at most, a party a handful. */
const MAX_LISTED = 32;

/** One room on the host, as the title screen lists it. */
export interface ListedRoom {
  readonly code: string;
  /** The owner's name, cleaned as a typed name is (shown as text, never as HTML). */
  readonly owner: string;
  readonly players: number;
  readonly maxPlayers: number;
  readonly playing: boolean;
  readonly hasPassword: boolean;
}

/** Why this page cannot join a room as a player now, in players' words; undefined if it can. */
export function closedReason(room: ListedRoom): string | undefined {
  if (room.playing) return 'playing a match: watch it, or join when it ends';
  if (room.players >= room.maxPlayers) return 'full';
  return undefined;
}

/**
 * The rooms of a room-list answer, checked: the host may be anyone's machine and the names are
 * members' own text. Malformed entries are left out; anything but `{ rooms: [...] }` is no list.
 */
export function parseOpenRooms(value: unknown): ListedRoom[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const rooms = (value as { rooms?: unknown }).rooms;
  if (!Array.isArray(rooms)) return undefined;
  const out: ListedRoom[] = [];
  for (const r of rooms.slice(0, MAX_LISTED) as unknown[]) {
    if (typeof r !== 'object' || r === null) continue;
    const { code, owner, players, maxPlayers, phase, hasPassword } = r as Record<string, unknown>;
    if (!isJoinCode(code) || typeof owner !== 'string' || owner.length > 256 || !count(players) || !count(maxPlayers)) continue;
    if ((phase !== 'lobby' && phase !== 'playing') || typeof hasPassword !== 'boolean') continue;
    out.push({ code, owner: cleanPlayerName(owner) || '?', players, maxPlayers, playing: phase === 'playing', hasPassword });
  }
  return out;
}

function count(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 64;
}

/**
 * The host's open rooms, or undefined when it has no list (an older host, one started with
 * `--no-room-list`, a refusal) or cannot be reached.
 */
export async function fetchOpenRooms(): Promise<ListedRoom[] | undefined> {
  try {
    const response = await fetch(OPEN_ROOMS_PATH, { cache: 'no-store' });
    if (!response.ok) return undefined;
    return parseOpenRooms(await response.json());
  } catch {
    return undefined;
  }
}
