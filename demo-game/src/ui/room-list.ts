import { formatJoinCode } from 'backspin';
import { closedReason, fetchOpenRooms } from '../app/open-rooms.ts';
import type { ListedRoom } from '../app/open-rooms.ts';
import { h } from './dom.ts';

/** How often the list is asked for again (ms): a room made across the room shows within this. */
const REFRESH_MS = 3000;

interface Row {
  /** The room as last listed. */
  room: ListedRoom;
  readonly li: HTMLLIElement;
  readonly owner: HTMLSpanElement;
  readonly count: HTMLSpanElement;
  readonly why: HTMLSpanElement;
  readonly join: HTMLButtonElement;
  /** The password field, once Join was pressed on a room that needs one. */
  password: HTMLInputElement | undefined;
}

/**
 * The title screen's list of the rooms open on this host, asked for every 3 s while it is on the
 * page: at a party everyone reaches the same host, so a room is joined with a click, not a code
 * read across the room. Rooms a player cannot join now are listed too, greyed, saying why (full,
 * or playing a match, which "Watch" joins as a spectator): friends see their friends' room and
 * know to wait, or watch meanwhile. A room with a password
 * asks for it in its row. Names are set as text, never HTML.
 */
export class RoomList {
  readonly element: HTMLElement;
  private readonly list = h('ul', { className: 'room-list', id: 'room-list' });
  private readonly note = h('p', { className: 'help', id: 'room-list-note', textContent: 'Looking for rooms on this host…' });
  private readonly rows = new Map<string, Row>();
  private readonly timer: ReturnType<typeof setInterval>;
  private stopped = false;

  /** `onJoin(room, password, watch)`: `watch` for a room playing a match, joined as a spectator. */
  constructor(private readonly onJoin: (room: ListedRoom, password: string | undefined, watch: boolean) => void) {
    this.element = h('section', { id: 'rooms' }, h('h2', { textContent: 'Rooms on this host' }), this.list, this.note);
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    void this.refresh();
  }

  destroy(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    // A hidden tab (a phone's screen off) does not ask.
    if (this.stopped || document.hidden) return;
    const rooms = await fetchOpenRooms();
    if (this.stopped) return;
    if (rooms === undefined) {
      this.note.textContent = 'This host does not list its rooms: join with a code or a link.';
      return;
    }
    this.show(rooms);
  }

  private show(rooms: readonly ListedRoom[]): void {
    const seen = new Set<string>();
    for (const room of rooms) {
      seen.add(room.code);
      let row = this.rows.get(room.code);
      if (row === undefined) {
        row = this.row(room);
        this.rows.set(room.code, row);
      }
      // In the host's order (oldest first), moving nothing that is already in place.
      this.list.append(row.li);
      this.update(row, room);
    }
    for (const [code, row] of this.rows) {
      if (seen.has(code)) continue;
      row.li.remove();
      this.rows.delete(code);
    }
    this.note.textContent = rooms.length === 0 ? 'No rooms yet. Create one, and everyone on this host sees it here.' : '';
  }

  private row(room: ListedRoom): Row {
    const owner = h('span', { className: 'room-owner' });
    const count = h('span', { className: 'room-count' });
    const why = h('span', { className: 'room-why' });
    const join = h('button', { className: 'room-join', textContent: 'Join' });
    const li = h('li', { dataset: { code: room.code } }, h('span', { className: 'room-code', textContent: formatJoinCode(room.code) }), owner, count, why, join);
    const row: Row = { room, li, owner, count, why, join, password: undefined };
    join.addEventListener('click', () => {
      const current = row.room;
      if (!current.hasPassword) return this.onJoin(current, undefined, current.playing);
      if (row.password === undefined) {
        row.password = h('input', { className: 'room-password', type: 'password', placeholder: 'Password', maxLength: 128 });
        row.password.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') join.click();
        });
        li.insertBefore(row.password, join);
        row.password.focus();
        return;
      }
      this.onJoin(current, row.password.value, current.playing);
    });
    return row;
  }

  private update(row: Row, room: ListedRoom): void {
    row.room = room;
    row.owner.textContent = `${room.owner}${room.hasPassword ? ' 🔒' : ''}`;
    row.count.textContent = `${room.players}/${room.maxPlayers}`;
    const why = closedReason(room);
    row.why.textContent = why ?? '';
    row.li.dataset['joinable'] = String(why === undefined);
    row.li.classList.toggle('closed', why !== undefined && !room.playing);
    // A room playing a match can be watched (as a spectator); a full one cannot be joined.
    row.join.textContent = room.playing ? 'Watch' : 'Join';
    row.join.disabled = why !== undefined && !room.playing;
  }
}
