import { describe, expect, it } from 'vitest';
import { RESUME_MARKER_BYTES, decodeResumeMarker, encodeResumeMarker } from '../../sdk/src/relay/resume-marker.ts';
import { encodeControlMessage } from '../../sdk/src/room/control-messages.ts';

describe('resume marker', () => {
  it('is 0x00 then the count as a little-endian u32, and round-trips every u32', () => {
    expect([...encodeResumeMarker(0x01020304)]).toEqual([0, 4, 3, 2, 1]);
    for (const count of [0, 1, 255, 65536, 0x7fff_ffff, 0xffff_ffff]) expect(decodeResumeMarker(encodeResumeMarker(count))).toBe(count);
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN]) expect(() => encodeResumeMarker(bad)).toThrow(RangeError);
  });

  it('is never mistaken for a control message, nor a control message for it', () => {
    expect(decodeResumeMarker(encodeControlMessage({ type: 'leave' }))).toBeUndefined();
    expect(decodeResumeMarker(new TextEncoder().encode('{"a"}'))).toBeUndefined();
    expect(decodeResumeMarker(Uint8Array.of(0, 1, 2, 3))).toBeUndefined();
    expect(decodeResumeMarker(Uint8Array.of(0, 1, 2, 3, 4, 5))).toBeUndefined();
    expect(decodeResumeMarker(Uint8Array.of(1, 0, 0, 0, 0))).toBeUndefined();
    expect(decodeResumeMarker(new Uint8Array(0))).toBeUndefined();
    expect(RESUME_MARKER_BYTES).toBe(5);
  });
});
