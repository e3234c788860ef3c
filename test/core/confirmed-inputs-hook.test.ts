import { describe, expect, it } from 'vitest';
import { SimulatedMatch } from '../../sdk/src/sim/simulated-match.ts';
import type { SimulatedPeerHooks } from '../../sdk/src/sim/simulated-match.ts';
import { NETWORK_PRESETS } from '../../sdk/src/sim/network-presets.ts';
import { InputStatus } from '../../sdk/src/core/game.ts';

/** Every frame each peer reported through onConfirmedInputs: inputs as hex, statuses. */
type Report = { frame: number; inputs: string; statuses: string };

function run(maxPrediction: number, hooked: boolean, seed = 3) {
  const reports: Report[][] = [[], [], []];
  const hooks = (p: number): SimulatedPeerHooks | undefined =>
    hooked
      ? {
          onConfirmedInputs: (frame, inputs, statuses) => {
            reports[p]!.push({ frame, inputs: inputs.map((i) => Buffer.from(i).toString('hex')).join(' '), statuses: statuses.join('') });
          },
        }
      : undefined;
  const match = new SimulatedMatch({ players: 3, seed, profile: NETWORK_PRESETS.continental, session: { maxPrediction, checksumIntervalFrames: 10 }, hooks });
  match.runFrames(400, 60_000);
  match.kill(2);
  match.runUntil(match.clock.now() + 8_000);
  return { match, reports };
}

describe("P2PSession's onConfirmedInputs", () => {
  for (const [mode, maxPrediction] of [['rollback', 8], ['lockstep', 0]] as const) {
    it(`${mode}: every frame once, in order, the same on every peer, the dropped player Disconnected (all zeros) after its agreed frame`, () => {
      const { match, reports } = run(maxPrediction, true);
      const dropEvent = match.peers[0]!.events.find((e) => e.type === 'disconnected');
      expect(dropEvent?.type).toBe('disconnected');
      const agreed = dropEvent?.type === 'disconnected' ? dropEvent.frame : -1;
      for (const p of [0, 1]) {
        const session = match.peers[p]!.session;
        const frames = reports[p]!.map((r) => r.frame);
        expect(frames).toEqual(frames.map((_, i) => i));
        expect(frames.length).toBe(Math.min(session.confirmedFrame, session.currentFrame - 1) + 1);
        expect(frames.length).toBeGreaterThan(agreed + 300);
      }
      const common = Math.min(reports[0]!.length, reports[1]!.length);
      expect(reports[1]!.slice(0, common)).toEqual(reports[0]!.slice(0, common));
      const c = String(InputStatus.Confirmed);
      const d = String(InputStatus.Disconnected);
      expect(reports[0]![agreed]!.statuses).toBe(c + c + c);
      expect(reports[0]![agreed + 1]!.statuses).toBe(c + c + d);
      expect(reports[0]![agreed + 1]!.inputs.endsWith(' 0000')).toBe(true);
      // The killed peer reported its own frames, which agree with the survivors' as far as they go.
      expect(reports[2]!.length).toBeGreaterThan(300);
      expect(reports[2]!.length).toBeLessThanOrEqual(agreed + 1);
      expect(reports[2]).toEqual(reports[0]!.slice(0, reports[2]!.length));
    });
  }

  it('changes nothing in the session: the same match with and without the hook plays identically', () => {
    const a = run(8, false, 11).match;
    const b = run(8, true, 11).match;
    for (let p = 0; p < 3; p++) {
      expect(b.peers[p]!.session.stats()).toEqual(a.peers[p]!.session.stats());
      expect([...b.peers[p]!.checksums]).toEqual([...a.peers[p]!.checksums]);
      expect(b.peers[p]!.events).toEqual(a.peers[p]!.events);
    }
  });
});
