import { hashBytes } from '../kit/hash.ts';
import { PROTOCOL_VERSION } from '../protocol/messages.ts';

/**
 * A u32 digest of what every peer of a session must share: protocol version, player count,
 * input size and match id. Exchanged in the handshake; a peer with another fingerprint is refused
 * before any input flows, rather than desyncing later.
 */
export function sessionFingerprint(playerCount: number, inputSize: number, matchId: number): number {
  const bytes = new Uint8Array(7);
  bytes[0] = PROTOCOL_VERSION;
  bytes[1] = playerCount;
  bytes[2] = inputSize;
  new DataView(bytes.buffer).setUint32(3, matchId >>> 0, true);
  return hashBytes(bytes, 0x42535031);
}
