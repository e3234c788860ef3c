import type { RoomAuthority } from '../room/room-authority.ts';
import type { RoomMember, RoomState } from '../room/room-state.ts';

/** How often the host's rooms are compared with the last look (ms): a terminal reader sees no lag. */
const LOOK_MS = 250;

/**
 * The host's terminal log: one line for each room created, closed or back from a player that held
 * it, each member that joins, leaves, loses its connection or comes back, and each match started
 * or ended, with names and room codes. Read by comparing the rooms' public states (what every
 * member sees) every {@link LOOK_MS}, so it holds no secret (no token, no password) and takes
 * nothing from the relay's own event flow. Returns a function that stops it.
 */
export function logRooms(authority: RoomAuthority, print: (line: string) => void, now: () => Date = () => new Date()): () => void {
  let last = new Map<string, RoomState>();
  const seen = new Set<string>();
  const timer = setInterval(() => {
    const next = new Map<string, RoomState>();
    for (const code of authority.roomCodes()) {
      const room = authority.room(code);
      if (room !== undefined) next.set(code, room);
    }
    const stamp = now().toTimeString().slice(0, 8);
    for (const line of roomChanges(last, next, seen)) print(`${stamp}  ${line}`);
    last = next;
  }, LOOK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * What changed between two looks at the rooms (by code), one plain sentence each, oldest room first.
 * `seen` remembers (across calls) the members that have been connected once: a member's first
 * connection, just after it joined, is part of joining, not a return.
 */
export function roomChanges(before: ReadonlyMap<string, RoomState>, after: ReadonlyMap<string, RoomState>, seen: Set<string> = new Set()): string[] {
  const lines: string[] = [];
  for (const [code, room] of after) {
    const old = before.get(code);
    if (old === undefined) {
      const [first, ...others] = room.members;
      // A room appears with one member when created, with several when a player brings it back.
      if (first !== undefined && others.length === 0) lines.push(`${first.name} created room ${code}.`);
      else lines.push(`Room ${code} is on this host (again): ${names(room.members)}.`);
      continue;
    }
    lines.push(...memberChanges(code, old.members, room.members, seen));
    if (old.phase !== 'playing' && room.phase === 'playing') {
      const players = room.match?.players.map((slot) => room.members.find((m) => m.slot === slot)?.name ?? `slot ${slot}`);
      lines.push(`Match started in room ${code}: ${(players ?? []).join(', ')}.`);
    } else if (old.phase === 'playing' && room.phase !== 'playing') {
      lines.push(`Match ended in room ${code}.`);
    }
  }
  for (const code of before.keys()) if (!after.has(code)) lines.push(`Room ${code} closed.`);
  for (const [code, room] of after) for (const m of room.members) if (m.connected) seen.add(memberKey(code, m));
  return lines;
}

function memberKey(code: string, m: RoomMember): string {
  return `${code} ${m.slot} ${m.name}`;
}

function memberChanges(code: string, before: readonly RoomMember[], after: readonly RoomMember[], seen: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  for (const m of after) {
    const old = before.find((o) => o.slot === m.slot);
    if (old === undefined || old.name !== m.name) {
      if (old !== undefined) lines.push(`${old.name} left room ${code}.`);
      lines.push(`${m.name} joined room ${code}${m.role === 'spectator' ? ' to watch' : ''}.`);
    } else if (old.connected && !m.connected) {
      lines.push(`${m.name} lost the connection to room ${code} (their seat is kept for a while).`);
    } else if (!old.connected && m.connected && seen.has(memberKey(code, m))) {
      lines.push(`${m.name} is back in room ${code}.`);
    }
  }
  for (const o of before) if (!after.some((m) => m.slot === o.slot)) lines.push(`${o.name} left room ${code}.`);
  return lines;
}

function names(members: readonly RoomMember[]): string {
  return members.map((m) => m.name).join(', ');
}
