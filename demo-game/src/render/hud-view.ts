import type Phaser from 'phaser';
import { ArenaConfig, ArenaMode, ARENA_MODE_LABELS, ArenaPhase } from '../sim/index.ts';
import type { ArenaGame } from '../sim/index.ts';
import { playerCss } from './player-colors.ts';
import { playerGlyph } from './player-marks.ts';
import { readableFontSize } from './readable-size.ts';
import { screenRect, unionRect } from './screen-rect.ts';
import type { ScreenRect } from './screen-rect.ts';

const FONT = 'system-ui, sans-serif';
/** A number no shown value has: every text is built on the first draw. */
const NOT_SHOWN = -0x7fffffff;

/** Whether `a`, `b`, `c`, `d` differ from what the 4 numbers of `key` hold; `key` holds them afterwards. */
function changed(key: Int32Array, a: number, b: number, c: number, d: number): boolean {
  if (key[0] === a && key[1] === b && key[2] === c && key[3] === d) return false;
  key[0] = a;
  key[1] = b;
  key[2] = c;
  key[3] = d;
  return true;
}

/**
 * The scoreboard and the big centre messages: round and clock, each player's rounds won, knock-out
 * points this round and damage; "3, 2, 1", the round's winner, the match's winner.
 */
export class HudView {
  private readonly header: Phaser.GameObjects.Text;
  private readonly rows: Phaser.GameObjects.Text[];
  private readonly centre: Phaser.GameObjects.Text;
  private readonly status: Phaser.GameObjects.Text;
  private readonly footer: Phaser.GameObjects.Text;
  /** The rows' font size (screen units) at the last fit. */
  private rowSize = 0;
  /**
   * The big-screen view (a spectator's on a shared TV): the scoreboard twice as large, read from
   * across a room, and no footer of keys (nobody there plays).
   */
  bigScreen = false;
  /** The footer of keys (F3, Esc): a spectator has none of them. */
  showFooter = true;
  /**
   * What each row, the header and the centre last showed (by the numbers their text is made
   * from): a text is built again only when one of its numbers changes, not every frame, so the
   * scoreboard makes no strings while nothing on it moves.
   */
  private readonly rowScore: Int32Array;
  private readonly rowPoints: Int32Array;
  private readonly rowState: Int32Array;
  private readonly headerKey = new Int32Array(4).fill(NOT_SHOWN);
  private readonly centreKey = new Int32Array(4).fill(NOT_SHOWN);

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly game: ArenaGame,
    private readonly names: readonly string[],
    private readonly localPlayer: number,
  ) {
    // Pinned to the screen (scroll factor 0); `draw` places them from the screen's current size.
    this.header = scene.add.text(24, 20, '', { fontFamily: FONT, fontSize: '22px', fontStyle: 'bold', color: '#ffffff' }).setScrollFactor(0);
    this.rowScore = new Int32Array(names.length).fill(NOT_SHOWN);
    this.rowPoints = new Int32Array(names.length).fill(NOT_SHOWN);
    this.rowState = new Int32Array(names.length).fill(NOT_SHOWN);
    this.rows = names.map((_, p) =>
      scene.add.text(24, 64 + p * 30, '', { fontFamily: FONT, fontSize: '17px', color: playerCss(p), stroke: '#000000', strokeThickness: 3 }).setScrollFactor(0),
    );
    const modeNote = game.mode === ArenaMode.Classic ? '' : `${ARENA_MODE_LABELS[game.mode]} · `;
    this.footer = scene.add.text(24, 0, `${modeNote}First to ${game.roundsToWin} rounds · F3 network · Esc leaves (asks first)`, { fontFamily: FONT, fontSize: '13px', color: '#8090b0' }).setScrollFactor(0);
    this.centre = scene.add
      .text(0, 0, '', { fontFamily: FONT, fontSize: '56px', fontStyle: 'bold', color: '#ffffff', stroke: '#000000', strokeThickness: 8, align: 'center' })
      .setOrigin(0.5)
      .setScrollFactor(0)
      .setDepth(500);
    this.status = scene.add
      .text(0, 0, '', { fontFamily: FONT, fontSize: '20px', color: '#ffe082', stroke: '#000000', strokeThickness: 4 })
      .setOrigin(0.5)
      .setScrollFactor(0)
      .setDepth(500);
  }

  /** Where the scoreboard (round, clock and the players' rows) is on the screen, for the notices to keep clear of. */
  get scoreboard(): ScreenRect {
    return unionRect([this.header, ...this.rows].map(screenRect));
  }

  /**
   * Sizes the scoreboard to stay readable on the screen as it is now (12 CSS pixels a row at
   * least): at a desktop's 17 units a row was 5 pixels tall on a phone.
   */
  private fit(): void {
    const big = this.bigScreen ? 2 : 1;
    const rowSize = readableFontSize(this.scene, 12 * big, 17 * big, 30 * big);
    this.footer.setVisible(!this.bigScreen && this.showFooter);
    if (rowSize === this.rowSize) return;
    this.rowSize = rowSize;
    const headerSize = readableFontSize(this.scene, 14 * big, 22 * big, 36 * big);
    this.header.setFontSize(headerSize);
    const top = 20 + Math.round(headerSize * 1.6) + 8;
    this.rows.forEach((row, p) => row.setFontSize(rowSize).setY(top + p * Math.round(rowSize * 1.75)));
    this.footer.setFontSize(readableFontSize(this.scene, 10, 13, 24));
  }

  draw(status: string | undefined): void {
    const g = this.game;
    const { width, height } = this.scene.scale;
    this.fit();
    this.footer.setY(height - this.footer.height - 14);
    this.centre.setPosition(width / 2, height / 2 - 40);
    this.status.setPosition(width / 2, height - 40);
    const seconds = Math.ceil(g.phaseFramesLeft / 60);
    const playing = g.phase === ArenaPhase.Playing || g.phase === ArenaPhase.SuddenDeath;
    const ringKey = g.mode !== ArenaMode.ShrinkingRing || !playing ? 0 : g.ringHoldFramesLeft > 0 ? Math.ceil(g.ringHoldFramesLeft / 60) : g.ringRadius > g.ringTargetRadius ? -1 : -2;
    if (changed(this.headerKey, g.round, g.phase, g.phase === ArenaPhase.Playing ? seconds : 0, ringKey)) {
      const clock =
        g.phase === ArenaPhase.Playing ? `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}` : g.phase === ArenaPhase.SuddenDeath ? 'SUDDEN DEATH: first to lead wins' : '';
      this.header.setText(`Round ${g.round}   ${clock}${this.ringNote()}`);
    }
    for (let p = 0; p < this.rows.length; p++) {
      const score = g.playerScore(p);
      const points = g.playerRoundPoints(p);
      // -1 left, the damage % while in play, else -2 - the seconds until it is back.
      const state = g.isRemoved(p) ? -1 : g.isAlive(p) ? g.playerDamage(p) : -2 - Math.ceil(g.respawnFramesLeft(p) / 60);
      if (score === this.rowScore[p] && points === this.rowPoints[p] && state === this.rowState[p]) continue;
      this.rowScore[p] = score;
      this.rowPoints[p] = points;
      this.rowState[p] = state;
      const wins = '★'.repeat(score) + '☆'.repeat(Math.max(0, g.roundsToWin - score));
      const name = `${playerGlyph(p)} ${this.names[p]!}${p === this.localPlayer ? ' (you)' : ''}`;
      const shown = state === -1 ? 'left' : state >= 0 ? `${state}%` : `back in ${-2 - state}`;
      this.rows[p]!.setText(`${wins}  ${name}  ·  ${points} KO  ·  ${shown}`).setAlpha(state === -1 ? 0.4 : 1);
    }
    const countdown = g.phase === ArenaPhase.Countdown ? (g.round === 1 && g.phaseFramesLeft > ArenaConfig.COUNTDOWN_FRAMES - 40 ? 0 : Math.ceil(g.phaseFramesLeft / 40)) : 0;
    // The winner too: a rollback may correct who won while the phase stays the same.
    const winner = g.phase === ArenaPhase.RoundOver ? g.roundWinner : g.phase === ArenaPhase.MatchOver ? g.matchWinner : 0;
    if (changed(this.centreKey, g.phase, g.round, countdown, winner)) this.centre.setText(this.centreText());
    this.status.setText(status ?? '');
  }

  /** The shrinking ring's state after the clock: when it starts closing, then that it closes. */
  private ringNote(): string {
    const g = this.game;
    if (g.mode !== ArenaMode.ShrinkingRing || (g.phase !== ArenaPhase.Playing && g.phase !== ArenaPhase.SuddenDeath)) return '';
    const hold = g.ringHoldFramesLeft;
    if (hold > 0) return `   ring closes in ${Math.ceil(hold / 60)}`;
    return g.ringRadius > g.ringTargetRadius ? '   ring closing!' : '';
  }

  private centreText(): string {
    const g = this.game;
    switch (g.phase) {
      case ArenaPhase.Countdown:
        if (g.round === 1 && g.phaseFramesLeft > ArenaConfig.COUNTDOWN_FRAMES - 40) {
          return g.mode === ArenaMode.ShrinkingRing ? 'Stay inside: the ring closes in!' : 'Knock them out of the ring!';
        }
        return String(Math.ceil(g.phaseFramesLeft / 40));
      case ArenaPhase.RoundOver:
        return g.roundWinner >= 0 ? `${this.names[g.roundWinner]} takes round ${g.round}` : `Round ${g.round} is a draw`;
      case ArenaPhase.MatchOver:
        return g.matchWinner >= 0 ? `${this.names[g.matchWinner]} wins!` : 'Match over';
      default:
        return '';
    }
  }
}
