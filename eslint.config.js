import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'test-results/**', 'docs/api/**'] },
  { files: ['**/*.mjs'], languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use an `as const` object instead of an enum.' }],
    },
  },
  {
    // The core is pure: no clocks, no randomness, no timers. Time and transport are passed in.
    files: [
      'sdk/src/core/**/*.ts',
      'sdk/src/protocol/**/*.ts',
      'sdk/src/kit/**/*.ts',
      'sdk/src/replay/**/*.ts',
      'sdk/src/room/**/*.ts',
      'sdk/src/relay/**/*.ts',
      'sdk/src/migration/**/*.ts',
      'sdk/src/transport/routed-transport.ts',
      'sdk/src/transport/route-*.ts',
      'demo-game/src/sim/**/*.ts',
    ],
    rules: {
      'no-restricted-globals': ['error', 'Date', 'performance', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'process', 'fetch', 'crypto'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'The core is deterministic: use the seeded Prng.' }],
    },
  },
);
