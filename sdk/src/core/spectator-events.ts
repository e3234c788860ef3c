import type { PeerAddress } from '../transport/transport.ts';
import type { DropReason } from '../protocol/messages.ts';

/** The match's state arrived from `source` and was loaded. */
export interface SpectatorStateLoadedEvent {
  /** Which event. */
  readonly type: 'state-loaded';
  /** The spectator goes on from this frame (the state is the one at its start). */
  readonly frame: number;
  /** The feed that sent it. */
  readonly source: PeerAddress;
}

/** The spectator's state differs from the players': what it shows is not the match any more. */
export interface SpectatorDesyncEvent {
  /** Which event. */
  readonly type: 'desync';
  /** The state at the start of this frame was compared. */
  readonly frame: number;
  /** The spectator's checksum of it (u32). */
  readonly localChecksum: number;
  /** The players' confirmed checksum of it (u32), as `source` sent it. */
  readonly remoteChecksum: number;
  /** The feed that sent the players' checksum. */
  readonly source: PeerAddress;
}

/**
 * Nothing heard from `source` for `silentMs` (its player left or crashed, or the link is down):
 * pick another player's feed with `switchSource`. Raised once per source.
 */
export interface SpectatorSourceLostEvent {
  /** Which event. */
  readonly type: 'source-lost';
  /** The silent feed. */
  readonly source: PeerAddress;
  /** How long it has been silent (ms). */
  readonly silentMs: number;
}

/** What a `SpectatorSession` tells the game, drained with `events()`. */
export type SpectatorEvent = SpectatorStateLoadedEvent | SpectatorDesyncEvent | SpectatorSourceLostEvent;

/** The `type` of each spectator event. */
export type SpectatorEventType = SpectatorEvent['type'];

/** Why a spectator or a feed dropped a datagram: the codec's reasons, and these. */
export const SpectatorDropReason = {
  /** From an address that is not the spectator's source (at the spectator). */
  UnknownSender: 'unknown-sender',
  /** A message only the other end sends (a spectator sending inputs, a feed sending Spectate). */
  Spoofed: 'spoofed',
  /** For a transfer or a frame that is over. */
  Stale: 'stale',
  /** Another match (fingerprint), or a state this game cannot load. */
  Incompatible: 'incompatible',
  /** A new spectator while the feed serves `maxSpectators` already (at the feed). */
  Full: 'full',
} as const;
export type SpectatorDropReason = (typeof SpectatorDropReason)[keyof typeof SpectatorDropReason];

/** A `SpectatorSession`'s figures, as of now. */
export interface SpectatorStats {
  /** The frame the next simulated frame is. */
  readonly currentFrame: number;
  /** Newest frame whose confirmed inputs the spectator holds (-1: none). */
  readonly newestFrame: number;
  /** Newest frame its source said was confirmed (-1: none heard). */
  readonly liveFrame: number;
  /** Frames held and not simulated yet (`newestFrame + 1 - currentFrame`): the jitter buffer. */
  readonly framesBehind: number;
  /** Frames simulated in all. */
  readonly framesSimulated: number;
  /** `advanceFrame` calls that simulated nothing while watching (no input held: the buffer ran dry). */
  readonly stallAdvances: number;
  /** `advanceFrame` calls that held back to refill the buffer (below its target, one in eight). */
  readonly slowedAdvances: number;
  /** Frames simulated beyond one per `advanceFrame` to catch up. */
  readonly catchUpFrames: number;
  /** States loaded (joining mid-match, or a feed that lacked the frames it needed). */
  readonly statesLoaded: number;
  /** Checksums compared with the players' confirmed ones, and those that differed. */
  readonly checksumsVerified: number;
  /** Checksums that differed (each also a `desync` event). */
  readonly desyncs: number;
  /** Datagrams accepted from its source, and their bytes (payload, no UDP/IP headers). */
  readonly packetsReceived: number;
  /** Bytes of those datagrams. */
  readonly bytesReceived: number;
  /** Datagrams sent to its source (acknowledgements), and their bytes. */
  readonly packetsSent: number;
  /** Bytes of those datagrams. */
  readonly bytesSent: number;
  /** Datagrams dropped, by reason. */
  readonly dropped: Readonly<Record<DropReason | SpectatorDropReason, number>>;
}

/** A `SpectatorFeed`'s figures, as of now. Bytes are datagram payloads (no UDP/IP headers). */
export interface SpectatorFeedStats {
  /** Spectators served now. */
  readonly spectators: number;
  /** Spectators that joined, left (said so), and were dropped for silence, in all. */
  readonly joined: number;
  /** Spectators that said they leave. */
  readonly left: number;
  /** Spectators dropped for silence (`timeoutMs`). */
  readonly timedOut: number;
  /** Newest frame whose confirmed inputs the feed holds (-1: none). */
  readonly newestFrame: number;
  /** Oldest frame whose confirmed inputs the feed holds (-1: none). */
  readonly oldestFrame: number;
  /** State transfers started (spectators joining mid-match, or too far behind). */
  readonly statesSent: number;
  /** Datagrams sent to spectators (inputs, keepalives, state chunks). */
  readonly packetsSent: number;
  /** Bytes of those datagrams. */
  readonly bytesSent: number;
  /** Datagrams accepted from spectators (Spectate, StateAck). */
  readonly packetsReceived: number;
  /** Bytes of those datagrams. */
  readonly bytesReceived: number;
  /** Datagrams dropped, by reason. */
  readonly dropped: Readonly<Record<DropReason | SpectatorDropReason, number>>;
}

/** A fresh drop counter. */
export function spectatorDropCounts(): Record<DropReason | SpectatorDropReason, number> {
  return {
    truncated: 0,
    oversized: 0,
    magic: 0,
    version: 0,
    'unknown-type': 0,
    malformed: 0,
    gap: 0,
    'unknown-sender': 0,
    spoofed: 0,
    stale: 0,
    incompatible: 0,
    full: 0,
  };
}
