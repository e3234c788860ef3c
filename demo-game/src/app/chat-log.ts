import type { RoomConnection } from 'backspin';
import { emoteOf } from './emotes.ts';

/** One chat line as the lobby shows it. */
export interface ChatLine {
  /** The sender's slot, and its name and place in the member list when the line came. */
  readonly slot: number;
  readonly name: string;
  /** The sender's palette colour (`paletteCss`) when the line came; -1 for a spectator (grey). */
  readonly colorIndex: number;
  readonly text: string;
  /** The emote (index into EMOTES) the line carries, if it is one. */
  readonly emote: number | undefined;
}

/** Lines kept per room connection: the box shows the last few; older ones are of no use. */
const MAX_LINES = 50;

const logs = new WeakMap<RoomConnection, ChatLine[]>();

/**
 * The room's chat so far, per connection: lines that came during a match (emotes, a spectator's
 * words) are in the lobby's box when the players are back, and the lobby scene can restart
 * without losing them.
 */
export function chatLines(connection: RoomConnection): readonly ChatLine[] {
  return logs.get(connection) ?? [];
}

/** Keeps a chat line from `slot` (the host vouches for the sender; the text is display text). */
export function recordChat(connection: RoomConnection, slot: number, text: string): ChatLine {
  const members = connection.client.room?.members ?? [];
  const index = members.findIndex((m) => m.slot === slot);
  const line: ChatLine = {
    slot,
    name: index < 0 ? `Player ${slot + 1}` : members[index]!.name,
    colorIndex: index < 0 ? -1 : (members[index]!.color ?? -1),
    text,
    emote: emoteOf(text),
  };
  let log = logs.get(connection);
  if (log === undefined) logs.set(connection, (log = []));
  log.push(line);
  if (log.length > MAX_LINES) log.splice(0, log.length - MAX_LINES);
  return line;
}
