/**
 * The simulated network, browser-safe. The Node-only file loader (`load-network-profiles.ts`) is
 * deliberately not re-exported here.
 */
export { PERFECT_NETWORK_PROFILE, getProfile, parseNetworkProfile, parseNetworkProfiles } from './network-profile.ts';
export type { BurstLoss, FreezeSchedule, NetworkProfile, NetworkProfiles, StandardScenario } from './network-profile.ts';
export { NETWORK_PRESETS } from './network-presets.ts';
export type { NetworkPresetName } from './network-presets.ts';
export { SimulatedNetwork } from './simulated-network.ts';
export type {
  LinkStats,
  LinkStatsEntry,
  NetworkStats,
  SimulatedEndpoint,
  SimulatedNetworkOptions,
} from './simulated-network.ts';
export { VirtualClock } from './virtual-clock.ts';
