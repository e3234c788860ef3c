import { InputStatus } from 'backspin';
import { ArenaButton, ArenaConfig, ArenaGame, ArenaPhase, arenaInput, NEUTRAL_INPUT } from '../src/sim/index.ts';
import type { ArenaInput } from '../src/sim/index.ts';

/** The heaviest frame the arena knows: every player alive and firing, the bullet pool full. */
export interface FullArena {
  readonly game: ArenaGame;
  /** Inputs that keep every player firing (the same each frame). */
  readonly fire: readonly ArenaInput[];
  /** Steps the game one frame with `fire`, reusing one input array (no allocation). */
  step(): void;
}

/**
 * An arena of `players` (8 for the worst case) in play, everyone firing in a different direction,
 * with the free bullet slots filled by hand so the whole pool (`BULLET_CAPACITY`) is live.
 */
export function fullArena(players: number, seed: number): FullArena {
  const game = new ArenaGame({ players, seed });
  const frame = Array.from({ length: players }, () => ({ input: NEUTRAL_INPUT, status: InputStatus.Confirmed }));
  const stepWith = (inputs: readonly ArenaInput[]) => {
    for (let p = 0; p < players; p++) frame[p]!.input = inputs[p]!;
    game.step(frame);
  };
  const neutral = new Array<ArenaInput>(players).fill(NEUTRAL_INPUT);
  while (game.phase === ArenaPhase.Countdown) stepWith(neutral);
  const fire = Array.from({ length: players }, (_, p) => arenaInput(ArenaButton.Fire | (p & 1 ? ArenaButton.Left : ArenaButton.Up), (p * 4) & 31));
  for (let f = 0; f < 20; f++) stepWith(fire);
  const s = game.state;
  for (let b = 0; b < ArenaConfig.BULLET_CAPACITY; b++) {
    if (s.bulletLife[b] === 0) {
      s.bulletLife[b] = ArenaConfig.BULLET_LIFE_FRAMES;
      s.bulletX[b] = (b - 24) * 10 * 65536;
      s.bulletY[b] = -300 * 65536;
      s.bulletDir[b] = b & 31;
      s.bulletOwner[b] = b % players;
    }
  }
  return { game, fire, step: () => stepWith(fire) };
}
