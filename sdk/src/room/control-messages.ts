import { isDisplayText } from './display-text.ts';
import { isJoinCode } from './join-code.ts';
import type { MatchDecision } from './match-decision.ts';
import { MEMBER_COLORS, MEMBER_SHAPES } from './member-look.ts';
import { MAX_MEMBER_NAME_LENGTH } from './member-name.ts';
import { isReconnectToken } from './reconnect-token.ts';
import { MemberDropReason } from './room-events.ts';
import { parseRoomHandover } from './room-handover.ts';
import type { RoomHandover } from './room-handover.ts';
import { ROOM_SETTING_KEYS, isRoomSettingValue } from './room-settings.ts';
import type { RoomSettings } from './room-settings.ts';
import { NO_OWNER, PLAYER_SLOTS, ROOM_SLOTS, slotRole } from './room-state.ts';
import type { MemberReturn, RoomMember, RoomPhase, RoomState } from './room-state.ts';

export type { MatchDecision } from './match-decision.ts';
export type { RoomState } from './room-state.ts';
export type { RoomHandover } from './room-handover.ts';

/**
 * The control messages between the host and the members of its rooms, sent over the reliable
 * control channel. They are rare (lobby changes, a start, a drop, a ping report a second), so they
 * are UTF-8 JSON for easy debugging, not a binary format. Everything decoded is untrusted: the
 * host may be any player's machine, and so may a member.
 */

/** Longest chat line (code points). */
export const MAX_CHAT_LENGTH = 200;
/** Longest `host-closing` reason and `error` message (code points). */
export const MAX_NOTICE_LENGTH = 200;
/** Largest encoded message (bytes), except `room-state` and `handover`. */
export const MAX_CONTROL_MESSAGE_BYTES = 4096;
/**
 * Largest encoded `room-state` (bytes). Its worst case, 24 members with 24-character names of
 * 4-byte characters during a 16-player match, is about 5 KB (with the players' looks); every other
 * message fits in 4096.
 */
export const MAX_ROOM_STATE_MESSAGE_BYTES = 8192;
/**
 * Largest encoded `handover` (bytes): a room state's limit plus its secrets, with room to spare:
 * 24 `[slot, "token"]` pairs take at most 24 × 41 = 984 bytes, a password of 128 UTF-16 units at
 * most 128 × 6 = 768 (JSON writes a control character or a lone surrogate as `\uXXXX`), and the
 * field names about 50; 2048 covers the three. A real room's handover stays far below it (its state
 * is at most about 5 KB, see MAX_ROOM_STATE_MESSAGE_BYTES), in fact below 8192.
 */
export const MAX_HANDOVER_MESSAGE_BYTES = MAX_ROOM_STATE_MESSAGE_BYTES + 2048;
/**
 * Largest round trip a `pings` message may carry (ms). A member silent for far less than this is
 * already counted as lost (1.5 s by default), so a larger value can only be a bug or a forgery;
 * the host reports a longer measurement as this.
 */
export const MAX_PING_MS = 60_000;

/**
 * What a `signal` carries, for the WebRTC connection between two players (a direct link; the
 * host's relay stays the pair's fallback): an SDP `offer` or `answer`, one ICE `candidate` line,
 * `end-of-candidates`, or `close` (the sender gives up on this link attempt, optionally with a
 * reason). `end-of-candidates` carries no payload.
 */
export const SignalKind = {
  /** An SDP offer. */
  Offer: 'offer',
  /** An SDP answer. */
  Answer: 'answer',
  /** One ICE candidate line. */
  Candidate: 'candidate',
  /** No more candidates (no payload). */
  EndOfCandidates: 'end-of-candidates',
  /** The sender gives up on this link attempt. */
  Close: 'close',
} as const;
export type SignalKind = (typeof SignalKind)[keyof typeof SignalKind];

/**
 * Most payload one `signal` message carries (bytes, counted as the payload is written in the
 * JSON, i.e. `"`, `\`, CR and LF count 2): a member's control message must fit one frame to the
 * host (1153 bytes, see `MAX_MEMBER_SEGMENT_BYTES` in relay-frame.ts), and the rest of a signal
 * takes at most 106 bytes (test/room/signal-messages.test.ts checks the worst case). Longer
 * payloads are split into parts.
 */
export const MAX_SIGNAL_PART_BYTES = 1000;
/**
 * Most parts one signal is split into. With `MAX_SIGNAL_PAYLOAD_BYTES` it bounds what a receiver
 * holds while a signal is incomplete.
 */
export const MAX_SIGNAL_PARTS = 16;
/**
 * Longest whole signal payload (bytes; the payload is ASCII, so also characters). An SDP offer
 * with one data channel is 400 to 1500 bytes (libdatachannel, Chromium); 8 KiB leaves room for
 * many candidates gathered into the SDP. An SDP escapes only its line ends in JSON (about 3%), so
 * 8 KiB takes 9 parts; a payload that needs more than 16 cannot be sent.
 */
export const MAX_SIGNAL_PAYLOAD_BYTES = 8192;

/** One member's round trip to the host: `[slot, ms]`. A pair, not an object, to keep the message small. */
export type MemberPing = readonly [slot: number, ms: number];

/** Member to host. */
export type ClientControlMessage =
  /** The first message on a connection: binds it to the member whose token this is. */
  | { readonly type: 'hello'; readonly token: string }
  | { readonly type: 'set-ready'; readonly ready: boolean }
  /**
   * Players, in the lobby: the colour and shape this player wants (indices, see member-look.ts).
   * Refused ('color-taken') if another member holds that colour.
   */
  | { readonly type: 'set-look'; readonly color: number; readonly shape: number }
  /** Owner only: the settings to change (the others stay). */
  | { readonly type: 'update-settings'; readonly settings: Partial<RoomSettings> }
  /** Owner only. */
  | { readonly type: 'start-match' }
  /** Owner only: back to the lobby. */
  | { readonly type: 'end-match' }
  | { readonly type: 'leave' }
  /**
   * A player of the running match `matchId`, back in the room with its token, has a new match
   * session (a reloaded page): the others must readmit it. Once per return (see `RoomAuthority.rejoinMatch`).
   */
  | { readonly type: 'rejoin-match'; readonly matchId: number }
  /** That player's session is back in the match (`readmitted`): it is no longer listed as rejoining. */
  | { readonly type: 'match-rejoined'; readonly matchId: number }
  /** A chat line for the whole room. */
  | { readonly type: 'chat'; readonly text: string }
  /**
   * One part of a signal for the player in slot `to` (see {@link SignalFields}). The host forwards
   * it only to another player of the sender's room, as a host `signal` stamped with the sender's
   * slot; a member cannot name the sender (a `from` field is refused).
   */
  | ({ readonly type: 'signal'; readonly to: number } & SignalFields);

/** Host to member. */
export type HostControlMessage =
  /** Answers `hello`: who the connection now speaks for. */
  | { readonly type: 'welcome'; readonly slot: number; readonly code: string; readonly token: string; readonly epoch: number }
  /** The room as it is now (after every change). */
  | { readonly type: 'room-state'; readonly state: RoomState }
  /**
   * The room with its secrets (password, every member's reconnect token), sent only to the next
   * members in the line of succession, so that one of them can restore the room if the host dies
   * (see room-handover.ts and migration/succession.ts).
   */
  | { readonly type: 'handover'; readonly handover: RoomHandover }
  | { readonly type: 'match-start'; readonly match: MatchDecision; readonly epoch: number }
  /** A member is gone from the running match, by decision of the authority of `epoch`. */
  | { readonly type: 'member-dropped'; readonly slot: number; readonly reason: MemberDropReason; readonly epoch: number }
  /** The player in `slot` is coming back into match `matchId` with a new session: readmit it (once per `returnId`). */
  | { readonly type: 'member-rejoining'; readonly slot: number; readonly matchId: number; readonly returnId: number; readonly epoch: number }
  /** A chat line from the member in `slot`. */
  | { readonly type: 'chat'; readonly slot: number; readonly text: string }
  /** The host is going away; the channel closes next. */
  | { readonly type: 'host-closing'; readonly reason: string }
  /**
   * From a player holding the room after its host was lost: the room is back on its host (a host
   * process started again on the same address, which the player re-homed the room onto). The
   * member reconnects to the host into its own slot, with its token.
   */
  | { readonly type: 'room-moved' }
  /** A request was refused. `code` is a short kebab-case reason (e.g. a `RoomError`). */
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  /**
   * The round trip of each member of the room to the host, as the host measures it with its
   * pings, by slot ascending (1..24 entries). A member not measured yet is absent.
   */
  | { readonly type: 'pings'; readonly pings: readonly MemberPing[] }
  /** One part of a signal from the player in slot `from`, stamped by the host (see {@link SignalFields}). */
  | ({ readonly type: 'signal'; readonly from: number } & SignalFields);

/**
 * The fields of a `signal` message, either way. A signal of more than `MAX_SIGNAL_PART_BYTES` of
 * payload is split into `parts` consecutive messages (`part` 0, 1, ..., `parts - 1`), each with
 * the same `kind`, `link` and `parts`; the control channel delivers a member's messages in order,
 * so the receiver joins them back in that order (`signal-parts.ts`).
 */
export interface SignalFields {
  readonly kind: SignalKind;
  /**
   * Which connection attempt of the pair this belongs to (u32, chosen by the offerer, a new one
   * per attempt), so that messages of an older attempt are told apart from the current one's.
   */
  readonly link: number;
  /** 0..parts-1. */
  readonly part: number;
  /** 1..MAX_SIGNAL_PARTS; 1 for `end-of-candidates`. */
  readonly parts: number;
  /**
   * SDP, a candidate, a close reason, or a piece of one: printable ASCII and CR, LF only, at most
   * MAX_SIGNAL_PART_BYTES as written in JSON. Always empty for `end-of-candidates`, empty or not
   * for a `close` of one part, never empty otherwise.
   */
  readonly payload: string;
}

export type ControlMessage = ClientControlMessage | HostControlMessage;
export type ControlMessageType = ControlMessage['type'];
/** Who sent a message: a member ('client') or the host. */
export type ControlMessageSource = 'client' | 'host';

/** Why bytes were refused as a control message. */
export const ControlDecodeError = {
  NotBytes: 'not-bytes',
  TooLarge: 'too-large',
  NotUtf8: 'not-utf8',
  NotJson: 'not-json',
  NotObject: 'not-object',
  UnknownType: 'unknown-type',
  /** A type the sender's side never sends (e.g. `welcome` from a member). */
  WrongDirection: 'wrong-direction',
  UnknownField: 'unknown-field',
  MissingField: 'missing-field',
  BadField: 'bad-field',
} as const;
export type ControlDecodeError = (typeof ControlDecodeError)[keyof typeof ControlDecodeError];

export type ControlDecodeResult<M extends ControlMessage = ControlMessage> =
  | { readonly ok: true; readonly message: M }
  | { readonly ok: false; readonly reason: ControlDecodeError };

const CLIENT_TYPES: ReadonlySet<string> = new Set(['hello', 'set-ready', 'set-look', 'update-settings', 'start-match', 'end-match', 'leave', 'rejoin-match', 'match-rejoined', 'chat', 'signal']);
const HOST_TYPES: ReadonlySet<string> = new Set(['welcome', 'room-state', 'handover', 'match-start', 'member-dropped', 'member-rejoining', 'chat', 'host-closing', 'room-moved', 'error', 'pings', 'signal']);
const SIGNAL_KINDS: readonly unknown[] = Object.values(SignalKind);
/** Printable ASCII, CR and LF: what SDP and candidate lines are made of (RFC 8866 is ASCII-safe). */
const SIGNAL_PAYLOAD = /^[\x20-\x7e\r\n]*$/;
/** The characters JSON writes as two bytes, of those a payload may hold. */
const SIGNAL_ESCAPED = /["\\\r\n]/g;
const DROP_REASONS: readonly unknown[] = Object.values(MemberDropReason);
const PHASES: readonly unknown[] = ['lobby', 'playing', 'closed'] satisfies RoomPhase[];
const MEMBER_KEYS: readonly string[] = ['slot', 'name', 'role', 'ready', 'connected', 'owner'];
const ERROR_CODE = /^[a-z][a-z0-9-]{0,47}$/;
const TWO_POW_32 = 0x100000000;

const utf8Encoder = new TextEncoder();
// fatal: malformed UTF-8 is refused rather than patched; ignoreBOM: a BOM stays and fails as JSON.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A message as bytes (UTF-8 JSON). The message is checked with the decoder's own rules first, so
 * the host never sends what a member would refuse: throws a `RangeError` for an invalid message
 * (a bug of the sender, never of a remote peer) or one over its size limit.
 */
export function encodeControlMessage(message: ControlMessage): Uint8Array {
  const checked = validate(message, undefined);
  if (!checked.ok) throw new RangeError(`encodeControlMessage: invalid '${describeType(message)}' message (${checked.reason})`);
  const bytes = utf8Encoder.encode(JSON.stringify(checked.message));
  if (bytes.length > sizeLimit(checked.message.type)) {
    throw new RangeError(`encodeControlMessage: '${checked.message.type}' message of ${bytes.length} bytes is over the limit`);
  }
  return bytes;
}

/**
 * Decodes and strictly checks untrusted bytes. Never throws. Accepts only UTF-8 JSON of one known
 * message within its size limit, with exactly the fields of its type (no unknown, no missing),
 * each of the right type and range. The message returned is built fresh from the checked values,
 * so nothing of the parsed input (e.g. a `__proto__` key) reaches the caller.
 *
 * `from`: who sent the bytes. The host passes 'client' and a member 'host', so that a message
 * only the other side may send is refused (`wrong-direction`). Without it either side's messages
 * are accepted, and a `chat` is the host's if it has a `slot`.
 */
export function decodeControlMessage(bytes: Uint8Array, from: 'client'): ControlDecodeResult<ClientControlMessage>;
export function decodeControlMessage(bytes: Uint8Array, from: 'host'): ControlDecodeResult<HostControlMessage>;
export function decodeControlMessage(bytes: Uint8Array, from?: ControlMessageSource): ControlDecodeResult;
export function decodeControlMessage(bytes: Uint8Array, from?: ControlMessageSource): ControlDecodeResult {
  try {
    if (!(bytes instanceof Uint8Array)) return fail(ControlDecodeError.NotBytes);
    if (bytes.length > MAX_HANDOVER_MESSAGE_BYTES) return fail(ControlDecodeError.TooLarge); // the largest of any type
    let text: string;
    try {
      text = utf8Decoder.decode(bytes);
    } catch {
      return fail(ControlDecodeError.NotUtf8);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail(ControlDecodeError.NotJson);
    }
    const result = validate(parsed, from);
    if (result.ok && bytes.length > sizeLimit(result.message.type)) return fail(ControlDecodeError.TooLarge);
    return result;
  } catch {
    // Not reachable with the checks above; here so that no input can ever make this throw.
    return fail(ControlDecodeError.BadField);
  }
}

// ---- validation -----------------------------------------------------------------------------

/** Thrown inside the validators only, and always caught in `validate`. */
class Invalid {
  constructor(readonly reason: ControlDecodeError) {}
}

function fail(reason: ControlDecodeError): { ok: false; reason: ControlDecodeError } {
  return { ok: false, reason };
}

function sizeLimit(type: ControlMessageType): number {
  if (type === 'handover') return MAX_HANDOVER_MESSAGE_BYTES;
  return type === 'room-state' ? MAX_ROOM_STATE_MESSAGE_BYTES : MAX_CONTROL_MESSAGE_BYTES;
}

function describeType(message: unknown): string {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type.slice(0, 32) : typeof type;
}

function validate(value: unknown, from: ControlMessageSource | undefined): ControlDecodeResult {
  try {
    return { ok: true, message: message(value, from) };
  } catch (e) {
    if (e instanceof Invalid) return fail(e.reason);
    return fail(ControlDecodeError.BadField);
  }
}

function message(value: unknown, from: ControlMessageSource | undefined): ControlMessage {
  const obj = object(value, ControlDecodeError.NotObject);
  const type = obj['type'];
  if (typeof type !== 'string') throw new Invalid(ControlDecodeError.UnknownType);
  const client = CLIENT_TYPES.has(type);
  const host = HOST_TYPES.has(type);
  if (!client && !host) throw new Invalid(ControlDecodeError.UnknownType);
  if ((from === 'client' && !client) || (from === 'host' && !host)) throw new Invalid(ControlDecodeError.WrongDirection);
  if (type === 'chat') {
    const hostChat = from === 'host' || (from === undefined && Object.hasOwn(obj, 'slot'));
    if (hostChat) {
      const f = fields(obj, ['type', 'slot', 'text']);
      return { type, slot: slot(f['slot']), text: displayText(f['text'], 1, MAX_CHAT_LENGTH) };
    }
    const f = fields(obj, ['type', 'text']);
    return { type, text: displayText(f['text'], 1, MAX_CHAT_LENGTH) };
  }
  if (type === 'signal') {
    // As for chat: the host's carries the sender (`from`), a member's the destination (`to`).
    const hostSignal = from === 'host' || (from === undefined && Object.hasOwn(obj, 'from'));
    const keys = ['type', hostSignal ? 'from' : 'to', 'kind', 'link', 'part', 'parts', 'payload'];
    const f = fields(obj, keys);
    const signal = signalFields(f);
    // Only players signal: the host forwards nothing from or to a spectator. A member may name any
    // slot (the host refuses and counts it), the host only a player's.
    if (hostSignal) return { type, from: int(f['from'], 0, PLAYER_SLOTS - 1), ...signal };
    return { type, to: slot(f['to']), ...signal };
  }
  switch (type) {
    case 'hello':
      return { type, token: token(fields(obj, ['type', 'token'])['token']) };
    case 'set-ready':
      return { type, ready: bool(fields(obj, ['type', 'ready'])['ready']) };
    case 'set-look': {
      const f = fields(obj, ['type', 'color', 'shape']);
      return { type, color: int(f['color'], 0, MEMBER_COLORS - 1), shape: int(f['shape'], 0, MEMBER_SHAPES - 1) };
    }
    case 'update-settings':
      return { type, settings: partialSettings(fields(obj, ['type', 'settings'])['settings']) };
    case 'start-match':
    case 'end-match':
    case 'leave':
      fields(obj, ['type']);
      return { type };
    case 'welcome': {
      const f = fields(obj, ['type', 'slot', 'code', 'token', 'epoch']);
      return { type, slot: slot(f['slot']), code: joinCode(f['code']), token: token(f['token']), epoch: u32(f['epoch']) };
    }
    case 'room-state':
      return { type, state: roomState(fields(obj, ['type', 'state'])['state']) };
    case 'handover': {
      const checked = parseRoomHandover(fields(obj, ['type', 'handover'])['handover']);
      if (!checked.ok) throw new Invalid(checked.reason === ControlDecodeError.NotObject ? ControlDecodeError.BadField : checked.reason);
      return { type, handover: checked.handover };
    }
    case 'match-start': {
      const f = fields(obj, ['type', 'match', 'epoch']);
      const match = matchDecision(f['match']);
      const epoch = u32(f['epoch']);
      if (epoch !== match.epoch) throw new Invalid(ControlDecodeError.BadField);
      return { type, match, epoch };
    }
    case 'member-dropped': {
      const f = fields(obj, ['type', 'slot', 'reason', 'epoch']);
      const reason = f['reason'];
      if (!DROP_REASONS.includes(reason)) throw new Invalid(ControlDecodeError.BadField);
      return { type, slot: slot(f['slot']), reason: reason as MemberDropReason, epoch: u32(f['epoch']) };
    }
    case 'rejoin-match':
    case 'match-rejoined':
      return { type, matchId: u32(fields(obj, ['type', 'matchId'])['matchId']) };
    case 'member-rejoining': {
      const f = fields(obj, ['type', 'slot', 'matchId', 'returnId', 'epoch']);
      return { type, slot: int(f['slot'], 0, PLAYER_SLOTS - 1), matchId: u32(f['matchId']), returnId: u32(f['returnId']), epoch: u32(f['epoch']) };
    }
    case 'host-closing':
      return { type, reason: displayText(fields(obj, ['type', 'reason'])['reason'], 1, MAX_NOTICE_LENGTH) };
    case 'room-moved':
      fields(obj, ['type']);
      return { type };
    case 'error': {
      const f = fields(obj, ['type', 'code', 'message']);
      const code = f['code'];
      if (typeof code !== 'string' || !ERROR_CODE.test(code)) throw new Invalid(ControlDecodeError.BadField);
      return { type, code, message: displayText(f['message'], 0, MAX_NOTICE_LENGTH) };
    }
    case 'pings':
      return { type, pings: memberPings(fields(obj, ['type', 'pings'])['pings']) };
  }
  throw new Invalid(ControlDecodeError.UnknownType);
}

function signalFields(f: Readonly<Record<string, unknown>>): SignalFields {
  const kind = f['kind'];
  if (!SIGNAL_KINDS.includes(kind)) throw new Invalid(ControlDecodeError.BadField);
  const parts = int(f['parts'], 1, MAX_SIGNAL_PARTS);
  const part = int(f['part'], 0, parts - 1);
  const payload = f['payload'];
  if (typeof payload !== 'string' || !isSignalPayloadPart(payload)) throw new Invalid(ControlDecodeError.BadField);
  // end-of-candidates says nothing beyond its kind: one empty part. A close may give a reason or
  // not; the others always say something. Every part of a split payload holds some of it.
  const emptyAllowed = (kind === SignalKind.EndOfCandidates || kind === SignalKind.Close) && parts === 1;
  if (payload === '' ? !emptyAllowed : kind === SignalKind.EndOfCandidates) throw new Invalid(ControlDecodeError.BadField);
  return { kind: kind as SignalKind, link: u32(f['link']), part, parts, payload };
}

/** Bytes `text` takes inside a JSON string, for text of printable ASCII, CR and LF (see MAX_SIGNAL_PART_BYTES). */
export function signalPayloadBytes(text: string): number {
  return text.length + (text.match(SIGNAL_ESCAPED)?.length ?? 0);
}

/** Whether `text` is made of printable ASCII, CR and LF only (any length). */
export function isSignalText(text: string): boolean {
  return SIGNAL_PAYLOAD.test(text);
}

/** Whether `text` may be one part's payload: signal text of at most MAX_SIGNAL_PART_BYTES as written in JSON. */
function isSignalPayloadPart(text: string): boolean {
  return text.length <= MAX_SIGNAL_PART_BYTES && isSignalText(text) && signalPayloadBytes(text) <= MAX_SIGNAL_PART_BYTES;
}

function object(value: unknown, reason: ControlDecodeError = ControlDecodeError.BadField): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Invalid(reason);
  return value as Readonly<Record<string, unknown>>;
}

/** The object's own fields, exactly `required` plus any of `optional`: nothing else, nothing missing. */
function fields(obj: Readonly<Record<string, unknown>>, required: readonly string[], optional: readonly string[] = []): Readonly<Record<string, unknown>> {
  for (const key of Object.keys(obj)) {
    if (!required.includes(key) && !optional.includes(key)) throw new Invalid(ControlDecodeError.UnknownField);
  }
  for (const key of required) if (!Object.hasOwn(obj, key)) throw new Invalid(ControlDecodeError.MissingField);
  return obj;
}

function int(value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new Invalid(ControlDecodeError.BadField);
  return value + 0; // -0 becomes 0
}

function u32(value: unknown): number {
  return int(value, 0, TWO_POW_32 - 1);
}

function slot(value: unknown): number {
  return int(value, 0, ROOM_SLOTS - 1);
}

function bool(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Invalid(ControlDecodeError.BadField);
  return value;
}

function displayText(value: unknown, min: number, max: number): string {
  if (min === 0 && value === '') return '';
  if (!isDisplayText(value, Math.max(min, 1), max)) throw new Invalid(ControlDecodeError.BadField);
  return value;
}

function token(value: unknown): string {
  if (!isReconnectToken(value)) throw new Invalid(ControlDecodeError.BadField);
  return value;
}

function joinCode(value: unknown): string {
  if (!isJoinCode(value)) throw new Invalid(ControlDecodeError.BadField);
  return value;
}

function settings(value: unknown): RoomSettings {
  const f = fields(object(value), ROOM_SETTING_KEYS);
  const out: Record<string, number | 'auto'> = {};
  for (const key of ROOM_SETTING_KEYS) out[key] = setting(key, f[key]);
  return Object.freeze(out as unknown as RoomSettings);
}

function partialSettings(value: unknown): Partial<RoomSettings> {
  const f = fields(object(value), [], ROOM_SETTING_KEYS);
  const out: Record<string, number | 'auto'> = {};
  for (const key of ROOM_SETTING_KEYS) if (Object.hasOwn(f, key)) out[key] = setting(key, f[key]);
  return Object.freeze(out as Partial<RoomSettings>);
}

function setting(key: keyof RoomSettings, value: unknown): number | 'auto' {
  if (!isRoomSettingValue(key, value)) throw new Invalid(ControlDecodeError.BadField);
  return typeof value === 'number' ? value + 0 : value;
}

function matchDecision(value: unknown): MatchDecision {
  const f = fields(object(value), ['matchId', 'epoch', 'seed', 'players', 'colors', 'shapes', 'settings', 'startFrame']);
  const s = settings(f['settings']);
  const raw = f['players'];
  if (!Array.isArray(raw) || raw.length < 2 || raw.length > s.maxPlayers) throw new Invalid(ControlDecodeError.BadField);
  const players: number[] = [];
  for (const p of raw as unknown[]) {
    const n = int(p, 0, PLAYER_SLOTS - 1);
    if (players.length > 0 && n <= players[players.length - 1]!) throw new Invalid(ControlDecodeError.BadField); // ascending, no repeats
    players.push(n);
  }
  if (f['startFrame'] !== 0) throw new Invalid(ControlDecodeError.BadField);
  const colors = lookIndices(f['colors'], players.length, MEMBER_COLORS);
  if (new Set(colors).size !== colors.length) throw new Invalid(ControlDecodeError.BadField); // no two players alike
  const shapes = lookIndices(f['shapes'], players.length, MEMBER_SHAPES);
  return Object.freeze({
    matchId: u32(f['matchId']),
    epoch: u32(f['epoch']),
    seed: u32(f['seed']),
    players: Object.freeze(players),
    colors,
    shapes,
    settings: s,
    startFrame: 0 as const,
  });
}

/** `length` indices in 0..count-1, frozen. */
function lookIndices(value: unknown, length: number, count: number): readonly number[] {
  if (!Array.isArray(value) || value.length !== length) throw new Invalid(ControlDecodeError.BadField);
  return Object.freeze((value as unknown[]).map((v) => int(v, 0, count - 1)));
}

function member(value: unknown, ownerSlot: number): RoomMember {
  const obj = object(value);
  const role = slotRole(slot(obj['slot']));
  // A player always has a look (colour and shape), a spectator never.
  const f = role === 'player' ? fields(obj, [...MEMBER_KEYS, 'color', 'shape']) : fields(obj, MEMBER_KEYS);
  const s = slot(f['slot']);
  const owner = bool(f['owner']);
  if (f['role'] !== role || owner !== (s === ownerSlot)) throw new Invalid(ControlDecodeError.BadField);
  return Object.freeze({
    slot: s,
    name: displayText(f['name'], 1, MAX_MEMBER_NAME_LENGTH),
    role: role!,
    ready: bool(f['ready']),
    connected: bool(f['connected']),
    owner,
    ...(role === 'player' ? { color: int(f['color'], 0, MEMBER_COLORS - 1), shape: int(f['shape'], 0, MEMBER_SHAPES - 1) } : {}),
  });
}

/** 1..ROOM_SLOTS `[slot, ms]` pairs, slots strictly ascending (one entry per member at most). */
function memberPings(value: unknown): readonly MemberPing[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > ROOM_SLOTS) throw new Invalid(ControlDecodeError.BadField);
  const out: MemberPing[] = [];
  for (const entry of value as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) throw new Invalid(ControlDecodeError.BadField);
    const pair = entry as unknown[];
    const s = slot(pair[0]);
    if (out.length > 0 && s <= out[out.length - 1]![0]) throw new Invalid(ControlDecodeError.BadField);
    out.push(Object.freeze([s, int(pair[1], 0, MAX_PING_MS)] as const));
  }
  return Object.freeze(out);
}

/**
 * Checks a room state from the network by the rules of a `room-state` message (see `roomState`)
 * and builds a fresh one of the checked values. Never throws. For the messages that carry a state
 * inside something else (a `RoomHandover`).
 */
export function parseRoomState(value: unknown): { readonly ok: true; readonly state: RoomState } | { readonly ok: false; readonly reason: ControlDecodeError } {
  try {
    return { ok: true, state: roomState(value) };
  } catch (e) {
    return fail(e instanceof Invalid ? e.reason : ControlDecodeError.BadField);
  }
}

function roomState(value: unknown): RoomState {
  const f = fields(object(value), ['code', 'phase', 'epoch', 'ownerSlot', 'settings', 'hasPassword', 'members'], ['match', 'rejoining']);
  const phase = f['phase'];
  if (!PHASES.includes(phase)) throw new Invalid(ControlDecodeError.BadField);
  const epoch = u32(f['epoch']);
  const ownerSlot = int(f['ownerSlot'], NO_OWNER, ROOM_SLOTS - 1);
  const raw = f['members'];
  if (!Array.isArray(raw) || raw.length > ROOM_SLOTS) throw new Invalid(ControlDecodeError.BadField);
  const members: RoomMember[] = [];
  let ownerFound = false;
  let colorsHeld = 0;
  for (const m of raw as unknown[]) {
    const checked = member(m, ownerSlot);
    if (members.length > 0 && checked.slot <= members[members.length - 1]!.slot) throw new Invalid(ControlDecodeError.BadField);
    if (checked.owner) ownerFound = true;
    if (checked.color !== undefined) {
      if ((colorsHeld & (1 << checked.color)) !== 0) throw new Invalid(ControlDecodeError.BadField); // no two players alike
      colorsHeld |= 1 << checked.color;
    }
    members.push(Object.freeze(checked));
  }
  // An owner is one of the members; only a room with nobody in it has none.
  if (members.length === 0 ? ownerSlot !== NO_OWNER : !ownerFound) throw new Invalid(ControlDecodeError.BadField);
  // A match is there exactly while one is being played, decided by this room's authority or an
  // earlier one: a successor (host migration, a higher epoch) goes on with the old host's match.
  // Never by a later authority than the one that sends the state.
  let match: MatchDecision | undefined;
  if (Object.hasOwn(f, 'match')) {
    match = matchDecision(f['match']);
    if (phase !== 'playing' || match.epoch > epoch) throw new Invalid(ControlDecodeError.BadField);
  } else if (phase === 'playing') {
    throw new Invalid(ControlDecodeError.MissingField);
  }
  const rejoining = Object.hasOwn(f, 'rejoining') ? memberReturns(f['rejoining'], match, members) : undefined;
  return Object.freeze({
    code: joinCode(f['code']),
    phase: phase as RoomPhase,
    epoch,
    ownerSlot,
    settings: settings(f['settings']),
    hasPassword: bool(f['hasPassword']),
    members: Object.freeze(members),
    ...(match !== undefined ? { match } : {}),
    ...(rejoining !== undefined ? { rejoining } : {}),
  });
}

/** 1..16 `[slot, returnId]` pairs, slots ascending, each a member of the room and a player of `match` (which must be there). */
function memberReturns(value: unknown, match: MatchDecision | undefined, members: readonly RoomMember[]): readonly MemberReturn[] {
  if (match === undefined || !Array.isArray(value) || value.length < 1 || value.length > match.players.length) throw new Invalid(ControlDecodeError.BadField);
  const out: MemberReturn[] = [];
  for (const entry of value as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) throw new Invalid(ControlDecodeError.BadField);
    const pair = entry as unknown[];
    const s = slot(pair[0]);
    if (out.length > 0 && s <= out[out.length - 1]![0]) throw new Invalid(ControlDecodeError.BadField);
    if (!match.players.includes(s) || !members.some((m) => m.slot === s)) throw new Invalid(ControlDecodeError.BadField);
    out.push(Object.freeze([s, u32(pair[1])] as const));
  }
  return Object.freeze(out);
}
