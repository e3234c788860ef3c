/** Node-only helpers (they read files). Everything else is in the main entry point. */
export { loadNetworkProfiles, defaultNetworkProfilesPath, NETWORK_PROFILES_ENV } from './sim/load-network-profiles.ts';
