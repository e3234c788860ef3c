import Phaser from 'phaser';
import { debugHooks } from '../app/debug-hooks.ts';
import { endsFinishedMatch } from '../app/finished-match.ts';
import type { MatchRequest, MatchResult } from '../app/match-request.ts';
import { partyMatchOf, partyScoreboard } from '../app/party-scoreboard.ts';
import { holderChangeText, REHOMED_TEXT } from '../app/room-holder.ts';
import { forgetRoomResume } from '../app/room-resume.ts';
import { SceneKey } from '../app/scene-keys.ts';
import { playerCss } from '../render/player-colors.ts';
import { playerGlyph } from '../render/player-marks.ts';
import { replayFileName, saveReplayFile } from '../app/replay-file.ts';
import type { ReplayRequest } from './replay-scene.ts';
import { h, mountPanel } from '../ui/dom.ts';
import { partyTable } from '../ui/party-table.ts';
import type { LobbySceneData } from './lobby-scene.ts';

/** How often the line of who plays again is redrawn from the room state (ms). */
const PLAY_AGAIN_REFRESH_MS = 200;

/**
 * The final standings, then Play again (online: back to the room, ready for the rematch; offline:
 * the same match again), back to the room, or to the title. Online, the match is counted on the
 * room's party scoreboard (app/party-scoreboard.ts), shown here, and a line says who has chosen
 * Play again and who is still deciding.
 */
export class ResultsScene extends Phaser.Scene {
  private result!: MatchResult;
  private unmount: (() => void) | undefined;
  /** The holder last lost (the host, or a player that held the room), for the holder notice. */
  private lostHolder: number | undefined;
  private playAgainAtMs = -Infinity;
  /** endMatch was sent for this match (once is enough; a second would be refused). */
  private endSent = false;

  constructor() {
    super(SceneKey.Results);
  }

  init(result: MatchResult): void {
    this.result = result;
    this.lostHolder = undefined;
    this.playAgainAtMs = -Infinity;
    this.endSent = false;
  }

  /**
   * Online, the room goes on while this screen shows: the owner may start the next match before
   * everyone is back in the lobby, so its start is followed from here too. The host's loss does
   * not close the room: a player takes it over (the connection is 'connected' again under it), so
   * only a room that nobody could take over ('orphaned', then 'closed') is reported closed.
   */
  override update(time: number): void {
    const request = this.result.request;
    if (request.mode !== 'online') return;
    const c = request.connection;
    for (const e of c.events()) {
      if (e.type === 'match-start' && e.match.players.includes(c.slot)) {
        const next: MatchRequest = { mode: 'online', connection: c, match: e.match };
        this.scene.start(SceneKey.Match, next);
        return;
      }
      if (e.type === 'orphaned' || (e.type === 'connection' && e.state === 'closed')) this.roomClosed();
      else if (e.type === 'holder-lost') this.lostHolder = e.holder;
      else if (e.type === 'holder') this.holderChanged(holderChangeText(c, e.slot, e.mine, this.lostHolder));
      else if (e.type === 'rehomed') {
        this.lostHolder = undefined;
        this.holderChanged(REHOMED_TEXT);
      }
    }
    debugHooks.holder = c.holder;
    if (time - this.playAgainAtMs >= PLAY_AGAIN_REFRESH_MS) {
      this.playAgainAtMs = time;
      this.endFinishedMatch();
      this.showWhoPlaysAgain();
    }
  }

  /** Returns the room to its lobby if this page owns it and the room still plays the match that ended here. */
  private endFinishedMatch(): void {
    const request = this.result.request;
    if (request.mode !== 'online' || this.endSent) return;
    const c = request.connection;
    if (!endsFinishedMatch(c.client.room, c.slot, request.match.matchId)) return;
    this.endSent = true;
    c.client.endMatch();
  }

  /**
   * Once the room is back in its lobby, a player who chose Play again is ready there: who is in,
   * and who is still deciding (on this screen, or in the lobby and not ready).
   */
  private showWhoPlaysAgain(): void {
    const el = document.getElementById('play-again-status');
    const request = this.result.request;
    if (el === null || request.mode !== 'online') return;
    const room = request.connection.client.room;
    let text = '';
    if (room !== undefined && room.phase === 'lobby' && request.connection.state !== 'closed') {
      const players = room.members.filter((m) => m.role === 'player');
      const named = (m: (typeof players)[number]) => (m.slot === request.connection.slot ? 'you' : m.name);
      const going = players.filter((m) => m.ready).map(named);
      const deciding = players.filter((m) => !m.ready).map(named);
      text = [going.length > 0 ? `Playing again: ${going.join(', ')}` : '', deciding.length > 0 ? `Still deciding: ${deciding.join(', ')}` : ''].filter((t) => t !== '').join(' · ');
    }
    if (el.textContent !== text) el.textContent = text;
  }

  create(): void {
    debugHooks.scene = SceneKey.Results;
    this.cameras.main.setBackgroundColor('#0b1020');
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.unmount?.());
    const r = this.result;
    const request = r.request;
    // Online, the owner returns the room to its lobby, so that the next match can be set up (and
    // a member who owns the room later, from here or the lobby, if the owner left before).
    this.endFinishedMatch();
    const board = request.mode === 'online' ? partyScoreboard(request.connection.code) : undefined;
    const counted = partyMatchOf(r);
    if (board !== undefined && counted !== undefined) board.record(counted);
    const order = r.names.map((_, p) => p).sort((a, b) => (r.roundsWon[b] ?? 0) - (r.roundsWon[a] ?? 0) || (r.falls[a] ?? 0) - (r.falls[b] ?? 0));
    const rows = order.map((p) =>
      h(
        'tr',
        { dataset: { player: String(p) } },
        h('td', { style: `color: ${playerCss(p)}; font-weight: 600`, textContent: `${playerGlyph(p)} ${r.names[p]!}${p === r.localPlayer ? ' (you)' : ''}` }),
        h('td', { textContent: String(r.roundsWon[p] ?? 0) }),
        h('td', { textContent: String(r.falls[p] ?? 0) }),
        h('td', { textContent: r.left[p] === true ? 'left' : p === r.winner ? 'winner' : '' }),
      ),
    );
    const title = r.winner < 0 ? 'No winner' : r.winner === r.localPlayer ? 'You win!' : `${r.names[r.winner]} wins`;
    const buttons = h('div', { className: 'row' });
    if (request.mode === 'online') {
      // One click to go again: the lobby sets this player ready, and the rematch starts by itself
      // once every player is in (lobby-scene.ts). "Back to the room" goes there without it.
      const closed = request.connection.state === 'closed';
      const again = h('button', { id: 'play-again', className: 'primary', textContent: 'Play again', disabled: closed });
      const finishedMatchId = request.match.matchId;
      again.addEventListener('click', () => this.scene.start(SceneKey.Lobby, { connection: request.connection, playAgain: true, finishedMatchId } satisfies LobbySceneData));
      const back = h('button', { id: 'back-to-lobby', textContent: 'Back to the room', disabled: closed });
      back.addEventListener('click', () => this.scene.start(SceneKey.Lobby, { connection: request.connection, finishedMatchId } satisfies LobbySceneData));
      buttons.append(again, back);
    } else {
      const again = h('button', { id: 'play-again', className: 'primary', textContent: 'Play again' });
      again.addEventListener('click', () => this.scene.start(SceneKey.Match, request));
      buttons.append(again);
    }
    const toTitle = h('button', { id: 'to-title', textContent: 'Title screen' });
    toTitle.addEventListener('click', () => {
      if (request.mode === 'online') {
        forgetRoomResume();
        request.connection.close();
      }
      this.scene.start(SceneKey.Title);
    });
    buttons.append(toTitle);
    const replay = r.replay;
    const replayButtons = replay !== undefined && replay.frameCount > 0 && h('div', { className: 'row' });
    if (replayButtons !== false && replay !== undefined) {
      const watch = h('button', { id: 'watch-replay', textContent: 'Watch replay' });
      const back = { scene: SceneKey.Results, data: r };
      watch.addEventListener('click', () => this.scene.start(SceneKey.Replay, { replay, back } satisfies ReplayRequest));
      const save = h('button', { id: 'save-replay', textContent: 'Save replay' });
      save.addEventListener('click', () => saveReplayFile(replay, replayFileName()));
      replayButtons.append(watch, save);
    }
    this.unmount = mountPanel(
      h(
        'div',
        { className: 'panel', id: 'results-panel' },
        h('h1', { id: 'results-title', textContent: title }),
        r.endedEarly !== undefined && h('p', { className: 'status error', textContent: r.endedEarly }),
        h('table', { className: 'results' }, h('tr', {}, h('th', { textContent: 'Player' }), h('th', { textContent: 'Rounds' }), h('th', { textContent: 'Falls' }), h('th')), ...rows),
        request.mode === 'online' && h('p', { id: 'play-again-status', className: 'help' }),
        buttons,
        board !== undefined && request.mode === 'online' && partyTable(board, request.connection.slot, request.connection.client.room?.members),
        replayButtons,
        h('div', { id: 'results-status', className: 'status error' }),
      ),
    );
    // The host left during the match, which played on without it, and nobody could take the room
    // over: there is no room to go back to. (Under a player that took it over, there is.)
    if (request.mode === 'online' && request.connection.state === 'closed') this.roomClosed();
  }

  /** A player took the room over (or the host took it back) while this screen shows: the way back goes on to its room. */
  private holderChanged(text: string): void {
    const status = document.getElementById('results-status');
    if (status === null) return;
    status.textContent = text;
    status.classList.remove('error');
  }

  /** The host is gone, and the room with it: say so, and leave only the way to the title screen. */
  private roomClosed(): void {
    const status = document.getElementById('results-status');
    if (status !== null) {
      status.textContent = 'The host has left, so the room is closed. Start a new room from the title screen.';
      status.classList.add('error');
    }
    for (const id of ['play-again', 'back-to-lobby']) {
      const button = document.getElementById(id);
      if (button instanceof HTMLButtonElement) button.disabled = true;
    }
    this.showWhoPlaysAgain();
  }
}
