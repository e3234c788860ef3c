import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../sdk/src/protocol/decode-packet.ts';
import { encodePacket } from '../../sdk/src/protocol/encode-packet.ts';
import { DropReason, MAX_PACKET_BYTES, MessageType, PROTOCOL_MAGIC, PROTOCOL_VERSION } from '../../sdk/src/protocol/messages.ts';
import type { DecodeResult } from '../../sdk/src/protocol/messages.ts';
import { TestRng, bytesEqual, hex, makeContext, messagesEqual, randomMessage } from './protocol-fixtures.ts';
import { SpectatorMessageType, decodeSpectatorPacket, encodeSpectatorPacket } from '../../sdk/src/protocol/spectator-message-codec.ts';
import type { SpectatorCodecContext, SpectatorDecodeResult, SpectatorMessage } from '../../sdk/src/protocol/spectator-message-codec.ts';
import { MAX_FRAME } from '../../sdk/src/protocol/frame-range.ts';
import type { TestContext } from './protocol-fixtures.ts';

/**
 * Feeds the decoder valid packets mutated in every way a network or an attacker could, plus
 * random garbage, and checks that it never throws, never touches its input, only ever answers
 * `ok` or a DropReason, and that whatever it accepts the encoder turns back into the same message.
 */

const MUTATED = 100_000;
const RANDOM = 25_000;
const RANDOM_BODY = 25_000;

const contexts: TestContext[] = [
  makeContext(4, 2, (_p, frame) => frame % 3 === 1),
  makeContext(16, 64, (_p, frame) => frame % 4 === 2),
  makeContext(3, 1, (_p, frame) => frame % 5 === 3),
  makeContext(2, 9, (_p, frame) => frame % 2 === 0),
];

const INTERESTING_BYTES = [0x00, 0x01, 0x0e, 0x0f, 0x7f, 0x80, 0x81, 0xfe, 0xff];

function mutate(rng: TestRng, packet: Uint8Array, other: Uint8Array): Uint8Array {
  let bytes = Uint8Array.from(packet);
  const steps = rng.between(1, 3);
  for (let s = 0; s < steps; s++) {
    const n = bytes.length;
    switch (rng.below(10)) {
      case 0: {
        // Bit flips.
        if (n === 0) break;
        const flips = rng.between(1, 3);
        for (let f = 0; f < flips; f++) bytes[rng.below(n)]! ^= 1 << rng.below(8);
        break;
      }
      case 1:
        bytes = bytes.slice(0, rng.below(n + 1)); // truncation
        break;
      case 2: {
        // Extension.
        const extended = new Uint8Array(n + rng.between(1, 8));
        extended.set(bytes);
        extended.set(rng.bytes(extended.length - n), n);
        bytes = extended;
        break;
      }
      case 3: {
        // Byte insertion.
        const at = rng.below(n + 1);
        const inserted = new Uint8Array(n + 1);
        inserted.set(bytes.subarray(0, at));
        inserted[at] = rng.chance(0.5) ? rng.pick(INTERESTING_BYTES) : rng.next() & 0xff;
        inserted.set(bytes.subarray(at), at + 1);
        bytes = inserted;
        break;
      }
      case 4: {
        // Byte deletion.
        if (n === 0) break;
        const at = rng.below(n);
        const deleted = new Uint8Array(n - 1);
        deleted.set(bytes.subarray(0, at));
        deleted.set(bytes.subarray(at + 1), at);
        bytes = deleted;
        break;
      }
      case 5: {
        // Field swap: exchange two equally long ranges.
        if (n < 2) break;
        const len = rng.between(1, Math.min(5, n >> 1));
        const a = rng.below(n - len + 1);
        const b = rng.below(n - len + 1);
        const saved = bytes.slice(a, a + len);
        bytes.copyWithin(a, b, b + len);
        bytes.set(saved, b);
        break;
      }
      case 6:
        // An interesting value somewhere (body bytes most of the time).
        if (n > 0) bytes[n > 5 && rng.chance(0.8) ? rng.between(5, n - 1) : rng.below(n)] = rng.pick(INTERESTING_BYTES);
        break;
      case 7: {
        // Splice: this packet's head, another's tail.
        const head = rng.below(n + 1);
        const tail = rng.below(other.length + 1);
        const spliced = new Uint8Array(head + other.length - tail);
        spliced.set(bytes.subarray(0, head));
        spliced.set(other.subarray(tail), head);
        bytes = spliced;
        break;
      }
      case 8: {
        // Repeat a range.
        if (n === 0) break;
        const a = rng.below(n);
        const b = rng.between(a + 1, n);
        const repeated = new Uint8Array(n + b - a);
        repeated.set(bytes.subarray(0, b));
        repeated.set(bytes.subarray(a), b);
        bytes = repeated;
        break;
      }
      default:
        // Another message type under the same body.
        if (n > 2) bytes[2] = (bytes[2]! & 0xf0) | rng.between(0, 15);
    }
  }
  return bytes;
}

function randomBody(rng: TestRng): Uint8Array {
  const bytes = rng.bytes(5 + rng.below(rng.chance(0.8) ? 40 : 1200));
  bytes[0] = PROTOCOL_MAGIC;
  bytes[1] = PROTOCOL_VERSION;
  bytes[2] = rng.chance(0.5) ? rng.between(1, 9) : rng.between(1, 9) | (rng.below(16) << 4);
  return bytes;
}

describe('decoder fuzzing', () => {
  it(`survives ${MUTATED + RANDOM + RANDOM_BODY} mutated and random packets`, () => {
    const rng = new TestRng(0xb5b5);
    // The sender holds every input; the receivers (`contexts`) lack a few, which makes gaps.
    const corpora = contexts.map(({ playerCount, inputSize }) => {
      const sender = makeContext(playerCount, inputSize);
      return Array.from({ length: 400 }, () =>
        encodePacket({ token: rng.below(0x10000), message: randomMessage(rng, sender) }, sender),
      );
    });
    const reasons = new Set<string>(Object.values(DropReason));
    const tally = new Map<string, number>();
    const failures: string[] = [];
    let decoded = 0;
    let mutatedAccepted = 0;

    const check = (data: Uint8Array, ctx: TestContext, mutated: boolean): void => {
      decoded++;
      const before = data.slice();
      let result: DecodeResult;
      try {
        result = decodePacket(data, ctx);
      } catch (error) {
        failures.push(`threw ${String(error)} on ${hex(data)}`);
        return;
      }
      if (!bytesEqual(before, data)) failures.push(`modified its input ${hex(before)}`);
      const key = result.ok ? 'ok' : result.reason;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      if (!result.ok) {
        if (!reasons.has(result.reason)) failures.push(`unknown reason ${String(result.reason)}`);
        return;
      }
      if (mutated) mutatedAccepted++;
      const { packet } = result;
      const message = packet.message;
      if (message.type === MessageType.Input && message.inputs.buffer === data.buffer) {
        failures.push(`inputs alias the packet ${hex(data)}`);
      }
      let again: Uint8Array;
      try {
        again = encodePacket(packet, ctx); // ctx holds the reference: decoding needed it too
      } catch (error) {
        failures.push(`accepted but cannot re-encode (${String(error)}): ${hex(data)}`);
        return;
      }
      const second = decodePacket(again, ctx);
      if (!second.ok || second.packet.token !== packet.token || !messagesEqual(second.packet.message, message)) {
        failures.push(`re-encoding changed the packet: ${hex(data)} -> ${hex(again)}`);
      }
      // Everything but the run's token split is canonical: same message, same bytes. The encoder's
      // split is a shortest one, so an accepted run code is never shorter than the encoder's.
      const hasRun = message.type === MessageType.Input && message.inputs.length > 0;
      if (!hasRun && !bytesEqual(again, data)) failures.push(`non-canonical bytes accepted: ${hex(data)}`);
      if (again.length > data.length) failures.push(`accepted a run code shorter than possible: ${hex(data)}`);
    };

    for (let i = 0; i < MUTATED; i++) {
      const which = rng.below(contexts.length);
      const corpus = corpora[which]!;
      const packet = mutate(rng, rng.pick(corpus), rng.pick(corpus));
      // Mostly the packet's own context, sometimes a mismatched one.
      check(packet, rng.chance(0.9) ? contexts[which]! : rng.pick(contexts), true);
    }
    for (let i = 0; i < RANDOM; i++) {
      const length = rng.chance(0.02) ? rng.between(MAX_PACKET_BYTES, 1500) : rng.below(1501);
      check(rng.bytes(length), rng.pick(contexts), true);
    }
    for (let i = 0; i < RANDOM_BODY; i++) check(randomBody(rng), rng.pick(contexts), true);
    // And the unmutated corpus itself.
    corpora.forEach((corpus, which) => corpus.forEach((packet) => check(packet, contexts[which]!, false)));

    expect(failures.slice(0, 10)).toEqual([]);
    expect(decoded).toBeGreaterThanOrEqual(100_000);
    // Every outcome is reached, so the fuzzing exercised each check.
    for (const key of ['ok', ...reasons]) expect(tally.get(key) ?? 0, key).toBeGreaterThan(50);
    expect(mutatedAccepted).toBeGreaterThan(1000);
  });

  it('survives mutated and random spectator packets: neither decoder throws, a session drops them, a spectator round-trips what it accepts', () => {
    const rng = new TestRng(0x5bec);
    const contexts: SpectatorCodecContext[] = [{ playerCount: 2, inputSize: 2 }, { playerCount: 8, inputSize: 1 }, { playerCount: 16, inputSize: 9 }];
    const out = new Uint8Array(MAX_PACKET_BYTES);
    const randomSpectatorMessage = (ctx: SpectatorCodecContext): SpectatorMessage => {
      const frame = rng.chance(0.5) ? rng.below(1000) : rng.below(MAX_FRAME - 200);
      switch (rng.below(4)) {
        case 0:
          return { type: SpectatorMessageType.Spectate, fingerprint: rng.next(), next: frame, checksumThrough: rng.below(frame + 1) - 1, leaving: rng.chance(0.1) };
        case 1:
          return { type: MessageType.StateAck, transferId: rng.below(0x10000), next: rng.below(1000), mask: rng.next() };
        case 2:
          return { type: MessageType.StateChunk, transferId: rng.below(0x10000), frame, totalBytes: 1 + rng.below(5000), hash: rng.next(), index: rng.below(5), bytes: rng.bytes(1 + rng.below(200)) };
        default: {
          const frames = rng.below(rng.chance(0.5) ? 4 : 40);
          const inputs = new Uint8Array(frames * ctx.playerCount * ctx.inputSize);
          for (let i = 0; i < inputs.length; i++) inputs[i] = rng.chance(0.1) ? rng.next() & 0xff : i >= ctx.playerCount * ctx.inputSize ? inputs[i - ctx.playerCount * ctx.inputSize]! : 0;
          const checksums = Array.from({ length: rng.below(5) }, () => ({ frame: rng.below(frame + 1), checksum: rng.next() }));
          return { type: SpectatorMessageType.SpectatorInputs, startFrame: frame, liveFrame: frame + frames - 1 + rng.below(100), absent: rng.below(1 << ctx.playerCount), checksums, inputs };
        }
      }
    };
    const corpora = contexts.map((ctx) => {
      const packets: Uint8Array[] = [];
      while (packets.length < 300) {
        const bytes = encodeSpectatorPacket(out, rng.below(0x10000), randomSpectatorMessage(ctx), ctx);
        if (bytes !== undefined) packets.push(bytes.slice());
      }
      return packets;
    });
    const sessionContexts = contexts.map(({ playerCount, inputSize }) => makeContext(playerCount, inputSize));
    const failures: string[] = [];
    const tally = new Map<string, number>();
    const check = (data: Uint8Array, which: number): void => {
      const ctx = contexts[which]!;
      const before = data.slice();
      let result: SpectatorDecodeResult;
      try {
        result = decodeSpectatorPacket(data, ctx);
        // A player's session drops every spectator message (it never reads types 13 and 14).
        const session = decodePacket(data, sessionContexts[which]!);
        const type = data[2]! & 0x0f;
        if (session.ok && (type === SpectatorMessageType.Spectate || type === SpectatorMessageType.SpectatorInputs)) failures.push(`a session accepted ${hex(data)}`);
      } catch (error) {
        failures.push(`threw ${String(error)} on ${hex(data)}`);
        return;
      }
      if (!bytesEqual(before, data)) failures.push(`modified its input ${hex(before)}`);
      tally.set(result.ok ? 'ok' : result.reason, (tally.get(result.ok ? 'ok' : result.reason) ?? 0) + 1);
      if (!result.ok) return;
      let again: Uint8Array | undefined;
      try {
        again = encodeSpectatorPacket(out, result.packet.token, result.packet.message, ctx);
      } catch (error) {
        failures.push(`accepted but cannot re-encode (${String(error)}): ${hex(data)}`);
        return;
      }
      const second = again === undefined ? undefined : decodeSpectatorPacket(again, ctx);
      if (second === undefined || !second.ok || JSON.stringify(second.packet, (_k, v: unknown) => (v instanceof Uint8Array ? hex(v) : v)) !== JSON.stringify(result.packet, (_k, v: unknown) => (v instanceof Uint8Array ? hex(v) : v))) {
        failures.push(`re-encoding changed the packet: ${hex(data)}`);
      }
    };
    for (let i = 0; i < 30_000; i++) {
      const which = rng.below(contexts.length);
      const corpus = corpora[which]!;
      check(mutate(rng, rng.pick(corpus), rng.pick(corpus)), which);
    }
    for (let i = 0; i < 5000; i++) {
      const bytes = rng.bytes(5 + rng.below(200));
      bytes[0] = PROTOCOL_MAGIC;
      bytes[1] = PROTOCOL_VERSION;
      bytes[2] = rng.pick([10, 11, 13, 14]);
      check(bytes, rng.below(contexts.length));
    }
    corpora.forEach((corpus, which) => corpus.forEach((packet) => check(packet, which)));
    expect(failures.slice(0, 10)).toEqual([]);
    for (const key of ['ok', 'truncated', 'malformed', 'unknown-type', 'magic', 'version']) expect(tally.get(key) ?? 0, key).toBeGreaterThan(20);
  });
});
