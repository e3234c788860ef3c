/**
 * What a game sees of a room: its state, settings, members, join codes, match decisions and
 * events. The authority that decides them (`room-authority.ts`) and the control messages' wire
 * format are the host's business and stay inside the SDK.
 */
export { MAX_ROOM_MEMBERS, MAX_ROOM_PASSWORD_LENGTH } from './room-authority.ts';
export { RoomError } from './room-errors.ts';
export { MemberDropReason, RoomCloseReason } from './room-events.ts';
export type { RoomEvent, RoomEventType } from './room-events.ts';
export { DEFAULT_ROOM_SETTINGS, ROOM_SETTINGS_LIMITS, ROOM_SETTING_KEYS } from './room-settings.ts';
export type { RoomSettings } from './room-settings.ts';
export { JOIN_CODE_LENGTH, formatJoinCode, normalizeJoinCode, isJoinCode } from './join-code.ts';
export { MAX_MEMBER_NAME_LENGTH } from './member-name.ts';
export { MEMBER_COLORS, MEMBER_SHAPES } from './member-look.ts';
export { PLAYER_SLOTS, FIRST_SPECTATOR_SLOT, MAX_SPECTATORS, ROOM_SLOTS, slotRole } from './room-state.ts';
export type { RoomPhase, MemberRole, RoomMember, RoomState, MemberReturn } from './room-state.ts';
export type { MatchDecision } from './match-decision.ts';
export { spectatorSource } from './spectator-source.ts';
export { MAX_CHAT_LENGTH, SignalKind } from './control-messages.ts';
export type { RoomHandover, MemberToken, ReservedSeat } from './room-handover.ts';
