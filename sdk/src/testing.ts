/**
 * Helpers for testing a game's netcode: a small deterministic game to drive sessions with, and a
 * comparison of the checksums several peers recorded.
 *
 * @module backspin/testing
 */
export { TestGame } from './testing/test-game.ts';
export { compareChecksums } from './sim/compare-checksums.ts';
export type { ChecksumComparison } from './sim/compare-checksums.ts';
