import { describe, expect, it } from 'vitest';
import { SessionRig } from '../helpers/session-rig.ts';
import { decodePacket } from '../../sdk/src/protocol/decode-packet.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';

/**
 * 100,000+ random and mutated packets fired at a live session from a real peer's address and from
 * strangers. Every one that is not a valid packet of that peer must be counted and dropped, leave
 * the session's state exactly as it was, and the match must then go on in sync.
 */
describe('P2PSession under a flood of bad packets', () => {
  it('counts and drops every one, changes nothing, and plays on', () => {
    const rng = new Prng(2024);
    const rig = new SessionRig({ players: 3, seed: 77 });
    const [victim, honest] = [rig.peers[0]!, rig.peers[1]!];
    honest.transport.recordSends = true;
    rig.ticks(120, (t) => {
      if (t % 7 === 0) for (const p of rig.peers) p.input = Uint8Array.of(rng.nextU32() & 15, rng.nextU32() & 0xff);
    });
    const corpus = honest.transport.sent.filter((s) => s.to === victim.address).map((s) => s.data);
    expect(corpus.length).toBeGreaterThan(50);

    // The victim stands still while the flood lasts (polling only), so its state can be compared.
    const snapshot = () => ({
      frame: victim.session.currentFrame,
      confirmed: victim.session.confirmedFrame,
      checksum: victim.game.checksum(),
      inputs: [0, 1, 2].map((p) => {
        const h = victim.session.inputHistory(p);
        return { first: h.firstFrame, last: h.lastFrame, all: Array.from({ length: h.lastFrame - h.firstFrame + 1 }, (_, i) => Array.from(h.get(h.firstFrame + i) ?? [])) };
      }),
      peers: victim.session.stats().peers.map((p) => ({ connected: p.connected, rollback: p.rollbackFrames })),
    });
    // Let every real packet in flight land first: during the flood only the injected ones arrive.
    rig.clock.advance(1000);
    victim.session.poll(rig.clock.now());
    const dropTotal = () => Object.values(victim.session.stats().dropped).reduce((a, b) => a + b, 0);
    const before = snapshot();
    const dropsBefore = dropTotal();

    // A packet the victim's decoder accepts with the honest peer's real token is, for all it can
    // know, that peer speaking: leave those out, everything else must be refused.
    const ctx = {
      playerCount: 3,
      inputSize: 2,
      previousInput: (player: number, frame: number) => victim.session.inputHistory(player).get(frame),
    };
    const token = (corpus[0]![3]! | (corpus[0]![4]! << 8)) >>> 0;
    const acceptable = (data: Uint8Array): boolean => {
      const r = decodePacket(data, ctx);
      return r.ok && r.packet.token === token;
    };

    let injected = 0;
    const TOTAL = 100_000;
    while (injected < TOTAL) {
      for (let batch = 0; batch < 1000; batch++) {
        let data: Uint8Array;
        const kind = rng.nextInt(4);
        if (kind === 0) {
          data = new Uint8Array(rng.nextInt(1600));
          for (let i = 0; i < data.length; i++) data[i] = rng.nextU32() & 0xff;
        } else {
          data = corpus[rng.nextInt(corpus.length)]!.slice();
          const flips = 1 + rng.nextInt(4);
          for (let i = 0; i < flips && data.length > 0; i++) data[rng.nextInt(data.length)]! ^= 1 << rng.nextInt(8);
          if (kind === 2) data = data.subarray(0, rng.nextInt(data.length + 1));
          if (kind === 3) data = Uint8Array.from([...data, ...Array.from({ length: 1 + rng.nextInt(8) }, () => rng.nextU32() & 0xff)]);
        }
        if (acceptable(data)) continue;
        victim.transport.inject(rng.nextInt(10) === 0 ? 'stranger' : honest.address, data);
        injected++;
      }
      victim.session.poll(rig.clock.now());
    }
    victim.session.events();

    expect(dropTotal() - dropsBefore).toBe(injected);
    expect(snapshot()).toEqual(before);

    // And the match goes on, in agreement.
    honest.transport.recordSends = false;
    rig.ticks(300);
    const agreement = rig.checksumAgreement();
    expect(agreement.mismatches).toEqual([]);
    expect(victim.session.currentFrame).toBeGreaterThan(before.frame + 250);
    expect(rig.peers.every((p) => p.session.stats().peers.every((s) => s.connected))).toBe(true);
  });
});
