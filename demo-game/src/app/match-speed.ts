/** Fastest speed-up `?speed=` may ask for. */
export const MAX_MATCH_SPEED = 32;

/**
 * A speed-up for matches against bots from the page address (`?speed=8` plays 8 simulation frames
 * per 60 Hz frame), for tests and demos that need a whole match in seconds; 1 (real time)
 * without one or for a bad value. Only offline bot matches follow it: a network match runs at the
 * speed its peers agreed on.
 */
export function matchSpeedFromLink(search: string = typeof location === 'undefined' ? '' : location.search): number {
  const value = Number(new URLSearchParams(search).get('speed'));
  return Number.isInteger(value) && value >= 1 && value <= MAX_MATCH_SPEED ? value : 1;
}
