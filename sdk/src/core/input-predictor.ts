/**
 * Guesses a remote player's input for a frame whose real input has not arrived yet.
 *
 * A wrong guess costs a rollback, so a predictor pays off only where it beats "they are still
 * holding the same buttons". It must be deterministic in its arguments (it runs again after a
 * rollback) and must write exactly `out.length` bytes.
 */
export interface InputPredictor {
  /**
   * Writes the guessed input of `player` at `frame` into `out`.
   *
   * @param player The player's handle.
   * @param frame The frame being predicted.
   * @param lastConfirmed That player's newest received input (all zeros if none yet).
   * @param lastConfirmedFrame The frame of `lastConfirmed` (-1 if none).
   * @param out Where to write the guess.
   */
  predict(player: number, frame: number, lastConfirmed: Uint8Array, lastConfirmedFrame: number, out: Uint8Array): void;
}

/** The default: a player keeps doing what they were last seen doing. Right most of the time at 60 fps. */
export const repeatLastInput: InputPredictor = {
  predict(_player, _frame, lastConfirmed, _lastConfirmedFrame, out) {
    out.set(lastConfirmed);
  },
};
