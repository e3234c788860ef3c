import { describe, expect, it } from 'vitest';
import { decodeSpectatorPacket, encodeSpectatorPacket, SpectatorMessageType } from '../../sdk/src/protocol/spectator-message-codec.ts';
import type { SpectatorCodecContext, SpectatorMessage } from '../../sdk/src/protocol/spectator-message-codec.ts';
import { decodePacket } from '../../sdk/src/protocol/decode-packet.ts';
import { MAX_PACKET_BYTES, MessageType } from '../../sdk/src/protocol/messages.ts';
import { rejoinMessageCodec } from '../../sdk/src/protocol/rejoin-message-codec.ts';
import { fromHex, hex } from './protocol-fixtures.ts';

/**
 * The spectators' wire format (docs/protocol.md, "Spectators"): exact bytes of each message, and
 * a player's session, which does not read them, dropping them as `unknown-type`. The fuzzing is
 * in decode-fuzz.test.ts with the rest of the codec's.
 */
const ctx2: SpectatorCodecContext = { playerCount: 2, inputSize: 2 };

const golden: [string, number, SpectatorMessage, string][] = [
  [
    'Spectate',
    0x1234,
    { type: SpectatorMessageType.Spectate, fingerprint: 0x01020304, next: 300, checksumThrough: 239, leaving: false },
    'b5 01 0d 34 12 04 03 02 01 ac 02 f0 01 00',
  ],
  ['Spectate, leaving, holding nothing', 0x1234, { type: SpectatorMessageType.Spectate, fingerprint: 7, next: 0, checksumThrough: -1, leaving: true }, 'b5 01 0d 34 12 07 00 00 00 00 00 01'],
  [
    'SpectatorInputs',
    0xbeef,
    {
      type: SpectatorMessageType.SpectatorInputs,
      startFrame: 300,
      liveFrame: 305,
      absent: 0b10,
      checksums: [{ frame: 300, checksum: 0xdeadbeef }],
      inputs: fromHex('05 00 00 00 05 00 00 00 05 01 00 00'),
    },
    'b5 01 0e ef be ac 02 03 02 01 ac 02 ef be ad de 00 05 87 00 01 81',
  ],
  [
    'SpectatorInputs, a keepalive',
    0xbeef,
    { type: SpectatorMessageType.SpectatorInputs, startFrame: 301, liveFrame: 300, absent: 0, checksums: [], inputs: new Uint8Array(0) },
    'b5 01 0e ef be ad 02 00 00 00',
  ],
  ['StateAck (the rejoin\'s)', 1, { type: MessageType.StateAck, transferId: 0x0102, next: 3, mask: 5 }, 'b5 01 0b 01 00 02 01 03 05 00 00 00'],
];

describe('spectator packets', () => {
  const out = new Uint8Array(MAX_PACKET_BYTES);
  for (const [name, token, message, bytes] of golden) {
    it(`${name} encodes to exactly its bytes and back`, () => {
      const encoded = encodeSpectatorPacket(out, token, message, ctx2)!;
      expect(hex(encoded)).toBe(bytes);
      const decoded = decodeSpectatorPacket(fromHex(bytes), ctx2);
      expect(decoded).toEqual({ ok: true, packet: { token, message } });
    });
  }

  it("are unknown types to a player's session (which reads the rejoin's only with its codec)", () => {
    const ctx = { playerCount: 2, inputSize: 2, previousInput: () => undefined, rejoin: rejoinMessageCodec };
    for (const [, , message, bytes] of golden) {
      if (message.type === MessageType.StateAck) continue;
      expect(decodePacket(fromHex(bytes), ctx)).toEqual({ ok: false, reason: 'unknown-type' });
    }
  });

  it('refuses what a reader would drop, and reports a run too long for a packet', () => {
    const spectate = { type: SpectatorMessageType.Spectate, fingerprint: 1, next: 0, checksumThrough: -1, leaving: false } as const;
    expect(() => encodeSpectatorPacket(out, 1, { ...spectate, next: -1 }, ctx2)).toThrow(RangeError);
    expect(() => encodeSpectatorPacket(out, 1, { ...spectate, fingerprint: 2 ** 32 }, ctx2)).toThrow(RangeError);
    const inputs = { type: SpectatorMessageType.SpectatorInputs, startFrame: 0, liveFrame: 0, absent: 0, checksums: [], inputs: new Uint8Array(4) } as const;
    expect(() => encodeSpectatorPacket(out, 1, { ...inputs, absent: 4 }, ctx2)).toThrow(RangeError);
    expect(() => encodeSpectatorPacket(out, 1, { ...inputs, liveFrame: -1 }, ctx2)).toThrow(RangeError);
    expect(() => encodeSpectatorPacket(out, 1, { ...inputs, inputs: new Uint8Array(3) }, ctx2)).toThrow(RangeError);
    // 128 frames of 8 players' changing 8-byte inputs: 8 kB of deltas do not fit in 1200 bytes.
    const noisy = new Uint8Array(128 * 64).map((_, i) => (Math.imul(i, 0x9e3779b1) >>> 24) | 1);
    expect(encodeSpectatorPacket(out, 1, { ...inputs, liveFrame: 127, inputs: noisy }, { playerCount: 8, inputSize: 8 })).toBeUndefined();
    // A mask naming a player the match does not have, and a count of checksums over the limit.
    expect(decodeSpectatorPacket(fromHex('b5 01 0e ef be 00 00 04 00'), ctx2)).toEqual({ ok: false, reason: 'malformed' });
    expect(decodeSpectatorPacket(fromHex('b5 01 0e ef be 00 00 00 05'), ctx2)).toEqual({ ok: false, reason: 'malformed' });
    expect(decodeSpectatorPacket(fromHex('b5 01 1d 34 12 07 00 00 00 00 00 01'), ctx2)).toEqual({ ok: false, reason: 'unknown-type' });
  });
});
