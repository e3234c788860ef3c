import type { MatchDecision, Replay, RoomConnection } from 'backspin';
import type { NetworkProfile } from 'backspin/sim';
import type { ArenaMode } from '../sim/index.ts';

/** What the match scene is asked to play; the results scene hands it back for "play again". */
export type MatchRequest =
  | {
      readonly mode: 'online';
      readonly connection: RoomConnection;
      readonly match: MatchDecision;
      /** This page was reloaded mid-match: its session rejoins the running match (docs/rejoin-and-spectators.md). */
      readonly rejoin?: boolean;
    }
  | { readonly mode: 'bots'; readonly playerName: string; readonly bots: number; readonly syncTest: boolean; readonly gameMode?: ArenaMode | undefined }
  | {
      readonly mode: 'simulator';
      readonly playerName: string;
      readonly players: number;
      readonly profileName: string;
      readonly profile: NetworkProfile;
      readonly maxPrediction: number;
      /** Frames, or 'auto': each session chooses its own from its round trips. */
      readonly inputDelay: number | 'auto';
      /** The way to play (default Classic); online, the room's settings say it. */
      readonly gameMode?: ArenaMode | undefined;
    };

/** The final standings, for the results scene. */
export interface MatchResult {
  readonly request: MatchRequest;
  readonly names: readonly string[];
  readonly localPlayer: number;
  /** By player: rounds won, knock-outs scored this (last) round, times knocked out, left early. */
  readonly roundsWon: readonly number[];
  readonly falls: readonly number[];
  readonly left: readonly boolean[];
  /** Winning player handle, or -1. */
  readonly winner: number;
  /** Why the match ended early (a dropped host), if it did. */
  readonly endedEarly?: string;
  /** The match as recorded (see docs/replays.md), for "Watch replay" and "Save replay". */
  readonly replay?: Replay;
}
