/**
 * Node-only helpers for clients and tools: WebRTC for a Node process (a bot, a test, a headless
 * player; needs the optional peer dependency `node-datachannel`), and loading network profiles
 * from a JSON file.
 *
 * @module backspin/node
 */
export { installNodeWebRTC } from './node/node-webrtc.ts';
export { loadNetworkProfiles, defaultNetworkProfilesPath, NETWORK_PROFILES_ENV } from './sim/load-network-profiles.ts';
