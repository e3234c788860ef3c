import type { Voice } from './synth-voice.ts';
import { addVoice, normalize, seededNoise, Wave } from './synth-voice.ts';

/** Tempo of the loop (beats per minute), and its length: 8 bars of 4 beats. */
const BPM = 100;
const BEATS = 32;
const BEAT = 60 / BPM;
/** Loudest sample of the loop (linear): the music sits under the effects, not over them. */
const PEAK = 0.32;

/** MIDI note number to Hz. */
function hz(note: number): number {
  return 440 * 2 ** ((note - 69) / 12);
}

/** Two bars each: A minor, F major, C major, G major (root, third, fifth as MIDI notes, octave 4). */
const CHORDS: readonly (readonly [number, number, number])[] = [
  [57, 60, 64],
  [53, 57, 60],
  [48, 52, 55],
  [55, 59, 62],
];

/** Length of the loop (s). */
export const MUSIC_LOOP_SECONDS = BEATS * BEAT;

/**
 * The notes of an unobtrusive 19-second loop (A minor, 100 BPM) for the menus and matches: a soft
 * bass pulse, a warm pad and a quiet plucked arpeggio, with a hi-hat whisper on the off-beats.
 */
function musicVoices(): Voice[] {
  const voices: Voice[] = [];
  for (let bar = 0; bar < BEATS / 4; bar++) {
    const chord = CHORDS[Math.floor(bar / 2) % CHORDS.length]!;
    const barAt = bar * 4 * BEAT;
    if (bar % 2 === 0) {
      // The pad: each chord tone held over two bars, slow attack, slight vibrato, low-passed.
      for (const note of chord) {
        voices.push({ wave: Wave.Saw, at: barAt, duration: 8 * BEAT + 0.4, freq: hz(note), gain: 0.07, attack: 0.6, decay: 6, lowpass: 900, vibrato: 0.003, vibratoRate: 4.5 });
        voices.push({ wave: Wave.Sine, at: barAt, duration: 8 * BEAT + 0.4, freq: hz(note + 12), gain: 0.05, attack: 0.8, decay: 5 });
      }
    }
    for (let eighth = 0; eighth < 8; eighth++) {
      const at = barAt + (eighth * BEAT) / 2;
      // Bass: root on the beats, fifth on the last off-beat.
      const bassNote = chord[0] - 24 + (eighth === 7 ? 7 : 0);
      voices.push({ wave: Wave.Triangle, at, duration: BEAT * 0.45, freq: hz(bassNote), gain: eighth % 2 === 0 ? 0.5 : 0.3, attack: 0.004, decay: 0.16, lowpass: 600 });
      // Arpeggio: up and down the chord an octave up, quiet and short.
      const arpNote = chord[[0, 1, 2, 1, 0, 2, 1, 2][eighth]!]! + 12;
      voices.push({ wave: Wave.Square, at, duration: BEAT * 0.4, freq: hz(arpNote), gain: 0.06, attack: 0.003, decay: 0.09, lowpass: 1600 });
      // Hi-hat whisper on the off-beats.
      if (eighth % 2 === 1) voices.push({ wave: Wave.Noise, at, duration: 0.05, freq: 1, gain: 0.08, attack: 0.001, decay: 0.012, lowpass: 8000 });
    }
  }
  return voices;
}

/**
 * Renders the music loop a slice at a time, so that its ~100 ms of synthesis never holds up a
 * frame: `step` adds voices until about `budget` samples were computed, and returns the loop
 * (mono, at `sampleRate` Hz, normalized) once the last voice is in. Notes that run past the end
 * wrap to the start, so the loop has no seam. 22 050 Hz is plenty for this soft material.
 */
export class MusicLoopRenderer {
  private readonly out: Float32Array;
  private readonly voices = musicVoices();
  private readonly noise = seededNoise(0xbac5);
  private next = 0;

  constructor(private readonly sampleRate: number) {
    this.out = new Float32Array(Math.round(MUSIC_LOOP_SECONDS * sampleRate));
  }

  step(budget: number): Float32Array | undefined {
    let spent = 0;
    while (this.next < this.voices.length && spent < budget) {
      const voice = this.voices[this.next++]!;
      addVoice(this.out, this.sampleRate, voice, this.noise, true);
      spent += voice.duration * this.sampleRate;
    }
    return this.next < this.voices.length ? undefined : normalize(this.out, PEAK);
  }
}

/** The whole loop at once (tests; the game renders it in slices with {@link MusicLoopRenderer}). */
export function synthesizeMusicLoop(sampleRate: number): Float32Array {
  return new MusicLoopRenderer(sampleRate).step(Infinity)!;
}
