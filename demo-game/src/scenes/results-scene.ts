import Phaser from 'phaser';
import { debugHooks } from '../app/debug-hooks.ts';
import type { MatchRequest, MatchResult } from '../app/match-request.ts';
import { holderChangeText, REHOMED_TEXT } from '../app/room-holder.ts';
import { SceneKey } from '../app/scene-keys.ts';
import { playerCss } from '../render/player-colors.ts';
import { replayFileName, saveReplayFile } from '../app/replay-file.ts';
import type { ReplayRequest } from './replay-scene.ts';
import { h, mountPanel } from '../ui/dom.ts';

/** The final standings, then back to the room (online), again (offline), or to the title. */
export class ResultsScene extends Phaser.Scene {
  private result!: MatchResult;
  private unmount: (() => void) | undefined;
  /** The holder last lost (the host, or a player that held the room), for the holder notice. */
  private lostHolder: number | undefined;

  constructor() {
    super(SceneKey.Results);
  }

  init(result: MatchResult): void {
    this.result = result;
    this.lostHolder = undefined;
  }

  /**
   * Online, the room goes on while this screen shows: the owner may start the next match before
   * everyone is back in the lobby, so its start is followed from here too. The host's loss does
   * not close the room: a player takes it over (the connection is 'connected' again under it), so
   * only a room that nobody could take over ('orphaned', then 'closed') is reported closed.
   */
  override update(): void {
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
  }

  create(): void {
    debugHooks.scene = SceneKey.Results;
    this.cameras.main.setBackgroundColor('#0b1020');
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.unmount?.());
    const r = this.result;
    const request = r.request;
    // Online, the owner returns the room to its lobby, so that the next match can be set up.
    if (request.mode === 'online') {
      const client = request.connection.client;
      if (client.room?.ownerSlot === request.connection.slot && client.room.phase === 'playing') client.endMatch();
    }
    const order = r.names.map((_, p) => p).sort((a, b) => (r.roundsWon[b] ?? 0) - (r.roundsWon[a] ?? 0) || (r.falls[a] ?? 0) - (r.falls[b] ?? 0));
    const rows = order.map((p) =>
      h(
        'tr',
        { dataset: { player: String(p) } },
        h('td', { style: `color: ${playerCss(p)}; font-weight: 600`, textContent: r.names[p]! + (p === r.localPlayer ? ' (you)' : '') }),
        h('td', { textContent: String(r.roundsWon[p] ?? 0) }),
        h('td', { textContent: String(r.falls[p] ?? 0) }),
        h('td', { textContent: r.left[p] === true ? 'left' : p === r.winner ? 'winner' : '' }),
      ),
    );
    const title = r.winner < 0 ? 'No winner' : r.winner === r.localPlayer ? 'You win!' : `${r.names[r.winner]} wins`;
    const buttons = h('div', { className: 'row' });
    if (request.mode === 'online') {
      const back = h('button', { id: 'back-to-lobby', className: 'primary', textContent: 'Back to the room', disabled: request.connection.state === 'closed' });
      back.addEventListener('click', () => this.scene.start(SceneKey.Lobby, { connection: request.connection }));
      buttons.append(back);
    } else {
      const again = h('button', { id: 'play-again', className: 'primary', textContent: 'Play again' });
      again.addEventListener('click', () => this.scene.start(SceneKey.Match, request));
      buttons.append(again);
    }
    const toTitle = h('button', { id: 'to-title', textContent: 'Title screen' });
    toTitle.addEventListener('click', () => {
      if (request.mode === 'online') request.connection.close();
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
        buttons,
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
    const back = document.getElementById('back-to-lobby');
    if (back instanceof HTMLButtonElement) back.disabled = true;
  }
}
