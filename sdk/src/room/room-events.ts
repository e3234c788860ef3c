import type { MatchDecision } from './match-decision.ts';
import type { RoomState } from './room-state.ts';

/** Why a member left its room. */
export const MemberDropReason = {
  /** It asked to leave. */
  Left: 'left',
  /** Its connection dropped and it did not come back within the reconnect grace. */
  ConnectionLost: 'connection-lost',
  /** The host heard nothing from it for too long (heartbeat timeout). */
  Timeout: 'timeout',
  /** The host removed it (e.g. at the owner's request). */
  Kicked: 'kicked',
  /** It broke the protocol (malformed or abusive traffic). */
  ProtocolError: 'protocol-error',
} as const;
export type MemberDropReason = (typeof MemberDropReason)[keyof typeof MemberDropReason];

/** Why a room closed. */
export const RoomCloseReason = {
  /** Its last member left. */
  Empty: 'empty',
  /** The host closed it (`closeRoom`). */
  Closed: 'closed',
} as const;
export type RoomCloseReason = (typeof RoomCloseReason)[keyof typeof RoomCloseReason];

/** What the room authority decided, drained with `events()`. Each names its room by `code`. */
export type RoomEvent =
  /** Something members can see changed: broadcast `room(code)`. At most one per room between drains. */
  | { readonly type: 'room-changed'; readonly code: string }
  /** The owner started a match. */
  | { readonly type: 'match-started'; readonly code: string; readonly match: MatchDecision }
  /** The owner ended the match; the room is back in the lobby. */
  | { readonly type: 'match-ended'; readonly code: string; readonly matchId: number }
  /**
   * A member left during a match. Carries the authority's epoch so that peers can tell a decision
   * of the current authority from a stale one.
   */
  | { readonly type: 'member-dropped'; readonly code: string; readonly slot: number; readonly reason: MemberDropReason; readonly epoch: number }
  /** Ownership passed on because the owner left. */
  | { readonly type: 'owner-changed'; readonly code: string; readonly ownerSlot: number; readonly previousOwnerSlot: number }
  /** The room is gone; `state` is its last state (phase 'closed'), listing who was still in it. */
  | { readonly type: 'room-closed'; readonly code: string; readonly reason: RoomCloseReason; readonly state: RoomState };

export type RoomEventType = RoomEvent['type'];
