const KEY = 'backspin.name';
/** Longest name we offer to send (code points); the host allows 24. */
export const MAX_NAME_LENGTH = 16;

/**
 * Characters the host refuses in a name (sdk/src/room/display-text.ts): controls, unpaired
 * surrogates, line and paragraph separators, and invisible format characters but the zero-width
 * joiner (emoji need it). Names pasted from a chat or a contact card carry such characters unseen;
 * they are taken out here instead of the whole name being refused.
 */
const INVISIBLE = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]|(?!\u200d)\p{Cf}/gu;

/**
 * A name as the player typed it, made acceptable to the host: invisible characters out, runs of
 * spaces as one, trimmed, NFC (the host compares names so), at most {@link MAX_NAME_LENGTH} code
 * points. Empty if nothing visible is left.
 */
export function cleanPlayerName(typed: string): string {
  const visible = typed.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  return [...visible].slice(0, MAX_NAME_LENGTH).join('').trim();
}

/**
 * The name the host accepted last time, cleaned (a name saved by an older version may hold
 * characters the host refuses), or '' for a newcomer, who is asked for one: a made-up
 * "Player 21" would be saved and shown to friends without the player ever choosing it.
 */
export function loadPlayerName(): string {
  try {
    return cleanPlayerName(window.localStorage.getItem(KEY) ?? '');
  } catch {
    return ''; // storage may be blocked (private mode)
  }
}

/** Whether this browser has a name from an earlier visit (a join link then joins at once). */
export function hasSavedPlayerName(): boolean {
  return loadPlayerName() !== '';
}

/**
 * Remembers `name` for the next visit. Called once the host has accepted it (or for offline play),
 * so that a name the host refuses is not kept and tried again on every join link.
 */
export function savePlayerName(name: string): void {
  try {
    window.localStorage.setItem(KEY, name);
  } catch {
    // not remembered: harmless
  }
}
