import Phaser from 'phaser';
import QRCode from 'qrcode';
import { connectToRoom, DEFAULT_ROOM_SETTINGS, FIRST_SPECTATOR_SLOT, HOST_HOLDER, JOIN_CODE_LENGTH, normalizeJoinCode, RoomJoinError } from 'backspin';
import type { RoomConnection, RoomRequest, RoomState } from 'backspin';
import { debugHooks } from '../app/debug-hooks.ts';
import { hostAddress } from '../app/host-address.ts';
import { hostAnswers } from '../app/host-answers.ts';
import { forgetRoomLink, joinLink, roomFromLink } from '../app/join-link.ts';
import { endsFinishedMatch } from '../app/finished-match.ts';
import { loadShareableOrigin, onlyThisMachine } from '../app/lan-origin.ts';
import type { MatchRequest } from '../app/match-request.ts';
import { partyScoreboard } from '../app/party-scoreboard.ts';
import { cleanPlayerName, hasSavedPlayerName, loadPlayerName, MAX_NAME_LENGTH, savePlayerName } from '../app/player-name.ts';
import { RematchCountdown } from '../app/rematch-countdown.ts';
import { holderChangeText, lostHolderName, REHOMED_TEXT, successorLobbyText } from '../app/room-holder.ts';
import { forgetRoomResume, loadRoomResume, saveRoomResume } from '../app/room-resume.ts';
import { SceneKey } from '../app/scene-keys.ts';
import { paletteCss } from '../render/player-colors.ts';
import { markGlyph } from '../render/player-marks.ts';
import { LookPicker } from '../ui/look-picker.ts';
import { gameModeOptions } from '../ui/game-mode-options.ts';
import { field, h, mountPanel, select } from '../ui/dom.ts';
import { copyText } from '../ui/copy-text.ts';
import { joinErrorText } from '../ui/join-error-text.ts';
import { partyTable } from '../ui/party-table.ts';
import { roomErrorText } from '../ui/room-error-text.ts';
import { LobbyChat } from '../ui/lobby-chat.ts';
import { recordChat } from '../app/chat-log.ts';
import { howToPlay } from '../ui/controls-card.ts';
import type { WatchRequest } from './watch-scene.ts';

/** How often the room view is redrawn from the room state (ms). */
const REFRESH_MS = 200;
/**
 * A join still under way after this long (ms) is most likely stuck on the game's UDP port: the
 * page and the request went through (TCP), but the WebRTC connection does not open.
 */
const SLOW_JOIN_MS = 8000;

export interface LobbySceneData {
  /** Come back to this room (after a match); otherwise offer to create or join one. */
  readonly connection?: RoomConnection;
  /** The name typed on the title screen, not yet accepted by the host (so not yet saved). */
  readonly typedName?: string;
  /** A room picked from the title screen's list: joined at once (once there is a name). */
  readonly joinCode?: string;
  /** Its password, for a room that needs one. */
  readonly password?: string;
  /** Play again on the results screen: be ready for the rematch as soon as the room is back in its lobby. */
  readonly playAgain?: boolean;
  /** The match whose results this page just left: ended here if this page owns the room by now and the room still plays it. */
  readonly finishedMatchId?: number;
  /** Join the picked room (`joinCode`) as a spectator: it is playing a match, and this page watches it. */
  readonly watch?: boolean;
  /** A spectator asked to play the next match: it becomes a player once the room is back in its lobby. */
  readonly joinAsPlayer?: boolean;
}

/** A spectator's page waits this long after leaving before it joins again as a player (ms): the host hears the leave first, and the name is free again. */
const ROLE_CHANGE_PAUSE_MS = 400;

/**
 * Rooms on this host: create one or join by code (or by a join link or its QR code), then the
 * room: its code, link and QR code, the players with their ping and ready state, and for the
 * owner the match settings (game mode, players, input delay, rollback or lockstep) and the start button.
 */
export class LobbyScene extends Phaser.Scene {
  private connection: RoomConnection | undefined;
  private unmount: (() => void) | undefined;
  private refresh: (() => void) | undefined;
  /** The room's chat box, while the room is shown. */
  private chat: LobbyChat | undefined;
  private lastRefreshMs = -Infinity;
  private busy = false;
  /** The holder last lost (the host, or a player that held the room), for the holder notice. */
  private lostHolder: number | undefined;
  /**
   * This page came back into its slot with the tab's token (a reload): a match the room is
   * playing when it arrives is this player's own, to rejoin. Cleared by the first room state or
   * match after the reconnect.
   */
  private resumed = false;

  constructor() {
    super(SceneKey.Lobby);
  }

  /** The name the title screen passed on, for the name field. */
  private typedName: string | undefined;
  /** The room picked on the title screen, and its password. */
  private picked: { readonly code: string; readonly password: string | undefined } | undefined;
  /** Play again was pressed: set Ready once the room is in its lobby (the owner's page ends the match). */
  private playAgain = false;
  private finishedMatchId: number | undefined;
  /** Join the picked room as a spectator. */
  private watchPicked = false;
  /** This spectator plays the next match: it leaves and joins again as a player once the room is in its lobby. */
  private joinAsPlayer = false;

  init(data: LobbySceneData): void {
    this.connection = data.connection;
    this.typedName = data.typedName;
    this.picked = data.joinCode === undefined ? undefined : { code: data.joinCode, password: data.password };
    this.playAgain = data.playAgain === true;
    this.finishedMatchId = data.finishedMatchId;
    this.watchPicked = data.watch === true;
    this.joinAsPlayer = data.joinAsPlayer === true;
    this.refresh = undefined;
    this.chat = undefined;
    this.busy = false;
    this.lostHolder = undefined;
    this.resumed = false;
  }

  create(): void {
    debugHooks.scene = SceneKey.Lobby;
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.unmount?.());
    this.cameras.main.setBackgroundColor('#0b1020');
    if (this.connection !== undefined && this.connection.state !== 'closed') {
      this.showRoom(this.connection);
      return;
    }
    if (this.connection !== undefined) {
      this.connection = undefined;
      this.showConnect(undefined);
      this.setStatus('The connection to the host was lost. Create or join a room again.', true);
      return;
    }
    const picked = this.picked;
    if (picked !== undefined) {
      // Joined as a join link is, with the name typed on the title screen (or the saved one).
      this.showConnect(picked.code);
      const n = cleanPlayerName(this.typedName ?? '') || loadPlayerName();
      if (n !== '') this.join(picked.code, n, picked.password, this.watchPicked ? 'spectator' : 'player');
      else document.getElementById('lobby-name')?.focus();
      return;
    }
    // A reloaded page: back into its room (and its match) with the tab's token, without a click.
    const resume = loadRoomResume();
    if (resume !== undefined) {
      this.showConnect(undefined);
      this.connect({ action: 'join', code: resume.code, name: loadPlayerName() || 'Player', role: 'player', token: resume.token });
      return;
    }
    const linked = roomFromLink();
    this.showConnect(linked);
    // A join link joins at once for someone who has played here before; a newcomer first sees the
    // code filled in and types a name.
    if (linked !== undefined && hasSavedPlayerName()) this.join(linked, loadPlayerName());
    else if (linked !== undefined) document.getElementById('lobby-name')?.focus();
  }

  override update(time: number): void {
    const c = this.connection;
    if (c === undefined) return;
    debugHooks.holder = c.holder;
    for (const e of c.events()) {
      if (e.type === 'match-start') {
        // After a reload, the match the room is playing is ours: its session rejoins it.
        const rejoin = this.resumed && c.client.room?.phase === 'playing' && c.client.room.match?.matchId === e.match.matchId;
        this.resumed = false;
        if (!e.match.players.includes(c.slot)) {
          // A spectator watches it; a player left out of it waits here.
          if (c.slot >= FIRST_SPECTATOR_SLOT && c.client.room !== undefined) {
            this.watch(c, e.match);
            return;
          }
          this.setStatus('A match started without you; you will be back here when it ends.');
          continue;
        }
        const request: MatchRequest = { mode: 'online', connection: c, match: e.match, ...(rejoin ? { rejoin } : {}) };
        this.scene.start(SceneKey.Match, request);
        return;
      }
      // The host's loss (or its Ctrl+C goodbye) is not the room's end: a player takes the room
      // over ('holder'), and only if nobody can ('orphaned', then 'closed') is the room gone.
      if (e.type === 'host-closing' || e.type === 'holder-lost') {
        this.lostHolder = e.type === 'holder-lost' ? e.holder : HOST_HOLDER;
        this.setStatus(`${lostHolderName(c, this.lostHolder)} left; a player is taking the room over…`);
      } else if (e.type === 'holder') {
        this.setStatus(holderChangeText(c, e.slot, e.mine, this.lostHolder));
        this.lastRefreshMs = -Infinity;
      } else if (e.type === 'rehomed') {
        // A host started again took the room back: its link, QR code and code work again.
        this.lostHolder = undefined;
        this.setStatus(REHOMED_TEXT);
        this.lastRefreshMs = -Infinity;
      } else if (e.type === 'orphaned') this.leaveRoom('The host left, and no player could take the room over, so it is closed. Create or join a room again.');
      else if (e.type === 'connection' && e.state === 'closed') this.leaveRoom('Lost the connection to the host.');
      else if (e.type === 'error') {
        console.info(`[backspin] the host refused: ${e.message}`);
        this.setStatus(roomErrorText(e.code, c.client.room), true);
        // A refused setting: the menus show the room's own value again.
        (document.activeElement as HTMLElement | null)?.blur?.();
        this.lastRefreshMs = -Infinity;
      }
      else if (e.type === 'room-state') {
        this.lastRefreshMs = -Infinity;
        if (e.state.phase !== 'playing') this.resumed = false;
      } else if (e.type === 'chat') this.chat?.append(recordChat(c, e.slot, e.text));
      if (this.connection === undefined) return;
    }
    if (time - this.lastRefreshMs >= REFRESH_MS) {
      this.lastRefreshMs = time;
      this.refresh?.();
    }
  }

  private setStatus(text: string, error = false): void {
    const el = document.getElementById('lobby-status');
    if (el === null) return;
    el.textContent = text;
    el.classList.toggle('error', error);
  }

  private showConnect(linkedCode: string | undefined): void {
    debugHooks.roomCode = undefined;
    void loadShareableOrigin();
    const nameInput = h('input', { id: 'lobby-name', value: this.typedName ?? loadPlayerName(), maxLength: MAX_NAME_LENGTH, spellcheck: false, placeholder: 'Your name' });
    /** The name to send, or undefined (and the player asked for one) when nothing visible is typed. */
    const name = (): string | undefined => {
      const n = cleanPlayerName(nameInput.value);
      if (n !== '') return n;
      this.setStatus('Type your name first: it is what your friends see.', true);
      nameInput.focus();
      return undefined;
    };
    // A join link came for joining: Join is the main button then, Create otherwise.
    const create = h('button', { id: 'create-room', className: linkedCode === undefined ? 'primary' : '', textContent: 'Create a room' });
    // The demo's rooms start with each player's input delay chosen from its own round trips.
    const doCreate = () => {
      const n = name();
      if (n !== undefined) this.connect({ action: 'create', name: n, settings: { ...DEFAULT_ROOM_SETTINGS, inputDelay: 'auto' } });
    };
    create.addEventListener('click', doCreate);
    // Room for "K7Q-M2P" or "k7q m2p": the SDK's normalizeJoinCode takes either.
    const code = h('input', { id: 'join-code', placeholder: 'K7Q-M2P', maxLength: 12, value: linkedCode ?? '', spellcheck: false, style: 'text-transform: uppercase; width: 8em' });
    const join = h('button', { id: 'join-room', className: linkedCode === undefined ? '' : 'primary', textContent: 'Join' });
    const doJoin = () => {
      const n = name();
      // A password given on the title screen goes with the room it was given for.
      const picked = this.picked !== undefined && normalizeJoinCode(code.value) === this.picked.code ? this.picked.password : undefined;
      if (n !== undefined) this.join(code.value, n, picked);
    };
    join.addEventListener('click', doJoin);
    code.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') doJoin();
    });
    // Enter in the name field does what the main button does: join a code that is there, else create.
    nameInput.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      if (code.value.trim() !== '') doJoin();
      else doCreate();
    });
    const back = h('button', { id: 'back', textContent: 'Back' });
    back.addEventListener('click', () => this.scene.start(SceneKey.Title));
    const { url, port } = hostAddress();
    this.unmount?.();
    this.unmount = mountPanel(
      h(
        'div',
        { className: 'panel', id: 'connect-panel' },
        h('h1', { textContent: 'Play with friends' }),
        h('p', { textContent: `On the host at ${url.replace(/^https?:\/\//, '')}:${port}.` }),
        h('div', { className: 'row' }, field('Your name', nameInput)),
        h('div', { className: 'row' }, create),
        h('h2', { textContent: 'Or join a room' }),
        h('div', { className: 'row' }, field('Room code', code), join),
        h('div', { id: 'lobby-status', className: 'status' }),
        h('div', { className: 'row' }, back),
      ),
    );
  }

  /** Joins the room a person typed or a link named, after checking it is a room code at all. */
  private join(typed: string, name: string, password?: string, role: 'player' | 'spectator' = 'player'): void {
    if (typed.trim() === '') {
      this.setStatus('Type the room code your friend sees on their screen.', true);
      return;
    }
    const code = normalizeJoinCode(typed);
    if (code === undefined) {
      this.setStatus(`"${typed.trim()}" is not a room code: a code is ${JOIN_CODE_LENGTH} letters and digits, like K7Q-M2P.`, true);
      return;
    }
    this.connect({ action: 'join', code, name, role, ...(password !== undefined && password !== '' ? { password } : {}) });
  }

  /** Watches the room's running match (the watch scene), as this spectator member. */
  private watch(connection: RoomConnection, match: NonNullable<RoomConnection['client']['match']>): void {
    this.scene.start(SceneKey.Watch, { connection, match, ...(this.joinAsPlayer ? { joinNext: true } : {}) } satisfies WatchRequest);
  }

  /**
   * A spectator becomes a player: it leaves the room and joins it again as a player, under the
   * same name (the room's own join; no new request on the wire). Only in the lobby, with a player
   * slot free; the room refuses otherwise and says why. Once a player, it is Ready.
   */
  private becomePlayer(connection: RoomConnection): void {
    const me = connection.client.room?.members.find((m) => m.slot === connection.slot);
    const name = me?.name ?? (loadPlayerName() || 'Player');
    const code = connection.code;
    this.joinAsPlayer = false;
    // It asked to play the next match: Ready as soon as it is a player, as Play again does, so
    // that a rematch does not wait for it.
    this.playAgain = true;
    this.connection = undefined;
    this.refresh = undefined;
    this.chat = undefined;
    forgetRoomResume();
    connection.close();
    this.showConnect(code);
    this.setStatus(`Joining ${code} as a player…`);
    setTimeout(() => {
      if (this.scene.isActive() && this.connection === undefined) this.connect({ action: 'join', code, name, role: 'player' });
    }, ROLE_CHANGE_PAUSE_MS);
  }

  private connect(request: RoomRequest): void {
    if (this.busy) return;
    this.busy = true;
    document.getElementById('watch-room')?.remove();
    for (const id of ['create-room', 'join-room']) (document.getElementById(id) as HTMLButtonElement | null)?.setAttribute('disabled', '');
    const resuming = request.action === 'join' && request.token !== undefined;
    this.setStatus(request.action === 'create' ? 'Creating a room…' : resuming ? `Reconnecting to room ${request.code}…` : `Joining ${request.code}…`);
    const host = hostAddress();
    const slow = setTimeout(() => {
      if (this.busy) this.setStatus(`Still connecting… If this does not finish, the host's firewall may be blocking the game's UDP port ${host.port}.`);
    }, SLOW_JOIN_MS);
    Promise.all([connectToRoom({ ...host, request }), loadShareableOrigin()])
      .then(([connection]) => {
        // The host took this name: remember it for next time (a refused one is not kept).
        if (!resuming) savePlayerName(request.name);
        forgetRoomLink();
        if (!this.scene.isActive()) {
          connection.close(); // the player left the screen meanwhile
          forgetRoomResume();
          return;
        }
        saveRoomResume(connection.code, connection.token);
        this.resumed = resuming;
        this.connection = connection;
        this.showRoom(connection);
      })
      .catch(async (error: unknown) => {
        let reason = error instanceof RoomJoinError ? error.reason : 'connect-failed';
        // No answer to the connect request: a host that is gone, or a request that failed here.
        if (reason === 'unreachable' && (await hostAnswers())) reason = 'connect-failed';
        // The room (or our slot in it) is gone: the next reload starts afresh.
        if (resuming) forgetRoomResume();
        this.setStatus(joinErrorText(reason, request.action === 'join' ? request.code : undefined, `${host.url.replace(/^https?:\/\//, '')}:${host.port}`), true);
        // A room playing a match can be watched: offer it right there.
        if (reason === 'in-progress' && request.action === 'join' && request.role === 'player' && request.token === undefined) {
          const watch = h('button', { id: 'watch-room', className: 'primary', textContent: 'Watch' });
          watch.addEventListener('click', () => {
            watch.remove();
            this.connect({ ...request, role: 'spectator' });
          });
          document.getElementById('lobby-status')?.after(watch);
        }
      })
      .finally(() => {
        clearTimeout(slow);
        this.busy = false;
        for (const id of ['create-room', 'join-room']) document.getElementById(id)?.removeAttribute('disabled');
      });
  }

  private leaveRoom(message?: string): void {
    forgetRoomResume();
    this.connection?.close();
    this.connection = undefined;
    debugHooks.holder = undefined;
    this.refresh = undefined;
    this.chat = undefined;
    this.showConnect(undefined);
    if (message !== undefined) this.setStatus(message, true);
  }

  private showRoom(connection: RoomConnection): void {
    const client = connection.client;
    debugHooks.roomCode = connection.code;
    const link = joinLink(connection.code);
    const qr = h('canvas', { className: 'qr', title: link });
    void QRCode.toCanvas(qr, link, { margin: 1, width: 120 }).catch(() => qr.remove());
    const members = h('ul', { className: 'members', id: 'members' });
    // Each player's colour (no two alike) and shape, asked of the room: it says no to a taken colour.
    const look = new LookPicker((color, shape) => client.setLook(color, shape));
    const lookTitle = h('h2', { textContent: 'You' });
    const ready = h('button', { id: 'ready', className: 'primary', textContent: 'Ready' });
    ready.addEventListener('click', () => {
      this.playAgain = false;
      const me = client.room?.members.find((m) => m.slot === connection.slot);
      client.setReady(!(me?.ready ?? false));
    });
    // A spectator is not Ready for anything: it may ask to play the next match instead.
    const spectator = connection.slot >= FIRST_SPECTATOR_SLOT;
    const playNext = h('button', { id: 'play-next', className: 'primary', textContent: 'Join the next match' });
    playNext.addEventListener('click', () => {
      const room = client.room;
      if (room?.phase === 'lobby') this.becomePlayer(connection);
      else {
        this.joinAsPlayer = !this.joinAsPlayer;
        this.lastRefreshMs = -Infinity;
      }
    });
    if (!spectator) playNext.style.display = 'none';
    else ready.style.display = 'none';
    const maxPlayers = select('setting-max-players', [2, 3, 4, 5, 6, 7, 8].map((n) => [String(n), String(n)] as const), '4');
    const inputDelay = select('setting-input-delay', [['auto', 'Auto'], ...[0, 1, 2, 3, 4, 5, 6, 8].map((n) => [String(n), `${n} frames`] as const)], 'auto');
    const netMode = select('setting-net-mode', [['8', 'Rollback (8 frames)'], ['4', 'Rollback (4 frames)'], ['0', 'Lockstep']], '8');
    maxPlayers.addEventListener('change', () => client.updateSettings({ maxPlayers: Number(maxPlayers.value) }));
    inputDelay.addEventListener('change', () => client.updateSettings({ inputDelay: inputDelay.value === 'auto' ? 'auto' : Number(inputDelay.value) }));
    netMode.addEventListener('change', () => client.updateSettings({ maxPrediction: Number(netMode.value) }));
    const gameMode = select('setting-game-mode', gameModeOptions(), '0');
    gameMode.addEventListener('change', () => client.updateSettings({ gameMode: Number(gameMode.value) }));
    const settings = h('div', { className: 'row', id: 'settings' }, field('Game', gameMode), field('Players', maxPlayers), field('Input delay', inputDelay), field('Netcode', netMode));
    const start = h('button', { id: 'start-match', className: 'primary', textContent: 'Start match', disabled: true });
    start.addEventListener('click', () => client.startMatch());
    const leave = h('button', { id: 'leave-room', textContent: 'Leave room' });
    leave.addEventListener('click', () => this.leaveRoom());
    const copy = h('button', { id: 'copy-link', textContent: 'Copy link' });
    copy.addEventListener('click', () => {
      void copyText(link, linkLine).then((how) =>
        this.setStatus(how === 'copied' ? 'Link copied: paste it to your friends.' : 'This browser would not copy it: the link is selected, copy it with Ctrl+C (or a long press on a phone).'),
      );
    });
    const settingsNote = h('p', { className: 'help' });
    // After a match: the countdown to the rematch (or who it waits for), and the party scoreboard.
    const rematch = h('div', { id: 'rematch', className: 'rematch' });
    const party = h('div', { id: 'party' });
    const countdown = new RematchCountdown();
    // Under a player that took the room over, newcomers cannot reach the room: its link is hidden
    // until the room is back on its host.
    const holderNote = h('p', { id: 'room-holder', className: 'status', style: 'display: none' });
    const linkRow = h('div', { className: 'row' }, copy);
    const linkLine = h('div', { className: 'link', id: 'join-link', textContent: link });
    this.chat = new LobbyChat(connection);
    const machineNote = onlyThisMachine()
      ? h('p', { id: 'join-link-note', className: 'help', textContent: 'The host found no network address: only this machine can open this link.' })
      : undefined;

    this.unmount?.();
    this.unmount = mountPanel(
      h(
        'div',
        { className: 'panel', id: 'room-panel' },
        // Two halves, side by side on a short screen (a phone on its side) so that Ready shows without scrolling.
        h(
          'div',
          { className: 'room-people' },
          qr,
          h('p', { textContent: 'Room code' }),
          h('div', { className: 'code', id: 'room-code', textContent: connection.code }),
          linkLine,
          machineNote,
          linkRow,
          holderNote,
          h('h2', { textContent: 'Players' }),
          members,
        ),
        h(
          'div',
          { className: 'room-match' },
          h('h2', { textContent: 'Match' }),
          settings,
          settingsNote,
          rematch,
          h('div', { className: 'row' }, ready, playNext, start, leave),
          // Below Ready, so that a landscape phone still shows Ready without scrolling.
          lookTitle,
          look.element,
          h('div', { id: 'lobby-status', className: 'status' }),
          this.chat.element,
          howToPlay('lobby-how-to-play'),
          party,
        ),
      ),
    );

    this.refresh = () => {
      const room = client.room;
      if (room === undefined) return;
      this.renderMembers(members, room, connection.slot, client.pings);
      look.update(room, connection.slot);
      lookTitle.style.display = look.element.style.display;
      const successor = successorLobbyText(connection);
      holderNote.textContent = successor ?? '';
      holderNote.style.display = successor === undefined ? 'none' : '';
      for (const el of [qr, linkLine, linkRow]) el.style.display = successor === undefined ? '' : 'none';
      const owner = room.ownerSlot === connection.slot;
      for (const [el, value] of [
        [maxPlayers, room.settings.maxPlayers],
        [inputDelay, room.settings.inputDelay],
        [netMode, room.settings.maxPrediction],
        [gameMode, room.settings.gameMode],
      ] as const) {
        if (document.activeElement !== el) {
          if (![...el.options].some((o) => o.value === String(value))) el.append(h('option', { value: String(value), textContent: String(value) }));
          el.value = String(value);
        }
        el.disabled = !owner || room.phase !== 'lobby';
      }
      const players = room.members.filter((m) => m.role === 'player');
      const me = players.find((m) => m.slot === connection.slot);
      if (spectator) {
        // The room's match is on (this page came back from it, or joined while it ran): watch it.
        if (room.phase === 'playing' && client.match !== undefined && client.match.matchId === room.match?.matchId) {
          this.watch(connection, client.match);
          return;
        }
        const full = players.length >= room.settings.maxPlayers;
        // Only with a place free: otherwise it stays, watching, and says so (leaving would lose the room).
        if (this.joinAsPlayer && room.phase === 'lobby') {
          if (!full) {
            this.becomePlayer(connection);
            return;
          }
          this.joinAsPlayer = false;
          this.setStatus('Every player place is taken, so you are still watching. Try again when one is free.', true);
        }
        playNext.textContent = this.joinAsPlayer ? 'You play the next match (cancel)' : 'Join the next match';
        playNext.disabled = room.phase === 'lobby' && full;
        playNext.title = full ? 'Every player place is taken' : '';
      }
      ready.textContent = me?.ready === true ? 'Not ready' : 'Ready';
      ready.disabled = room.phase !== 'lobby';
      const allReady = players.length >= 2 && players.every((m) => m.ready && m.connected);
      this.rematch(connection, room, rematch, party, countdown, allReady);
      const counting = rematch.dataset.seconds !== undefined;
      if (counting && me?.ready === true) ready.textContent = 'Hold on';
      start.textContent = counting ? 'Start now' : 'Start match';
      start.disabled = !owner || room.phase !== 'lobby' || !allReady;
      start.style.display = owner ? '' : 'none';
      settingsNote.textContent =
        spectator && room.phase !== 'playing'
          ? 'You are watching: the next match shows here when it starts. Join it to play instead.'
          : room.phase === 'playing'
          ? 'A match is being played in this room.'
          : owner
            ? allReady
              ? 'Everyone is ready.'
              : players.length < 2
                ? successor === undefined
                  ? 'Waiting for at least one more player: share the code, the link or the QR code.'
                  : 'Nobody else is left in this room: new players can join once the host is back.'
                : 'Waiting for everyone to be ready.'
            : `${room.members.find((m) => m.owner)?.name ?? 'The owner'} sets up the match and starts it.`;
    };
    this.lastRefreshMs = -Infinity;
  }

  /**
   * After a match (this page saw one end in this room), every player ready starts a countdown on
   * every page, and the owner's page starts the rematch when it runs out: the room's own Ready and
   * Start, nothing new on the network. Anyone's "Hold on" (un-ready) stops it for all. Play again
   * on the results screen sets Ready here once the room is back in its lobby.
   */
  private rematch(connection: RoomConnection, room: RoomState, line: HTMLElement, party: HTMLElement, countdown: RematchCountdown, allReady: boolean): void {
    const board = partyScoreboard(connection.code);
    const me = room.members.find((m) => m.slot === connection.slot);
    if (endsFinishedMatch(room, connection.slot, this.finishedMatchId)) {
      this.finishedMatchId = undefined;
      connection.client.endMatch();
    }
    if (this.playAgain && room.phase === 'lobby') {
      this.playAgain = false;
      if (me?.role === 'player' && !me.ready) connection.client.setReady(true);
    }
    const now = performance.now();
    const seconds = countdown.update(now, board.matches > 0 && room.phase === 'lobby' && allReady);
    if (seconds !== undefined && room.ownerSlot === connection.slot && countdown.takeDue(now)) connection.client.startMatch();
    let text = '';
    if (seconds !== undefined) text = seconds > 0 ? `Next match in ${seconds}…` : 'Starting…';
    else if (this.playAgain) text = 'You are in for the rematch: the room is on its way back…';
    else if (board.matches > 0 && room.phase === 'lobby') {
      const waiting = room.members.filter((m) => m.role === 'player' && !(m.ready && m.connected)).map((m) => (m.slot === connection.slot ? 'you' : m.name));
      if (waiting.length > 0 && waiting.length < room.members.filter((m) => m.role === 'player').length) text = `Rematch: waiting for ${waiting.join(', ')}`;
    }
    if (line.textContent !== text) line.textContent = text;
    if (seconds === undefined) delete line.dataset.seconds;
    else line.dataset.seconds = String(seconds);
    // Drawn again only when it changes (a match counted, someone came or went), not on every look.
    const key = `${board.matches}|${room.members.map((m) => `${m.slot}:${m.name}`).join('|')}`;
    if (party.dataset.key === key) return;
    party.dataset.key = key;
    const table = partyTable(board, connection.slot, room.members);
    party.replaceChildren(...(table === undefined ? [] : [table]));
  }

  private renderMembers(list: HTMLUListElement, room: RoomState, mySlot: number, pings: ReadonlyMap<number, number>): void {
    const rows = room.members.map((m) => {
      const ping = pings.get(m.slot);
      const state = m.role === 'spectator' ? 'watching' : !m.connected ? 'reconnecting…' : m.ready ? 'ready' : 'not ready';
      return h(
        'li',
        { dataset: { slot: String(m.slot), ready: String(m.ready) } },
        h('span', { className: 'dot', style: `background: ${paletteCss(m.color)}`, textContent: m.shape === undefined ? '' : markGlyph(m.shape) }),
        h('span', { textContent: `${m.name}${m.slot === mySlot ? ' (you)' : ''}${m.owner ? ' ★' : ''}` }),
        h('span', { className: 'ping', textContent: ping === undefined ? '—' : `${ping} ms` }),
        h('span', { className: m.ready ? 'ready' : 'not-ready', textContent: state }),
      );
    });
    list.replaceChildren(...rows);
  }
}
