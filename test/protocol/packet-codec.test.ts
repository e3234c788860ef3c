import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../sdk/src/protocol/decode-packet.ts';
import { encodePacket } from '../../sdk/src/protocol/encode-packet.ts';
import { MAX_FRAME } from '../../sdk/src/protocol/frame-range.ts';
import { inputsThatAlwaysFit } from '../../sdk/src/protocol/input-packet-capacity.ts';
import {
  DropReason,
  MAX_INPUTS_PER_PACKET,
  MAX_INPUT_BYTES,
  MAX_PACKET_BYTES,
  MAX_PLAYERS,
  MessageType,
} from '../../sdk/src/protocol/messages.ts';
import type { ConnectStatus, DecodeResult, InputMessage, Message, Packet } from '../../sdk/src/protocol/messages.ts';
import { TestRng, fromHex, hex, makeContext, randomMessage, syntheticInput } from './protocol-fixtures.ts';
import type { TestContext } from './protocol-fixtures.ts';

const live = (lastFrame: number): ConnectStatus => ({ disconnected: false, lastFrame });
const gone = (lastFrame: number): ConnectStatus => ({ disconnected: true, lastFrame });
const statusesOf = (n: number, lastFrame: number): ConnectStatus[] => Array.from({ length: n }, () => live(lastFrame));

function roundTrip(message: Message, ctx: TestContext, token = 0x5a5a): DecodeResult {
  const packet: Packet = { token, message };
  const bytes = encodePacket(packet, ctx);
  expect(bytes.length).toBeLessThanOrEqual(MAX_PACKET_BYTES);
  const result = decodePacket(bytes, ctx);
  expect(result).toEqual({ ok: true, packet });
  return result;
}

/** The queue's inputs for `count` frames from `startFrame`. */
function queueInputs(player: number, startFrame: number, count: number, inputSize: number): Uint8Array {
  const inputs = new Uint8Array(count * inputSize);
  for (let k = 0; k < count; k++) inputs.set(syntheticInput(player, startFrame + k, inputSize), k * inputSize);
  return inputs;
}

function input(overrides: Partial<InputMessage>, playerCount = 4): InputMessage {
  return {
    type: MessageType.Input,
    player: 0,
    currentFrame: 100,
    statuses: statusesOf(playerCount, 99),
    startFrame: 98,
    inputs: new Uint8Array(0),
    ...overrides,
  };
}

describe('packet round trips', () => {
  it('round-trips every message type at edge values', () => {
    const ctx = makeContext(MAX_PLAYERS, 3);
    for (const type of [MessageType.SyncRequest, MessageType.SyncReply] as const) {
      roundTrip({ type, nonce: 0, fingerprint: 0xffffffff, player: 0, epoch: 0 }, ctx, 0);
      roundTrip({ type, nonce: 0xffffffff, fingerprint: 0, player: MAX_PLAYERS - 1, epoch: 0xffffffff }, ctx, 0xffff);
    }
    for (const currentFrame of [0, 1, MAX_FRAME]) {
      const statuses = [-1, 0, MAX_FRAME, currentFrame].flatMap((f) => [live(f), gone(f)]);
      statuses.push(...statusesOf(MAX_PLAYERS - statuses.length, currentFrame));
      roundTrip({ type: MessageType.InputAck, currentFrame, statuses }, ctx);
      roundTrip(input({ currentFrame, statuses, startFrame: 0 }, MAX_PLAYERS), ctx);
      roundTrip(input({ currentFrame, statuses, startFrame: MAX_FRAME }, MAX_PLAYERS), ctx);
    }
    for (const frameAdvantage of [0, -1, 1, -(2 ** 31), 2 ** 31 - 1]) {
      for (const packetsSent of [0, 127, 128, 0xffffffff]) {
        roundTrip({ type: MessageType.QualityReport, pingMs: 0xffffffff, frameAdvantage, packetsSent }, ctx);
      }
    }
    roundTrip({ type: MessageType.QualityReply, pongMs: 0 }, ctx);
    roundTrip({ type: MessageType.QualityReply, pongMs: 0xffffffff }, ctx);
    roundTrip({ type: MessageType.KeepAlive }, ctx);
    for (const frame of [0, MAX_FRAME]) roundTrip({ type: MessageType.ChecksumReport, frame, checksum: 0xffffffff }, ctx);
    for (const lastFrame of [-1, 0, MAX_FRAME]) roundTrip({ type: MessageType.Goodbye, lastFrame }, ctx);
  });

  it('round-trips input runs: from frame 0, up to frame 2^31-1, empty, and maximal', () => {
    for (const inputSize of [1, 2, MAX_INPUT_BYTES]) {
      const ctx = makeContext(4, inputSize);
      const fit = inputsThatAlwaysFit(ctx);
      const runs: [number, number][] = [
        [0, 1],
        [0, 8],
        [1, 8],
        [MAX_FRAME, 1],
        [MAX_FRAME - 7, 8],
        [5000, MAX_INPUTS_PER_PACKET],
        [5000, 0],
      ];
      for (const [startFrame, count] of runs) {
        const inputs = queueInputs(3, startFrame, count, inputSize);
        roundTrip(input({ player: 3, currentFrame: MAX_FRAME, startFrame, inputs }), ctx);
      }
      // Random bytes (nothing compresses) at the guaranteed capacity.
      const noise = new TestRng(inputSize).bytes(fit * inputSize);
      roundTrip(input({ startFrame: 0, inputs: noise }), ctx);
    }
  });

  it('round-trips 2,000 random messages in assorted contexts, canonically', () => {
    const rng = new TestRng(2024);
    for (let i = 0; i < 2000; i++) {
      const ctx = makeContext(rng.between(1, MAX_PLAYERS), rng.between(1, MAX_INPUT_BYTES));
      const message = randomMessage(rng, ctx);
      const bytes = encodePacket({ token: rng.below(0x10000), message }, ctx);
      const result = decodePacket(bytes, ctx);
      if (!result.ok) throw new Error(`dropped as ${result.reason}: ${hex(bytes)}`);
      expect(result.packet.message).toEqual(message);
      expect(hex(encodePacket(result.packet, ctx))).toBe(hex(bytes));
    }
  });

  it('encodes into a caller buffer without allocating a new one', () => {
    const ctx = makeContext(4, 2);
    const packet: Packet = { token: 1, message: { type: MessageType.Goodbye, lastFrame: 300 } };
    const big = new Uint8Array(MAX_PACKET_BYTES);
    const inBig = encodePacket(packet, ctx, big);
    expect(inBig.buffer).toBe(big.buffer);
    expect(hex(inBig)).toBe(hex(encodePacket(packet, ctx)));
    const small = new Uint8Array(8);
    const inSmall = encodePacket(packet, ctx, small);
    expect(inSmall.buffer).toBe(small.buffer);
    expect(hex(inSmall)).toBe(hex(inBig));
    expect(() => encodePacket(packet, ctx, new Uint8Array(6))).toThrow(/does not fit/);
    // A fresh array otherwise, independent of later calls.
    const fresh = encodePacket(packet, ctx);
    encodePacket({ token: 2, message: { type: MessageType.KeepAlive } }, ctx);
    expect(hex(fresh)).toBe(hex(inBig));
  });
});

describe('encoder refusals', () => {
  const ctx = makeContext(4, 2);
  const refuse = (message: Message, pattern: RegExp, token = 0): void => {
    expect(() => encodePacket({ token, message }, ctx)).toThrow(RangeError);
    expect(() => encodePacket({ token, message }, ctx)).toThrow(pattern);
  };

  it('refuses invalid headers and contexts', () => {
    const keepAlive: Message = { type: MessageType.KeepAlive };
    refuse(keepAlive, /token/, -1);
    refuse(keepAlive, /token/, 0x10000);
    refuse({ type: 42 } as unknown as Message, /unknown message type/);
    expect(() => encodePacket({ token: 0, message: keepAlive }, makeContext(0, 2))).toThrow(/playerCount/);
    expect(() => encodePacket({ token: 0, message: keepAlive }, makeContext(17, 2))).toThrow(/playerCount/);
    expect(() => encodePacket({ token: 0, message: keepAlive }, makeContext(4, 65))).toThrow(/inputSize/);
  });

  it('refuses bad player handles, frames and u32 fields', () => {
    refuse(input({ player: 4 }), /Input.player/);
    refuse(input({ player: -1 }), /Input.player/);
    refuse(input({ currentFrame: -1 }), /currentFrame/);
    refuse(input({ currentFrame: MAX_FRAME + 1 }), /currentFrame/);
    refuse(input({ startFrame: -1 }), /startFrame/);
    refuse(input({ statuses: [live(0), live(0), live(0), live(-2)] }), /statuses\[3\].lastFrame/);
    refuse({ type: MessageType.SyncReply, nonce: 0, fingerprint: 0, player: 9, epoch: 0 }, /SyncReply.player/);
    refuse({ type: MessageType.SyncRequest, nonce: -1, fingerprint: 0, player: 0, epoch: 0 }, /nonce/);
    refuse({ type: MessageType.SyncRequest, nonce: 0, fingerprint: 2 ** 32, player: 0, epoch: 0 }, /fingerprint/);
    refuse({ type: MessageType.ChecksumReport, frame: 0, checksum: -5 }, /checksum/);
    refuse({ type: MessageType.ChecksumReport, frame: -1, checksum: 0 }, /frame/);
    refuse({ type: MessageType.QualityReport, pingMs: 0, frameAdvantage: 0.5, packetsSent: 0 }, /frameAdvantage/);
    refuse({ type: MessageType.QualityReport, pingMs: 0, frameAdvantage: 0, packetsSent: 2 ** 32 }, /packetsSent/);
    refuse({ type: MessageType.QualityReply, pongMs: 1.5 }, /pongMs/);
    refuse({ type: MessageType.Goodbye, lastFrame: -2 }, /lastFrame/);
    refuse({ type: MessageType.InputAck, currentFrame: 0, statuses: statusesOf(3, 0) }, /3 entries/);
  });

  it('refuses malformed input runs', () => {
    refuse(input({ statuses: statusesOf(5, 0) }), /5 entries/);
    refuse(input({ inputs: new Uint8Array(3) }), /multiple of inputSize/);
    refuse(input({ inputs: new Uint8Array(2 * (MAX_INPUTS_PER_PACKET + 1)) }), /MAX_INPUTS_PER_PACKET/);
    refuse(input({ startFrame: MAX_FRAME, inputs: new Uint8Array(4) }), /passes frame/);
    const noReference = makeContext(4, 2, () => true);
    expect(() => encodePacket({ token: 0, message: input({ inputs: new Uint8Array(2) }) }, noReference)).toThrow(
      /no reference input for player 0 at frame 97/,
    );
    const wrongSize = { playerCount: 4, inputSize: 2, previousInput: () => new Uint8Array(3) };
    expect(() => encodePacket({ token: 0, message: input({ inputs: new Uint8Array(2) }) }, wrongSize)).toThrow(
      /reference input has 3 bytes/,
    );
    // Without inputs no reference is needed, and from frame 0 the reference is zeros.
    expect(() => encodePacket({ token: 0, message: input({}) }, noReference)).not.toThrow();
    expect(() => encodePacket({ token: 0, message: input({ startFrame: 0, inputs: new Uint8Array(2) }) }, noReference)).not.toThrow();
  });

  it('refuses a packet over MAX_PACKET_BYTES', () => {
    const big = makeContext(MAX_PLAYERS, MAX_INPUT_BYTES);
    const noise = new TestRng(1).bytes(20 * MAX_INPUT_BYTES);
    const message = input({ startFrame: 0, inputs: noise, statuses: statusesOf(MAX_PLAYERS, 0) }, MAX_PLAYERS);
    expect(() => encodePacket({ token: 0, message }, big)).toThrow(/exceeds MAX_PACKET_BYTES/);
    // The same 20 inputs fit easily when they repeat: header 5, currentFrame 1, 16 statuses 40
    // (8 code bytes, 16 two-byte extensions), startFrame delta 2, then the run: one 65-byte
    // literal and 10 zero runs.
    const calm = new Uint8Array(20 * MAX_INPUT_BYTES).fill(9);
    expect(encodePacket({ token: 0, message: { ...message, inputs: calm } }, big).length).toBe(123);
  });
});

describe('decoder drops', () => {
  const ctx = makeContext(4, 2, (_player, frame) => frame === 49);
  const drop = (bytes: Uint8Array | string, reason: DropReason, context: TestContext = ctx): void => {
    const data = typeof bytes === 'string' ? fromHex(bytes) : bytes;
    expect(decodePacket(data, context)).toEqual({ ok: false, reason });
  };
  const valid = (message: Message): Uint8Array => encodePacket({ token: 0x2211, message }, ctx);

  it('drops by header: truncated, oversized, magic, version, unknown type', () => {
    drop('', DropReason.Truncated);
    drop('b5', DropReason.Truncated);
    drop('b5 01 07 00', DropReason.Truncated);
    drop(new Uint8Array(MAX_PACKET_BYTES + 1), DropReason.Oversized);
    drop('b4 01 07 00 00', DropReason.Magic);
    drop('00', DropReason.Magic);
    drop('b5 02 07 00 00', DropReason.Version);
    drop('b5 00', DropReason.Version);
    drop('b5 01 00 00 00', DropReason.UnknownType);
    drop('b5 01 0d 00 00', DropReason.UnknownType);
    // The rejoin's messages (10-12) are read only with the rejoin codec: a session that never
    // rejoins (a plain P2PSession) drops them as unknown.
    const plain = { playerCount: 4, inputSize: 2, previousInput: () => undefined };
    expect(decodePacket(fromHex('b5 01 2c 09 00 ac 02 00'), plain)).toEqual({ ok: false, reason: DropReason.UnknownType });
    expect(() => encodePacket({ token: 9, message: { type: MessageType.Readmit, player: 2, frame: 300, agreed: false } }, plain)).toThrow(/rejoin codec/);
    drop('b5 01 0f 00 00', DropReason.UnknownType);
    // Types without a player argument must have a zero high nibble.
    drop('b5 01 17 00 00', DropReason.UnknownType);
    // A player handle the session does not have.
    drop('b5 01 41 00 00 00 00 00 00 00 00 00 00 00', DropReason.Malformed);
  });

  it('drops trailing bytes, truncated bodies and out-of-range fields', () => {
    drop('b5 01 07 00 00 00', DropReason.Malformed);
    drop('b5 01 06 00 00 01 02 03', DropReason.Truncated);
    drop('b5 01 06 00 00 01 02 03 04 05', DropReason.Malformed);
    drop('b5 01 09 00 00', DropReason.Truncated);
    drop('b5 01 09 00 00 80 00', DropReason.Malformed); // overlong varint
    drop('b5 01 09 00 00 81 80 80 80 08', DropReason.Malformed); // lastFrame 2^31 - 1 + 1
    expect(decodePacket(fromHex('b5 01 09 00 00 80 80 80 80 08'), ctx)).toEqual({
      ok: true,
      packet: { token: 0, message: { type: MessageType.Goodbye, lastFrame: MAX_FRAME } },
    });
    drop('b5 01 08 00 00 80 80 80 80 08 00 00 00 00', DropReason.Malformed); // frame 2^31
    drop('b5 01 08 00 00 05 00 00 00', DropReason.Truncated);
    drop('b5 01 05 00 00 00 00 00 00 80', DropReason.Truncated);
    for (let cut = 5; cut < 15; cut++) {
      const bytes = valid({ type: MessageType.SyncReply, nonce: 1, fingerprint: 2, player: 3, epoch: 300 });
      drop(bytes.subarray(0, cut), DropReason.Truncated);
    }
  });

  /** A receiver of 4 players, 2-byte inputs, holding `00 00` for every frame except 49. */
  const zeros: TestContext = {
    playerCount: 4,
    inputSize: 2,
    previousInput: (_player, frame) => (frame === 49 ? undefined : new Uint8Array(2)),
  };
  const inputDrop = (bytes: string, reason: DropReason): void => drop(bytes, reason, zeros);
  /** The inputs decoded from an Input packet that must be accepted. */
  const inputsOf = (bytes: string): string => {
    const result = decodePacket(fromHex(bytes), zeros);
    if (!result.ok || result.packet.message.type !== MessageType.Input) {
      throw new Error(`not accepted as Input: ${result.ok ? 'other type' : result.reason}`);
    }
    return hex(result.packet.message.inputs);
  };

  it('validates Input bodies', () => {
    // Header (player 0, token 0x2211, sequence 0) | currentFrame 100 | 4 statuses at d = 1 |
    // startFrame 98 | run: one zero run of 8 bytes = 4 inputs. No count: the run ends with the packet.
    const good = 'b5 01 03 11 22  64  22 22  04  87';
    const message = input({ startFrame: 98, inputs: new Uint8Array(8) });
    expect(hex(encodePacket({ token: 0x2211, message }, zeros))).toBe(hex(fromHex(good)));
    expect(decodePacket(fromHex(good), zeros)).toEqual({ ok: true, packet: { token: 0x2211, message } });
    inputDrop('b5 01 43 11 22  64  22 22  04  87', DropReason.Malformed); // player 4 of 4
    inputDrop('b5 01 03 11 22  64  22 22  ca 01  87', DropReason.Malformed); // startFrame -1
    inputDrop('b5 01 03 11 22  64  22 22  ff ff ff ff 0f  87', DropReason.Malformed); // startFrame 2^31+100
    inputDrop('b5 01 03 11 22  64  f2 22 be 01  04  87', DropReason.Malformed); // lastFrame -2
    expect(inputsOf('b5 01 03 11 22  64  f2 22 bc 01  04  87')).toBe(hex(new Uint8Array(8))); // -1
    inputDrop('b5 01 03 11 22  64  22', DropReason.Truncated); // statuses cut off
    inputDrop('b5 01 03 11 22  64  22 22', DropReason.Truncated); // no startFrame
  });

  it('takes the input run to the end of the packet', () => {
    // The packet ending right after startFrame is a valid Input without inputs.
    expect(decodePacket(fromHex('b5 01 03 11 22  64  22 22  04'), zeros)).toEqual({
      ok: true,
      packet: { token: 0x2211, message: input({ startFrame: 98 }) },
    });
    // A byte after the run is more run: another zero run makes 5 inputs, a literal 4.5 (malformed).
    expect(inputsOf('b5 01 03 11 22  64  22 22  04  87 81')).toBe(hex(new Uint8Array(10)));
    inputDrop('b5 01 03 11 22  64  22 22  04  87 80', DropReason.Malformed); // 9 bytes
    inputDrop('b5 01 03 11 22  64  22 22  04  86', DropReason.Malformed); // 7 bytes
    inputDrop('b5 01 03 11 22  64  22 22  04  00 07', DropReason.Malformed); // 1 byte
    // A literal cut off by the end of the packet.
    inputDrop('b5 01 03 11 22  64  22 22  04  87 00', DropReason.Truncated);
    inputDrop('b5 01 03 11 22  64  22 22  04  03 00 00', DropReason.Truncated);
    // 128 inputs is the most: 256 delta bytes, one more input (or byte) is malformed.
    expect(inputsOf('b5 01 03 11 22  64  22 22  04  ff ff')).toBe(hex(new Uint8Array(256)));
    inputDrop('b5 01 03 11 22  64  22 22  04  ff ff 81', DropReason.Malformed);
    inputDrop('b5 01 03 11 22  64  22 22  04  ff ff 80', DropReason.Malformed);
    inputDrop('b5 01 03 11 22  64  22 22  04  ff ff 01 07 00', DropReason.Malformed);
    // A run must not pass frame 2^31-1: currentFrame = startFrame = 2^31-1, statuses at d = 0.
    inputDrop('b5 01 03 11 22  ff ff ff ff 07  00 00  00  83', DropReason.Malformed); // 2 inputs
    expect(inputsOf('b5 01 03 11 22  ff ff ff ff 07  00 00  00  81')).toBe('00 00'); // 1 input
    expect(inputsOf('b5 01 03 11 22  ff ff ff ff 07  00 00  00')).toBe(''); // none
  });

  it('accepts a run cut at a token boundary as a shorter run (nothing says how long it was)', () => {
    // Deltas: 4 zero bytes | literal 07 00 | 2 zero bytes = inputs 00 00, 00 00, 07 00, 07 00.
    const head = 'b5 01 03 11 22  64  22 22  04';
    expect(inputsOf(`${head}  83 01 07 00 81`)).toBe('00 00 00 00 07 00 07 00');
    expect(inputsOf(`${head}  83 01 07 00`)).toBe('00 00 00 00 07 00');
    expect(inputsOf(`${head}  83`)).toBe('00 00 00 00');
    // Cut inside the literal: truncated.
    inputDrop(`${head}  83 01 07`, DropReason.Truncated);
  });

  it('drops a run whose XOR reference the receiver lacks (gap), but only for valid packets', () => {
    // startFrame 50 (delta 50, zigzag 100): its reference is frame 49.
    inputDrop('b5 01 03 11 22  64  22 22  64  87', DropReason.Gap);
    inputDrop('b5 01 03 11 22  64  22 22  64  87 80', DropReason.Malformed);
    inputDrop('b5 01 03 11 22  64  22 22  64  87 01 00', DropReason.Truncated);
    // Any other reference is held.
    expect(inputsOf('b5 01 03 11 22  64  22 22  62  87')).toBe(hex(new Uint8Array(8)));
    // No inputs: no reference needed.
    expect(inputsOf('b5 01 03 11 22  64  22 22  64')).toBe('');
  });

  it('throws for a context that is the session\'s bug, not the peer\'s', () => {
    const bytes = fromHex('b5 01 03 11 22  64  22 22  04  87');
    expect(() => decodePacket(bytes, makeContext(0, 2))).toThrow(RangeError);
    expect(() => decodePacket(bytes, makeContext(4, 0))).toThrow(RangeError);
    const wrongSize = { playerCount: 4, inputSize: 2, previousInput: () => new Uint8Array(5) };
    expect(() => decodePacket(bytes, wrongSize)).toThrow(/previousInput returned 5 bytes/);
  });
});
