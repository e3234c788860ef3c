/** How final a player's input for a frame is, as passed to {@link Game.step}. */
export const InputStatus = {
  /** Every peer simulates this exact input for this frame. */
  Confirmed: 0,
  /** A guess (see {@link InputPredictor}); a rollback follows if it proves wrong. */
  Predicted: 1,
  /** The player has left the session; the input is the neutral (all-zero) input. */
  Disconnected: 2,
} as const;
export type InputStatus = (typeof InputStatus)[keyof typeof InputStatus];

/** One player's input for the frame being stepped. */
export interface PlayerInput<I> {
  /** The decoded input: the neutral input when `status` is Disconnected. */
  readonly input: I;
  /** Whether the input is confirmed, predicted, or the player has left. */
  readonly status: InputStatus;
}

/**
 * The game as a session drives it. All four methods must be deterministic: the same state and the
 * same inputs give the same result on every machine (see docs/determinism.md).
 *
 * `S` is whatever `save` returns; the session only stores it and hands it back to `load`, so a game
 * may return a typed array, a plain object or a frozen structure. A saved state must not alias live
 * state that `step` later mutates.
 */
export interface Game<I, S> {
  /**
   * Advances the simulation by exactly one frame. `inputs[h]` is player `h`'s input.
   *
   * The result must not depend on whether an input is Confirmed or Predicted: a prediction that
   * proves right is kept, not re-simulated, so the two must step alike. Use the status for
   * presentation only (e.g. draw a predicted player faded); Disconnected may change the simulation
   * (e.g. remove the player), since every peer sees it at the same frame.
   */
  step(inputs: readonly PlayerInput<I>[]): void;
  /**
   * Captures the whole simulation state. Called once per frame in rollback mode (never in
   * lockstep). `reuse`, when given, is a state this game returned earlier that the session no
   * longer needs: a game may write into it and return it, so that saving allocates nothing.
   */
  save(reuse?: S): S;
  /**
   * Restores a state returned by `save`. Copy out of it: the session may load the same state
   * again after another rollback, or hand it back to `save` for reuse.
   */
  load(state: S): void;
  /** A 32-bit digest of the whole state (e.g. `hashBytes` of its serialised form), for desync detection. */
  checksum(): number;
  /**
   * Optional: a saved state (from `save`) as bytes, so that a peer can send it to a player who
   * joins or rejoins a running match. A game without `encodeState` and `decodeState` still plays,
   * but cannot take a player back in. The bytes must hold the whole state: a player loading them
   * continues from them alone, and must reach the same checksums as everyone else.
   * `int32StateCodec` writes both for a state kept in an Int32Array.
   */
  encodeState?(state: S): Uint8Array;
  /**
   * Optional, with `encodeState`: a state for `load` from `encodeState`'s bytes. The bytes come from
   * another peer: throw (a RangeError) rather than return a state they cannot describe.
   */
  decodeState?(bytes: Uint8Array): S;
}
