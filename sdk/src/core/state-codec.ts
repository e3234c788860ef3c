/**
 * A game's saved state as bytes and back: what a peer needs to send its state to a player who
 * joins or rejoins a running match (see `Game.encodeState`). Pure.
 */
export interface StateCodec<S> {
  /** The state as bytes. May return a view that stays valid until the next call. */
  encode(state: S): Uint8Array;
  /** A state from `encode`'s bytes; throws a RangeError for bytes that cannot be one. */
  decode(bytes: Uint8Array): S;
}

/** What {@link int32StateCodec} needs to know about a state kept in one Int32Array. */
export interface Int32StateOptions<S> {
  /** The state's words: every bit of the state, in a fixed order. */
  words(state: S): Int32Array;
  /**
   * A new state holding a copy of `words`. Throw a RangeError if their number cannot be a state
   * (e.g. a state for another player count): the bytes came from the network.
   */
  fromWords(words: Int32Array): S;
  /**
   * Largest state accepted, in words (default 4 Mi words, 16 MiB): bytes describing a bigger one
   * are refused before anything is allocated.
   */
  readonly maxWords?: number;
}

const DEFAULT_MAX_WORDS = 4 * 1024 * 1024;

/**
 * A {@link StateCodec} for a state whose every field lives in one Int32Array (as the demo's
 * `ArenaState` and the SDK's `TestGame` do): 4 bytes per word, little-endian whatever the
 * machine's byte order, so that a state sent from one machine loads on any other.
 *
 * ```ts
 * const codec = int32StateCodec<Int32Array>({ words: (s) => s, fromWords: (w) => w.slice() });
 * const back = codec.decode(codec.encode(Int32Array.of(1, -2, 3)));
 * ```
 */
export function int32StateCodec<S>(options: Int32StateOptions<S>): StateCodec<S> {
  const maxWords = options.maxWords ?? DEFAULT_MAX_WORDS;
  if (!Number.isInteger(maxWords) || maxWords < 1) throw new RangeError(`int32StateCodec: maxWords must be an integer >= 1, got ${String(maxWords)}`);
  return {
    encode(state: S): Uint8Array {
      const words = options.words(state);
      const bytes = new Uint8Array(words.length * 4);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < words.length; i++) view.setInt32(i * 4, words[i]!, true);
      return bytes;
    },
    decode(bytes: Uint8Array): S {
      if (bytes.length % 4 !== 0) throw new RangeError(`a state of Int32 words needs a multiple of 4 bytes, got ${bytes.length}`);
      const count = bytes.length / 4;
      if (count > maxWords) throw new RangeError(`a state of ${count} words is more than the ${maxWords} allowed`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const words = new Int32Array(count);
      for (let i = 0; i < count; i++) words[i] = view.getInt32(i * 4, true);
      return options.fromWords(words);
    },
  };
}
