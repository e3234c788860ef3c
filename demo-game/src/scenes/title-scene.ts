import Phaser from 'phaser';
import type { NetworkProfiles } from 'backspin/sim';
import { botInput } from '../sim/index.ts';
import type { ArenaInput } from '../sim/index.ts';
import { debugHooks } from '../app/debug-hooks.ts';
import { roomFromLink } from '../app/join-link.ts';
import { loadRoomResume } from '../app/room-resume.ts';
import type { MatchRequest } from '../app/match-request.ts';
import { loadBrowserNetworkProfiles } from '../app/network-profiles.ts';
import { cleanPlayerName, loadPlayerName, MAX_NAME_LENGTH, savePlayerName } from '../app/player-name.ts';
import { SceneKey } from '../app/scene-keys.ts';
import { BotRunner } from '../match/bot-runner.ts';
import { ArenaView } from '../render/arena-view.ts';
import { keepArenaCentred } from '../render/screen-layout.ts';
import { field, h, mountPanel, select } from '../ui/dom.ts';
import { readReplayFile } from '../app/replay-file.ts';
import { REPLAY_FILE_EXTENSION } from '../match/arena-replay.ts';
import type { ReplayRequest } from './replay-scene.ts';
import type { LobbySceneData } from './lobby-scene.ts';
import { soundControls } from '../ui/sound-controls.ts';
import { RoomList } from '../ui/room-list.ts';
import { howToPlay } from '../ui/controls-card.ts';
import { gameModeOptions } from '../ui/game-mode-options.ts';
import { ArenaMode, isArenaMode } from '../sim/index.ts';

/** Bots playing behind the title menu. */
const BACKDROP_PLAYERS = 6;

/**
 * The first screen: your name, the rooms open on this host (join one with a click), create a
 * room or join one by code (the lobby), practise against bots, or feel rollback over the network
 * simulator; how to play, per device. Bots play a match behind the menu.
 */
export class TitleScene extends Phaser.Scene {
  private unmount: (() => void) | undefined;
  private rooms: RoomList | undefined;
  private backdrop: { runner: BotRunner; view: ArenaView; sample: () => ArenaInput } | undefined;

  constructor() {
    super(SceneKey.Title);
  }

  create(): void {
    debugHooks.scene = SceneKey.Title;
    debugHooks.mode = undefined;
    debugHooks.holder = undefined;
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      this.unmount?.();
      this.rooms?.destroy();
      this.rooms = undefined;
    });
    // A join link (?room=CODE) goes straight to the lobby, and so does a reloaded page of a room
    // (it reconnects there with the tab's token).
    if (roomFromLink() !== undefined || loadRoomResume() !== undefined) {
      this.scene.start(SceneKey.Lobby, {});
      return;
    }
    keepArenaCentred(this);
    this.startBackdrop();
    this.showMenu();
  }

  override update(): void {
    const b = this.backdrop;
    if (b === undefined) return;
    if (b.runner.finished) {
      b.view.destroy();
      this.startBackdrop();
      return;
    }
    b.runner.tick(performance.now(), b.sample);
    b.view.draw(performance.now());
  }

  /** A bots-only match: player 0 is a bot too. */
  private startBackdrop(): void {
    const runner = new BotRunner({ bots: BACKDROP_PLAYERS - 1, seed: Math.floor(Math.random() * 2 ** 31), playerName: 'Bot', syncTest: false });
    const view = new ArenaView(this, runner.game, runner.names, -1);
    this.cameras.main.setAlpha(0.55);
    this.backdrop = { runner, view, sample: () => botInput(runner.game.state, 0, runner.game.frame) };
  }

  private showMenu(): void {
    const name = h('input', { id: 'player-name', value: loadPlayerName(), maxLength: MAX_NAME_LENGTH, spellcheck: false, placeholder: 'Your name' });
    /**
     * Offline, a name nobody else sees: the typed one (remembered), or "You". Online, the lobby
     * asks for one if none is typed, and remembers it once the host has taken it.
     */
    const offlineName = () => {
      const n = cleanPlayerName(name.value);
      if (n !== '') savePlayerName(n);
      return n === '' ? 'You' : n;
    };
    const goOnline = () => {
      this.scene.start(SceneKey.Lobby, { typedName: name.value });
    };
    // A room of the host's list: the lobby joins it (asking for a name first if none is typed), as a
    // spectator if it is playing a match (Watch).
    this.rooms = new RoomList((room, password, watch) => {
      this.scene.start(SceneKey.Lobby, { typedName: name.value, joinCode: room.code, ...(password !== undefined ? { password } : {}), ...(watch ? { watch } : {}) } satisfies LobbySceneData);
    });

    const online = h('button', { id: 'play-online', className: 'primary', textContent: 'Create a room or join by code' });
    online.addEventListener('click', goOnline);
    name.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') goOnline();
    });

    // One game mode for both offline matches (bots and the simulator).
    const gameModeSelect = select('game-mode', gameModeOptions(), String(ArenaMode.Classic));
    const gameMode = () => {
      const mode = Number(gameModeSelect.value);
      return isArenaMode(mode) ? mode : ArenaMode.Classic;
    };
    const bots = select('bot-count', [1, 2, 3, 4, 5, 6, 7].map((n) => [String(n), `${n} bot${n > 1 ? 's' : ''}`] as const), '3');
    const syncTest = h('input', { id: 'sync-test', type: 'checkbox' });
    const playBots = h('button', { id: 'play-bots', textContent: 'Practise vs bots' });
    playBots.addEventListener('click', () => {
      const request: MatchRequest = { mode: 'bots', playerName: offlineName(), bots: Number(bots.value), syncTest: syncTest.checked, gameMode: gameMode() };
      this.scene.start(SceneKey.Match, request);
    });

    const profileSelect = select('sim-profile', [], '');
    const simPlayers = select('sim-players', [2, 3, 4, 5, 6, 7, 8].map((n) => [String(n), `${n} players`] as const), '2');
    const simMode = select('sim-mode', [['8', 'Rollback (8 frames)'], ['0', 'Lockstep']], '8');
    const simDelay = select('sim-delay', [['auto', 'Auto'], ...[0, 1, 2, 3, 4, 6, 8].map((n) => [String(n), `${n} frames`] as const)], 'auto');
    const playSim = h('button', { id: 'play-simulator', textContent: 'Play over simulated network', disabled: true });
    const simNote = h('p', { className: 'help', textContent: 'Loading network profiles…' });
    let profiles: NetworkProfiles | undefined;
    void loadBrowserNetworkProfiles().then((loaded) => {
      if (typeof loaded === 'string') {
        simNote.textContent = loaded;
        simNote.classList.add('status', 'error');
        return;
      }
      profiles = loaded;
      for (const [key, p] of Object.entries(loaded.profiles)) {
        profileSelect.append(h('option', { value: key, textContent: `${key} (${p.rttMs} ms, ${Math.round(p.loss * 100)}% loss)`, selected: key === 'intercontinental' }));
      }
      simNote.textContent = 'You and bots, each with its own session, over a simulated network: feel prediction and rollback.';
      playSim.disabled = false;
    });
    playSim.addEventListener('click', () => {
      const profile = profiles?.profiles[profileSelect.value];
      if (profile === undefined) return;
      const request: MatchRequest = {
        mode: 'simulator',
        playerName: offlineName(),
        players: Number(simPlayers.value),
        profileName: profileSelect.value,
        profile,
        maxPrediction: Number(simMode.value),
        inputDelay: simDelay.value === 'auto' ? 'auto' : Number(simDelay.value),
        gameMode: gameMode(),
      };
      this.scene.start(SceneKey.Match, request);
    });

    const replayFile = h('input', { id: 'replay-file', type: 'file', accept: REPLAY_FILE_EXTENSION });
    replayFile.style.display = 'none';
    const loadReplay = h('button', { id: 'load-replay', textContent: 'Load replay…' });
    const replayStatus = h('p', { id: 'replay-status', className: 'status error' });
    loadReplay.addEventListener('click', () => replayFile.click());
    replayFile.addEventListener('change', () => {
      const file = replayFile.files?.[0];
      if (file === undefined) return;
      readReplayFile(file).then(
        (replay) => this.scene.start(SceneKey.Replay, { replay, back: { scene: SceneKey.Title } } satisfies ReplayRequest),
        (error: unknown) => {
          replayStatus.textContent = `${file.name} is not a replay this version can play: ${error instanceof Error ? error.message : String(error)}`;
          replayFile.value = '';
        },
      );
    });

    // The simulator and replays fold away on a short screen (a phone on its side), where the
    // panel would otherwise scroll past its rooms and buttons; a taller one shows them open.
    const more = h(
      'details',
      { id: 'title-more', open: window.innerHeight > 560 },
      h('summary', { textContent: 'Network simulator and replays' }),
      h('div', { className: 'row' }, field('Network', profileSelect), field('Players', simPlayers), field('Mode', simMode), field('Input delay', simDelay)),
      h('div', { className: 'row' }, playSim),
      simNote,
      h('div', { className: 'row' }, loadReplay, replayFile),
      replayStatus,
    );
    const panel = h(
      'div',
      { className: 'panel', id: 'title-panel' },
      h('h1', { textContent: 'Backspin Arena' }),
      h('p', { className: 'tagline', textContent: 'Knock everyone out of the ring. Hits add damage; the more damage, the further you fly.' }),
      h('div', { className: 'row' }, field('Your name', name)),
      this.rooms.element,
      h('div', { className: 'row' }, online),
      h('h2', { textContent: 'Offline' }),
      h('div', { className: 'row' }, field('Game', gameModeSelect), field('Opponents', bots), h('label', { className: 'field' }, h('span', { textContent: 'SyncTest (developers)' }), syncTest), playBots),
      more,
      soundControls(),
      howToPlay('title-how-to-play'),
    );
    this.unmount = mountPanel(panel);
  }
}
