import Phaser from 'phaser';
import { debugHooks } from '../app/debug-hooks.ts';
import type { AudioSettings } from './audio-settings.ts';
import { clampVolume, loadAudioSettings, saveAudioSettings } from './audio-settings.ts';
import { MusicLoopRenderer } from './music-loop.ts';
import type { EffectKey } from './sound-key.ts';
import { SoundKey } from './sound-key.ts';
import { EFFECT_KEYS, synthesizeEffect } from './synth-sounds.ts';

/**
 * Instances made of each effect, played round-robin: as many as can usefully overlap (eight
 * players shooting, hits in a brawl). A played instance restarts, so a burst beyond this many
 * cuts the oldest short, which is what a busy mix wants anyway.
 */
const VOICES: Record<EffectKey, number> = {
  [SoundKey.Shot]: 6,
  [SoundKey.Hit]: 4,
  [SoundKey.Dash]: 3,
  [SoundKey.Knockout]: 3,
  [SoundKey.CountdownTick]: 1,
  [SoundKey.CountdownGo]: 1,
  [SoundKey.RoundWon]: 1,
  [SoundKey.MatchWon]: 1,
  [SoundKey.UiClick]: 2,
};
/** Music level under the master volume (linear): present, never in the way. */
const MUSIC_VOLUME = 0.35;
/** Sample rate of the music loop (Hz): soft material, half the start-up work of 44.1 kHz. */
const MUSIC_SAMPLE_RATE = 22_050;
/** Samples of music synthesized per slice (a few ms of work), one slice per timer turn. */
const MUSIC_SLICE_SAMPLES = 150_000;

/**
 * The game's sounds on Phaser's Web Audio sound manager: every effect and the music loop are
 * synthesized in code at start-up (audio/synth-sounds.ts, audio/music-loop.ts) into AudioBuffers
 * that go into Phaser's audio cache, so there is nothing to download. Holds the master mute and
 * volume (remembered in localStorage) and counts what it plays for the debug hooks.
 *
 * Browsers start audio only after a click or a key: until then nothing is played (a sound asked
 * for while locked is dropped, not queued to burst out later), and the music starts on the
 * unlock. Without Web Audio the game is simply silent.
 */
export class SoundBank {
  private manager: Phaser.Sound.WebAudioSoundManager | undefined;
  private readonly pools = new Map<EffectKey, { readonly sounds: Phaser.Sound.WebAudioSound[]; next: number }>();
  private musicStarted = false;
  private settings: AudioSettings = loadAudioSettings();
  /** Reused for every play: Phaser copies it. Volume linear, detune in cents. */
  private readonly playConfig = { volume: 1, detune: 0 };
  private readonly listeners = new Set<() => void>();

  /** Builds the sounds into `game`'s cache and starts listening for the unlock. Call once, at boot. */
  attach(game: Phaser.Game): void {
    this.publish();
    const manager = game.sound;
    if (!(manager instanceof Phaser.Sound.WebAudioSoundManager)) return;
    this.manager = manager;
    manager.pauseOnBlur = false; // the match goes on in the background (peers wait for us): so does its sound
    const rate = manager.context.sampleRate;
    for (const key of EFFECT_KEYS) {
      game.cache.audio.add(key, this.toBuffer(synthesizeEffect(key, rate), rate));
      const sounds = Array.from({ length: VOICES[key] }, () => manager.add(key) as Phaser.Sound.WebAudioSound);
      this.pools.set(key, { sounds, next: 0 });
    }
    this.apply();
    // UI clicks: any button or select in the DOM menus (capture: before a scene change removes it).
    document.addEventListener('click', this.onDocumentClick, true);
    if (this.unlocked) this.startMusic();
    else manager.once(Phaser.Sound.Events.UNLOCKED, () => this.startMusic());
  }

  /** Whether the browser lets audio play yet (after the first click or key on the page). */
  get unlocked(): boolean {
    return this.manager !== undefined && this.manager.context.state === 'running';
  }

  get muted(): boolean {
    return this.settings.muted;
  }

  get volume(): number {
    return this.settings.volume;
  }

  setMuted(muted: boolean): void {
    this.update({ muted, volume: this.settings.volume });
  }

  toggleMute(): void {
    this.setMuted(!this.settings.muted);
  }

  /** Sets the master volume (0..1); raising it from 0 or while muted also unmutes. */
  setVolume(volume: number): void {
    const v = clampVolume(volume);
    this.update({ muted: v > this.settings.volume ? false : this.settings.muted, volume: v });
  }

  /** Called whenever mute or volume changes (the title's controls and the match's indicator follow). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Plays an effect at `volume` (linear, times the master volume), `detune` cents off its pitch
   * (a little variety keeps repeated shots from sounding mechanical). Returns whether it played:
   * nothing plays while muted or before the browser's unlock. No allocation here beyond what Web
   * Audio needs for a sound (one buffer source and gain per play, in Phaser).
   */
  play(key: EffectKey, volume = 1, detune = 0): boolean {
    if (this.settings.muted || !this.unlocked) return false;
    if (!this.musicStarted) this.startMusic(); // the unlock came by a path Phaser did not announce
    const pool = this.pools.get(key);
    if (pool === undefined) return false;
    const sound = pool.sounds[pool.next]!;
    pool.next = (pool.next + 1) % pool.sounds.length;
    this.playConfig.volume = volume;
    this.playConfig.detune = detune;
    sound.play(this.playConfig);
    const counts = debugHooks.sounds;
    counts[key] = (counts[key] ?? 0) + 1;
    return true;
  }

  private update(settings: AudioSettings): void {
    this.settings = settings;
    saveAudioSettings(settings);
    this.apply();
    for (const listener of this.listeners) listener();
  }

  /** Puts the settings on Phaser's master mute and volume nodes. */
  private apply(): void {
    if (this.manager !== undefined) {
      this.manager.setMute(this.settings.muted);
      this.manager.setVolume(this.settings.volume);
    }
    this.publish();
  }

  private publish(): void {
    debugHooks.audio.muted = this.settings.muted;
    debugHooks.audio.volume = this.settings.volume;
    debugHooks.audio.unlocked = this.unlocked;
  }

  /**
   * Synthesized after the unlock, in slices between frames (the whole loop is ~100 ms of work),
   * then looped for good; mute silences it in place.
   */
  private startMusic(): void {
    const manager = this.manager;
    if (manager === undefined || this.musicStarted) return;
    this.musicStarted = true;
    this.publish();
    const renderer = new MusicLoopRenderer(MUSIC_SAMPLE_RATE);
    const slice = () => {
      const samples = renderer.step(MUSIC_SLICE_SAMPLES);
      if (samples === undefined) {
        setTimeout(slice, 0);
        return;
      }
      manager.game.cache.audio.add(SoundKey.Music, this.toBuffer(samples, MUSIC_SAMPLE_RATE));
      const music = manager.add(SoundKey.Music, { loop: true, volume: MUSIC_VOLUME }) as Phaser.Sound.WebAudioSound;
      music.play();
      debugHooks.sounds[SoundKey.Music] = (debugHooks.sounds[SoundKey.Music] ?? 0) + 1;
    };
    setTimeout(slice, 0);
  }

  private toBuffer(samples: Float32Array, sampleRate: number): AudioBuffer {
    const buffer = this.manager!.context.createBuffer(1, samples.length, sampleRate);
    buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
    return buffer;
  }

  private readonly onDocumentClick = (e: MouseEvent): void => {
    const target = e.target as Element | null;
    if (target?.closest('button, select, input[type="checkbox"], input[type="range"]') != null) {
      // The click that unlocks audio comes before the unlock finishes: let the context resume first.
      if (this.unlocked) this.play(SoundKey.UiClick);
      else void this.manager?.context.resume().then(() => this.play(SoundKey.UiClick));
    }
  };
}

/** The game's one sound bank (Phaser's sound manager is one per game too). */
export const soundBank = new SoundBank();
