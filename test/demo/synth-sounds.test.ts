import { describe, expect, it } from 'vitest';
import { clampVolume, DEFAULT_AUDIO_SETTINGS, loadAudioSettings, saveAudioSettings } from '../../demo-game/src/audio/audio-settings.ts';
import type { SettingsStorage } from '../../demo-game/src/audio/audio-settings.ts';
import { MUSIC_LOOP_SECONDS, synthesizeMusicLoop } from '../../demo-game/src/audio/music-loop.ts';
import { EFFECT_KEYS, synthesizeEffect } from '../../demo-game/src/audio/synth-sounds.ts';
import { SoundKey } from '../../demo-game/src/audio/sound-key.ts';

/** Loudest sample (linear); NaN if any sample is not finite. */
function peak(samples: Float32Array): number {
  let max = 0;
  for (let i = 0; i < samples.length; i++) max = Number.isFinite(samples[i]) ? Math.max(max, Math.abs(samples[i]!)) : NaN;
  return max;
}

/** Byte-for-byte equality (a deep equal of 90 000 samples is slow in Vitest). */
function same(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('synthesized sounds', () => {
  it('makes every effect but the music, audible, within full scale, the same on every start', () => {
    expect(new Set(EFFECT_KEYS)).toEqual(new Set(Object.values(SoundKey).filter((k) => k !== SoundKey.Music)));
    for (const key of EFFECT_KEYS) {
      const samples = synthesizeEffect(key, 44_100);
      expect(samples.length, key).toBeGreaterThan(44_100 * 0.03);
      expect(samples.length, key).toBeLessThan(44_100 * 2.5);
      expect(peak(samples), key).toBeGreaterThan(0.3);
      expect(peak(samples), key).toBeLessThanOrEqual(1);
      // No click at the end: every voice fades out.
      expect(Math.abs(samples[samples.length - 1]!), key).toBeLessThan(0.01);
      expect(same(synthesizeEffect(key, 44_100), samples), key).toBe(true);
    }
  });

  it('makes a quiet music loop whose end joins its start', () => {
    const rate = 22_050;
    const loop = synthesizeMusicLoop(rate);
    expect(loop.length).toBe(Math.round(MUSIC_LOOP_SECONDS * rate));
    expect(peak(loop)).toBeCloseTo(0.32, 5);
    // The step across the seam is no bigger than the loop's own steps.
    let largestStep = 0;
    for (let i = 1; i < loop.length; i++) largestStep = Math.max(largestStep, Math.abs(loop[i]! - loop[i - 1]!));
    expect(Math.abs(loop[0]! - loop[loop.length - 1]!)).toBeLessThanOrEqual(largestStep);
  });
});

describe('audio settings', () => {
  const memory = (): SettingsStorage & { map: Map<string, string> } => {
    const map = new Map<string, string>();
    return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
  };

  it('remembers mute and volume, and falls back to the defaults on nothing or nonsense', () => {
    const storage = memory();
    expect(loadAudioSettings(storage)).toEqual(DEFAULT_AUDIO_SETTINGS);
    saveAudioSettings({ muted: true, volume: 0.4 }, storage);
    expect(loadAudioSettings(storage)).toEqual({ muted: true, volume: 0.4 });
    storage.map.set('backspin.audio', '{"volume": 7, "muted": "yes"}');
    expect(loadAudioSettings(storage)).toEqual({ muted: false, volume: 1 });
    storage.map.set('backspin.audio', 'not json');
    expect(loadAudioSettings(storage)).toEqual(DEFAULT_AUDIO_SETTINGS);
    expect(loadAudioSettings(undefined)).toEqual(DEFAULT_AUDIO_SETTINGS);
    expect(clampVolume(0.123)).toBe(0.12);
    expect(clampVolume(-1)).toBe(0);
  });
});
