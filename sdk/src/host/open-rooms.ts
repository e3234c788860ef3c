import type { RoomState } from '../room/room-state.ts';
import { TokenBucket } from '../relay/token-bucket.ts';

/**
 * Where a host's pages ask for the rooms open on it (GET, JSON `{ "rooms": [OpenRoom, ...] }`):
 * at a party everyone reaches the same host, so a title screen can list its rooms and join one
 * with a click instead of a code read across the room. Codes stay for links and passwords.
 */
export const OPEN_ROOMS_PATH = '/.backspin/rooms.json';

/**
 * One open room as anyone who can load the host's page may see it. No secret: no password (only
 * whether there is one), no token, no member but the owner, by name.
 */
export interface OpenRoom {
  /** The join code. */
  readonly code: string;
  /** The owner's display name (untrusted text: a member chose it; show it as text, never as HTML). */
  readonly owner: string;
  /** Players in the room now. */
  readonly players: number;
  /** Players the room takes (its `maxPlayers` setting). */
  readonly maxPlayers: number;
  /** Spectators in the room now. */
  readonly spectators: number;
  /** 'lobby': players may join; 'playing': a match is on (only spectators may join until it ends). */
  readonly phase: 'lobby' | 'playing';
  /** Whether joining needs a password. */
  readonly hasPassword: boolean;
}

/** What lists the rooms: a room authority's `roomCodes` and `room` (snapshots hold no secret). */
export interface RoomDirectory {
  /** The codes of the open rooms, oldest first. */
  roomCodes(): string[];
  /** A room's public snapshot (no password, no token), or undefined if it is gone. */
  room(code: string): RoomState | undefined;
}

/** The open rooms of `directory`, oldest first, as {@link OpenRoom}s. */
export function openRooms(directory: RoomDirectory): OpenRoom[] {
  const out: OpenRoom[] = [];
  for (const code of directory.roomCodes()) {
    const room = directory.room(code);
    if (room === undefined || room.phase === 'closed') continue;
    let players = 0;
    for (const m of room.members) if (m.role === 'player') players++;
    out.push({
      code: room.code,
      owner: room.members.find((m) => m.owner)?.name ?? '',
      players,
      maxPlayers: room.settings.maxPlayers,
      spectators: room.members.length - players,
      phase: room.phase,
      hasPassword: room.hasPassword,
    });
  }
  return out;
}

/** Limits of the room list a host serves (`HostOptions.roomList`). */
export interface OpenRoomsOptions {
  /** The answer is built at most once per this long (ms) and served from memory meanwhile. Default 1000. */
  readonly cacheMs?: number;
  /** Requests one address may make per second (sustained). Default 4: a page polls every few seconds. */
  readonly perSecond?: number;
  /** Requests one address may make at once (burst). Default 8. */
  readonly burst?: number;
}

/** Addresses whose rate is remembered at once; past this the memory is cleared (a flood of addresses forgets, never grows). */
const MAX_TRACKED_ADDRESSES = 1024;

/** An answer to a request: 200 with the JSON body, or 429 (too many requests from its address). */
export type OpenRoomsAnswer = { readonly status: 200; readonly body: string } | { readonly status: 429 };

/**
 * The read-only room list behind {@link OPEN_ROOMS_PATH}, cheap under any load: the JSON is built
 * at most once per `cacheMs` whatever the number of pages polling (a host has at most `maxRooms`
 * rooms, 64 by default, so it stays a few KB), and each address is limited to `perSecond` requests
 * (429 beyond, counted by the caller). Time is passed in (ms).
 */
export class OpenRoomsEndpoint {
  private readonly cacheMs: number;
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly rates = new Map<string, TokenBucket>();
  private body = '';
  private builtAtMs = -Infinity;

  constructor(
    private readonly directory: RoomDirectory,
    options: OpenRoomsOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 1000;
    this.perSecond = options.perSecond ?? 4;
    this.burst = options.burst ?? 8;
    if (!(this.cacheMs >= 0) || !(this.perSecond > 0) || !(this.burst >= 1)) {
      throw new RangeError('OpenRoomsEndpoint: cacheMs must be >= 0, perSecond > 0 and burst >= 1');
    }
  }

  /** The answer for a request from `address` at `nowMs`. */
  answer(address: string, nowMs: number): OpenRoomsAnswer {
    let rate = this.rates.get(address);
    if (rate === undefined) {
      if (this.rates.size >= MAX_TRACKED_ADDRESSES) this.rates.clear();
      rate = new TokenBucket(this.perSecond, this.burst);
      this.rates.set(address, rate);
    }
    if (!rate.take(nowMs)) return { status: 429 };
    if (nowMs - this.builtAtMs >= this.cacheMs || nowMs < this.builtAtMs) {
      this.body = JSON.stringify({ rooms: openRooms(this.directory) });
      this.builtAtMs = nowMs;
    }
    return { status: 200, body: this.body };
  }
}
