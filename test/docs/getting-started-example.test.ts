/**
 * The central example of docs/getting-started.md, run for real: the tiny game passes SyncTest, and
 * two peers over the simulated network agree on every confirmed checksum they share, in rollback
 * and in lockstep. The last test checks that the guide shows exactly this file (only the import
 * path differs), so the code a reader copies is the code tested here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SyncTestSession } from '../../sdk/src/index.ts';
import { loadNetworkProfiles } from '../../sdk/src/node.ts';
import { WindyLine, playTwoPeers, pushCodec, syncTest } from './getting-started-example.ts';

const profiles = loadNetworkProfiles().profiles;

/** Runs the example's match and returns what both peers saw. */
function play(profileName: string, maxPrediction?: number) {
  const profile = profiles[profileName];
  if (profile === undefined) throw new Error(`no network profile ${profileName}`);
  const peers = playTwoPeers(profile, 10, maxPrediction);
  const [ada, bob] = peers.map((peer) => peer.checksums);
  const shared = [...ada!.keys()].filter((frame) => bob!.has(frame));
  return { peers, ada: ada!, bob: bob!, shared };
}

describe('getting-started example', () => {
  it('passes SyncTest over 3000 frames of random inputs', () => {
    expect(syncTest(3000)).toBeUndefined();
  });

  it('SyncTest would catch a load that forgets the Prng (so the gusts really come from it)', () => {
    class ForgetfulLine extends WindyLine {
      override load(saved: Int32Array): void {
        this.state.set(saved); // the Prng keeps its current position: re-simulated gusts differ
      }
    }
    const test = new SyncTestSession({ game: new ForgetfulLine(2, 7), players: 2, input: pushCodec, checkDistance: 8 });
    for (let f = 0; f < 100 && test.mismatch === undefined; f++) test.advanceFrame([0, 0]);
    expect(test.mismatch).toBeDefined();
  });

  it.each([
    ['continental', 500],
    ['awful', 350],
  ])('rollback over %s: both peers agree on every shared confirmed checksum', (profileName, minFrames) => {
    const { peers, ada, bob, shared } = play(profileName);
    for (const { session } of peers) {
      expect(session.state).toBe('running');
      // 600 frames in 10 s at 60 fps, less the handshake and (awful: 20 % loss, freezes) the stalls.
      expect(session.currentFrame).toBeGreaterThan(minFrames);
      expect(session.stats().desyncs).toBe(0);
    }
    // The round trip exceeds the 2-frame input delay, so predictions missed and rollback really ran.
    expect(peers[0]!.session.stats().rollbackFrames).toBeGreaterThan(0);
    expect(shared.length).toBeGreaterThanOrEqual(7); // a checksum every 60 frames
    for (const frame of shared) expect(bob.get(frame)).toBe(ada.get(frame));
    // The states really differ from one checksum to the next: agreement is not trivial.
    expect(new Set(shared.map((frame) => ada.get(frame))).size).toBe(shared.length);
  });

  it('lockstep (maxPrediction 0) over continental: the same agreement, never a rollback', () => {
    const { peers, ada, bob, shared } = play('continental', 0);
    for (const { session } of peers) {
      expect(session.rollback).toBe(false);
      expect(session.stats().rollbackFrames).toBe(0);
      expect(session.currentFrame).toBeGreaterThan(300);
    }
    expect(shared.length).toBeGreaterThanOrEqual(5);
    for (const frame of shared) expect(bob.get(frame)).toBe(ada.get(frame));
  });

  it('is the code shown in docs/getting-started.md', () => {
    const guide = readFileSync(new URL('../../docs/getting-started.md', import.meta.url), 'utf8');
    const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
    const example = readFileSync(new URL('./getting-started-example.ts', import.meta.url), 'utf8');
    expect(example).toContain("from '../../sdk/src/index.ts'");
    expect(blocks).toContain(example.replaceAll("from '../../sdk/src/index.ts'", "from 'backspin'").replaceAll("from '../../sdk/src/sim.ts'", "from 'backspin/sim'"));
  });
});
