import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Tests that run in real time over real sockets and processes (geckos.io, WebRTC, the host CLI,
 * coturn). Their timing bounds (frames per half second, reconnects within seconds) assume a machine
 * with CPU to spare: each such file keeps about a fifth of the 2 cores busy (host-hardening: 41 s of
 * CPU in 103 s; mesh-links: 18 s in 54 s), so two of them run side by side, and nothing else does.
 */
/**
 * The attacks on a live host (floods of connections, channels opened and closed by the hundred,
 * half-open connections): beside another socket test they have broken its WebRTC set-up twice (a
 * direct link's channel closed before it opened; a stale signal), so they run beside the
 * virtual-time tests instead, which open no socket. Its own bounds (frame gaps under 200 ms) held
 * with the machine at a load of 10.
 */
const ATTACKS = ['test/host/host-hardening.test.ts'];

const REAL_TIME = [
  'test/host/**/*.test.ts',
  'test/mesh/**/*.test.ts',
  'test/direct/**/*.test.ts',
  'test/transport/**/*.test.ts',
  'test/relay/*-loopback.test.ts',
  'test/relay/static-files.test.ts',
  'test/readme-example.test.ts',
  // `npm pack`, builds and installs: busy but with no timing bound; `pack.test.ts` builds
  // sdk/dist in place, which no test here reads (they take the sources).
  'test/package/**/*.test.ts',
];

/**
 * Tests that need the machine to themselves: the browser tests (three Chromium pages and a host
 * keep both cores busy, and their bounds are in frames per half second), and the direct links'
 * own test (beside another socket test, node-datachannel closed a channel before it opened, twice
 * in four runs). One file at a time, after everything else.
 */
const EXCLUSIVE = ['test/e2e/**/*.test.ts', 'test/direct/direct-link.test.ts'];

export default defineConfig({
  // Code under test that imports `backspin` by name (the demo's sources) gets the SDK's TypeScript
  // sources through sdk/package.json's `backspin-source` condition, not a build in sdk/dist.
  resolve: { conditions: ['backspin-source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['backspin-source', ...defaultServerConditions] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest would use one worker on a 2-core machine (cores - 1); the virtual-time tests are pure
    // computation with no timing bound, so they take both cores (the project below), which keeps
    // `npm test` within its 10 minutes.
    maxWorkers: 2,
    projects: [
      // The groups run one after another, in this order (`groupOrder`); within a group, files run
      // `maxWorkers` at a time. Not isolated: each worker imports the SDK once for all its files
      // instead of once per file (72 -> 53 s for this project). These tests keep no state between files.
      { extends: true, test: { name: 'virtual-time', include: ['test/**/*.test.ts'], exclude: [...REAL_TIME, ...EXCLUSIVE, ...ATTACKS], maxWorkers: 2, isolate: false, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'attacks', include: ATTACKS, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'real-time', include: REAL_TIME, exclude: [...ATTACKS, ...EXCLUSIVE], maxWorkers: 2, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'exclusive', include: EXCLUSIVE, maxWorkers: 1, sequence: { groupOrder: 2 } } },
    ],
  },
});
