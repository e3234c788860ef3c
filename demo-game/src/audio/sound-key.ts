/** The demo's sounds, all synthesized at start-up (audio/synth-sounds.ts, audio/music-loop.ts). */
export const SoundKey = {
  Shot: 'shot',
  Hit: 'hit',
  Dash: 'dash',
  Knockout: 'knockout',
  CountdownTick: 'countdown-tick',
  CountdownGo: 'countdown-go',
  RoundWon: 'round-won',
  MatchWon: 'match-won',
  UiClick: 'ui-click',
  Music: 'music',
} as const;
export type SoundKey = (typeof SoundKey)[keyof typeof SoundKey];

/** The short effects (everything but the music loop). */
export type EffectKey = Exclude<SoundKey, typeof SoundKey.Music>;
