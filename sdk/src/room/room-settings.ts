import { MAX_INPUT_DELAY, MAX_PREDICTION } from '../core/session-config.ts';
import { MAX_PLAYERS } from '../protocol/messages.ts';

/**
 * The match settings a room's owner chooses in the lobby. They become part of the match
 * decision, so every peer's session is configured from the same values.
 */
export interface RoomSettings {
  /** Player seats, 2..16. Spectators are not counted. */
  readonly maxPlayers: number;
  /**
   * Frames between pressing a button and its effect, 0..30, or `'auto'`: each player's session
   * chooses its own from its measured round trips (the session's `inputDelay: 'auto'`).
   */
  readonly inputDelay: number | 'auto';
  /** Frames a session may run ahead of confirmed inputs, 0..30; 0 is deterministic lockstep. */
  readonly maxPrediction: number;
  /** Simulation rate (frames per second), 1..240. */
  readonly fps: number;
  /**
   * The game's own choice of rules, 0..255 (0 = the game's default): which numbers mean what is
   * the game's business (the demo: 0 Classic, 1 Shrinking ring). The room only checks the range
   * and carries it, like the other settings, to every player in the match decision.
   */
  readonly gameMode: number;
}

/** Inclusive bounds of each setting. The session accepts more (fps up to 1000); a room keeps to what a display can show. */
export const ROOM_SETTINGS_LIMITS = {
  maxPlayers: { min: 2, max: MAX_PLAYERS },
  inputDelay: { min: 0, max: MAX_INPUT_DELAY },
  maxPrediction: { min: 0, max: MAX_PREDICTION },
  fps: { min: 1, max: 240 },
  gameMode: { min: 0, max: 255 },
} as const satisfies Record<keyof RoomSettings, { readonly min: number; readonly max: number }>;

/** The settings of a new room when its creator gives none (the session's own defaults). */
export const DEFAULT_ROOM_SETTINGS: RoomSettings = Object.freeze({
  maxPlayers: 4,
  inputDelay: 2,
  maxPrediction: 8,
  fps: 60,
  gameMode: 0,
});

/** The setting names, in a fixed order (also the only keys a partial may have). */
export const ROOM_SETTING_KEYS: readonly (keyof RoomSettings)[] = Object.freeze(['maxPlayers', 'inputDelay', 'maxPrediction', 'fps', 'gameMode']);

/**
 * Fills in a partial from `base` (the defaults, or a room's current settings) and checks every
 * value. Throws a `RangeError` naming the field for a value that is not an integer in range, or
 * for a key that is not a setting (a typo must not be silently ignored). A key whose value is
 * `undefined` counts as absent. Returns a fresh frozen object.
 */
export function resolveRoomSettings(partial: Partial<RoomSettings> = {}, base: RoomSettings = DEFAULT_ROOM_SETTINGS): RoomSettings {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw new RangeError('room settings must be an object');
  }
  for (const key of Object.keys(partial)) {
    if (!(ROOM_SETTING_KEYS as readonly string[]).includes(key)) throw new RangeError(`room settings: unknown setting '${key}'`);
  }
  // Not `??`: a null must be refused, not taken for "keep the current value".
  const given = partial as Readonly<Record<string, unknown>>;
  const pick = <K extends keyof RoomSettings>(key: K): RoomSettings[K] => setting(key, given[key] === undefined ? base[key] : given[key]);
  return Object.freeze({
    maxPlayers: pick('maxPlayers'),
    inputDelay: pick('inputDelay'),
    maxPrediction: pick('maxPrediction'),
    fps: pick('fps'),
    gameMode: pick('gameMode'),
  });
}

/** Whether `value` is a valid value of setting `key` (no throw; for validators). */
export function isRoomSettingValue<K extends keyof RoomSettings>(key: K, value: unknown): value is RoomSettings[K] {
  if (key === 'inputDelay' && value === 'auto') return true;
  const { min, max } = ROOM_SETTINGS_LIMITS[key];
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Whether two settings are equal field by field. */
export function sameRoomSettings(a: RoomSettings, b: RoomSettings): boolean {
  return a.maxPlayers === b.maxPlayers && a.inputDelay === b.inputDelay && a.maxPrediction === b.maxPrediction && a.fps === b.fps && a.gameMode === b.gameMode;
}

function setting<K extends keyof RoomSettings>(key: K, value: unknown): RoomSettings[K] {
  if (!isRoomSettingValue(key, value)) {
    const { min, max } = ROOM_SETTINGS_LIMITS[key];
    const got = typeof value === 'number' ? String(value) : typeof value;
    throw new RangeError(`room settings: ${key} must be an integer in ${min}..${max}${key === 'inputDelay' ? " or 'auto'" : ''}, got ${got}`);
  }
  return (typeof value === 'number' ? value + 0 : value) as RoomSettings[K]; // -0 becomes 0
}
