/**
 * What a session reports to the game, drained with `session.events()` once per frame.
 * Handles are player handles (index into the session's `players`).
 */
export type SessionEvent =
  /** Handshake progress with one peer: `count` of `total` round trips done. */
  | { readonly type: 'synchronizing'; readonly player: number; readonly count: number; readonly total: number }
  /** The handshake with one peer is complete. */
  | { readonly type: 'synchronized'; readonly player: number }
  /** Every peer is synchronized: frames advance from now on. */
  | { readonly type: 'running' }
  /** Nothing heard from `player` for a while; it will be dropped in `disconnectInMs` unless it speaks. */
  | { readonly type: 'interrupted'; readonly player: number; readonly disconnectInMs: number }
  /** `player` was heard again after an interruption. */
  | { readonly type: 'resumed'; readonly player: number }
  /**
   * Every survivor has agreed to drop `player`: its real inputs end at `frame`, and from
   * `frame + 1` on every peer steps it with status Disconnected.
   */
  | { readonly type: 'disconnected'; readonly player: number; readonly frame: number }
  /** The confirmed state at the start of `frame` differs between us and `player`. */
  | {
      readonly type: 'desync';
      readonly frame: number;
      readonly player: number;
      readonly localChecksum: number;
      readonly remoteChecksum: number;
    }
  /** We run `frames` ahead of the slowest peer: skip that many frames (or slow down) to even out. */
  | { readonly type: 'wait-recommendation'; readonly frames: number }
  /** A peer answered with other session parameters (fingerprint or epoch); its packets are dropped. */
  | { readonly type: 'incompatible-peer'; readonly player: number; readonly reason: string };

export type SessionEventType = SessionEvent['type'];
