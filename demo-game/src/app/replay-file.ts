import { decodeReplay, encodeReplay } from 'backspin';
import type { Replay } from 'backspin';
import { REPLAY_FILE_EXTENSION } from '../match/arena-replay.ts';

/** Offers `replay` as a download (a `.bsr` file named after `name`), through a temporary link. */
export function saveReplayFile(replay: Replay, name: string): void {
  const bytes = encodeReplay(replay);
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}${REPLAY_FILE_EXTENSION}`;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the link; the object URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Reads a replay file the player chose; rejects with `decodeReplay`'s `ReplayFormatError` if it is not one. */
export async function readReplayFile(file: File): Promise<Replay> {
  return decodeReplay(new Uint8Array(await file.arrayBuffer()));
}

/** A file name for the replay of a match that ends now: `backspin-arena-2026-12-06-1042`. */
export function replayFileName(now: Date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `backspin-arena-${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}`;
}
