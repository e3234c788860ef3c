/** Shared helpers of the protocol tests: a seeded PRNG, codec contexts and random messages. */
import { MAX_FRAME, MessageType, inputsThatAlwaysFit } from '../../sdk/src/protocol/index.ts';
import { rejoinMessageCodec } from '../../sdk/src/protocol/rejoin-message-codec.ts';
import type { ConnectStatus, DecodeContext, EncodeContext, Message } from '../../sdk/src/protocol/index.ts';

/** Small seeded PRNG (mulberry32): tests must be repeatable, so no Math.random. */
export class TestRng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A u32. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

/** A deterministic made-up input of `player` at `frame`: what both ends' queues would hold. */
export function syntheticInput(player: number, frame: number, inputSize: number): Uint8Array {
  const out = new Uint8Array(inputSize);
  // Mostly zeros and slow changes, like real inputs: one byte varies every 16 frames.
  let h = Math.imul((frame >>> 4) ^ (player * 0x9e3779b9), 0x85ebca6b) >>> 0;
  for (let i = 0; i < inputSize; i += 3) {
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    out[i] = h & 0x0f;
  }
  return out;
}

export type TestContext = EncodeContext & DecodeContext;

/**
 * A context whose queues hold `syntheticInput` for every frame, except frames for which `isGap`
 * says the receiver lacks the input.
 */
export function makeContext(
  playerCount: number,
  inputSize: number,
  isGap: (player: number, frame: number) => boolean = () => false,
): TestContext {
  return {
    playerCount,
    inputSize,
    rejoin: rejoinMessageCodec,
    previousInput(player, frame) {
      return isGap(player, frame) ? undefined : syntheticInput(player, frame, inputSize);
    },
  };
}

const INTERESTING_FRAMES = [0, 1, 63, 64, 127, 128, 1000, 16383, 16384, MAX_FRAME - 128, MAX_FRAME - 1, MAX_FRAME];

function randomFrame(rng: TestRng): number {
  return rng.chance(0.3) ? rng.pick(INTERESTING_FRAMES) : rng.between(0, rng.chance(0.5) ? 5000 : MAX_FRAME);
}

function randomU32(rng: TestRng): number {
  return rng.chance(0.2) ? rng.pick([0, 1, 0x7fffffff, 0x80000000, 0xffffffff]) : rng.next();
}

function randomStatuses(rng: TestRng, playerCount: number, currentFrame: number): ConnectStatus[] {
  const statuses: ConnectStatus[] = [];
  for (let h = 0; h < playerCount; h++) {
    let lastFrame: number;
    const roll = rng.below(10);
    if (roll < 6) lastFrame = Math.min(MAX_FRAME, Math.max(-1, currentFrame + rng.between(-9, 9)));
    else if (roll < 8) lastFrame = rng.pick([-1, 0, MAX_FRAME]);
    else lastFrame = rng.between(-1, MAX_FRAME);
    statuses.push({ disconnected: rng.chance(0.15), lastFrame });
  }
  return statuses;
}

/** Inputs of `count` frames from `startFrame`: mostly the synthetic queue, some random noise. */
function randomInputs(rng: TestRng, player: number, startFrame: number, count: number, inputSize: number): Uint8Array {
  const inputs = new Uint8Array(count * inputSize);
  const noisy = rng.chance(0.2);
  for (let k = 0; k < count; k++) {
    const input = noisy && rng.chance(0.5) ? rng.bytes(inputSize) : syntheticInput(player, startFrame + k, inputSize);
    inputs.set(input, k * inputSize);
  }
  return inputs;
}

/**
 * A random valid message for `ctx`, edge values included. Input runs are kept small enough to fit
 * a packet whatever their content.
 */
export function randomMessage(rng: TestRng, ctx: TestContext): Message {
  const { playerCount, inputSize } = ctx;
  const type = rng.between(MessageType.SyncRequest, MessageType.Readmit) as MessageType;
  switch (type) {
    case MessageType.SyncRequest:
    case MessageType.SyncReply:
      return {
        type,
        nonce: randomU32(rng),
        fingerprint: randomU32(rng),
        player: rng.below(playerCount),
        epoch: randomU32(rng),
      };
    case MessageType.Input: {
      const currentFrame = randomFrame(rng);
      const player = rng.below(playerCount);
      const maxCount = inputsThatAlwaysFit(ctx);
      let count = rng.chance(0.1) ? 0 : rng.between(1, rng.chance(0.7) ? Math.min(12, maxCount) : maxCount);
      let startFrame = Math.max(0, Math.min(MAX_FRAME, currentFrame + rng.between(-20, 5)));
      if (rng.chance(0.1)) startFrame = rng.pick([0, 1, MAX_FRAME - Math.max(count, 1) + 1]);
      if (count > 0 && startFrame + count - 1 > MAX_FRAME) count = MAX_FRAME - startFrame + 1;
      return {
        type,
        player,
        currentFrame,
        statuses: randomStatuses(rng, playerCount, currentFrame),
        startFrame,
        inputs: randomInputs(rng, player, startFrame, count, inputSize),
      };
    }
    case MessageType.InputAck: {
      const currentFrame = randomFrame(rng);
      return { type, currentFrame, statuses: randomStatuses(rng, playerCount, currentFrame) };
    }
    case MessageType.QualityReport:
      return {
        type,
        pingMs: randomU32(rng),
        packetsSent: randomU32(rng),
        frameAdvantage: rng.chance(0.8) ? rng.between(-200, 200) : randomU32(rng) | 0,
      };
    case MessageType.QualityReply:
      return { type, pongMs: randomU32(rng) };
    case MessageType.KeepAlive:
      return { type };
    case MessageType.ChecksumReport:
      return { type, frame: randomFrame(rng), checksum: randomU32(rng) };
    case MessageType.Goodbye:
      return { type, lastFrame: rng.chance(0.2) ? -1 : randomFrame(rng) };
    case MessageType.StateChunk: {
      const totalBytes = rng.chance(0.3) ? rng.between(1, 2000) : rng.between(1, MAX_FRAME);
      return {
        type,
        transferId: rng.below(0x10000),
        frame: randomFrame(rng),
        totalBytes,
        hash: randomU32(rng),
        index: rng.chance(0.5) ? rng.below(4) : randomFrame(rng),
        bytes: rng.bytes(rng.between(1, 1000)),
      };
    }
    case MessageType.StateAck:
      return { type, transferId: rng.below(0x10000), next: rng.chance(0.5) ? rng.below(40) : randomFrame(rng), mask: randomU32(rng) };
    case MessageType.Readmit:
      return { type, player: rng.below(playerCount), frame: randomFrame(rng), agreed: rng.chance(0.5) };
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function statusesEqual(a: readonly ConnectStatus[], b: readonly ConnectStatus[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.lastFrame !== b[i]!.lastFrame || a[i]!.disconnected !== b[i]!.disconnected) return false;
  }
  return true;
}

/** Field-by-field equality of two messages (fast enough for the fuzz loop, unlike `toEqual`). */
export function messagesEqual(a: Message, b: Message): boolean {
  switch (a.type) {
    case MessageType.SyncRequest:
    case MessageType.SyncReply:
      return (
        b.type === a.type &&
        a.nonce === b.nonce &&
        a.fingerprint === b.fingerprint &&
        a.player === b.player &&
        a.epoch === b.epoch
      );
    case MessageType.Input:
      return (
        b.type === a.type &&
        a.player === b.player &&
        a.currentFrame === b.currentFrame &&
        a.startFrame === b.startFrame &&
        statusesEqual(a.statuses, b.statuses) &&
        bytesEqual(a.inputs, b.inputs)
      );
    case MessageType.InputAck:
      return b.type === a.type && a.currentFrame === b.currentFrame && statusesEqual(a.statuses, b.statuses);
    case MessageType.QualityReport:
      return b.type === a.type && a.pingMs === b.pingMs && a.frameAdvantage === b.frameAdvantage;
    case MessageType.QualityReply:
      return b.type === a.type && a.pongMs === b.pongMs;
    case MessageType.KeepAlive:
      return b.type === a.type;
    case MessageType.ChecksumReport:
      return b.type === a.type && a.frame === b.frame && a.checksum === b.checksum;
    case MessageType.Goodbye:
      return b.type === a.type && a.lastFrame === b.lastFrame;
    case MessageType.StateChunk:
      return (
        b.type === a.type &&
        a.transferId === b.transferId &&
        a.frame === b.frame &&
        a.totalBytes === b.totalBytes &&
        a.hash === b.hash &&
        a.index === b.index &&
        bytesEqual(a.bytes, b.bytes)
      );
    case MessageType.StateAck:
      return b.type === a.type && a.transferId === b.transferId && a.next === b.next && a.mask === b.mask;
    case MessageType.Readmit:
      return b.type === a.type && a.player === b.player && a.frame === b.frame && a.agreed === b.agreed;
  }
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export { bytesEqual };
