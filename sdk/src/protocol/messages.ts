/**
 * The messages of the Backspin wire protocol, as plain data. `encode-packet.ts` turns one into
 * bytes and `decode-packet.ts` turns bytes back into one (or a counted, typed rejection).
 * docs/protocol.md is the byte-level specification.
 */

/** First byte of every packet. */
export const PROTOCOL_MAGIC = 0xb5;
/** Second byte of every packet. A packet of another version is dropped (counted as `version`). */
export const PROTOCOL_VERSION = 1;
/** No packet larger than this is ever sent or accepted (bytes). Keeps well under common path MTUs. */
export const MAX_PACKET_BYTES = 1200;
/** Players in one session, most. */
export const MAX_PLAYERS = 16;
/** Bytes of one player's input for one frame, most (the codec's fixed size is 1..MAX_INPUT_BYTES). */
export const MAX_INPUT_BYTES = 64;
/** Inputs in one Input message, most. The sender never has more unacknowledged than this. */
export const MAX_INPUTS_PER_PACKET = 128;

export const MessageType = {
  SyncRequest: 1,
  SyncReply: 2,
  Input: 3,
  InputAck: 4,
  QualityReport: 5,
  QualityReply: 6,
  KeepAlive: 7,
  ChecksumReport: 8,
  Goodbye: 9,
  StateChunk: 10,
  StateAck: 11,
  Readmit: 12,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/**
 * One sender's view of one player: the last frame whose input it holds (-1: none yet) and whether
 * it considers that player gone. For the packet's receiver this doubles as the acknowledgement of
 * the receiver's own inputs.
 */
export interface ConnectStatus {
  readonly disconnected: boolean;
  readonly lastFrame: number;
}

/** Handshake round trip: measures the round-trip time and agrees on the session. */
export interface SyncRequest {
  readonly type: typeof MessageType.SyncRequest;
  /** Random per request; the reply must echo it. u32. */
  readonly nonce: number;
  /** Hash of the session parameters both sides must share (player count, input size, ...). u32. */
  readonly fingerprint: number;
  /** The sender's player handle. */
  readonly player: number;
  /** Epoch of the session authority whose decisions (the match settings) the sender runs. u32. */
  readonly epoch: number;
}

export interface SyncReply {
  readonly type: typeof MessageType.SyncReply;
  readonly nonce: number;
  readonly fingerprint: number;
  readonly player: number;
  readonly epoch: number;
}

/**
 * A run of one player's inputs, `inputs.length / inputSize` frames from `startFrame`, plus the
 * sender's view of every player. `player` is the sender's own handle for its own inputs, or
 * another handle when a survivor forwards a departed player's inputs.
 *
 * On the wire the run is XOR-delta coded against the input at `startFrame - 1` (all zeros before
 * frame 0), then run-length coded. Both sides take that reference input from their own input
 * queues, through `EncodeContext.previousInput` and `DecodeContext.previousInput`.
 */
export interface InputMessage {
  readonly type: typeof MessageType.Input;
  readonly player: number;
  /** The sender's current frame when it sent this; feeds the frame-advantage estimate. */
  readonly currentFrame: number;
  /** `statuses[h]`: the sender's view of player `h`; length = the session's player count. */
  readonly statuses: readonly ConnectStatus[];
  readonly startFrame: number;
  /** Concatenated inputs, a multiple of the session's input size; may be empty. */
  readonly inputs: Uint8Array;
}

/** Acknowledges inputs (through `statuses`) when the sender has no inputs of its own to send. */
export interface InputAck {
  readonly type: typeof MessageType.InputAck;
  readonly currentFrame: number;
  readonly statuses: readonly ConnectStatus[];
}

/** Sent about once a second per peer: a ping and the sender's frame advantage. */
export interface QualityReport {
  readonly type: typeof MessageType.QualityReport;
  /** Sender's clock, ms, truncated to u32; echoed in the reply. */
  readonly pingMs: number;
  /** Sender's local frame advantage over the receiver, in eighths of a frame (may be negative). */
  readonly frameAdvantage: number;
  /**
   * Packets the sender has sent to the receiver before this one, modulo 2^32. Comparing its
   * growth with the packets that arrived gives the receiver the link's loss rate, without a
   * sequence number in every packet.
   */
  readonly packetsSent: number;
}

export interface QualityReply {
  readonly type: typeof MessageType.QualityReply;
  /** The `pingMs` being answered. */
  readonly pongMs: number;
}

/** Keeps a quiet link alive so that silence means a lost peer. */
export interface KeepAlive {
  readonly type: typeof MessageType.KeepAlive;
}

/** The checksum of the state at the start of a confirmed frame. */
export interface ChecksumReport {
  readonly type: typeof MessageType.ChecksumReport;
  readonly frame: number;
  /** u32. */
  readonly checksum: number;
}

/** A peer leaving on purpose: its inputs end at `lastFrame`. */
export interface Goodbye {
  readonly type: typeof MessageType.Goodbye;
  readonly lastFrame: number;
}

/**
 * One piece of a match state on its way to a player who rejoins a running match
 * (core/state-transfer.ts). Every chunk repeats the transfer's header, so that any one of them
 * starts the receiver's buffer and none depends on order.
 */
export interface StateChunkMessage {
  readonly type: typeof MessageType.StateChunk;
  /** u16, new for each transfer. */
  readonly transferId: number;
  /** The state is the one at the start of this frame. */
  readonly frame: number;
  /** Length of the whole state (bytes, >= 1). */
  readonly totalBytes: number;
  /** MurmurHash3 (`hashBytes`) of the whole state, u32. */
  readonly hash: number;
  /** Which chunk (its bytes start at `index * STATE_CHUNK_BYTES`). */
  readonly index: number;
  /** The chunk's bytes: the rest of the packet. */
  readonly bytes: Uint8Array;
}

/** What the receiver of a state holds: every chunk below `next`, and those the mask's bits name. */
export interface StateAckMessage {
  readonly type: typeof MessageType.StateAck;
  /** u16: the transfer acknowledged. */
  readonly transferId: number;
  readonly next: number;
  /** u32: bit i set means chunk `next + 1 + i` has arrived. */
  readonly mask: number;
}

/**
 * The agreement on the frame at which a returning player re-enters a running match
 * (core/readmission.ts). Before `agreed`, `frame` is the sender's proposal; with `agreed`, it is
 * the frame every peer agreed on.
 */
export interface ReadmitMessage {
  readonly type: typeof MessageType.Readmit;
  /** The returning player's handle. */
  readonly player: number;
  readonly frame: number;
  readonly agreed: boolean;
}

export type Message =
  | SyncRequest
  | SyncReply
  | InputMessage
  | InputAck
  | QualityReport
  | QualityReply
  | KeepAlive
  | ChecksumReport
  | Goodbye
  | StateChunkMessage
  | StateAckMessage
  | ReadmitMessage;

/** A packet: the sender's session token (u16, chosen at random per session) and one message. */
export interface Packet {
  readonly token: number;
  readonly message: Message;
}

/**
 * Reads and writes the rejoin's messages (StateChunk, StateAck, Readmit): `rejoinMessageCodec`
 * (protocol/rejoin-message-codec.ts). A context without it drops them as `unknown-type` and
 * refuses to write them.
 */
export interface RejoinMessageCodec {
  /** The body of a packet of one of the three types (header checked); never throws. */
  read(data: Uint8Array, type: number, argument: number, token: number): DecodeResult;
  /** Writes the packet into `out` (at least MAX_PACKET_BYTES); returns its size. */
  write(out: Uint8Array, message: Message, token: number, playerCount: number): number;
}

/** What the decoder needs from the session to validate and expand a packet. */
export interface DecodeContext {
  /** The rejoin's messages, for a session that takes part in rejoins. */
  readonly rejoin?: RejoinMessageCodec;
  readonly playerCount: number;
  /** Bytes per input, 1..MAX_INPUT_BYTES. */
  readonly inputSize: number;
  /**
   * The receiver's copy of `player`'s input at `frame` (the XOR reference), or undefined when it
   * does not hold it (the packet is then rejected as `gap`). Frame -1 is the all-zero input.
   */
  previousInput(player: number, frame: number): Uint8Array | undefined;
}

/** Why a packet was dropped; each is counted separately in the session's stats. */
export const DropReason = {
  /** Shorter than its header or its fields say. */
  Truncated: 'truncated',
  /** Over MAX_PACKET_BYTES. */
  Oversized: 'oversized',
  /** Not a Backspin packet (wrong magic bytes). */
  Magic: 'magic',
  /** Another protocol version (PROTOCOL_VERSION). */
  Version: 'version',
  /** A packet type this version does not know. */
  UnknownType: 'unknown-type',
  /** A field out of range, or bytes left over. */
  Malformed: 'malformed',
  /** Inputs encoded against a previous input the receiver does not hold. */
  Gap: 'gap',
} as const;
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

export type DecodeResult =
  | { readonly ok: true; readonly packet: Packet }
  | { readonly ok: false; readonly reason: DropReason };
