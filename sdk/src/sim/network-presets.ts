import type { NetworkProfile } from './network-profile.ts';

/**
 * The standard network conditions, by name, shipped with the SDK so that a game can simulate them
 * without any file: `new SimulatedNetwork({ profile: NETWORK_PRESETS.wifi, ... })`. Round trips
 * and jitter in ms, probabilities in [0, 1] (see `NetworkProfile`).
 *
 * They are the project's shared definitions (`shared/network-profiles.json` beside the repository,
 * which the tests and benchmarks read), copied here because a package cannot read a file outside
 * itself; `test/sim/network-presets.test.ts` fails the moment the two differ.
 *
 * - `lan`: a wired LAN, 2 ms.
 * - `wifi`: a home Wi-Fi, 30 ms, 2% loss in short bursts.
 * - `continental`: across a continent, 80 ms, 1% loss.
 * - `intercontinental`: across an ocean, 160 ms, 3% loss, some duplicates and reordering.
 * - `awful`: a bad mobile link, 250 ms, 20% loss in bursts, and a 400 ms freeze every 10 s.
 */
export const NETWORK_PRESETS = {
  lan: { rttMs: 2, jitterMs: 0.5, loss: 0, duplicate: 0, reorder: 0 },
  wifi: { rttMs: 30, jitterMs: 8, loss: 0.02, duplicate: 0, reorder: 0.01, burstLoss: { repeat: 0.3 } },
  continental: { rttMs: 80, jitterMs: 10, loss: 0.01, duplicate: 0, reorder: 0.01 },
  intercontinental: { rttMs: 160, jitterMs: 20, loss: 0.03, duplicate: 0.01, reorder: 0.02 },
  awful: { rttMs: 250, jitterMs: 60, loss: 0.2, duplicate: 0.02, reorder: 0.05, burstLoss: { repeat: 0.5 }, freezes: { everyMs: 10000, forMs: 400 } },
} as const satisfies Readonly<Record<string, NetworkProfile>>;

/** The name of a standard network preset: 'lan', 'wifi', 'continental', 'intercontinental' or 'awful'. */
export type NetworkPresetName = keyof typeof NETWORK_PRESETS;
