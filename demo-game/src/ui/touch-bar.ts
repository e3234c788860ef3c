import { h } from './dom.ts';

/** Whether this device is played by touch (a phone or a tablet): it has no Esc key and no F11. */
export function isTouchDevice(): boolean {
  return navigator.maxTouchPoints > 0 || window.matchMedia('(pointer: coarse)').matches;
}

/**
 * Fullscreen and leave buttons in the top right corner of a match on touch devices, where the
 * keyboard's Esc does not exist. Fullscreen is offered only where the browser has it (an iPhone
 * does not, for a page).
 */
export class TouchBar {
  private readonly el: HTMLElement;

  /** `extra`: more buttons in the same corner, on a row below (the emotes of an online match). */
  constructor(onLeave: () => void, extra?: HTMLElement) {
    const leave = h('button', { id: 'match-leave', textContent: 'Leave' });
    leave.addEventListener('click', onLeave);
    // Words, not a symbol: phones' fonts lack the fullscreen glyphs (they show as an empty box).
    const full = h('button', { id: 'match-fullscreen', textContent: 'Full screen' });
    full.addEventListener('click', () => {
      if (document.fullscreenElement !== null) void document.exitFullscreen().catch(() => undefined);
      else void document.documentElement.requestFullscreen().catch(() => undefined);
    });
    const canFullscreen = typeof document.documentElement.requestFullscreen === 'function' && document.fullscreenEnabled;
    const buttons = h('div', { className: 'match-bar-row' }, canFullscreen && full, leave);
    this.el = h('div', { id: 'match-bar', className: 'match-bar' }, buttons, extra);
    document.getElementById('ui')?.append(this.el);
  }

  /** The bar itself, for the notices to keep clear of. */
  get element(): HTMLElement {
    return this.el;
  }

  destroy(): void {
    this.el.remove();
  }
}
