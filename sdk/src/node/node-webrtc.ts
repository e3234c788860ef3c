import { RTCIceCandidate, RTCPeerConnection, RTCSessionDescription } from 'node-datachannel/polyfill';

/**
 * node-datachannel's `RTCPeerConnection`, except that `addIceCandidate` never rejects.
 * geckos.io's client polls the host for ICE candidates for about 10 s after connecting and adds
 * each one without awaiting the promise. Once its connection has closed (a reconnect, a host that
 * went away), that promise rejects ("addRemoteCandidate() called on destroyed peer connection"),
 * unhandled, and an unhandled rejection ends a Node process. A candidate that cannot be added to
 * a closed connection is of no use anyway.
 */
class QuietCandidatePeerConnection extends RTCPeerConnection {
  override addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
    return super.addIceCandidate(candidate ?? undefined).catch(() => undefined);
  }
}

/**
 * Makes `@geckos.io/client` work in Node: it expects the browser's `RTCPeerConnection`,
 * `RTCSessionDescription` and `RTCIceCandidate` as globals, which node-datachannel's polyfill
 * provides (libdatachannel underneath). Idempotent; leaves existing globals alone. The only file
 * of a Node client that imports node-datachannel (the host's is `host/member-peer.ts`).
 */
export function installNodeWebRTC(): void {
  const g = globalThis as Record<string, unknown>;
  g['RTCPeerConnection'] ??= QuietCandidatePeerConnection;
  g['RTCSessionDescription'] ??= RTCSessionDescription;
  g['RTCIceCandidate'] ??= RTCIceCandidate;
}
