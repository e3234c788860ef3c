/** The player's sound settings, remembered between visits. */
export interface AudioSettings {
  readonly muted: boolean;
  /** Master volume, 0..1 (linear gain). */
  readonly volume: number;
}

const KEY = 'backspin.audio';
export const DEFAULT_AUDIO_SETTINGS: AudioSettings = { muted: false, volume: 0.7 };

/** Only what browsers offer as `localStorage`, so tests can pass a Map-backed one. */
export type SettingsStorage = Pick<Storage, 'getItem' | 'setItem'>;

function browserStorage(): SettingsStorage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined; // storage blocked (private mode, a sandboxed frame)
  }
}

/** The settings saved last time, or the defaults (nothing saved, storage blocked, or a bad value). */
export function loadAudioSettings(storage: SettingsStorage | undefined = browserStorage()): AudioSettings {
  try {
    const raw = storage?.getItem(KEY);
    if (raw === null || raw === undefined) return DEFAULT_AUDIO_SETTINGS;
    const parsed = JSON.parse(raw) as Partial<AudioSettings>;
    const volume = typeof parsed.volume === 'number' && Number.isFinite(parsed.volume) ? clampVolume(parsed.volume) : DEFAULT_AUDIO_SETTINGS.volume;
    return { muted: parsed.muted === true, volume };
  } catch {
    return DEFAULT_AUDIO_SETTINGS;
  }
}

export function saveAudioSettings(settings: AudioSettings, storage: SettingsStorage | undefined = browserStorage()): void {
  try {
    storage?.setItem(KEY, JSON.stringify({ muted: settings.muted, volume: clampVolume(settings.volume) }));
  } catch {
    // not remembered: harmless
  }
}

/** A volume in 0..1, rounded to whole percent (what the controls show). */
export function clampVolume(volume: number): number {
  return Math.round(Math.min(1, Math.max(0, volume)) * 100) / 100;
}
