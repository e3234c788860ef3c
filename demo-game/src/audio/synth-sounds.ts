import type { EffectKey } from './sound-key.ts';
import { SoundKey } from './sound-key.ts';
import type { Voice } from './synth-voice.ts';
import { addVoice, normalize, seededNoise, Wave } from './synth-voice.ts';

/** A sound effect: its length (s), its notes, and the peak it is normalized to (linear, ≤ 1). */
interface Recipe {
  readonly length: number;
  readonly peak: number;
  readonly voices: readonly Voice[];
}

/** Frequencies (Hz) of the notes the jingles use: C5 E5 G5 C6 E6 G6, and B4, D5. */
const C5 = 523.25;
const E5 = 659.26;
const G5 = 783.99;
const C6 = 1046.5;
const E6 = 1318.5;
const G6 = 1568;
const B4 = 493.88;
const D5 = 587.33;

/** A bright two-oscillator note of a jingle: a soft square for body, a sine an octave up for sparkle. */
function bell(at: number, freq: number, duration: number, gain: number): Voice[] {
  return [
    { wave: Wave.Square, at, duration, freq, gain: gain * 0.5, attack: 0.004, decay: duration / 2.5, lowpass: 3200 },
    { wave: Wave.Sine, at, duration, freq: freq * 2, gain: gain * 0.35, attack: 0.002, decay: duration / 4 },
  ];
}

/**
 * The recipes. Each sound is short and has a clear attack so it reads in a busy 8-player match;
 * peaks are set so that the common sounds (shots) sit well below the rare ones (knock-outs).
 */
const RECIPES: Record<EffectKey, Recipe> = {
  // A "pew": a square wave gliding down an octave and a half, with a tick of noise at the muzzle.
  [SoundKey.Shot]: {
    length: 0.11,
    peak: 0.5,
    voices: [
      { wave: Wave.Square, at: 0, duration: 0.11, freq: 1400, freqEnd: 420, gain: 0.6, attack: 0.001, decay: 0.035, lowpass: 4000 },
      { wave: Wave.Noise, at: 0, duration: 0.02, freq: 1, gain: 0.4, attack: 0.0005, decay: 0.006, lowpass: 6000 },
    ],
  },
  // A punchy smack: a falling sine thump under a short burst of filtered noise.
  [SoundKey.Hit]: {
    length: 0.2,
    peak: 0.8,
    voices: [
      { wave: Wave.Sine, at: 0, duration: 0.2, freq: 190, freqEnd: 55, gain: 1, attack: 0.001, decay: 0.06 },
      { wave: Wave.Noise, at: 0, duration: 0.09, freq: 1, gain: 0.8, attack: 0.0005, decay: 0.02, lowpass: 2800 },
      { wave: Wave.Triangle, at: 0, duration: 0.05, freq: 900, freqEnd: 500, gain: 0.3, attack: 0.0005, decay: 0.012 },
    ],
  },
  // A whoosh: noise swelling and fading, with a soft rising tone under it.
  [SoundKey.Dash]: {
    length: 0.26,
    peak: 0.45,
    voices: [
      { wave: Wave.Noise, at: 0, duration: 0.26, freq: 1, gain: 1, attack: 0.06, decay: 0.07, lowpass: 1800 },
      { wave: Wave.Sine, at: 0, duration: 0.2, freq: 220, freqEnd: 520, gain: 0.35, attack: 0.03, decay: 0.06 },
    ],
  },
  // A boom and a falling "bwoop": the loudest sound of the game.
  [SoundKey.Knockout]: {
    length: 0.75,
    peak: 0.95,
    voices: [
      { wave: Wave.Sine, at: 0, duration: 0.6, freq: 110, freqEnd: 38, gain: 1, attack: 0.002, decay: 0.18 },
      { wave: Wave.Noise, at: 0, duration: 0.5, freq: 1, gain: 0.7, attack: 0.001, decay: 0.09, lowpass: 1500 },
      { wave: Wave.Triangle, at: 0.02, duration: 0.7, freq: 880, freqEnd: 110, gain: 0.45, attack: 0.005, decay: 0.25 },
      { wave: Wave.Square, at: 0.0, duration: 0.12, freq: 330, freqEnd: 160, gain: 0.25, attack: 0.001, decay: 0.04, lowpass: 2500 },
    ],
  },
  [SoundKey.CountdownTick]: {
    length: 0.16,
    peak: 0.55,
    voices: [
      { wave: Wave.Sine, at: 0, duration: 0.16, freq: 880, gain: 1, attack: 0.002, decay: 0.05 },
      { wave: Wave.Triangle, at: 0, duration: 0.1, freq: 1760, gain: 0.25, attack: 0.002, decay: 0.03 },
    ],
  },
  [SoundKey.CountdownGo]: {
    length: 0.5,
    peak: 0.7,
    voices: [...bell(0, C6, 0.5, 1), ...bell(0, G5, 0.5, 0.7), { wave: Wave.Sine, at: 0, duration: 0.3, freq: 262, freqEnd: 523, gain: 0.3, attack: 0.005, decay: 0.1 }],
  },
  // A rising arpeggio that lands on a chord.
  [SoundKey.RoundWon]: {
    length: 0.95,
    peak: 0.75,
    voices: [...bell(0, C5, 0.3, 0.8), ...bell(0.09, E5, 0.3, 0.8), ...bell(0.18, G5, 0.3, 0.8), ...bell(0.27, C6, 0.68, 1), ...bell(0.27, E5, 0.68, 0.5), ...bell(0.27, G5, 0.68, 0.5)],
  },
  // A short fanfare: two pick-ups, a run up to a held major chord with vibrato.
  [SoundKey.MatchWon]: {
    length: 2.1,
    peak: 0.85,
    voices: [
      ...bell(0, G5, 0.16, 0.7),
      ...bell(0.16, G5, 0.16, 0.7),
      ...bell(0.32, C6, 0.3, 0.9),
      ...bell(0.62, B4 * 2, 0.16, 0.7),
      ...bell(0.78, C6, 0.16, 0.7),
      ...bell(0.94, D5 * 2, 0.3, 0.8),
      ...bell(1.24, E6, 0.86, 1),
      ...bell(1.24, C6, 0.86, 0.6),
      ...bell(1.24, G6, 0.86, 0.4),
      { wave: Wave.Triangle, at: 1.24, duration: 0.86, freq: C5 / 2, gain: 0.5, attack: 0.01, decay: 0.4, vibrato: 0.006, vibratoRate: 6 },
    ],
  },
  // A crisp, quiet tick for menus.
  [SoundKey.UiClick]: {
    length: 0.045,
    peak: 0.35,
    voices: [
      { wave: Wave.Sine, at: 0, duration: 0.045, freq: 1900, freqEnd: 1200, gain: 1, attack: 0.0005, decay: 0.012 },
      { wave: Wave.Noise, at: 0, duration: 0.01, freq: 1, gain: 0.3, attack: 0.0003, decay: 0.003, lowpass: 7000 },
    ],
  },
};

/** The effects, in a fixed order. */
export const EFFECT_KEYS = Object.keys(RECIPES) as EffectKey[];

/**
 * Renders one effect as mono samples at `sampleRate` Hz (a few ms of work each, at start-up),
 * normalized to its recipe's peak. The same on every start: the noise is seeded.
 */
export function synthesizeEffect(key: EffectKey, sampleRate: number): Float32Array {
  const recipe = RECIPES[key];
  const out = new Float32Array(Math.ceil(recipe.length * sampleRate));
  const noise = seededNoise(0x5eed + key.length);
  for (const voice of recipe.voices) addVoice(out, sampleRate, voice, noise);
  return normalize(out, recipe.peak);
}
