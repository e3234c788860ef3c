import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../sdk/src/protocol/decode-packet.ts';
import { encodePacket } from '../../sdk/src/protocol/encode-packet.ts';
import { MAX_FRAME } from '../../sdk/src/protocol/frame-range.ts';
import { MessageType } from '../../sdk/src/protocol/messages.ts';
import type { ConnectStatus, Packet } from '../../sdk/src/protocol/messages.ts';
import { fromHex, hex } from './protocol-fixtures.ts';
import { rejoinMessageCodec } from '../../sdk/src/protocol/rejoin-message-codec.ts';
import type { TestContext } from './protocol-fixtures.ts';

/**
 * Exact bytes of representative packets: any change to the wire format shows up here and must be
 * matched by docs/protocol.md (and, once released, a PROTOCOL_VERSION bump).
 */

const live = (lastFrame: number): ConnectStatus => ({ disconnected: false, lastFrame });
const gone = (lastFrame: number): ConnectStatus => ({ disconnected: true, lastFrame });

/** 4 players, 2-byte inputs; every held input is `05 00`. */
const ctx4: TestContext = { playerCount: 4, inputSize: 2, previousInput: () => fromHex('05 00'), rejoin: rejoinMessageCodec };
/** 3 players, 2-byte inputs, holding nothing (runs from frame 0 need no reference). */
const ctx3: TestContext = { playerCount: 3, inputSize: 2, previousInput: () => undefined };

const golden: [string, Packet, TestContext, string][] = [
  ['KeepAlive', { token: 0xbeef, message: { type: MessageType.KeepAlive } }, ctx4, 'b5 01 07 ef be'],
  [
    'SyncRequest',
    {
      token: 0x0102,
      message: { type: MessageType.SyncRequest, nonce: 0xdeadbeef, fingerprint: 0x01020304, player: 3, epoch: 300 },
    },
    ctx4,
    'b5 01 31 02 01 ef be ad de 04 03 02 01 ac 02',
  ],
  [
    'QualityReport',
    { token: 0xffff, message: { type: MessageType.QualityReport, pingMs: 123456, frameAdvantage: -3, packetsSent: 300 } },
    ctx4,
    'b5 01 05 ff ff 40 e2 01 00 05 ac 02',
  ],
  [
    'ChecksumReport',
    { token: 0, message: { type: MessageType.ChecksumReport, frame: 600, checksum: 0x89abcdef } },
    ctx4,
    'b5 01 08 00 00 d8 04 ef cd ab 89',
  ],
  ['Goodbye', { token: 7, message: { type: MessageType.Goodbye, lastFrame: -1 } }, ctx4, 'b5 01 09 07 00 00'],
  [
    'StateChunk',
    {
      token: 0x0a0b,
      message: { type: MessageType.StateChunk, transferId: 0x1234, frame: 300, totalBytes: 1320, hash: 0xcafef00d, index: 1, bytes: fromHex('01 02 03') },
    },
    ctx4,
    'b5 01 0a 0b 0a 34 12 ac 02 a8 0a 0d f0 fe ca 01 01 02 03',
  ],
  ['StateAck', { token: 0x0a0b, message: { type: MessageType.StateAck, transferId: 0x1234, next: 1, mask: 0x80000001 } }, ctx4, 'b5 01 0b 0b 0a 34 12 01 01 00 00 80'],
  ['Readmit (a proposal)', { token: 9, message: { type: MessageType.Readmit, player: 2, frame: 300, agreed: false } }, ctx4, 'b5 01 2c 09 00 ac 02 00'],
  ['Readmit (agreed)', { token: 9, message: { type: MessageType.Readmit, player: 3, frame: 301, agreed: true } }, ctx4, 'b5 01 3c 09 00 ad 02 01'],
  [
    'InputAck (extended and disconnected statuses)',
    {
      token: 0x1234,
      message: {
        type: MessageType.InputAck,
        currentFrame: MAX_FRAME,
        statuses: [live(-1), gone(MAX_FRAME), live(MAX_FRAME - 1), live(MAX_FRAME - 100)],
      },
    },
    ctx4,
    'b5 01 04 34 12 ff ff ff ff 07 ef f2 f1 ff ff ff 0f 00 ba 01',
  ],
  [
    'Input from frame 0 (the worked example of docs/protocol.md)',
    {
      token: 0xabcd,
      message: {
        type: MessageType.Input,
        player: 2,
        currentFrame: 3,
        statuses: [live(-1), live(1), live(5)],
        startFrame: 0,
        inputs: fromHex('00 00  00 00  04 00  04 00  04 00  05 80'),
      },
    },
    ctx3,
    'b5 01 23 cd ab 03 48 03 06 83 00 04 84 01 01 80',
  ],
  [
    'Input, typical: 4 players, 8 unchanged 2-byte inputs',
    {
      token: 0x1234,
      message: {
        type: MessageType.Input,
        player: 1,
        currentFrame: 1000,
        statuses: [live(998), live(1002), live(997), live(996)],
        startFrame: 995,
        inputs: fromHex('05 00'.repeat(8)),
      },
    },
    ctx4,
    'b5 01 13 34 12 e8 07 34 86 0a 8f',
  ],
  [
    'Input with no inputs (the packet ends after startFrame)',
    {
      token: 0x0001,
      message: {
        type: MessageType.Input,
        player: 0,
        currentFrame: 70,
        statuses: [live(69), gone(-1), live(70), live(71)],
        startFrame: 71,
        inputs: new Uint8Array(0),
      },
    },
    ctx4,
    'b5 01 03 01 00 46 e2 10 8e 01 01',
  ],
  [
    // What a session whose handshakes are all done sends until it runs (protocol.md, Handshake 4).
    'Input as a readiness notice (frame 0, no inputs, nothing held yet)',
    {
      token: 0x0001,
      message: {
        type: MessageType.Input,
        player: 2,
        currentFrame: 0,
        statuses: [live(-1), live(-1), live(-1), live(-1)],
        startFrame: 0,
        inputs: new Uint8Array(0),
      },
    },
    ctx4,
    'b5 01 23 01 00 00 22 22 00',
  ],
];

describe('golden packets', () => {
  for (const [name, packet, ctx, bytes] of golden) {
    it(`${name} encodes to exactly its bytes and back`, () => {
      const encoded = encodePacket(packet, ctx);
      expect(hex(encoded)).toBe(bytes);
      const decoded = decodePacket(fromHex(bytes), ctx);
      expect(decoded).toEqual({ ok: true, packet });
    });
  }

  it('keeps the typical 4-player Input packet at 11 bytes', () => {
    // Header 6 (player in the type byte), currentFrame 2, statuses 2, startFrame delta 1, run 1
    // (no count: the run ends with the packet). At 60 packets/s that is 720 bytes/s per peer;
    // 13 bytes from frame 16384 (4.5 min).
    const typical = golden.find(([name]) => name.startsWith('Input, typical'))!;
    const size = encodePacket(typical[1], ctx4).length;
    expect(size).toBe(11);
  });
});
