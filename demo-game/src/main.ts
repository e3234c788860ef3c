import Phaser from 'phaser';
import './ui/styles.css';
import './ui/party.css';
import { debugHooks } from './app/debug-hooks.ts';
import { soundBank } from './audio/sound-bank.ts';
import { pickRenderer } from './render/pick-renderer.ts';
import { SCREEN_HEIGHT, SCREEN_WIDTH } from './render/screen-layout.ts';
import { LobbyScene } from './scenes/lobby-scene.ts';
import { MatchScene } from './scenes/match-scene.ts';
import { ReplayScene } from './scenes/replay-scene.ts';
import { ResultsScene } from './scenes/results-scene.ts';
import { TitleScene } from './scenes/title-scene.ts';
import { WatchScene } from './scenes/watch-scene.ts';

/**
 * Backspin Arena: Phaser draws, the deterministic simulation in sim/ decides, Backspin keeps the
 * players in step. Scenes: title → lobby → match → results (or lobby → watch, for a spectator).
 */
const game = new Phaser.Game({
  type: pickRenderer(),
  parent: 'game',
  backgroundColor: '#0b1020',
  scale: { mode: Phaser.Scale.EXPAND, autoCenter: Phaser.Scale.CENTER_BOTH, width: SCREEN_WIDTH, height: SCREEN_HEIGHT },
  // Keep running when the window loses focus: peers are waiting for our inputs.
  disableContextMenu: true,
  // Keys are read from the window directly (input/keyboard-controls.ts); Phaser's keyboard is not used.
  input: { keyboard: false, gamepad: false, activePointers: 4 },
  fps: { smoothStep: false },
  scene: [TitleScene, LobbyScene, MatchScene, ResultsScene, ReplayScene, WatchScene],
});
game.events.once(Phaser.Core.Events.READY, () => {
  debugHooks.renderer = game.renderer.type === Phaser.CANVAS ? 'canvas' : 'webgl';
  soundBank.attach(game);
});
