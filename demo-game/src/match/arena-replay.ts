import { InputStatus, ReplayPlayer, ReplayRecorder } from 'backspin';
import type { Replay } from 'backspin';
import { ArenaGame, arenaInputCodec } from '../sim/index.ts';
import type { ArenaInput, ArenaState } from '../sim/index.ts';

/**
 * The arena's mark in a replay's settings: the game and its rules' version. A replay of another
 * game, or of rules this build does not have, is refused by name instead of playing back as
 * nonsense (a replay of slightly different rules would play, and its checksums would say where
 * the rules part ways).
 */
export const ARENA_REPLAY_SETTINGS = new TextEncoder().encode('backspin-arena/1');
/** The file extension the demo saves replays under. */
export const REPLAY_FILE_EXTENSION = '.bsr';

/** What a match recorder needs: the same values its `ArenaGame` was built from. */
export interface ArenaRecordingOptions {
  readonly players: number;
  readonly seed: number;
  readonly matchId?: number;
  readonly fps?: number;
  readonly names: readonly string[];
}

/** A recorder for an arena match; attach its hooks to the local player's session. */
export function createArenaRecorder(options: ArenaRecordingOptions): ReplayRecorder {
  return new ReplayRecorder({
    players: options.players,
    inputSize: arenaInputCodec.size,
    fps: options.fps ?? 60,
    seed: options.seed >>> 0,
    matchId: (options.matchId ?? 0) >>> 0,
    settings: ARENA_REPLAY_SETTINGS,
    names: options.names.map(shortName),
  });
}

/**
 * Records a frame stepped with no session (against bots: every input is final as it is stepped),
 * with the state's checksum every `checksumInterval` frames, as a session would report it.
 */
export class LocalArenaRecording {
  readonly recorder: ReplayRecorder;
  private readonly bytes: Uint8Array[];
  private readonly statuses: InputStatus[];

  constructor(
    options: ArenaRecordingOptions,
    private readonly checksumInterval: number,
  ) {
    this.recorder = createArenaRecorder(options);
    this.bytes = Array.from({ length: options.players }, () => new Uint8Array(arenaInputCodec.size));
    this.statuses = new Array<InputStatus>(options.players).fill(InputStatus.Confirmed);
  }

  /** Call just before `frame` is stepped with `inputs` (the game still at the start of `frame`). */
  frame(game: ArenaGame, frame: number, inputs: readonly ArenaInput[]): void {
    if (frame % this.checksumInterval === 0) this.recorder.onChecksum(frame, game.checksum());
    for (let p = 0; p < inputs.length; p++) {
      this.bytes[p]!.fill(0);
      arenaInputCodec.encode(inputs[p]!, this.bytes[p]!);
    }
    this.recorder.onConfirmedInputs(frame, this.bytes, this.statuses);
  }
}

/** A replay ready to watch: its player, the game it steps (to draw), and the players' names. */
export interface ArenaReplay {
  readonly player: ReplayPlayer<ArenaInput, ArenaState>;
  readonly game: ArenaGame;
  readonly names: readonly string[];
}

/**
 * Builds the arena exactly as the recorded match started it and a player for the replay. Throws
 * an Error whose message can be shown as it is if the replay is not an arena replay this build
 * can play.
 */
export function playArenaReplay(replay: Replay): ArenaReplay {
  const d = replay.decision;
  const settings = new TextDecoder().decode(d.settings);
  if (settings !== new TextDecoder().decode(ARENA_REPLAY_SETTINGS)) {
    throw new Error(settings.startsWith('backspin-arena/') ? `This replay is of arena rules ${settings.slice(15)}; this build plays rules 1.` : 'This replay is not of Backspin Arena.');
  }
  if (d.inputSize !== arenaInputCodec.size || d.players < 2 || d.players > 8) throw new Error(`An arena replay has 2 to 8 players with ${arenaInputCodec.size}-byte inputs; this one has ${d.players} with ${d.inputSize}.`);
  const game = new ArenaGame({ players: d.players, seed: d.seed });
  const player = new ReplayPlayer({ game, input: arenaInputCodec, replay, keyframeIntervalFrames: 300 });
  const names = d.names ?? Array.from({ length: d.players }, (_, p) => `Player ${p + 1}`);
  return { player, game, names };
}

/** A name cut to the replay format's 64 UTF-8 bytes (the demo's names are shorter anyway). */
function shortName(name: string): string {
  let out = name;
  while (new TextEncoder().encode(out).length > 64) out = out.slice(0, -1);
  return out;
}
