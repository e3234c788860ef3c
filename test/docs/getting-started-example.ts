import {
  AdvanceResult, FIXED_HALF, FramePacer, Hasher, InputStatus, P2PSession, PRNG_STATE_WORDS, Prng, SessionState,
  SyncTestSession, fixedClamp, fixedFromRatio, fixedMul, toFixed,
} from '../../sdk/src/index.ts';
import type { Game, InputCodec, PlayerInput, SyncTestMismatch } from '../../sdk/src/index.ts';
import { SimulatedNetwork, VirtualClock } from '../../sdk/src/sim.ts';
import type { NetworkProfile } from '../../sdk/src/sim.ts';

/** The input: bit 0 = Left, bit 1 = Right. Decoding clears other bits, so a bad peer cannot send them. */
export const pushCodec: InputCodec<number> = {
  size: 1,
  encode(input, out) {
    out[0] = input & 3;
  },
  decode: (bytes) => bytes[0]! & 3,
};

const SPEED = fixedFromRatio(3, 2); // units per frame while a button is held
const GUST = toFixed(4); // gusts span [-2, 2) units per frame
const WALL = toFixed(100); // walls at ±100 units
const HEAD = 1 + PRNG_STATE_WORDS; // state words: frame, the Prng, then x and gone per player

/** Players on a line between two walls, pushed by their buttons and by a seeded gust of wind. */
export class WindyLine implements Game<number, Int32Array> {
  readonly state: Int32Array;
  private readonly rngWords: Uint32Array; // a view into `state`: the Prng is saved with the rest
  private readonly rng: Prng;
  private readonly hasher = new Hasher();

  constructor(players: number, matchSeed: number) {
    this.state = new Int32Array(HEAD + 2 * players);
    this.rngWords = new Uint32Array(this.state.buffer, 4, PRNG_STATE_WORDS);
    this.rng = new Prng(matchSeed);
    this.rng.saveState(this.rngWords);
  }

  step(inputs: readonly PlayerInput<number>[]): void {
    const s = this.state;
    const gust = fixedMul(this.rng.nextFixed() - FIXED_HALF, GUST); // the same gust for everyone
    for (let p = 0; p < inputs.length; p++) {
      const { input, status } = inputs[p]!;
      const at = HEAD + 2 * p;
      if (status === InputStatus.Disconnected) s[at + 1] = 1; // every peer sees it at the same frame
      if (s[at + 1] === 1) continue; // gone: out of play for good
      const push = (input & 2 ? SPEED : 0) - (input & 1 ? SPEED : 0);
      s[at] = fixedClamp((s[at]! + push + gust) | 0, -WALL, WALL);
    }
    s[0] = (s[0]! + 1) | 0;
    this.rng.saveState(this.rngWords);
  }

  save(reuse = new Int32Array(this.state.length)): Int32Array {
    reuse.set(this.state); // a copy (into a state the session no longer needs): never the live array
    return reuse;
  }

  load(saved: Int32Array): void {
    this.state.set(saved);
    this.rng.loadState(this.rngWords);
  }

  checksum(): number {
    const h = this.hasher.reset();
    for (let i = 0; i < this.state.length; i++) h.updateI32(this.state[i]!);
    return h.digest();
  }
}

/** Determinism first, no network: every frame rolls back 8 frames and must re-simulate alike. */
export function syncTest(frames: number): SyncTestMismatch | undefined {
  const test = new SyncTestSession({ game: new WindyLine(2, 7), players: 2, input: pushCodec, checkDistance: 8 });
  const script = new Prng(1); // random but repeatable inputs
  const inputs = [0, 0];
  for (let f = 0; f < frames && test.mismatch === undefined; f++) {
    if (script.nextInt(8) === 0) inputs[script.nextInt(2)] = script.nextInt(4);
    test.advanceFrame(inputs);
  }
  return test.mismatch;
}

/** Two peers in one process over a simulated network, in virtual time: a tick every 4 ms. */
export function playTwoPeers(profile: NetworkProfile, seconds: number, maxPrediction = 8) {
  const clock = new VirtualClock();
  const network = new SimulatedNetwork({ seed: 3, clock, profile });
  const addresses = ['ada', 'bob'];
  const peers = addresses.map((address, me) => {
    const game = new WindyLine(2, 42); // 42: the match seed, the same on every peer
    const checksums = new Map<number, number>(); // confirmed frame -> checksum
    const session = new P2PSession({
      players: addresses.map((a) => (a === address ? { kind: 'local' as const } : { kind: 'remote' as const, address: a })),
      game,
      transport: network.endpoint(address),
      input: pushCodec,
      seed: 100 + me, // handshake randomness: crypto.getRandomValues in production
      maxPrediction, // 0: lockstep
      onChecksum: (frame, checksum) => checksums.set(frame, checksum),
    });
    return { game, session, checksums, pacer: new FramePacer(60) };
  });
  for (let now = 0; now <= seconds * 1000; now += 4) {
    clock.set(now);
    peers.forEach(({ session, pacer }, me) => {
      session.poll(now);
      for (const event of session.events()) if (event.type === 'desync') throw new Error(`desync at frame ${event.frame}`);
      if (session.state !== SessionState.Running) return;
      const input = ((now >> 9) + me) % 3; // 0 idle, 1 Left, 2 Right: new "buttons" every 512 ms
      for (let due = pacer.framesDue(now, session.framesAhead); due > 0; due--) {
        if (session.advanceFrame(input) !== AdvanceResult.Advanced) break; // stalled: the frame stays owed
        pacer.frameDone();
      }
    });
  }
  return peers;
}
