/** The demo's scenes, one file each under scenes/. */
export const SceneKey = {
  Title: 'title',
  Lobby: 'lobby',
  Match: 'match',
  Results: 'results',
  /** Watching a recorded match (from the results screen, or a file loaded on the title screen). */
  Replay: 'replay',
  /** Watching a room's running match live, as a spectator. */
  Watch: 'watch',
} as const;
export type SceneKey = (typeof SceneKey)[keyof typeof SceneKey];
