import { BinaryReader } from '../kit/binary-reader.ts';
import { BinaryWriter } from '../kit/binary-writer.ts';

/** Version byte of the snapshot format below; a snapshot of another version is refused. */
export const REJOIN_SNAPSHOT_VERSION = 1;

/** One player at the snapshot's frame, as the returning peer must set it up. */
export type SnapshotPlayer =
  /**
   * In the match: `reference` is its input at `frame - 1` (`inputSize` bytes), the XOR reference
   * of the first run of its inputs the returning peer will receive (all zeros at frame 0).
   */
  | { readonly present: true; readonly reference: Uint8Array }
  /** Gone: every peer agreed that its real inputs ended at `lastFrame` (< the snapshot's frame). */
  | { readonly present: false; readonly lastFrame: number };

/**
 * What a survivor sends a player who returns to a running match: the game's state at the start of
 * `frame`, every input before which is final, and what the session needs besides the game's state
 * to go on from there. Sent whole through `StateSender`, whose hash covers it.
 */
export interface RejoinSnapshot {
  readonly frame: number;
  readonly inputSize: number;
  /** Indexed by player handle. */
  readonly players: readonly SnapshotPlayer[];
  /** `Game.encodeState` of the state at the start of `frame`. */
  readonly game: Uint8Array;
}

/**
 * The snapshot as bytes: version (u8), player count (u8), input size (u8), frame (varuint); per
 * player a u8 (1 present, 0 gone) and then its reference input (`inputSize` bytes) or its last
 * frame + 1 (varuint); then the game's state, its length (varuint) first.
 */
export function encodeRejoinSnapshot(snapshot: RejoinSnapshot): Uint8Array {
  const w = new BinaryWriter(64 + snapshot.game.length + snapshot.players.length * (snapshot.inputSize + 1));
  w.u8(REJOIN_SNAPSHOT_VERSION).u8(snapshot.players.length).u8(snapshot.inputSize).varUint(snapshot.frame);
  for (const player of snapshot.players) {
    if (player.present) {
      if (player.reference.length !== snapshot.inputSize) throw new RangeError(`a reference input has ${player.reference.length} bytes, not ${snapshot.inputSize}`);
      w.u8(1).bytes(player.reference);
    } else {
      if (!Number.isInteger(player.lastFrame) || player.lastFrame < -1 || player.lastFrame >= snapshot.frame) {
        throw new RangeError(`a departed player's last frame must be in -1..${snapshot.frame - 1}, got ${String(player.lastFrame)}`);
      }
      w.u8(0).varUint(player.lastFrame + 1);
    }
  }
  w.varUint(snapshot.game.length).bytes(snapshot.game);
  return w.finish();
}

/**
 * Reads a snapshot for a session of `playerCount` players with `inputSize`-byte inputs. The bytes
 * passed the transfer's hash, so they are what the sender meant; anything that does not fit this
 * session (another format version, player count or input size, a departed player's frame at or
 * after the snapshot's, bytes left over) is refused with a RangeError that says what, and a
 * truncated one with a `BinaryReadError`.
 */
export function decodeRejoinSnapshot(bytes: Uint8Array, playerCount: number, inputSize: number): RejoinSnapshot {
  const r = new BinaryReader(bytes);
  const version = r.readU8();
  if (version !== REJOIN_SNAPSHOT_VERSION) throw new RangeError(`rejoin snapshot version ${version}, this SDK reads ${REJOIN_SNAPSHOT_VERSION}`);
  const players = r.readU8();
  if (players !== playerCount) throw new RangeError(`the snapshot has ${players} players, this session ${playerCount}`);
  const size = r.readU8();
  if (size !== inputSize) throw new RangeError(`the snapshot's inputs are ${size} bytes, this session's ${inputSize}`);
  const frame = r.readVarUint();
  if (frame > 0x7fffffff) throw new RangeError(`snapshot frame ${frame} is out of range`);
  const out: SnapshotPlayer[] = [];
  for (let p = 0; p < players; p++) {
    const present = r.readU8();
    if (present === 1) {
      out.push({ present: true, reference: r.readBytes(inputSize) });
    } else if (present === 0) {
      const lastFrame = r.readVarUint() - 1;
      if (lastFrame >= frame) throw new RangeError(`player ${p} left at frame ${lastFrame}, not before the snapshot's frame ${frame}`);
      out.push({ present: false, lastFrame });
    } else {
      throw new RangeError(`player ${p}: presence byte ${present}`);
    }
  }
  const length = r.readVarUint();
  const game = r.readBytes(length);
  if (r.remaining !== 0) throw new RangeError(`${r.remaining} bytes after the snapshot`);
  return { frame, inputSize, players: out, game };
}
