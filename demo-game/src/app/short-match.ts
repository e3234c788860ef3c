/** Longest round `?shortMatch=` may ask for (s). */
export const MAX_SHORT_ROUND_SECONDS = 60;

/** The rules of a short match: one round of `roundFrames` (frames at 60 fps) wins it. */
export interface ShortMatch {
  readonly roundFrames: number;
  readonly roundsToWin: number;
}

/**
 * A short online match from the page address (`?shortMatch=4`: one round of 4 s wins the match),
 * for tests and demos that need a whole match in seconds; undefined (the normal rules) without
 * one or for a bad value. Every page of the match must be opened with the same value: the rules
 * are part of the simulation, so pages that differ compute different states (and say so: their
 * checksums differ). Replays do not record it, so a short match's replay does not verify.
 */
export function shortMatchFromLink(search: string = typeof location === 'undefined' ? '' : location.search): ShortMatch | undefined {
  const raw = new URLSearchParams(search).get('shortMatch');
  if (raw === null) return undefined;
  const seconds = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SHORT_ROUND_SECONDS) return undefined;
  return { roundFrames: seconds * 60, roundsToWin: 1 };
}
