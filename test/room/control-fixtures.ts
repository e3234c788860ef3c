import { Prng } from '../../sdk/src/kit/prng.ts';
import { MAX_SIGNAL_PARTS, MAX_SIGNAL_PART_BYTES, SignalKind, signalPayloadBytes } from '../../sdk/src/room/control-messages.ts';
import type { ClientControlMessage, ControlMessage, ControlMessageSource, HostControlMessage, SignalFields } from '../../sdk/src/room/control-messages.ts';
import { generateJoinCode } from '../../sdk/src/room/join-code.ts';
import type { MatchDecision } from '../../sdk/src/room/match-decision.ts';
import { generateReconnectToken } from '../../sdk/src/room/reconnect-token.ts';
import { RoomAuthority } from '../../sdk/src/room/room-authority.ts';
import type { RoomHandover } from '../../sdk/src/room/room-handover.ts';
import { MemberDropReason } from '../../sdk/src/room/room-events.ts';
import type { RoomSettings } from '../../sdk/src/room/room-settings.ts';
import type { RoomMember, RoomPhase, RoomState } from '../../sdk/src/room/room-state.ts';

/** Characters names and chat are made of: plain, accented, CJK, emoji (with a ZWJ sequence), JSON escapes. */
const PIECES = ['a', 'Z', '7', ' ', 'é', 'ß', '漢', '字', '😀', '🎮', '👩‍👩‍👧', '"', '\\', '/', '<', '&', '\u00a0'];

export class FixtureRandom {
  readonly prng: Prng;
  constructor(seed: number) {
    this.prng = new Prng(seed);
  }
  u32 = (): number => this.prng.nextU32();
  below(n: number): number {
    return this.prng.nextInt(n);
  }
  between(min: number, max: number): number {
    return this.prng.nextRange(min, max);
  }
  chance(p: number): boolean {
    return this.prng.nextU32() < p * 2 ** 32;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
  /** Display text of 1..max code points, not starting or ending with a space. */
  text(max: number): string {
    const n = this.between(1, max);
    let out = '';
    let count = 0;
    while (count < n) {
      const piece = this.pick(PIECES);
      const pieceLength = [...piece].length;
      if (count + pieceLength > n) {
        out += 'x';
        count++;
        continue;
      }
      out += piece;
      count += pieceLength;
    }
    return out.replace(/^\s/u, 'x').replace(/\s$/u, 'x');
  }
}

function settings(r: FixtureRandom): RoomSettings {
  const drawn = { maxPlayers: r.between(2, 16), inputDelay: r.between(0, 30), maxPrediction: r.between(0, 30), fps: r.between(1, 240) };
  // The game mode follows from the fps rather than a draw of its own, so the fixtures' random
  // stream (and every fuzz case built from it) is as it was before the setting existed.
  return { ...drawn, gameMode: (drawn.fps * 37) % 256 };
}

function partialSettings(r: FixtureRandom): Partial<RoomSettings> {
  const full = settings(r);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(full)) if (r.chance(0.5)) out[k] = v;
  return out;
}

function match(r: FixtureRandom, epoch: number): MatchDecision {
  const s = settings(r);
  const count = r.between(2, s.maxPlayers);
  const slots = new Set<number>();
  while (slots.size < count) slots.add(r.below(16));
  const players = [...slots].sort((x, y) => x - y);
  // Looks follow from what was drawn (no draws of their own, so the fixtures' random stream, and
  // every fuzz case built from it, is as it was before looks existed): distinct colours, any shapes.
  const colors = players.map((_, i) => (i * 5 + epoch) % 16);
  const shapes = players.map((slot) => (slot * 3) % 16);
  return { matchId: r.u32(), epoch, seed: r.u32(), players, colors, shapes, settings: s, startFrame: 0 };
}

export function randomRoomState(r: FixtureRandom): RoomState {
  const phase = r.pick<RoomPhase>(['lobby', 'playing', 'closed']);
  const epoch = r.chance(0.2) ? 0xffffffff : r.u32();
  const slots: number[] = [];
  const emptyClosed = phase === 'closed' && r.chance(0.5);
  if (!emptyClosed) {
    for (let s = 0; s < 24; s++) if (r.chance(0.3)) slots.push(s);
    if (slots.length === 0) slots.push(r.below(24));
  }
  const ownerSlot = slots.length === 0 ? -1 : r.pick(slots);
  const members: RoomMember[] = slots.map((slot, i) => ({
    slot,
    name: r.text(24),
    role: slot < 16 ? 'player' : 'spectator',
    ready: r.chance(0.5),
    connected: r.chance(0.8),
    owner: slot === ownerSlot,
    // Players only, distinct colours (as `match`: no draws of their own).
    ...(slot < 16 ? { color: (i * 7 + epoch) % 16, shape: (slot * 11) % 16 } : {}),
  }));
  return {
    code: generateJoinCode(r.u32),
    phase,
    epoch,
    ownerSlot,
    settings: settings(r),
    hasPassword: r.chance(0.5),
    members,
    // A match of this authority, or now and then of an earlier one (continued by a successor).
    ...(phase === 'playing' ? { match: match(r, r.chance(0.3) ? r.u32() % (epoch + 1) : epoch) } : {}),
  };
}

/** Pieces passwords are made of: any UTF-16 units, those JSON escapes (control, lone surrogate) included. */
const PASSWORD_PIECES = ['a', 'Z', '7', ' ', 'é', '漢', '😀', '"', '\\', '\u0000', '\u0001', '\n', '\ud800', '\udfff', '\u202e'];

/** A password of 1..128 UTF-16 units (128 now and then). */
export function randomPassword(r: FixtureRandom): string {
  const n = r.chance(0.1) ? 128 : r.between(1, 128);
  let out = '';
  while (out.length < n) {
    const piece = r.pick(PASSWORD_PIECES);
    out += out.length + piece.length <= n ? piece : 'x';
  }
  return out;
}

/**
 * The handover of a room a real authority holds (so it is consistent the way an authority's rooms
 * are): random members, readiness, password and epoch; a match or not; some connections lost, the
 * owner gone now and then.
 */
export function randomRoomHandover(r: FixtureRandom): RoomHandover {
  const authority = new RoomAuthority({ random: r.u32, epoch: r.chance(0.2) ? 0xffffffff : r.u32() });
  const password = r.chance(0.5) ? randomPassword(r) : undefined;
  const pw = password === undefined ? {} : { password };
  const created = authority.createRoom({ name: r.text(24), ...pw, settings: settings(r) }, 0);
  if (!created.ok) throw new Error(`createRoom: ${created.error}`);
  const { code } = created;
  const joins = r.below(30);
  for (let i = 0; i < joins; i++) authority.join({ code, name: r.text(24), role: r.chance(0.7) ? 'player' : 'spectator', ...pw }, 0);
  const playing = r.chance(0.5);
  for (let s = 0; s < 16; s++) if (playing || r.chance(0.5)) authority.setReady(code, s, true);
  if (playing) authority.start(code, 0, 0);
  for (let s = 0; s < 24; s++) if (r.chance(0.15)) authority.connectionLost(code, s, 0);
  if (r.chance(0.2) && authority.room(code)!.members.length > 1) authority.leave(code, authority.room(code)!.ownerSlot);
  return authority.exportRoom(code)!;
}

/** Pieces signal payloads are made of: SDP-like text, the characters JSON escapes, line ends. */
const SIGNAL_PIECES = ['a', 'Z', '0', ' ', '=', ':', '-', '"', '\\', '/', '{', '}', '\r\n', '\n', 'a=candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host', '~'];

/** Signal text of 1..maxBytes bytes as written in JSON (at the limit now and then). */
export function randomSignalText(r: FixtureRandom, maxBytes: number): string {
  const budget = r.chance(0.1) ? maxBytes : r.between(1, maxBytes);
  let out = '';
  let bytes = 0;
  while (bytes < budget) {
    const piece = r.pick(SIGNAL_PIECES);
    const cost = signalPayloadBytes(piece);
    if (bytes + cost > budget) {
      if (r.chance(0.5)) break;
      out += 'x';
      bytes++;
      continue;
    }
    out += piece;
    bytes += cost;
  }
  return out === '' ? 'x' : out;
}

/** The fields of one valid signal part, of any kind. */
export function randomSignalFields(r: FixtureRandom): SignalFields {
  const kind = r.pick(Object.values(SignalKind));
  const link = r.chance(0.2) ? r.pick([0, 1, 0xffffffff]) : r.u32();
  if (kind === SignalKind.EndOfCandidates) return { kind, link, part: 0, parts: 1, payload: '' };
  const parts = r.chance(0.6) ? 1 : r.between(1, MAX_SIGNAL_PARTS);
  const part = r.below(parts);
  const payload = kind === SignalKind.Close && parts === 1 && r.chance(0.5) ? '' : randomSignalText(r, MAX_SIGNAL_PART_BYTES);
  return { kind, link, part, parts, payload };
}

export function randomClientMessage(r: FixtureRandom): ClientControlMessage {
  switch (r.below(8)) {
    case 7:
      return { type: 'signal', to: r.below(24), ...randomSignalFields(r) };
    case 0:
      return { type: 'hello', token: generateReconnectToken(r.u32) };
    case 1: {
      // One draw, as the set-ready this case was before set-look came (the random stream stays).
      const n = r.u32();
      if (n % 3 === 2) return { type: 'set-look', color: (n >>> 2) % 16, shape: (n >>> 6) % 16 };
      return { type: 'set-ready', ready: n < 2 ** 31 };
    }
    case 2:
      return { type: 'update-settings', settings: partialSettings(r) };
    case 3:
      return { type: 'start-match' };
    case 4:
      return { type: 'end-match' };
    case 5:
      return { type: 'leave' };
    default:
      return { type: 'chat', text: r.text(200) };
  }
}

/** 1..24 `[slot, ms]` pairs, slots ascending, round trips anywhere in 0..60000 ms (the edges often). */
function memberPings(r: FixtureRandom): [number, number][] {
  const slots: number[] = [];
  for (let s = 0; s < 24; s++) if (r.chance(0.3)) slots.push(s);
  if (slots.length === 0) slots.push(r.below(24));
  return slots.map((slot) => [slot, r.chance(0.1) ? r.pick([0, 1, 60_000]) : r.between(1, 500)]);
}

export function randomHostMessage(r: FixtureRandom): HostControlMessage {
  switch (r.below(10)) {
    case 9:
      return { type: 'handover', handover: randomRoomHandover(r) };
    case 8:
      return { type: 'signal', from: r.below(16), ...randomSignalFields(r) };
    case 0:
      return { type: 'welcome', slot: r.below(24), code: generateJoinCode(r.u32), token: generateReconnectToken(r.u32), epoch: r.u32() };
    case 1:
      return { type: 'room-state', state: randomRoomState(r) };
    case 2: {
      const epoch = r.u32();
      return { type: 'match-start', match: match(r, epoch), epoch };
    }
    case 3:
      return { type: 'member-dropped', slot: r.below(24), reason: r.pick(Object.values(MemberDropReason)), epoch: r.u32() };
    case 4:
      return { type: 'chat', slot: r.below(24), text: r.text(200) };
    case 5:
      return { type: 'host-closing', reason: r.text(200) };
    case 6:
      return { type: 'pings', pings: memberPings(r) };
    default:
      return { type: 'error', code: r.pick(['not-owner', 'bad-settings', 'x', 'rate-limited', 'e2']), message: r.chance(0.1) ? '' : r.text(200) };
  }
}

export function randomControlMessage(r: FixtureRandom): { message: ControlMessage; from: ControlMessageSource } {
  return r.chance(0.5) ? { message: randomClientMessage(r), from: 'client' } : { message: randomHostMessage(r), from: 'host' };
}

/** JSON with object keys sorted at every level: equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) Object.defineProperty(sorted, k, { value: (v as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
    return sorted;
  });
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
