import type { MatchDecision } from './match-decision.ts';
import type { RoomSettings } from './room-settings.ts';

/** Player slots are 0..15 (the session's player limit). */
export const PLAYER_SLOTS = 16;
/** Spectator slots start here, after every player slot, so a slot alone tells the role. */
export const FIRST_SPECTATOR_SLOT = 16;
/** Spectators per room, most (slots 16..23). */
export const MAX_SPECTATORS = 8;
/** Slots per room: 16 players + 8 spectators. */
export const ROOM_SLOTS = FIRST_SPECTATOR_SLOT + MAX_SPECTATORS;
/** `ownerSlot` of a room with nobody left in it (only in the final state of a closed room). */
export const NO_OWNER = -1;

/** 'lobby': members gather and the owner sets up; 'playing': a match is on; 'closed': gone for good. */
export type RoomPhase = 'lobby' | 'playing' | 'closed';
/** Players take part in matches; spectators only watch. */
export type MemberRole = 'player' | 'spectator';

/**
 * A match player on its way back into the running match with a new session: `[slot, returnId]`.
 * `returnId` (u32, drawn by the authority) names this return, so that a member that hears of it
 * twice (the `member-rejoining` event, then the room state) tells the other match sessions once,
 * and one that returns again later is told again.
 */
export type MemberReturn = readonly [slot: number, returnId: number];

/** One member as every member of the room may see it. */
export interface RoomMember {
  /** The member's slot: players first, spectators from FIRST_SPECTATOR_SLOT. */
  readonly slot: number;
  /** Display name, unique in the room (case-insensitively). */
  readonly name: string;
  /** Whether the member plays or watches. */
  readonly role: MemberRole;
  /** Ready for the owner to start (players; always false for spectators). */
  readonly ready: boolean;
  /** False while the member's connection is down and its slot is held for a reconnect. */
  readonly connected: boolean;
  /** Whether this member owns the room (changes settings, starts matches). */
  readonly owner: boolean;
  /**
   * The player's colour, an index into the game's palette (0..MEMBER_COLORS-1, see
   * member-look.ts): no two players of the room hold the same one. Players only; absent for a
   * spectator. A new player gets the lowest free one; `RoomClient.setLook` asks for another.
   */
  readonly color?: number;
  /** The player's shape, an index into the game's shapes (0..MEMBER_SHAPES-1; may repeat). Players only, as `color`. */
  readonly shape?: number;
}

/**
 * A room as every member of it may see it: a snapshot the host broadcasts. Holds no secret: no
 * password (only whether there is one) and no reconnect token.
 */
export interface RoomState {
  /** The room's join code. */
  readonly code: string;
  /** 'lobby', 'playing' a match, or 'closed'. */
  readonly phase: RoomPhase;
  /** Epoch of the authority that decides for this room (u32). */
  readonly epoch: number;
  /** Slot of the owner, the member who may change settings and start; NO_OWNER when the room is empty. */
  readonly ownerSlot: number;
  /** The settings the next match starts with. */
  readonly settings: RoomSettings;
  /** Whether joining needs a password. */
  readonly hasPassword: boolean;
  /** By slot, ascending. */
  readonly members: readonly RoomMember[];
  /** The match being played (phase 'playing' only). */
  readonly match?: MatchDecision;
  /**
   * Players of the match coming back into it with a new session now (phase 'playing' only; absent
   * when none), by slot ascending. A member whose match session starts after the
   * `member-rejoining` event learns here whom it must readmit (`MatchSession.applyRoomEvent` does).
   */
  readonly rejoining?: readonly MemberReturn[];
}

/** The role a slot belongs to, or undefined for a number that is no slot. */
export function slotRole(slot: number): MemberRole | undefined {
  if (!Number.isInteger(slot) || slot < 0 || slot >= ROOM_SLOTS) return undefined;
  return slot < FIRST_SPECTATOR_SLOT ? 'player' : 'spectator';
}
