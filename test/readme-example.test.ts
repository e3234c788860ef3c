/**
 * The README's minimal example, verbatim (only the import path differs), so that the code a game
 * developer pastes is known to compile and to work. The last test checks that the two copies have
 * not drifted apart.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AdvanceResult, FramePacer, Hasher, P2PSession, SessionState, bytesInputCodec } from '../sdk/src/index.ts';
import type { Game, PlayerInput } from '../sdk/src/index.ts';
import { SimulatedNetwork, VirtualClock } from '../sdk/src/sim.ts';

/** A tiny deterministic game: every player's input byte is folded into one running total. */
class TotalGame implements Game<Uint8Array, Int32Array> {
  private readonly state = new Int32Array(2); // [frame, total]
  private readonly hasher = new Hasher();

  step(inputs: readonly PlayerInput<Uint8Array>[]): void {
    let total = this.state[1]!;
    for (const { input } of inputs) total = (Math.imul(total, 31) + input[0]!) | 0;
    this.state[1] = total;
    this.state[0] = this.state[0]! + 1;
  }
  save(): Int32Array {
    return this.state.slice(); // a copy: a saved state must not alias live state
  }
  load(saved: Int32Array): void {
    this.state.set(saved);
  }
  checksum(): number {
    return this.hasher.reset().updateI32(this.state[0]!).updateI32(this.state[1]!).digest();
  }
}

// Two peers in one process, over a simulated 80 ms round trip with 5 % loss, in virtual time.
const clock = new VirtualClock();
const network = new SimulatedNetwork({ seed: 1, clock, profile: { rttMs: 80, jitterMs: 10, loss: 0.05, duplicate: 0, reorder: 0 } });
const addresses = ['alice', 'bob'];
const peers = addresses.map((address, me) => {
  const checksums = new Map<number, number>(); // confirmed frame -> checksum of its state
  const session = new P2PSession({
    players: addresses.map((other, h) => (h === me ? { kind: 'local' as const } : { kind: 'remote' as const, address: other })),
    game: new TotalGame(),
    transport: network.endpoint(address),
    input: bytesInputCodec(1),
    seed: 1000 + me, // use a real random u32 in production
    onChecksum: (frame, checksum) => checksums.set(frame, checksum),
  });
  return { session, pacer: new FramePacer(60), checksums };
});

// The game loop: 10 s of virtual time in 4 ms ticks. Poll every tick, advance each frame that is due.
for (let now = 0; now <= 10_000; now += 4) {
  clock.set(now);
  peers.forEach(({ session, pacer }, me) => {
    session.poll(now);
    for (const event of session.events()) if (event.type === 'desync') console.error(event);
    if (session.state !== SessionState.Running) return;
    const input = Uint8Array.of(((now >> 8) * (me + 1)) & 0xff); // new "buttons" every 256 ms
    for (let due = pacer.framesDue(now, session.framesAhead); due > 0; due--) {
      if (session.advanceFrame(input) !== AdvanceResult.Advanced) break; // stalled: the frame stays owed
      pacer.frameDone();
    }
  });
}

const [alice, bob] = peers.map((peer) => peer.checksums);
const shared = [...alice!.keys()].filter((frame) => bob!.has(frame));
const last = Math.max(...shared);
console.log(`frame ${last}: alice ${alice!.get(last)}, bob ${bob!.get(last)}`);

describe('README example', () => {
  it('runs both peers through the same confirmed frames with the same checksums', () => {
    for (const { session } of peers) {
      expect(session.state).toBe(SessionState.Running);
      expect(session.currentFrame).toBeGreaterThan(550); // 10 s at 60 fps, less the handshake
      expect(session.stats().desyncs).toBe(0);
    }
    // 80 ms round trip against a 2-frame input delay: predictions miss, so rollback really ran.
    expect(peers[0]!.session.stats().rollbackFrames).toBeGreaterThan(0);
    expect(shared.length).toBeGreaterThanOrEqual(8); // a checksum every 60 frames
    for (const frame of shared) expect(bob!.get(frame)).toBe(alice!.get(frame));
    expect(last).toBeGreaterThanOrEqual(480);
  });

  it('is the code shown in README.md', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const self = readFileSync(new URL(import.meta.url), 'utf8');
    expect(self).toContain(block!.replaceAll("from 'backspin'", "from '../sdk/src/index.ts'").replaceAll("from 'backspin/sim'", "from '../sdk/src/sim.ts'"));
  });
});
