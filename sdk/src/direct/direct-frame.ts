import { MAX_PACKET_BYTES, PROTOCOL_MAGIC } from '../protocol/messages.ts';

/**
 * What travels on a direct link's data channel, one datagram each. The first byte says whose it
 * is:
 *
 * | first byte | name      | rest                                                              |
 * |------------|-----------|-------------------------------------------------------------------|
 * | 0xd0       | Ping      | u32 little-endian id: a liveness probe; the other end echoes it.  |
 * | 0xd1       | Pong      | u32 little-endian id, echoed.                                     |
 * | 0xd2       | Forward   | u8 to-slot, then a session packet: "please pass this to `to`".    |
 * | 0xd3       | Forwarded | u8 from-slot, then a session packet: "this came from `from`".     |
 * | 0xd4       | Reach     | u16 little-endian bitmask of the slots the sender has an open,    |
 * |            |           | alive direct link to (bit N: slot N; slots 0..15), then u8 flags: |
 * |            |           | bit 0, the sender's connection to the host is up.                 |
 * | 0xd5       | Holder    | the room's authority, after the host: who the sender takes as the |
 * | 0xd6       | Join      | room's holder, a member's request to join it, and the relay       |
 * | 0xd7       | Tunnel    | frames between a member and its holder, and the last two through  |
 * | 0xd8       | Via       | a third player for a pair without a link of its own               |
 * | 0xd9       | From      | (migration/holder-frame.ts).                                      |
 * | 0xb5       | payload   | a session packet, unchanged (`PROTOCOL_MAGIC`, docs/protocol.md). |
 *
 * Session packets travel as they are, with no prefix and no copy: every one starts with
 * `PROTOCOL_MAGIC` (0xb5), which is not a link kind, so a ping can never be read as a session
 * packet nor the other way round. The link's own kinds are 0xd0 and up, apart from the relay's
 * frame kinds (1..4, relay/relay-frame.ts), so that a frame sent down the wrong path is dropped as
 * unknown rather than misread. A payload is any datagram whose first byte is not a link kind; the
 * link refuses to send one that starts with a link kind. The whole range 0xd0..0xdf is the link's:
 * a kind in it that this version does not know is dropped, never handed to the session.
 *
 * Forward, Forwarded and Reach are the peer relay's (mesh/peer-relay-route.ts): a pair without a
 * direct link of its own passes its session packets through a third player linked to both. The
 * forwarder writes the `from` of a Forwarded frame itself, from the link the Forward came on; a
 * Forward carries only where it goes, so a sender cannot claim to be someone else.
 *
 * Holder, Join, Tunnel, Via and From are host migration's (migration/): when the host is gone,
 * the members reach the player that took the room over through their direct links to it, or
 * through a third player linked to both. The link only
 * carries them (`sendFrame`, `receiveAuthorityFrames`); their contents are migration's business.
 */
export const DirectFrameKind = {
  Ping: 0xd0,
  Pong: 0xd1,
  Forward: 0xd2,
  Forwarded: 0xd3,
  Reach: 0xd4,
  Holder: 0xd5,
  Join: 0xd6,
  Tunnel: 0xd7,
  Via: 0xd8,
  From: 0xd9,
} as const;
export type DirectFrameKind = (typeof DirectFrameKind)[keyof typeof DirectFrameKind];

/** Bytes of a Ping or Pong frame. */
export const PING_FRAME_BYTES = 5;

/** Bytes of a Reach frame: kind, a u16 mask and a flags byte. */
export const REACH_FRAME_BYTES = 4;
/** Reach flag: the sender's connection to the host is up (it hears the host). */
const REACH_HEARS_HOST = 1;

/** The highest slot a Reach mask can name (u16: slots 0..15, as many as MAX_PLAYERS). */
export const REACH_MAX_SLOT = 15;

/**
 * The largest peer-relay frame (bytes): a session packet (MAX_PACKET_BYTES) and 2 bytes of kind and
 * slot. Far below what a data channel carries in one message (SCTP's 64 KiB and more), so the only
 * limit is ours.
 */
export const MAX_PEER_RELAY_FRAME_BYTES = MAX_PACKET_BYTES + 2;

/** The link's own range of first bytes (0xd0..0xdf): never a payload. */
const LINK_KIND_FIRST = 0xd0;
const LINK_KIND_LAST = 0xdf;

/** Whether a datagram starting with `first` is one of the link's own frames (not a payload), known or not. */
export function isLinkFrameKind(first: number | undefined): boolean {
  return first !== undefined && first >= LINK_KIND_FIRST && first <= LINK_KIND_LAST;
}

/** Whether a datagram starting with `first` is a peer-relay frame (Forward, Forwarded or Reach). */
export function isPeerRelayFrameKind(first: number | undefined): boolean {
  return first === DirectFrameKind.Forward || first === DirectFrameKind.Forwarded || first === DirectFrameKind.Reach;
}

/** Whether a datagram starting with `first` is one of host migration's frames (Holder, Join, Tunnel, Via or From). */
export function isAuthorityFrameKind(first: number | undefined): boolean {
  return first !== undefined && first >= DirectFrameKind.Holder && first <= DirectFrameKind.From;
}

/**
 * The largest host-migration frame (bytes). A Tunnel frame carries a relay frame from the holder,
 * whose control segments may hold a whole `room-state` (up to 8 KiB and the channel's 48 bytes);
 * 16 KiB leaves room and stays far below what a data channel carries in one message.
 */
export const MAX_AUTHORITY_FRAME_BYTES = 16 * 1024;

/** A decoded peer-relay frame. `packet` is a view into the frame (no copy). */
export type PeerRelayFrame =
  | { readonly kind: typeof DirectFrameKind.Forward; readonly to: number; readonly packet: Uint8Array }
  | { readonly kind: typeof DirectFrameKind.Forwarded; readonly from: number; readonly packet: Uint8Array }
  | { readonly kind: typeof DirectFrameKind.Reach; readonly mask: number; readonly hearsHost: boolean };

/** Whether `packet` may travel through a peer relay: a session packet (first byte 0xb5) of 1..MAX_PACKET_BYTES bytes. */
export function isRelayablePacket(packet: Uint8Array): boolean {
  return packet.length > 0 && packet.length <= MAX_PACKET_BYTES && packet[0] === PROTOCOL_MAGIC;
}

/** A Forward (`to`) or Forwarded (`from`) frame around `packet`, or undefined if the slot is not 0..255 or the packet not relayable. */
export function encodeRelayed(kind: typeof DirectFrameKind.Forward | typeof DirectFrameKind.Forwarded, slot: number, packet: Uint8Array): Uint8Array | undefined {
  if (!Number.isInteger(slot) || slot < 0 || slot > 0xff || !isRelayablePacket(packet)) return undefined;
  const out = new Uint8Array(packet.length + 2);
  out[0] = kind;
  out[1] = slot;
  out.set(packet, 2);
  return out;
}

/**
 * A Reach frame naming `slots` (those above REACH_MAX_SLOT or not integers are left out), and
 * whether the sender hears the host: a member that lost its own path to the host learns from its
 * peers that the host is still there (docs/host-migration.md).
 */
export function encodeReach(slots: Iterable<number>, hearsHost = false): Uint8Array {
  let mask = 0;
  for (const s of slots) if (Number.isInteger(s) && s >= 0 && s <= REACH_MAX_SLOT) mask |= 1 << s;
  return Uint8Array.of(DirectFrameKind.Reach, mask & 0xff, (mask >>> 8) & 0xff, hearsHost ? REACH_HEARS_HOST : 0);
}

/** Whether a Reach `mask` names `slot`. */
export function reachHas(mask: number, slot: number): boolean {
  return Number.isInteger(slot) && slot >= 0 && slot <= REACH_MAX_SLOT && (mask & (1 << slot)) !== 0;
}

/**
 * A peer-relay frame, or undefined for anything else: another kind, a Reach that is not exactly 4
 * bytes, a Forward or Forwarded whose packet is empty, over MAX_PACKET_BYTES or not a session
 * packet. Never throws. Slots are only read here; whether they belong to the match is the peer
 * relay's check.
 */
export function decodePeerRelayFrame(data: Uint8Array): PeerRelayFrame | undefined {
  const kind = data[0];
  if (kind === DirectFrameKind.Reach) {
    return data.length === REACH_FRAME_BYTES ? { kind, mask: data[1]! | (data[2]! << 8), hearsHost: (data[3]! & REACH_HEARS_HOST) !== 0 } : undefined;
  }
  if (kind !== DirectFrameKind.Forward && kind !== DirectFrameKind.Forwarded) return undefined;
  if (data.length < 3 || data.length > MAX_PEER_RELAY_FRAME_BYTES) return undefined;
  const packet = data.subarray(2);
  if (!isRelayablePacket(packet)) return undefined;
  return kind === DirectFrameKind.Forward ? { kind, to: data[1]!, packet } : { kind, from: data[1]!, packet };
}

/** A Ping or Pong frame for `id` (u32). */
export function encodeLinkPing(kind: DirectFrameKind, id: number): Uint8Array {
  const out = new Uint8Array(PING_FRAME_BYTES);
  out[0] = kind;
  new DataView(out.buffer).setUint32(1, id >>> 0, true);
  return out;
}

/** The id of a Ping or Pong frame, or undefined if it is not exactly 5 bytes. Never throws. */
export function linkPingId(data: Uint8Array): number | undefined {
  if (data.length !== PING_FRAME_BYTES) return undefined;
  return (data[1]! | (data[2]! << 8) | (data[3]! << 16) | (data[4]! << 24)) >>> 0;
}

/** The session packet's first byte, which must never be a link kind (checked by test/direct/direct-frame.test.ts). */
export const SESSION_PACKET_FIRST_BYTE = PROTOCOL_MAGIC;
