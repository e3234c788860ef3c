import { describe, expect, it } from 'vitest';
import { DirectFrameKind, MAX_AUTHORITY_FRAME_BYTES, isAuthorityFrameKind, isLinkFrameKind, isPeerRelayFrameKind } from '../../sdk/src/direct/direct-frame.ts';
import { HOLDER_FRAME_BYTES, HOST_HOLDER, decodeAuthorityFrame, encodeHolder, encodeJoin, encodeRelayedAuthority, encodeTunnel } from '../../sdk/src/migration/holder-frame.ts';
import { MAX_CONNECT_REQUEST_CHARS } from '../../sdk/src/relay/connect-request.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

describe('host migration frames', () => {
  it('round-trips Holder, Join, Tunnel, Via and From', () => {
    const holder = encodeHolder({ holder: 3, epoch: 0xfffffffe, hears: true });
    expect(holder.length).toBe(HOLDER_FRAME_BYTES);
    expect(decodeAuthorityFrame(holder)).toEqual({ kind: DirectFrameKind.Holder, holder: 3, epoch: 0xfffffffe, hears: true });
    expect(decodeAuthorityFrame(encodeHolder({ holder: HOST_HOLDER, epoch: 1, hears: false }))).toEqual({ kind: DirectFrameKind.Holder, holder: HOST_HOLDER, epoch: 1, hears: false });
    const request = JSON.stringify({ action: 'join', code: 'ABCDE', name: 'Łukasz 小明', role: 'player', token: 'x'.repeat(22) });
    const join = encodeJoin(7, 42, request)!;
    expect(decodeAuthorityFrame(join)).toEqual({ kind: DirectFrameKind.Join, epoch: 7, attempt: 42, request });
    const tunnel = encodeTunnel(Uint8Array.of(2, 9, 9))!;
    const decoded = decodeAuthorityFrame(tunnel);
    expect(decoded?.kind === DirectFrameKind.Tunnel && [...decoded.frame]).toEqual([2, 9, 9]);
    const via = encodeRelayedAuthority(DirectFrameKind.Via, 5, join)!;
    const v = decodeAuthorityFrame(via);
    expect(v?.kind === DirectFrameKind.Via && [v.to, v.inner, [...v.raw]]).toEqual([5, { kind: DirectFrameKind.Join, epoch: 7, attempt: 42, request }, [...join]]);
    const from = decodeAuthorityFrame(encodeRelayedAuthority(DirectFrameKind.From, 2, tunnel)!);
    expect(from?.kind === DirectFrameKind.From && from.from).toBe(2);
    for (const kind of [0xd5, 0xd6, 0xd7, 0xd8, 0xd9]) {
      expect(isAuthorityFrameKind(kind)).toBe(true);
      expect(isLinkFrameKind(kind)).toBe(true);
      expect(isPeerRelayFrameKind(kind)).toBe(false);
    }
    expect([0xd4, 0xda, 0xb5, undefined].map(isAuthorityFrameKind)).toEqual([false, false, false, false]);
  });

  it('refuses what is malformed, never throwing', () => {
    const bad = [
      Uint8Array.of(),
      Uint8Array.of(DirectFrameKind.Holder, 1, 0, 0, 0, 0), // short
      Uint8Array.of(DirectFrameKind.Holder, 1, 0, 0, 0, 0, 0, 0), // long
      Uint8Array.of(DirectFrameKind.Holder, 16, 0, 0, 0, 0, 0), // slot above 15, not the host
      Uint8Array.of(DirectFrameKind.Holder, 1, 0, 0, 0, 0, 2), // unknown flag
      Uint8Array.of(DirectFrameKind.Join, 1, 0, 0, 0, 1, 0, 0, 0), // no request
      Uint8Array.of(DirectFrameKind.Join, 1, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xfe), // not UTF-8
      Uint8Array.of(DirectFrameKind.Tunnel), // empty
      Uint8Array.of(DirectFrameKind.Via, 3, DirectFrameKind.Holder, 1, 0, 0, 0, 0, 0), // Via around a Holder
      Uint8Array.of(DirectFrameKind.From, 3, DirectFrameKind.Via, 2, DirectFrameKind.Tunnel, 1), // nested
      Uint8Array.of(DirectFrameKind.Via, 16, DirectFrameKind.Tunnel, 1), // slot above 15
      new Uint8Array(MAX_AUTHORITY_FRAME_BYTES + 1).fill(DirectFrameKind.Tunnel), // oversized
    ];
    for (const frame of bad) expect(decodeAuthorityFrame(frame), [...frame.subarray(0, 12)].join(',')).toBeUndefined();
    expect(encodeJoin(1, 1, 'x'.repeat(MAX_CONNECT_REQUEST_CHARS + 1))).toBeUndefined();
    expect(encodeTunnel(new Uint8Array(MAX_AUTHORITY_FRAME_BYTES - 2))).toBeUndefined(); // could not go through a third player
    expect(encodeTunnel(new Uint8Array(MAX_AUTHORITY_FRAME_BYTES - 3))!.length).toBe(MAX_AUTHORITY_FRAME_BYTES - 2);
    expect(encodeRelayedAuthority(DirectFrameKind.Via, 1, encodeHolder({ holder: 1, epoch: 1, hears: true }))).toBeUndefined();
    const rng = new Prng(99);
    let thrown = 0;
    let decoded = 0;
    for (let i = 0; i < 20_000; i++) {
      const frame = new Uint8Array(1 + rng.nextInt(40));
      for (let j = 0; j < frame.length; j++) frame[j] = rng.nextInt(256);
      frame[0] = 0xd5 + rng.nextInt(5);
      try {
        if (decodeAuthorityFrame(frame) !== undefined) decoded++;
      } catch {
        thrown++;
      }
    }
    expect(thrown).toBe(0);
    expect(decoded).toBeGreaterThan(1000); // random Tunnels and Joins decode: it is the holder's checks that refuse them
  });
});
