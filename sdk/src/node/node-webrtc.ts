import { RTCIceCandidate, RTCPeerConnection, RTCSessionDescription } from 'node-datachannel/polyfill';

/**
 * Makes `@geckos.io/client` work in Node: it expects the browser's `RTCPeerConnection`,
 * `RTCSessionDescription` and `RTCIceCandidate` as globals, which node-datachannel's polyfill
 * provides (libdatachannel underneath). Idempotent; leaves existing globals alone. The only file
 * that imports node-datachannel.
 */
export function installNodeWebRTC(): void {
  const g = globalThis as Record<string, unknown>;
  g['RTCPeerConnection'] ??= RTCPeerConnection;
  g['RTCSessionDescription'] ??= RTCSessionDescription;
  g['RTCIceCandidate'] ??= RTCIceCandidate;
}
