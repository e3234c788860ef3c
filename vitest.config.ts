import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Tests that run in real time over real sockets, processes and browsers (geckos.io, WebRTC,
 * Chromium, `npm start`, npm itself). They run one file at a time: their timing bounds (frames per
 * half second, reconnects within seconds) assume a machine not also running another such test.
 */
const REAL_TIME = [
  'test/e2e/**/*.test.ts',
  'test/host/**/*.test.ts',
  'test/mesh/**/*.test.ts',
  'test/direct/**/*.test.ts',
  'test/transport/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/relay/*-loopback.test.ts',
  'test/relay/static-files.test.ts',
  'test/readme-example.test.ts',
];

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
      { extends: true, test: { name: 'real-time', include: REAL_TIME, maxWorkers: 1 } },
      // Not isolated: each worker imports the SDK once for all its files instead of once per file
      // (72 -> 53 s for this project). These tests keep no state between files.
      { extends: true, test: { name: 'virtual-time', include: ['test/**/*.test.ts'], exclude: REAL_TIME, maxWorkers: 2, isolate: false } },
    ],
  },
});
