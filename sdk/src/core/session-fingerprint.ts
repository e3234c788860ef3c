import { hashBytes } from '../kit/hash.ts';
import { MAX_INPUT_BYTES, MAX_PLAYERS, PROTOCOL_VERSION } from '../protocol/messages.ts';

/**
 * A u32 digest of what every peer of a session must share: protocol version, player count,
 * input size and match id. Exchanged in the handshake; a peer with another fingerprint is refused
 * before any input flows, rather than desyncing later.
 */
export function sessionFingerprint(playerCount: number, inputSize: number, matchId: number, version = PROTOCOL_VERSION): number {
  const bytes = new Uint8Array(7);
  bytes[0] = version;
  bytes[1] = playerCount;
  bytes[2] = inputSize;
  new DataView(bytes.buffer).setUint32(3, matchId >>> 0, true);
  return hashBytes(bytes, 0x42535031);
}

/**
 * Which shared parameter a peer's fingerprint differs in, in words, for an `incompatible-peer`
 * event: the handshake carries the digest only, so each parameter is tried alone (every player
 * count, every input size, every earlier protocol version, about 80 digests, once per peer) and
 * the one that makes it match is named. A different match id, or several differences, cannot be
 * told apart and are said as such.
 */
export function explainFingerprint(theirs: number, playerCount: number, inputSize: number, matchId: number): string {
  for (let n = 2; n <= MAX_PLAYERS; n++) {
    if (n !== playerCount && sessionFingerprint(n, inputSize, matchId) === theirs) return `player count differs: it has ${n} players, we have ${playerCount}`;
  }
  for (let size = 1; size <= MAX_INPUT_BYTES; size++) {
    if (size !== inputSize && sessionFingerprint(playerCount, size, matchId) === theirs) return `input size differs: it sends ${size}-byte inputs, we ${inputSize}-byte ones`;
  }
  for (let version = 0; version <= 255; version++) {
    if (version !== PROTOCOL_VERSION && sessionFingerprint(playerCount, inputSize, matchId, version) === theirs) return `protocol version differs: it speaks version ${version}, we ${PROTOCOL_VERSION} (another build of the SDK)`;
  }
  return 'match id differs (it belongs to another match), or several parameters do (player count, input size, protocol version)';
}
