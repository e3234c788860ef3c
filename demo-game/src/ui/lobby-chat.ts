import type { RoomConnection } from 'backspin';
import { chatLines } from '../app/chat-log.ts';
import type { ChatLine } from '../app/chat-log.ts';
import { cleanChatText, MAX_CHAT_TEXT } from '../app/chat-text.ts';
import { EMOTES } from '../app/emotes.ts';
import { paletteCss } from '../render/player-colors.ts';
import { h } from './dom.ts';

/** Lines the box holds; older ones scroll out of the page (the log keeps 50). */
const SHOWN_LINES = 30;

/**
 * The lobby's chat box: the room's lines, each with its sender's name in their colour, and a
 * field to send one (Enter). Text from others is set as text, never HTML; the SDK has already
 * refused control and invisible characters in it (sdk/src/room/display-text.ts), and a long word
 * wraps instead of widening the panel. The host limits each member to 2 lines a second.
 */
export class LobbyChat {
  readonly element: HTMLElement;
  private readonly lines = h('ul', { className: 'chat-lines', id: 'chat-lines' });

  constructor(connection: RoomConnection) {
    const input = h('input', { id: 'chat-input', maxLength: MAX_CHAT_TEXT, placeholder: 'Say something…', autocomplete: 'off', spellcheck: false });
    input.setAttribute('aria-label', 'Chat message');
    const send = h('button', { id: 'chat-send', type: 'submit', textContent: 'Send' });
    const form = h('form', { className: 'chat-form' }, input, send);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = cleanChatText(input.value);
      if (text !== '') connection.client.chat(text);
      input.value = '';
    });
    this.element = h('section', { className: 'lobby-chat', id: 'lobby-chat' }, this.lines, form);
    for (const line of chatLines(connection).slice(-SHOWN_LINES)) this.append(line);
  }

  /** Shows a line of the room's chat log (the lobby's event loop records each, then hands it over). */
  append(line: ChatLine): void {
    const emote = line.emote === undefined ? undefined : EMOTES[line.emote]!.label;
    const li = h(
      'li',
      { dataset: { slot: String(line.slot) } },
      h('span', { className: 'chat-name', style: `color: ${paletteCss(line.colorIndex)}`, textContent: `${line.name}: ` }),
      h('span', { className: emote === undefined ? 'chat-text' : 'chat-text chat-emote', textContent: emote ?? line.text }),
    );
    const atBottom = this.lines.scrollTop + this.lines.clientHeight >= this.lines.scrollHeight - 4;
    this.lines.append(li);
    while (this.lines.childElementCount > SHOWN_LINES) this.lines.firstElementChild?.remove();
    // Follow new lines unless the reader scrolled up to read older ones.
    if (atBottom) this.lines.scrollTop = this.lines.scrollHeight;
  }
}
