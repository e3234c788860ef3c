import { h } from './dom.ts';
import { isTouchDevice } from './touch-bar.ts';
import { EMOTES } from '../app/emotes.ts';

/** The control devices the game reads (demo-game/src/input). */
export const ControlDevice = { Keyboard: 'keyboard', Gamepad: 'gamepad', Touch: 'touch' } as const;
export type ControlDevice = (typeof ControlDevice)[keyof typeof ControlDevice];

/** "1 GG · 2 Nice! · 3 Oops · 4 😂" */
const EMOTE_KEYS = EMOTES.map((e, i) => `${i + 1} ${e.label}`).join(' · ');

/**
 * What each device does, as the input files bind it: keyboard-controls.ts and mouse-controls.ts,
 * gamepad-controls.ts, touch-controls.ts; emotes are match-scene's, the rest the match's own keys.
 */
const CARDS: Readonly<Record<ControlDevice, { readonly title: string; readonly rows: readonly (readonly [action: string, how: string])[] }>> = {
  keyboard: {
    title: 'Keyboard and mouse',
    rows: [
      ['Move', 'WASD or arrows'],
      ['Aim', 'mouse'],
      ['Fire', 'Space, J or left click'],
      ['Dash', 'Shift, K or right click'],
      ['Emotes', EMOTE_KEYS],
      ['Sound', 'M mutes, - and = volume'],
      ['Leave', 'Esc'],
    ],
  },
  gamepad: {
    title: 'Gamepad',
    rows: [
      ['Move', 'left stick or d-pad'],
      ['Aim and fire', 'right stick'],
      ['Fire', 'A or right trigger'],
      ['Dash', 'B, X, bumper or left trigger'],
    ],
  },
  touch: {
    title: 'Touch',
    rows: [
      ['Move', 'left thumb, anywhere on the left half'],
      ['Aim and fire', 'right thumb, on the right half'],
      ['Dash', 'round button, bottom right'],
      ['Emotes', 'buttons under Leave, top right'],
    ],
  },
};

/** The device this screen most likely plays with: touch on a phone, a gamepad once one is seen, else keyboard and mouse. */
export function likelyDevice(): ControlDevice {
  if (isTouchDevice()) return ControlDevice.Touch;
  const pads = typeof navigator.getGamepads === 'function' ? navigator.getGamepads() : [];
  if (pads.some((p) => p !== null && p.connected)) return ControlDevice.Gamepad;
  return ControlDevice.Keyboard;
}

/** One device's card: its name, then what each action is; without `emotes` (an offline match: nobody to send them to), no emote line. */
export function controlsCard(device: ControlDevice, emotes = true): HTMLElement {
  const card = CARDS[device];
  const rows = card.rows.filter(([action]) => emotes || action !== 'Emotes');
  return h(
    'div',
    { className: 'controls-card', dataset: { device } },
    h('h3', { textContent: card.title }),
    h('dl', {}, ...rows.map(([action, how]) => h('div', { className: 'pair' }, h('dt', { textContent: action }), h('dd', { textContent: how })))),
  );
}

/** Every device's card, the likely one first. */
export function allControlsCards(): HTMLElement {
  const first = likelyDevice();
  const order = [first, ...Object.values(ControlDevice).filter((d) => d !== first)];
  return h('div', { className: 'controls-cards' }, ...order.map((d) => controlsCard(d)));
}

/**
 * A "How to play" button that shows and hides the controls cards below it (title screen, lobby),
 * in place of a paragraph nobody reads on a phone.
 */
export function howToPlay(id: string): HTMLElement {
  const cards = allControlsCards();
  cards.hidden = true;
  const button = h('button', { id, type: 'button', textContent: 'How to play' });
  button.setAttribute('aria-expanded', 'false');
  button.addEventListener('click', () => {
    cards.hidden = !cards.hidden;
    button.setAttribute('aria-expanded', String(!cards.hidden));
  });
  return h('div', { className: 'how-to-play' }, h('div', { className: 'row' }, button), cards);
}
