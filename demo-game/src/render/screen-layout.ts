/** The game's logical screen (Phaser scales it to fit the window). */
export const SCREEN_WIDTH = 1280;
export const SCREEN_HEIGHT = 800;
/** Where the arena's centre (0, 0) is drawn; one arena unit is one screen unit. */
export const ARENA_CENTER_X = SCREEN_WIDTH / 2;
export const ARENA_CENTER_Y = SCREEN_HEIGHT / 2;
