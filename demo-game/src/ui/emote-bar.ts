import { EMOTES } from '../app/emotes.ts';
import { h } from './dom.ts';

/**
 * The emote buttons of a match on a touch device (keys 1 to 4 elsewhere): one row, in the touch
 * bar's corner (ui/touch-bar.ts), clear of the sticks and the dash button.
 */
export function emoteBar(onEmote: (index: number) => void): HTMLElement {
  return h(
    'div',
    { className: 'emote-bar', id: 'emote-bar' },
    ...EMOTES.map((e, i) => {
      const b = h('button', { type: 'button', className: 'emote', textContent: e.label, dataset: { emote: e.key } });
      b.setAttribute('aria-label', `Emote: ${e.label}`);
      b.addEventListener('click', () => onEmote(i));
      return b;
    }),
  );
}
