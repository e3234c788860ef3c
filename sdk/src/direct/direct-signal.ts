import { MAX_SIGNAL_PAYLOAD_BYTES, SignalKind } from '../room/control-messages.ts';

/**
 * The signals two ends of a direct link exchange over the room's reliable control channel, as
 * `signal(kind, payload)`: the offerer's SDP offer, the answerer's SDP answer, ICE candidates
 * trickled as they are gathered, the end of them, and a close (with a reason) that tells the other
 * end to release its peer connection and stay on the relay.
 *
 * Payloads are strings: the SDP itself for an offer or answer, a candidate as
 * `{"candidate":"…","sdpMid":"0"}` (JSON), empty for end-of-candidates, and a short reason for a
 * close. They come from another player through the host, so they are untrusted: the link checks
 * each one (`DirectLink.handleSignal`) and refuses what does not fit, without throwing. The kinds
 * are the room's `SignalKind`s: one vocabulary from the link, over the host, to the other link.
 */
export type DirectSignalKind = SignalKind;
const KINDS: ReadonlySet<unknown> = new Set(Object.values(SignalKind));

/**
 * Largest signal payload accepted: what the room's `signal` can carry (`MAX_SIGNAL_PAYLOAD_BYTES`,
 * 8 KiB). A data-channel-only SDP is about 600 characters, or about 2 KB with a dozen candidates
 * inlined (libdatachannel inlines the ones gathered so far); a larger one could not have come over
 * the room, and a hostile peer cannot make the WebRTC stack parse more.
 */
export const MAX_SIGNAL_PAYLOAD = MAX_SIGNAL_PAYLOAD_BYTES;
/** Largest candidate line accepted (characters). Real ones are under 200. */
export const MAX_CANDIDATE_LENGTH = 1024;

/** Why a signal was refused. */
export const SignalRefusal = {
  /** Not one of the room's `SignalKind`s, or a payload that is not a string. */
  UnknownKind: 'unknown-kind',
  /** Payload over MAX_SIGNAL_PAYLOAD. */
  Oversized: 'oversized',
  /** Not expected now: an offer to the offerer, an answer to the answerer, a second offer or answer. */
  Unexpected: 'unexpected',
  /** A payload that does not parse: a candidate that is not the JSON above, an empty SDP. */
  Malformed: 'malformed',
  /** More candidates waiting for a description than any real peer gathers. */
  TooManyCandidates: 'too-many-candidates',
  /** The link is already failed or closed. */
  Late: 'late',
} as const;
export type SignalRefusal = (typeof SignalRefusal)[keyof typeof SignalRefusal];

export function isDirectSignalKind(kind: unknown): kind is DirectSignalKind {
  return KINDS.has(kind);
}

/** A candidate as `RTCPeerConnection.addIceCandidate` takes it. */
export interface CandidateSignal {
  readonly candidate: string;
  readonly sdpMid: string | null;
}

export function encodeCandidate(candidate: CandidateSignal): string {
  return JSON.stringify({ candidate: candidate.candidate, sdpMid: candidate.sdpMid });
}

/** Parses an untrusted candidate payload; undefined if it is not exactly what `encodeCandidate` makes. Never throws. */
export function decodeCandidate(payload: string): CandidateSignal | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { candidate, sdpMid } = value as Record<string, unknown>;
  if (typeof candidate !== 'string' || candidate.length > MAX_CANDIDATE_LENGTH) return undefined;
  if (sdpMid !== null && (typeof sdpMid !== 'string' || sdpMid.length > 16)) return undefined;
  return { candidate, sdpMid };
}
