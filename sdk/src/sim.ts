/**
 * The simulated network, in virtual time: links with latency, jitter, loss, bursts, reordering and
 * freezes, the standard network presets, and `SimulatedMatch`, whole matches of sessions over it.
 * Browser-safe. Loading a profiles file from disk is Node's business (`backspin/node`).
 *
 * @module backspin/sim
 */
export * from './sim/index.ts';
export { SimulatedMatch } from './sim/simulated-match.ts';
export type { SimulatedMatchOptions, SimulatedPeer, SimulatedPeerHooks, SimulatedSessionOptions } from './sim/simulated-match.ts';
