/** Longest chat line the page sends (code points): a line of the lobby's box. The host allows 200. */
export const MAX_CHAT_TEXT = 120;

/**
 * Characters the host refuses in chat (sdk/src/room/display-text.ts): controls, unpaired
 * surrogates, line and paragraph separators, invisible format characters but the zero-width
 * joiner. Taken out of a typed or pasted line instead of the whole line being refused.
 */
const INVISIBLE = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]|(?!\u200d)\p{Cf}/gu;

/**
 * A line as typed, made acceptable to the host: invisible characters out, runs of spaces as one,
 * trimmed, NFC, at most {@link MAX_CHAT_TEXT} code points. Empty if nothing visible is left (then
 * nothing is sent). Lines from others are shown as text (never HTML) whatever they hold.
 */
export function cleanChatText(typed: string): string {
  const visible = typed.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  return [...visible].slice(0, MAX_CHAT_TEXT).join('').trim();
}
