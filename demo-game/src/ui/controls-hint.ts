import { controlsCard, likelyDevice } from './controls-card.ts';
import { h } from './dom.ts';

/** The card shows this long at the start of a match (ms), then fades out. */
const SHOW_MS = 5000;
/** Matches per device that start with the card: after that, players know (the lobby has it). */
const MATCHES_SHOWN = 3;
const KEY = 'backspin.controls-hint';

/**
 * The first seconds of a match: this device's controls as a small card at the bottom of the
 * screen (keyboard and mouse, gamepad or touch), for a player's first few matches on the device.
 * It takes no clicks or touches (pointer-events: none), so a thumb on it still plays.
 */
export class ControlsHint {
  private readonly el: HTMLElement | undefined;
  private readonly timers: ReturnType<typeof setTimeout>[] = [];

  /** `emotes`: whether the match has emotes to send (online). */
  constructor(emotes: boolean) {
    const seen = readCount();
    if (seen >= MATCHES_SHOWN) return;
    writeCount(seen + 1);
    this.el = h('div', { className: 'controls-hint', id: 'controls-hint' }, controlsCard(likelyDevice(), emotes));
    document.getElementById('ui')?.append(this.el);
    // Faded out, it stays (invisible, taking no input) until the match ends.
    this.timers.push(setTimeout(() => this.el?.classList.add('fading'), SHOW_MS));
  }

  destroy(): void {
    for (const t of this.timers) clearTimeout(t);
    this.el?.remove();
  }
}

function readCount(): number {
  try {
    const n = Number(window.localStorage.getItem(KEY) ?? '0');
    return Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0; // storage blocked: shown every match
  }
}

function writeCount(n: number): void {
  try {
    window.localStorage.setItem(KEY, String(n));
  } catch {
    // not remembered: harmless
  }
}
