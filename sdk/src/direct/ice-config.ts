/**
 * The ICE settings a game may give its direct links, as the SDK's own types rather than the DOM's
 * `RTCIceServer` and `RTCIceTransportPolicy`: the declarations of `backspin` then compile in a
 * project without the DOM library (a Node bot or test), and a browser's values fit them as they are.
 */

/** One STUN or TURN server, as `RTCPeerConnection` takes it. */
export interface IceServer {
  /** `stun:host:port` or `turn:host:port?transport=udp`, one or several. */
  readonly urls: string | string[];
  /** TURN user name. */
  readonly username?: string;
  /** TURN password. */
  readonly credential?: string;
}

/** `'all'` tries every path; `'relay'` sends everything through TURN. */
export type IceTransportPolicy = 'all' | 'relay';

/** What a link passes to its peer connection's constructor. */
export interface PeerConnectionConfig {
  readonly iceServers: IceServer[];
  readonly iceTransportPolicy: IceTransportPolicy;
}
