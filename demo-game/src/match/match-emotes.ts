import type Phaser from 'phaser';
import { debugHooks } from '../app/debug-hooks.ts';
import { EmoteLimiter, EMOTES } from '../app/emotes.ts';
import { EmoteBubbles } from '../render/emote-bubbles.ts';
import type { MatchRunner } from './match-runner.ts';

/** Over the arena's bodies and effects, under the HUD (500). */
const DEPTH_BUBBLES = 450;
/** Keys 1 to 4 (by physical key: the digits row, or the numpad) send the emotes in order. */
const KEYS: readonly (readonly string[])[] = [
  ['Digit1', 'Numpad1'],
  ['Digit2', 'Numpad2'],
  ['Digit3', 'Numpad3'],
  ['Digit4', 'Numpad4'],
];

/**
 * Quick emotes in an online match: keys 1 to 4 (or the touch bar's buttons, `send`) send one over
 * the room's chat, at most as often as the page's own limit allows (app/emotes.ts); every emote
 * that comes back from the room shows above its sender's ship for a couple of seconds. Offline
 * matches have nobody to send to: nothing happens there.
 */
export class MatchEmotes {
  private readonly limiter = new EmoteLimiter();
  private readonly bubbles: EmoteBubbles;

  constructor(
    scene: Phaser.Scene,
    private readonly runner: MatchRunner,
  ) {
    this.bubbles = new EmoteBubbles(scene, runner.game, DEPTH_BUBBLES);
    debugHooks.emotes = [];
    window.addEventListener('keydown', this.onKey);
  }

  /** Whether emotes go anywhere in this match (online only). */
  get enabled(): boolean {
    return this.runner.emotes !== undefined;
  }

  /** Sends emote `index` if the page's limit allows it now. */
  send(index: number): void {
    if (this.runner.emotes === undefined || !this.limiter.take(performance.now())) return;
    this.runner.emotes.send(index);
  }

  /** Once per render frame: shows the emotes that came in, and moves the bubbles. */
  update(nowMs: number): void {
    const emotes = this.runner.emotes;
    if (emotes !== undefined) {
      for (const { player, emote } of emotes.drain()) {
        const label = EMOTES[emote]!.label;
        this.bubbles.show(player, label, nowMs);
        debugHooks.emotes.push(`${this.runner.names[player] ?? '?'}: ${label}`);
      }
    }
    this.bubbles.update(nowMs);
  }

  destroy(): void {
    window.removeEventListener('keydown', this.onKey);
    this.bubbles.destroy();
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
    const index = KEYS.findIndex((codes) => codes.includes(e.code));
    if (index >= 0) this.send(index);
  };
}
