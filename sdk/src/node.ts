/** Node-only parts of the SDK: the host, WebRTC for Node clients, and the profile-file loader. */
export { loadNetworkProfiles, defaultNetworkProfilesPath, NETWORK_PROFILES_ENV } from './sim/load-network-profiles.ts';
export { startHost } from './host/geckos-host.ts';
export type { HostOptions, RunningHost } from './host/geckos-host.ts';
export { installNodeWebRTC } from './node/node-webrtc.ts';
export { lanAddresses } from './host/lan-addresses.ts';
export { serveStatic } from './host/static-files.ts';
