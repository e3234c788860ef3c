/**
 * Quick emotes in a match. They travel as room chat lines (`/emote gg`), not through the
 * simulation: they change nothing in the game, so they need no rollback and cost no input bits,
 * and pages of other games (or an older demo) show them as a plain chat line.
 */
export const EMOTES = [
  { key: 'gg', label: 'GG' },
  { key: 'nice', label: 'Nice!' },
  { key: 'oops', label: 'Oops' },
  { key: 'lol', label: '😂' },
] as const;

const PREFIX = '/emote ';

/** The chat line that sends emote `index` (0..3). */
export function emoteChatText(index: number): string {
  const emote = EMOTES[index];
  if (emote === undefined) throw new RangeError(`no emote ${index}`);
  return `${PREFIX}${emote.key}`;
}

/** The emote (index into {@link EMOTES}) a chat line carries, or undefined for an ordinary line. */
export function emoteOf(text: string): number | undefined {
  if (!text.startsWith(PREFIX)) return undefined;
  const key = text.slice(PREFIX.length);
  const index = EMOTES.findIndex((e) => e.key === key);
  return index < 0 ? undefined : index;
}

/**
 * The sending page's own limit on emotes: `burst` at once, then one per `gapMs`. Kept below the
 * host's chat limit (2 lines a second, bursts of 5, shared with the lobby chat), so that mashing
 * the keys never gets the player a "slow down" from the host and leaves room for typed lines.
 */
export class EmoteLimiter {
  private tokens: number;
  private lastMs: number | undefined;

  constructor(
    private readonly gapMs = 1500,
    private readonly burst = 3,
  ) {
    this.tokens = burst;
  }

  /** Whether an emote may go at `nowMs` (ms); if so it is counted. */
  take(nowMs: number): boolean {
    if (this.lastMs !== undefined && nowMs > this.lastMs) this.tokens = Math.min(this.burst, this.tokens + (nowMs - this.lastMs) / this.gapMs);
    this.lastMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
