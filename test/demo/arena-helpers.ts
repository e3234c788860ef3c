import type { PlayerInput } from '../../sdk/src/core/game.ts';
import { InputStatus } from '../../sdk/src/core/game.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';
import type { ArenaGame } from '../../demo-game/src/sim/arena-game.ts';
import { ArenaConfig } from '../../demo-game/src/sim/arena-config.ts';
import type { ArenaInput } from '../../demo-game/src/sim/arena-input.ts';
import { NEUTRAL_INPUT } from '../../demo-game/src/sim/arena-input.ts';
import { ArenaPhase } from '../../demo-game/src/sim/arena-state.ts';

/** Steps `game` once with `inputs` (one per player), all Confirmed unless `statuses` says otherwise. */
export function stepWith(game: ArenaGame, inputs: readonly ArenaInput[], statuses?: readonly InputStatus[]): void {
  const frame: PlayerInput<ArenaInput>[] = inputs.map((input, p) => ({
    input,
    status: statuses?.[p] ?? InputStatus.Confirmed,
  }));
  game.step(frame);
}

/** Steps `game` `frames` times with the same inputs. */
export function stepMany(game: ArenaGame, frames: number, inputs: readonly ArenaInput[]): void {
  for (let f = 0; f < frames; f++) stepWith(game, inputs);
}

/** Runs the countdown with neutral inputs, leaving the game at the first Playing frame. */
export function skipCountdown(game: ArenaGame): void {
  const neutral = new Array<ArenaInput>(game.players).fill(NEUTRAL_INPUT);
  while (game.phase === ArenaPhase.Countdown) stepWith(game, neutral);
}

/** Puts player `p` at rest at (x, y) units, without spawn protection. */
export function place(game: ArenaGame, p: number, x: number, y: number): void {
  const s = game.state;
  s.x[p] = x * 65536;
  s.y[p] = y * 65536;
  s.vx[p] = 0;
  s.vy[p] = 0;
  s.invulnerable[p] = 0;
}

/** Parks every player but the listed ones far apart near the rim, so they stay out of the way. */
export function parkOthers(game: ArenaGame, keep: readonly number[]): void {
  for (let p = 0; p < game.players; p++) {
    if (!keep.includes(p)) place(game, p, -250 + 20 * p, 250);
  }
}

/**
 * Random but game-like inputs: each player holds an input for a while (about 8 frames on average)
 * before picking another, so players actually travel, fight and fall off.
 */
export class RandomInputs {
  private readonly rng: Prng;
  private readonly current: ArenaInput[];

  constructor(seed: number, players: number) {
    this.rng = new Prng(seed);
    this.current = new Array<ArenaInput>(players).fill(NEUTRAL_INPUT);
  }

  next(): ArenaInput[] {
    for (let p = 0; p < this.current.length; p++) {
      if (this.rng.nextInt(8) === 0) {
        // Buttons: any of the 6 bits; aim code 0..32 (0 = none).
        this.current[p] = this.rng.nextInt(64) | (this.rng.nextInt(33) << 8);
      }
    }
    return this.current.slice();
  }
}

export const UNIT = 65536;
export { ArenaConfig };
