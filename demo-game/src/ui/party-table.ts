import type { RoomMember } from 'backspin';
import type { PartyScoreboard } from '../app/party-scoreboard.ts';
import { paletteCss } from '../render/player-colors.ts';
import { markGlyph } from '../render/player-marks.ts';
import { h } from './dom.ts';

/**
 * The party scoreboard as a table (id `party-scoreboard`), for the results screen and the lobby:
 * one row per member (`data-slot`, `data-name`), best first, the leader (most wins, alone) marked. `me` is this
 * page's slot; members no longer in the room are marked as gone. Nothing (undefined) before the
 * room's first match ends.
 */
export function partyTable(board: PartyScoreboard, me: number, members: readonly RoomMember[] | undefined): HTMLElement | undefined {
  const matches = board.matches;
  const myName = members?.find((m) => m.slot === me)?.name;
  if (matches === 0) return undefined;
  const lines = board.standings();
  const leader = lines[0] !== undefined && lines[0].wins > 0 && (lines[1] === undefined || lines[1].wins < lines[0].wins) ? lines[0] : undefined;
  const rows = lines.map((l) => {
    const member = members?.find((m) => m.slot === l.slot && m.name === l.name);
    const here = members === undefined || member !== undefined;
    const mine = l.slot === me && (myName === undefined || l.name === myName);
    // A player still here in the colour and shape it has now.
    const mark = member?.shape === undefined ? '' : `${markGlyph(member.shape)} `;
    const label = `${mark}${l.name}${mine ? ' (you)' : ''}${here ? '' : ' (left)'}`;
    return h(
      'tr',
      { dataset: { slot: String(l.slot), name: l.name }, className: here ? '' : 'gone' },
      h('td', { textContent: label, style: `font-weight: 600${member?.color === undefined ? '' : `; color: ${paletteCss(member.color)}`}` }),
      h('td', { className: 'wins', textContent: String(l.wins) }),
      h('td', { textContent: String(l.played) }),
      h('td', { textContent: String(l.rounds) }),
      h('td', { textContent: String(l.falls) }),
      h('td', { className: 'lead', textContent: l === leader ? 'leads' : '' }),
    );
  });
  return h(
    'div',
    { className: 'party' },
    h('h2', { textContent: `Party scoreboard · ${matches} ${matches === 1 ? 'match' : 'matches'}` }),
    h(
      'table',
      { className: 'results', id: 'party-scoreboard' },
      h('tr', {}, ...['Player', 'Wins', 'Played', 'Rounds', 'Falls', ''].map((t) => h('th', { textContent: t }))),
      ...rows,
    ),
  );
}
