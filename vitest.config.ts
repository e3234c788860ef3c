import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Code under test that imports `backspin` by name (the demo's sources) gets the SDK's TypeScript
  // sources through sdk/package.json's `backspin-source` condition, not a build in sdk/dist.
  resolve: { conditions: ['backspin-source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['backspin-source', ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
