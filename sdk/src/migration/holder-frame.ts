import { DirectFrameKind, MAX_AUTHORITY_FRAME_BYTES, REACH_MAX_SLOT } from '../direct/direct-frame.ts';
import { MAX_CONNECT_REQUEST_CHARS } from '../relay/connect-request.ts';

/**
 * Host migration's frames on a direct link (their kinds are reserved in direct/direct-frame.ts).
 * Multi-byte integers are little-endian.
 *
 * | kind | name   | rest                                                                          |
 * |------|--------|-------------------------------------------------------------------------------|
 * | 0xd5 | Holder | u8 holder (a player slot 0..15, or 0xff: the host), u32 epoch, u8 flags (bit 0: |
 * |      |        | the sender hears that holder now). "This is whom I take as the room's holder."|
 * |      |        | Sent by every member to every linked player, every 250 ms. A holder naming the |
 * |      |        | sender itself is a claim: "I hold the room now, at this epoch."                |
 * | 0xd6 | Join   | u32 epoch, u32 attempt, then a connect request (UTF-8 JSON, relay/connect-    |
 * |      |        | request.ts): "let me back into my slot", to the holder at that epoch. Repeated |
 * |      |        | until answered; a new attempt number asks for a new channel.                   |
 * | 0xd7 | Tunnel | a relay frame (relay/relay-frame.ts), as a member and the host exchange them, |
 * |      |        | between a member and the player that holds its room.                          |
 * | 0xd8 | Via    | u8 to-slot, then a Join or Tunnel frame: "please pass this to `to`".          |
 * | 0xd9 | From   | u8 from-slot, then a Join or Tunnel frame: "this came from `from`".           |
 *
 * Nothing in them says who sent them: that is the link they came on, whose other end the host
 * named when it forwarded the signals that set the link up. Via and From carry a Join or a Tunnel
 * between a member and its holder when the two have no live link of their own, through a player
 * linked to both (as the peer relay carries session packets, mesh/peer-relay-route.ts): the
 * forwarder writes `from` itself, from the link the Via came on, so a sender cannot pass for
 * another; the receiver trusts the forwarder's word, as it trusts a peer relay's.
 */

/** The `holder` of a Holder frame that names the host (a Backspin host process, not a player). */
export const HOST_HOLDER = 0xff;

/** Bytes of a Holder frame. */
export const HOLDER_FRAME_BYTES = 7;
const HEARS = 1;
/** Strict: a request that is not UTF-8 is malformed, not mended. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Kind, epoch and attempt. */
const JOIN_HEADER_BYTES = 9;

/** A decoded Holder frame. */
export interface HolderStatement {
  /** A player slot (0..15), or HOST_HOLDER. */
  readonly holder: number;
  /** The holder's epoch (u32). */
  readonly epoch: number;
  /** Whether the sender hears that holder now. */
  readonly hears: boolean;
}

export function encodeHolder(statement: HolderStatement): Uint8Array {
  const out = new Uint8Array(HOLDER_FRAME_BYTES);
  out[0] = DirectFrameKind.Holder;
  out[1] = statement.holder;
  new DataView(out.buffer).setUint32(2, statement.epoch >>> 0, true);
  out[6] = statement.hears ? HEARS : 0;
  return out;
}

/** A Join frame for the holder at `epoch`, attempt `attempt` (u32), or undefined if the request is too long. */
export function encodeJoin(epoch: number, attempt: number, request: string): Uint8Array | undefined {
  if (request.length > MAX_CONNECT_REQUEST_CHARS) return undefined;
  const text = new TextEncoder().encode(request);
  const out = new Uint8Array(JOIN_HEADER_BYTES + text.length);
  out[0] = DirectFrameKind.Join;
  const view = new DataView(out.buffer);
  view.setUint32(1, epoch >>> 0, true);
  view.setUint32(5, attempt >>> 0, true);
  out.set(text, JOIN_HEADER_BYTES);
  return out;
}

/** A Tunnel frame around a relay frame, or undefined if it could not go through a third player (Via, From) within MAX_AUTHORITY_FRAME_BYTES. */
export function encodeTunnel(relayFrame: Uint8Array): Uint8Array | undefined {
  if (relayFrame.length === 0 || relayFrame.length + 3 > MAX_AUTHORITY_FRAME_BYTES) return undefined;
  const out = new Uint8Array(relayFrame.length + 1);
  out[0] = DirectFrameKind.Tunnel;
  out.set(relayFrame, 1);
  return out;
}

/** A Via (`to`) or From (`from`) frame around a Join or Tunnel frame, or undefined if the slot is not 0..15, `inner` is another kind, or the whole would be too large. */
export function encodeRelayedAuthority(kind: typeof DirectFrameKind.Via | typeof DirectFrameKind.From, slot: number, inner: Uint8Array): Uint8Array | undefined {
  if (!Number.isInteger(slot) || slot < 0 || slot > REACH_MAX_SLOT) return undefined;
  if ((inner[0] !== DirectFrameKind.Join && inner[0] !== DirectFrameKind.Tunnel) || inner.length + 2 > MAX_AUTHORITY_FRAME_BYTES) return undefined;
  const out = new Uint8Array(inner.length + 2);
  out[0] = kind;
  out[1] = slot;
  out.set(inner, 2);
  return out;
}

/** A decoded Join or Tunnel frame. */
export type MemberFrame =
  | { readonly kind: typeof DirectFrameKind.Join; readonly epoch: number; readonly attempt: number; readonly request: string }
  | { readonly kind: typeof DirectFrameKind.Tunnel; readonly frame: Uint8Array };

/** A decoded host-migration frame. `frame` of a Tunnel and `raw` of a Via are views (no copy). */
export type AuthorityFrame =
  | ({ readonly kind: typeof DirectFrameKind.Holder } & HolderStatement)
  | MemberFrame
  | { readonly kind: typeof DirectFrameKind.Via; readonly to: number; readonly inner: MemberFrame; readonly raw: Uint8Array }
  | { readonly kind: typeof DirectFrameKind.From; readonly from: number; readonly inner: MemberFrame };

/**
 * A host-migration frame, or undefined for anything malformed: another kind, a Holder that is not
 * exactly 7 bytes or names a slot above 15 (other than HOST_HOLDER), or has flag bits other than
 * bit 0; a Join without a request, over MAX_CONNECT_REQUEST_CHARS or not UTF-8; an empty Tunnel; a
 * Via or From naming a slot above 15 or around anything but a well-formed Join or Tunnel; anything
 * over MAX_AUTHORITY_FRAME_BYTES. Never throws.
 */
export function decodeAuthorityFrame(data: Uint8Array): AuthorityFrame | undefined {
  if (data.length > MAX_AUTHORITY_FRAME_BYTES) return undefined;
  const kind = data[0];
  if (kind === DirectFrameKind.Via || kind === DirectFrameKind.From) {
    const slot = data[1];
    if (slot === undefined || slot > REACH_MAX_SLOT) return undefined;
    const inner = decodeMemberFrame(data.subarray(2));
    if (inner === undefined) return undefined;
    return kind === DirectFrameKind.Via ? { kind, to: slot, inner, raw: data.subarray(2) } : { kind, from: slot, inner };
  }
  if (kind === DirectFrameKind.Holder) {
    if (data.length !== HOLDER_FRAME_BYTES) return undefined;
    const holder = data[1]!;
    if ((holder > REACH_MAX_SLOT && holder !== HOST_HOLDER) || (data[6]! & ~HEARS) !== 0) return undefined;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    return { kind, holder, epoch: view.getUint32(2, true), hears: (data[6]! & HEARS) !== 0 };
  }
  return decodeMemberFrame(data);
}

function decodeMemberFrame(data: Uint8Array): MemberFrame | undefined {
  const kind = data[0];
  switch (kind) {
    case DirectFrameKind.Join: {
      if (data.length <= JOIN_HEADER_BYTES) return undefined;
      let request: string;
      try {
        request = UTF8.decode(data.subarray(JOIN_HEADER_BYTES));
      } catch {
        return undefined;
      }
      if (request.length > MAX_CONNECT_REQUEST_CHARS) return undefined;
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      return { kind, epoch: view.getUint32(1, true), attempt: view.getUint32(5, true), request };
    }
    case DirectFrameKind.Tunnel:
      return data.length < 2 ? undefined : { kind, frame: data.subarray(1) };
    default:
      return undefined;
  }
}
