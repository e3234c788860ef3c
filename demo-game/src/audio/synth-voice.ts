/** Oscillator shapes of a {@link Voice}; `Noise` is white noise from a seeded generator. */
export const Wave = {
  Sine: 0,
  Square: 1,
  Saw: 2,
  Triangle: 3,
  Noise: 4,
} as const;
export type Wave = (typeof Wave)[keyof typeof Wave];

/**
 * One note of a synthesized sound: an oscillator (or noise) with a pitch glide, shaped by a
 * linear attack and an exponential decay, optionally darkened by a one-pole low-pass filter.
 * Times are seconds, frequencies Hz, gain a linear factor (1 = full scale).
 */
export interface Voice {
  readonly wave: Wave;
  /** When the note starts, from the start of the buffer. */
  readonly at: number;
  /** How long it sounds; its last 5 ms fade to silence, so no note ends in a click. */
  readonly duration: number;
  /** Pitch at the start, and at the end (an exponential glide; the same for a steady pitch). */
  readonly freq: number;
  readonly freqEnd?: number;
  readonly gain: number;
  /** Rise time to full level (a few ms avoids a click at the start). */
  readonly attack?: number;
  /** Time constant of the exponential decay after the attack; Infinity for a held note. */
  readonly decay?: number;
  /** Low-pass cutoff: softens square, saw and noise. */
  readonly lowpass?: number;
  /** Vibrato depth (fraction of the pitch) and rate (Hz), for a little life in held notes. */
  readonly vibrato?: number;
  readonly vibratoRate?: number;
}

/** End fade of every voice (s). */
const FADE_OUT = 0.005;

/**
 * Adds `voice` into `out` (mono samples at `sampleRate` Hz). With `wrap`, a note running past
 * the end continues at the start, so a loop's last notes ring into its first bar seamlessly.
 * `noise` is a seeded generator returning -1..1, so the sounds are the same on every start.
 */
export function addVoice(out: Float32Array, sampleRate: number, voice: Voice, noise: () => number, wrap = false): void {
  const start = Math.round(voice.at * sampleRate);
  const length = Math.round(voice.duration * sampleRate);
  const attack = Math.max(1, (voice.attack ?? 0.003) * sampleRate);
  const decay = voice.decay ?? Infinity;
  const fade = FADE_OUT * sampleRate;
  const f0 = voice.freq;
  // Per-sample factors, so the loop multiplies instead of calling exp: pitch glide and decay.
  const glide = Math.exp(Math.log((voice.freqEnd ?? f0) / f0) / Math.max(1, length));
  const decayStep = decay === Infinity ? 1 : Math.exp(-1 / (decay * sampleRate));
  const filter = voice.lowpass === undefined ? 1 : 1 - Math.exp((-2 * Math.PI * voice.lowpass) / sampleRate);
  const vibrato = voice.vibrato ?? 0;
  const vibratoStep = (2 * Math.PI * (voice.vibratoRate ?? 5)) / sampleRate;
  let freq = f0;
  let level = voice.gain;
  let phase = 0;
  let smooth = 0;
  for (let i = 0; i < length; i++) {
    let index = start + i;
    if (index >= out.length) {
      if (!wrap) break;
      index %= out.length;
    }
    phase += (vibrato === 0 ? freq : freq * (1 + vibrato * Math.sin(vibratoStep * i))) / sampleRate;
    phase -= Math.floor(phase);
    freq *= glide;
    let v: number;
    switch (voice.wave) {
      case Wave.Sine:
        v = Math.sin(2 * Math.PI * phase);
        break;
      case Wave.Square:
        v = phase < 0.5 ? 1 : -1;
        break;
      case Wave.Saw:
        v = 2 * phase - 1;
        break;
      case Wave.Triangle:
        v = 1 - 4 * Math.abs(phase - 0.5);
        break;
      default:
        v = noise();
    }
    smooth += filter * (v - smooth);
    const envelope = (i < attack ? i / attack : 1) * (i > length - fade ? (length - i) / fade : 1);
    out[index] = out[index]! + smooth * envelope * level;
    level *= decayStep;
  }
}

/** A seeded white-noise source (-1..1), xorshift32: the same noise on every start. */
export function seededNoise(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x | 0) / 2147483648;
  };
}

/** Scales `samples` so their loudest is `peak` (linear), unless they are silent. */
export function normalize(samples: Float32Array, peak: number): Float32Array {
  let max = 0;
  for (let i = 0; i < samples.length; i++) max = Math.max(max, Math.abs(samples[i]!));
  if (max > 0) {
    const k = peak / max;
    for (let i = 0; i < samples.length; i++) samples[i] = samples[i]! * k;
  }
  return samples;
}
