import { describe, expect, it } from 'vitest';
import { SyncTestSession } from '../../sdk/src/core/sync-test-session.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import type { Game, PlayerInput } from '../../sdk/src/core/game.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

/** Like TestGame, but keeps a counter outside its saved state and lets it leak in from `leakFrom` on. */
class LeakyGame implements Game<Uint8Array, Int32Array> {
  private state = new Int32Array(2);
  private hidden = 0;
  constructor(private readonly leakFrom: number) {}
  step(inputs: readonly PlayerInput<Uint8Array>[]): void {
    this.hidden++;
    const frame = this.state[0]!;
    this.state[1] = (this.state[1]! + (inputs[0]!.input[0] ?? 0) + (frame >= this.leakFrom ? this.hidden : 0)) | 0;
    this.state[0] = frame + 1;
  }
  save(): Int32Array {
    return this.state.slice();
  }
  load(s: Int32Array): void {
    this.state.set(s);
  }
  checksum(): number {
    return (Math.imul(this.state[0]!, 31) ^ this.state[1]!) >>> 0;
  }
}

/** Saves a reference to its live state instead of a copy: rollback cannot restore it. */
class AliasingGame extends TestGame {
  override save(): Int32Array {
    return (this as unknown as { state: Int32Array }).state;
  }
}

function randomInputs(rng: Prng, players: number): Uint8Array[] {
  return Array.from({ length: players }, () => Uint8Array.of(rng.nextU32() & 0xff, rng.nextU32() & 0xff));
}

describe('SyncTestSession', () => {
  it('passes a deterministic game over thousands of frames', () => {
    const rng = new Prng(7);
    const session = new SyncTestSession({ game: new TestGame(4), players: 4, input: bytesInputCodec(2), checkDistance: 8 });
    for (let f = 0; f < 3000; f++) expect(session.advanceFrame(randomInputs(rng, 4))).toBeUndefined();
    expect(session.currentFrame).toBe(3000);
  });

  it('reports the first frame whose state diverged when state escapes save/load', () => {
    const session = new SyncTestSession({ game: new LeakyGame(20), players: 1, input: bytesInputCodec(1), checkDistance: 7 });
    for (let f = 0; f < 100; f++) session.advanceFrame([Uint8Array.of(1)]);
    // Frame 20 is the first stepped with the leak, so the state at the start of 21 is the first to differ.
    expect(session.mismatch?.frame).toBe(21);
    expect(session.mismatch?.expected).not.toBe(session.mismatch?.actual);
  });

  it('catches a save that aliases live state', () => {
    const rng = new Prng(1);
    const session = new SyncTestSession({ game: new AliasingGame(2), players: 2, input: bytesInputCodec(1), checkDistance: 4 });
    for (let f = 0; f < 50; f++) session.advanceFrame(randomInputs(rng, 2).map((b) => b.subarray(0, 1)));
    expect(session.mismatch).toBeDefined();
  });

  it('rejects a wrong number of inputs and a bad check distance', () => {
    const session = new SyncTestSession({ game: new TestGame(2), players: 2, input: bytesInputCodec(1) });
    expect(() => session.advanceFrame([Uint8Array.of(0)])).toThrow(/needs 2 inputs/);
    expect(() => new SyncTestSession({ game: new TestGame(2), players: 2, input: bytesInputCodec(1), checkDistance: 0 })).toThrow(RangeError);
  });
});
