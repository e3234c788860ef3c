import type { Game, PlayerInput } from '../core/game.ts';
import { InputStatus } from '../core/game.ts';
import { Hasher } from '../kit/hash.ts';
import { int32StateCodec } from '../core/state-codec.ts';
import type { StateCodec } from '../core/state-codec.ts';

/**
 * A tiny deterministic game for tests, benchmarks and examples: each player walks on an integer
 * grid steered by its input's first byte, and a running digest folds in every input byte and
 * departure of every frame. Any difference in any input, status or frame order anywhere in a match
 * therefore changes the checksum from then on, which is exactly what convergence tests need.
 * Cheap enough (a few dozen integer operations per player) that benchmarks measure the SDK.
 */
export class TestGame implements Game<Uint8Array, Int32Array> {
  /** [frame, digest, x0, y0, x1, y1, ...] */
  private state: Int32Array;
  private readonly hasher = new Hasher();
  /** Its state as bytes, for a player who rejoins (`Game.encodeState`). */
  private readonly bytes: StateCodec<Int32Array>;

  constructor(
    /** Players in the game (each one walks on the grid). */
    readonly players: number,
  ) {
    this.state = new Int32Array(2 + players * 2);
    const words = this.state.length;
    this.bytes = int32StateCodec<Int32Array>({
      words: (state) => state,
      fromWords: (w) => {
        if (w.length !== words) throw new RangeError(`a TestGame state for ${players} players is ${words} words, got ${w.length}`);
        return w;
      },
      maxWords: words,
    });
  }

  /** The frame the next `step` simulates (0 at the start). */
  get frame(): number {
    return this.state[0]!;
  }

  step(inputs: readonly PlayerInput<Uint8Array>[]): void {
    const s = this.state;
    let digest = s[1]!;
    for (let p = 0; p < inputs.length; p++) {
      const { input, status } = inputs[p]!;
      const b = input[0] ?? 0;
      // bits 0..3: right, left, down, up
      s[2 + p * 2] = (s[2 + p * 2]! + (b & 1) - ((b >> 1) & 1)) | 0;
      s[3 + p * 2] = (s[3 + p * 2]! + ((b >> 2) & 1) - ((b >> 3) & 1)) | 0;
      // Predicted and Confirmed must step alike (a right guess is never re-simulated); only a
      // departed player's status is part of the simulation.
      digest = Math.imul(digest ^ (status === InputStatus.Disconnected ? 1 : 0), 0x01000193);
      for (let i = 0; i < input.length; i++) digest = Math.imul(digest ^ input[i]!, 0x01000193);
    }
    s[1] = digest;
    s[0] = (s[0]! + 1) | 0;
  }

  save(reuse?: Int32Array): Int32Array {
    if (reuse === undefined || reuse.length !== this.state.length) return this.state.slice();
    reuse.set(this.state);
    return reuse;
  }

  load(state: Int32Array): void {
    this.state.set(state);
  }

  encodeState(state: Int32Array): Uint8Array {
    return this.bytes.encode(state);
  }

  decodeState(bytes: Uint8Array): Int32Array {
    return this.bytes.decode(bytes);
  }

  checksum(): number {
    // Field by field, little-endian whatever the machine's byte order.
    this.hasher.reset();
    for (let i = 0; i < this.state.length; i++) this.hasher.updateI32(this.state[i]!);
    return this.hasher.digest();
  }
}
