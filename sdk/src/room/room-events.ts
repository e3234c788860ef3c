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
  | {
      readonly type: 'room-changed';
      /** The room's code. */
      readonly code: string;
    }
  /** The owner started a match. */
  | {
      readonly type: 'match-started';
      /** The room's code. */
      readonly code: string;
      /** Who plays, with which settings. */
      readonly match: MatchDecision;
    }
  /** The owner ended the match; the room is back in the lobby. */
  | {
      readonly type: 'match-ended';
      /** The room's code. */
      readonly code: string;
      /** The match that ended (u32). */
      readonly matchId: number;
    }
  /**
   * A member left during a match. Carries the authority's epoch so that peers can tell a decision
   * of the current authority from a stale one.
   */
  | {
      readonly type: 'member-dropped';
      /** The room's code. */
      readonly code: string;
      /** The member's slot. */
      readonly slot: number;
      /** Why it left. */
      readonly reason: MemberDropReason;
      /** The authority's epoch (u32). */
      readonly epoch: number;
    }
  /**
   * A player of the running match came back with a new session (a reloaded page, a restarted
   * process) and asked to rejoin the match: every other player's session must readmit it.
   */
  | {
      readonly type: 'member-rejoining';
      /** The room's code. */
      readonly code: string;
      /** The returning player's slot. */
      readonly slot: number;
      /** The match it rejoins (u32). */
      readonly matchId: number;
      /** This return's id (u32; see `MemberReturn`). */
      readonly returnId: number;
      /** The authority's epoch (u32). */
      readonly epoch: number;
    }
  /** Ownership passed on because the owner left. */
  | {
      readonly type: 'owner-changed';
      /** The room's code. */
      readonly code: string;
      /** The new owner's slot. */
      readonly ownerSlot: number;
      /** The old owner's slot. */
      readonly previousOwnerSlot: number;
    }
  /** The room is gone; `state` is its last state (phase 'closed'), listing who was still in it. */
  | {
      readonly type: 'room-closed';
      /** The room's code. */
      readonly code: string;
      /** Why it closed. */
      readonly reason: RoomCloseReason;
      /** Its last state. */
      readonly state: RoomState;
    };

/** The `type` of a `RoomEvent`. */
export type RoomEventType = RoomEvent['type'];
