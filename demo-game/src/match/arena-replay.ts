import { InputStatus, ReplayPlayer, ReplayRecorder } from 'backspin';
import type { Replay } from 'backspin';
import { ArenaGame, ArenaMode, ARENA_MODE_KEYS, ARENA_MODES, arenaInputCodec } from '../sim/index.ts';
import type { ArenaInput, ArenaState } from '../sim/index.ts';

/** The arena's mark at the start of a replay's settings: the game and its rules' version. */
const ARENA_RULES = 'backspin-arena/1';

/**
 * The arena's settings as a replay records them: its mark (game and rules version), then ` mode=`
 * and the mode's key unless it is Classic (`backspin-arena/1 mode=shrinking-ring`), so replays
 * from before modes existed read as Classic. A replay of another game, or of rules or a mode this
 * build does not have, is refused by name instead of playing back as nonsense (a replay of
 * slightly different rules would play, and its checksums would say where the rules part ways).
 */
export function arenaReplaySettings(mode: ArenaMode = ArenaMode.Classic): Uint8Array {
  return new TextEncoder().encode(mode === ArenaMode.Classic ? ARENA_RULES : `${ARENA_RULES} mode=${ARENA_MODE_KEYS[mode]}`);
}

/** The mode of a replay's settings; an Error whose message can be shown as it is otherwise. */
export function arenaReplayMode(settings: Uint8Array): ArenaMode {
  const text = new TextDecoder().decode(settings);
  const [rules, ...options] = text.split(' ');
  if (rules !== ARENA_RULES) {
    throw new Error(text.startsWith('backspin-arena/') ? `This replay is of arena rules ${rules!.slice(15)}; this build plays rules 1.` : 'This replay is not of Backspin Arena.');
  }
  if (options.length === 0) return ArenaMode.Classic;
  const key = options.length === 1 && options[0]!.startsWith('mode=') ? options[0]!.slice(5) : undefined;
  const mode = ARENA_MODES.find((m) => ARENA_MODE_KEYS[m] === key);
  if (mode === undefined) throw new Error(`This replay is of an arena mode this build does not have (${text.slice(ARENA_RULES.length + 1, ARENA_RULES.length + 41)}).`);
  return mode;
}
/** The file extension the demo saves replays under. */
export const REPLAY_FILE_EXTENSION = '.bsr';

/** What a match recorder needs: the same values its `ArenaGame` was built from. */
export interface ArenaRecordingOptions {
  readonly players: number;
  readonly seed: number;
  /** Default Classic. */
  readonly mode?: ArenaMode | undefined;
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
    settings: arenaReplaySettings(options.mode),
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
  const mode = arenaReplayMode(d.settings);
  if (d.inputSize !== arenaInputCodec.size || d.players < 2 || d.players > 8) throw new Error(`An arena replay has 2 to 8 players with ${arenaInputCodec.size}-byte inputs; this one has ${d.players} with ${d.inputSize}.`);
  const game = new ArenaGame({ players: d.players, seed: d.seed, mode });
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
