import type Phaser from 'phaser';

/**
 * The smallest logical screen: Phaser scales it to fit the window and then widens or heightens
 * it to fill the rest (Scale.EXPAND), so a wide phone shows more floor at the sides instead of
 * black bars where thumbs could not be heard. The arena is drawn in world units and the camera
 * keeps it centred; HUD items are pinned to the screen and placed from its current size.
 */
export const SCREEN_WIDTH = 1280;
export const SCREEN_HEIGHT = 800;
/** Where the arena's centre (0, 0) is drawn; one arena unit is one screen unit. */
export const ARENA_CENTER_X = SCREEN_WIDTH / 2;
export const ARENA_CENTER_Y = SCREEN_HEIGHT / 2;

/** Centres the scene's camera on the arena now and whenever the screen's size changes. */
export function keepArenaCentred(scene: Phaser.Scene): void {
  const centre = () => scene.cameras.main.centerOn(ARENA_CENTER_X, ARENA_CENTER_Y);
  centre();
  scene.scale.on('resize', centre);
  scene.events.once('shutdown', () => scene.scale.off('resize', centre));
}
