import Phaser from 'phaser';
import type { MatchDecision, RoomConnection } from 'backspin';
import { debugHooks, resetMatchHooks } from '../app/debug-hooks.ts';
import { partyScoreboard } from '../app/party-scoreboard.ts';
import { SceneKey } from '../app/scene-keys.ts';
import { SpectatorRunner } from '../match/spectator-runner.ts';
import { ArenaView } from '../render/arena-view.ts';
import { HudView } from '../render/hud-view.ts';
import { MatchFx } from '../render/match-fx.ts';
import { playerCss } from '../render/player-colors.ts';
import { usePlayerLooks } from '../render/player-looks.ts';
import { ARENA_CENTER_X, ARENA_CENTER_Y, keepArenaCentred } from '../render/screen-layout.ts';
import { h, mountPanel } from '../ui/dom.ts';
import type { LobbySceneData } from './lobby-scene.ts';

/** What the watch scene needs: the spectator's room connection and the match the room is playing. */
export interface WatchRequest {
  readonly connection: RoomConnection;
  readonly match: MatchDecision;
  /** "Join the next match" was already asked for (in the lobby): carried back there. */
  readonly joinNext?: boolean;
}

/** As the match scene does: a tick on a timer too, so a tab in the background keeps acknowledging its feed (ms). */
const BACKGROUND_TICK_MS = 10;
/** After the room leaves the match (it ended, or the room closed), the last picture stays this long (ms). */
const BACK_TO_LOBBY_MS = 1500;

/** The big-screen view: as last toggled in this tab, else as the page's address asks (`?tv`). */
function wantsBigScreen(): boolean {
  const chosen = sessionStorage.getItem('backspin.tv');
  return chosen === null ? new URLSearchParams(location.search).has('tv') : chosen === '1';
}

/**
 * A room's running match, watched live as a spectator (issue 13): the arena, the players' names,
 * the scoreboard and the kill feed, as the players see them but a few frames behind (only confirmed
 * inputs, so nothing is ever rolled back), with a "Watching" label. The big-screen view (`?tv`, or
 * the toggle, or B) is for a shared TV: the menus go, names and scoreboard grow. "Join the next
 * match" makes this member a player once the room is back in its lobby. Phaser only draws here:
 * the spectator session steps the same deterministic simulation the players run.
 */
export class WatchScene extends Phaser.Scene {
  private request!: WatchRequest;
  private runner: SpectatorRunner | undefined;
  private view!: ArenaView;
  private hud!: HudView;
  private fx!: MatchFx;
  private label!: Phaser.GameObjects.Text;
  private unmount: (() => void) | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private joinNext = false;
  /** Whether the match watched was counted on the party scoreboard. */
  private counted = false;
  private bigScreen = false;
  /** What the label shows now (its source's name, and whether in the big-screen view); undefined: not written yet. */
  private labelSource: string | undefined;
  private labelBig = false;
  private leftMatchAtMs: number | undefined;
  private joinButton: HTMLButtonElement | undefined;
  private bigButton: HTMLButtonElement | undefined;

  constructor() {
    super(SceneKey.Watch);
  }

  init(request: WatchRequest): void {
    this.request = request;
    this.joinNext = request.joinNext === true;
    this.leftMatchAtMs = undefined;
    this.runner = undefined;
    this.counted = false;
    this.labelSource = undefined;
  }

  create(): void {
    debugHooks.scene = SceneKey.Watch;
    resetMatchHooks('spectator');
    this.cameras.main.setBackgroundColor('#0b1020');
    // Each player as it chose in the lobby, as the players' own pages draw them.
    usePlayerLooks(this.request.match.colors, this.request.match.shapes);
    this.runner = new SpectatorRunner(this.request.connection, this.request.match);
    const runner = this.runner;
    keepArenaCentred(this);
    this.view = new ArenaView(this, runner.game, runner.names, -1);
    this.hud = new HudView(this, runner.game, runner.names, -1);
    this.hud.showFooter = false;
    this.fx = new MatchFx(this, runner, () => 0);
    debugHooks.playerColors = runner.names.map((_, p) => playerCss(p));
    // Under the scoreboard, clear of the sound control and the kill feed at the top right.
    this.label = this.add
      .text(24, 0, '', { fontFamily: 'system-ui, sans-serif', fontSize: '18px', fontStyle: 'bold', color: '#ff8a80', stroke: '#000000', strokeThickness: 4 })
      .setScrollFactor(0)
      .setDepth(600);
    this.showBar();
    this.setBigScreen(wantsBigScreen());
    window.addEventListener('keydown', this.onKey);
    this.timer = setInterval(() => this.step(), BACKGROUND_TICK_MS);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      clearInterval(this.timer);
      window.removeEventListener('keydown', this.onKey);
      this.unmount?.();
      this.fx.destroy();
      debugHooks.watching = undefined;
      debugHooks.bigScreen = false;
    });
  }

  override update(time: number): void {
    this.step();
    const runner = this.runner;
    if (runner === undefined) return;
    const now = performance.now();
    debugHooks.nameCssPx = this.view.fitLabels(this.bigScreen ? 2 : 1);
    this.view.draw(time);
    this.hud.draw(runner.state === 'joining' ? 'Joining the match…' : undefined);
    this.fx.update(now);
    const source = runner.sourceName;
    const big = this.bigScreen ? 2 : 1;
    // Written again only when what it says changes (its source, the view): no strings made per frame.
    if (source !== this.labelSource || this.bigScreen !== this.labelBig) {
      this.labelSource = source;
      this.labelBig = this.bigScreen;
      this.label.setFontSize(18 * big);
      this.label.setText(`● WATCHING${this.bigScreen ? `  ·  room ${this.request.connection.code}` : source === '' ? '' : `  ·  live through ${source}`}`);
    }
    const board = this.hud.scoreboard;
    this.label.setY(board.y + board.h + 14 * big);
    this.placeArena();
    debugHooks.fps = this.game.loop.actualFps;
    debugHooks.gameMode = runner.game.mode;
    debugHooks.ringRadius = runner.game.ringRadius;
    if (runner.matchOver) {
      debugHooks.finished = true;
      this.countMatch(runner);
    }
    if (!runner.roomMovedOn) return;
    this.leftMatchAtMs ??= now;
    if (now - this.leftMatchAtMs >= BACK_TO_LOBBY_MS) this.backToLobby();
  }

  /**
   * The big screen puts the arena at the right and the scoreboard at the left, side by side on a
   * wide TV, so the large scoreboard covers no part of the floor; otherwise the arena is centred.
   */
  private placeArena(): void {
    const camera = this.cameras.main;
    const width = this.scale.width;
    const shift = this.bigScreen ? Math.max(0, width / 2 - (this.runner!.game.arenaRadius + 24)) : 0;
    camera.centerOn(ARENA_CENTER_X - shift, ARENA_CENTER_Y);
  }

  /**
   * The match watched to its end counts on this page's party scoreboard, as on the players' pages
   * (once per match id): a spectator who joins the next match sees the same scoreboard, and the
   * rematch countdown, in the lobby.
   */
  private countMatch(runner: SpectatorRunner): void {
    if (this.counted) return;
    this.counted = true;
    const g = runner.game;
    const decision = this.request.match;
    partyScoreboard(this.request.connection.code).record({
      matchId: decision.matchId,
      players: decision.players.map((slot, p) => ({ slot, name: runner.names[p] ?? `Slot ${slot}`, roundsWon: g.playerScore(p), falls: g.state.falls[p] ?? 0, won: p === g.matchWinner })),
    });
  }

  private step(): void {
    this.runner?.tick(performance.now());
  }

  private backToLobby(): void {
    this.runner?.dispose();
    this.runner = undefined;
    const connection = this.request.connection;
    this.scene.start(SceneKey.Lobby, { ...(connection.state === 'closed' ? {} : { connection }), ...(this.joinNext ? { joinAsPlayer: true } : {}) } satisfies LobbySceneData);
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.key === 'b' || e.key === 'B') this.setBigScreen(!this.bigScreen);
    else if (e.key === 'Escape' && this.bigScreen) this.setBigScreen(false);
  };

  private setBigScreen(on: boolean): void {
    this.bigScreen = on;
    debugHooks.bigScreen = on;
    sessionStorage.setItem('backspin.tv', on ? '1' : '0');
    this.hud.bigScreen = on;
    const bar = document.getElementById('watch-panel');
    if (bar !== null) bar.style.display = on ? 'none' : '';
    if (this.bigButton !== undefined) this.bigButton.textContent = on ? 'Leave big screen' : 'Big screen';
  }

  private showBar(): void {
    const big = h('button', { id: 'big-screen', textContent: 'Big screen', title: 'For a shared TV: the arena and the scoreboard fill the screen (B; Esc returns)' });
    big.addEventListener('click', () => this.setBigScreen(!this.bigScreen));
    const join = h('button', { id: 'join-next', className: 'primary', textContent: '' });
    join.addEventListener('click', () => {
      this.joinNext = !this.joinNext;
      this.refreshJoin();
    });
    const leave = h('button', { id: 'leave-watch', textContent: 'Leave' });
    leave.addEventListener('click', () => {
      this.joinNext = false;
      this.runner?.dispose();
      this.runner = undefined;
      this.request.connection.close();
      this.scene.start(SceneKey.Title);
    });
    this.bigButton = big;
    this.joinButton = join;
    this.unmount = mountPanel(
      h(
        'div',
        { className: 'panel replay-bar', id: 'watch-panel' },
        h('div', { className: 'row' }, h('strong', { textContent: `Watching room ${this.request.connection.code}` }), join, big, leave),
        h('p', { className: 'help', id: 'watch-help', textContent: 'You see the match a moment behind the players, exactly as it is played.' }),
      ),
    );
    this.refreshJoin();
  }

  private refreshJoin(): void {
    if (this.joinButton === undefined) return;
    this.joinButton.textContent = this.joinNext ? 'You play the next match (cancel)' : 'Join the next match';
    this.joinButton.className = this.joinNext ? '' : 'primary';
  }
}
