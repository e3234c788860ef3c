/**
 * Rooms: the authority over who plays with whom (membership, settings, start, drops), join codes,
 * and the control messages between a host and the members of its rooms. Pure: no networking,
 * clock or randomness of its own, so that any peer can hold the authority.
 */
export { RoomAuthority, DEFAULT_MATCH_RECONNECT_GRACE_MS, DEFAULT_RECONNECT_GRACE_MS, MAX_ROOM_MEMBERS, MAX_ROOM_PASSWORD_LENGTH } from './room-authority.ts';
export type {
  RoomAuthorityOptions,
  RoomAuthorityStats,
  CreateRoomRequest,
  CreateRoomResult,
  JoinRequest,
  JoinResult,
  StartResult,
  RoomResult,
} from './room-authority.ts';
export { RoomError } from './room-errors.ts';
export { MemberDropReason, RoomCloseReason } from './room-events.ts';
export type { RoomEvent, RoomEventType } from './room-events.ts';
export {
  DEFAULT_ROOM_SETTINGS,
  ROOM_SETTINGS_LIMITS,
  ROOM_SETTING_KEYS,
  resolveRoomSettings,
  isRoomSettingValue,
  sameRoomSettings,
} from './room-settings.ts';
export type { RoomSettings } from './room-settings.ts';
export {
  JOIN_CODE_ALPHABET,
  JOIN_CODE_LENGTH,
  JOIN_CODE_SPACE,
  generateJoinCode,
  normalizeJoinCode,
  isJoinCode,
  formatJoinCode,
} from './join-code.ts';
export { RECONNECT_TOKEN_LENGTH, generateReconnectToken, isReconnectToken } from './reconnect-token.ts';
export { MAX_MEMBER_NAME_LENGTH, normalizeMemberName, uniqueMemberName } from './member-name.ts';
export { codePointLength, isDisplayText, truncateCodePoints } from './display-text.ts';
export { constantTimeEqual } from './constant-time-equal.ts';
export { PLAYER_SLOTS, FIRST_SPECTATOR_SLOT, MAX_SPECTATORS, ROOM_SLOTS, NO_OWNER, slotRole } from './room-state.ts';
export type { RoomPhase, MemberRole, RoomMember, RoomState } from './room-state.ts';
export { matchHandle } from './match-decision.ts';
export type { MatchDecision } from './match-decision.ts';
export {
  MAX_CHAT_LENGTH,
  MAX_NOTICE_LENGTH,
  MAX_CONTROL_MESSAGE_BYTES,
  MAX_ROOM_STATE_MESSAGE_BYTES,
  MAX_HANDOVER_MESSAGE_BYTES,
  MAX_SIGNAL_PART_BYTES,
  MAX_SIGNAL_PARTS,
  MAX_SIGNAL_PAYLOAD_BYTES,
  SignalKind,
  ControlDecodeError,
  encodeControlMessage,
  decodeControlMessage,
  parseRoomState,
} from './control-messages.ts';
export { parseRoomHandover } from './room-handover.ts';
export type { MemberToken, RoomHandover, RoomHandoverResult } from './room-handover.ts';
export type {
  ClientControlMessage,
  HostControlMessage,
  ControlMessage,
  ControlMessageType,
  ControlMessageSource,
  ControlDecodeResult,
  SignalFields,
} from './control-messages.ts';
export { SIGNAL_ASSEMBLY_TIMEOUT_MS, SignalAssembler, splitSignalPayload } from './signal-parts.ts';
export type { Signal } from './signal-parts.ts';
