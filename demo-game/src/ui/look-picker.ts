import type { RoomState } from 'backspin';
import { paletteCss, PLAYER_COLORS } from '../render/player-colors.ts';
import { MARK_COUNT, markGlyph } from '../render/player-marks.ts';
import { h } from './dom.ts';

/**
 * How long a choice sent to the room counts as this player's wish before the room state shows it
 * (ms): a second click meanwhile (a colour, then at once a shape) builds on it, not on the look
 * the room state still shows. After this, a choice the room did not take is forgotten.
 */
const WISH_MS = 1500;

/**
 * The lobby's "You" picker (id `look-picker`): one swatch per palette colour and one button per
 * mark. A colour another player holds is crossed out, disabled, and says whose it is; the
 * player's own is ringed. A click asks the room (`set-look`); the room state that comes back is
 * what the picker shows, so two players clicking the same swatch at once both see who got it.
 * Players only, in the lobby; buttons 40 px at least, for fingers.
 */
export class LookPicker {
  readonly element: HTMLElement;
  private readonly swatches: HTMLButtonElement[];
  private readonly shapes: HTMLButtonElement[];
  private color = 0;
  private shape = 0;
  /** The last look asked for, until the room state shows it or WISH_MS pass. */
  private wish: { color: number; shape: number; atMs: number } | undefined;

  constructor(private readonly pick: (color: number, shape: number) => void) {
    this.swatches = PLAYER_COLORS.map((_, c) => {
      const b = h('button', { className: 'swatch', type: 'button', dataset: { color: String(c) }, style: `background: ${paletteCss(c)}` });
      b.addEventListener('click', () => this.ask(c, this.wish?.shape ?? this.shape));
      return b;
    });
    this.shapes = Array.from({ length: MARK_COUNT }, (_, s) => {
      const b = h('button', { className: 'shape', type: 'button', dataset: { shape: String(s) }, textContent: markGlyph(s), title: 'Your shape' });
      b.addEventListener('click', () => this.ask(this.wish?.color ?? this.color, s));
      return b;
    });
    this.element = h(
      'div',
      { className: 'look-picker', id: 'look-picker' },
      h('div', { className: 'swatches', id: 'color-swatches', role: 'group', ariaLabel: 'Your colour' }, ...this.swatches),
      h('div', { className: 'shapes', id: 'shape-buttons', role: 'group', ariaLabel: 'Your shape' }, ...this.shapes),
    );
  }

  /** Shows the room as it is now: who holds which colour, this player's colour and shape. */
  update(room: RoomState, mySlot: number): void {
    const me = room.members.find((m) => m.slot === mySlot);
    const visible = me?.role === 'player' && me.color !== undefined;
    this.element.style.display = visible ? '' : 'none';
    if (!visible) return;
    this.color = me.color!;
    this.shape = me.shape ?? 0;
    const wish = this.wish;
    if (wish !== undefined && ((wish.color === this.color && wish.shape === this.shape) || performance.now() - wish.atMs > WISH_MS)) this.wish = undefined;
    const lobby = room.phase === 'lobby';
    const mine = this.color % PLAYER_COLORS.length;
    this.swatches.forEach((b, c) => {
      const holder = room.members.find((m) => m.slot !== mySlot && m.color !== undefined && m.color % PLAYER_COLORS.length === c);
      b.classList.toggle('mine', c === mine);
      b.classList.toggle('taken', holder !== undefined);
      b.disabled = !lobby || holder !== undefined;
      b.textContent = c === mine ? markGlyph(this.shape) : '';
      b.title = holder !== undefined ? `Taken by ${holder.name}` : c === mine ? 'Your colour' : 'Pick this colour';
      b.setAttribute('aria-pressed', String(c === mine));
    });
    const css = paletteCss(this.color);
    this.shapes.forEach((b, s) => {
      const chosen = s === this.shape % MARK_COUNT;
      b.classList.toggle('mine', chosen);
      b.disabled = !lobby;
      b.style.color = css;
      b.setAttribute('aria-pressed', String(chosen));
    });
  }

  private ask(color: number, shape: number): void {
    this.wish = { color, shape, atMs: performance.now() };
    this.pick(color, shape);
  }
}
