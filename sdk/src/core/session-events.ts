/** Why a session ended (`P2PSession.endReason`, the `ended` event). */
export const SessionEndReason = {
  /** `leave()` was called. */
  Left: 'left',
  /**
   * The other players dropped this one (a peer's statuses say so, or the room authority did):
   * drops spread to every survivor, so playing on is impossible.
   */
  Removed: 'removed',
  /** No peer was heard for `isolationTimeoutMs`: this peer's own connection is gone. */
  Isolated: 'isolated',
} as const;
export type SessionEndReason = (typeof SessionEndReason)[keyof typeof SessionEndReason];

/**
 * What a session reports to the game, drained with `session.events()` once per frame.
 * Handles are player handles (index into the session's `players`).
 */
export type SessionEvent =
  /**
   * Handshake progress with one peer: `count` of `total` round trips done. With `silentMs`: that
   * peer has answered none of our requests for this long (ms; raised every 3 s while it stays
   * silent): most likely its address is wrong, or no session for this match runs there.
   */
  | {
      readonly type: 'synchronizing';
      /** The peer's handle. */
      readonly player: number;
      /** Handshake round trips done. */
      readonly count: number;
      /** Round trips needed (`syncRoundTrips`). */
      readonly total: number;
      /** How long the peer has answered none of our requests (ms), when it has been silent. */
      readonly silentMs?: number;
    }
  /** The handshake with one peer is complete. */
  | {
      readonly type: 'synchronized';
      /** The peer's handle. */
      readonly player: number;
    }
  /** Every peer is synchronized: frames advance from now on. */
  | { readonly type: 'running' }
  /** Nothing heard from `player` for a while; it will be dropped in `disconnectInMs` unless it speaks. */
  | {
      readonly type: 'interrupted';
      /** The silent peer's handle. */
      readonly player: number;
      /** Time left before it is dropped (ms). */
      readonly disconnectInMs: number;
    }
  /** `player` was heard again after an interruption. */
  | {
      readonly type: 'resumed';
      /** The peer's handle. */
      readonly player: number;
    }
  /**
   * No remaining peer has been heard for `disconnectTimeoutMs`: the silence is taken to be our own
   * link's, so nobody is dropped for it. The session keeps sending and stalls at its prediction
   * limit; it ends (reason 'isolated') in `endInMs` unless some peer is heard again.
   */
  | {
      readonly type: 'isolated';
      /** Time left before the session ends (ms). */
      readonly endInMs: number;
    }
  /** A peer was heard again after `isolated`: the match goes on, every peer's silence timer restarts. */
  | { readonly type: 'reconnected' }
  /** The session has ended (`state` is Ended): stop the match. Raised once. */
  | {
      readonly type: 'ended';
      /** Why it ended. */
      readonly reason: SessionEndReason;
    }
  /**
   * Every survivor has agreed to drop `player`: its real inputs end at `frame`, and from
   * `frame + 1` on every peer steps it with status Disconnected.
   */
  | {
      readonly type: 'disconnected';
      /** The dropped player's handle. */
      readonly player: number;
      /** Its last frame of real inputs. */
      readonly frame: number;
    }
  /**
   * Rejoining (`rejoin: true`): the match's state at the start of `frame` arrived from `player`
   * and is loaded. The session now simulates up to the present as fast as the others' inputs
   * allow, then agrees on the frame it re-enters at (`readmitted`).
   */
  | {
      readonly type: 'state-loaded';
      /** The frame the match goes on from here. */
      readonly frame: number;
      /** The peer that sent it. */
      readonly player: number;
    }
  /**
   * Every peer agreed that `player` (which had dropped out, or is this session's own, rejoining)
   * is back: its inputs count again from `frame` on; before, from its departure, it was
   * Disconnected.
   */
  | {
      readonly type: 'readmitted';
      /** The returning player's handle. */
      readonly player: number;
      /** The first frame of its inputs after its return. */
      readonly frame: number;
    }
  /** The confirmed state at the start of `frame` differs between us and `player`. */
  | {
      readonly type: 'desync';
      /** The frame whose starting state differs. */
      readonly frame: number;
      /** The peer whose checksum differs. */
      readonly player: number;
      /** Our checksum of that state (u32). */
      readonly localChecksum: number;
      /** The peer's checksum of that state (u32). */
      readonly remoteChecksum: number;
    }
  /** We run `frames` ahead of the slowest peer: skip that many frames (or slow down) to even out. */
  | {
      readonly type: 'wait-recommendation';
      /** How many frames to give up (frames). */
      readonly frames: number;
    }
  /** A peer answered with other session parameters (fingerprint or epoch); its packets are dropped. */
  | {
      readonly type: 'incompatible-peer';
      /** The peer's handle. */
      readonly player: number;
      /** Which parameter differs, for a log. */
      readonly reason: string;
    };

/** The `type` of a `SessionEvent`: 'synchronizing', 'running', 'desync', ... */
export type SessionEventType = SessionEvent['type'];
