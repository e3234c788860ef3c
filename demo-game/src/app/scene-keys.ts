/** The demo's scenes, one file each under scenes/. */
export const SceneKey = {
  Title: 'title',
  Lobby: 'lobby',
  Match: 'match',
  Results: 'results',
} as const;
export type SceneKey = (typeof SceneKey)[keyof typeof SceneKey];
