const KEY = 'backspin.name';
/** Longest name we offer to send; the host enforces its own limit and tells us if we exceed it. */
export const MAX_NAME_LENGTH = 16;

/** The name remembered from last time, or a fresh "Player NN". */
export function loadPlayerName(): string {
  try {
    const saved = window.localStorage.getItem(KEY);
    if (saved !== null && saved.trim() !== '') return saved.slice(0, MAX_NAME_LENGTH);
  } catch {
    // storage may be blocked (private mode): fall through to a fresh name
  }
  return `Player ${String(Math.floor(Math.random() * 90) + 10)}`;
}

/** Whether this browser has a name from an earlier visit (a join link then joins at once). */
export function hasSavedPlayerName(): boolean {
  try {
    return (window.localStorage.getItem(KEY) ?? '').trim() !== '';
  } catch {
    return false;
  }
}

export function savePlayerName(name: string): void {
  try {
    window.localStorage.setItem(KEY, name);
  } catch {
    // not remembered: harmless
  }
}
