/**
 * Replays: a match recorded as its decision, its final inputs and its confirmed checksums
 * (docs/replays.md). Pure: no clock, no I/O.
 */
export { ReplayRecorder } from './replay-recorder.ts';
export type { ReplayRecorderOptions } from './replay-recorder.ts';
export { ReplayPlayer } from './replay-player.ts';
export type { ReplayMismatch, ReplayPlayerConfig } from './replay-player.ts';
export { encodeReplay, decodeReplay } from './replay-codec.ts';
export { ReplayFormatError } from './replay-format-error.ts';
export { REPLAY_VERSION, MAX_REPLAY_NAME_BYTES, MAX_REPLAY_SETTINGS_BYTES } from './replay-format.ts';
export type { Replay, ReplayAbsence, ReplayDecision, ReplayTrack } from './replay-format.ts';
