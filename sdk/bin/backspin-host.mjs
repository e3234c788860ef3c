#!/usr/bin/env node
// The SDK ships as TypeScript source; tsx runs it without a build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register();
process.argv[1] = fileURLToPath(new URL('../src/host/host-cli.ts', import.meta.url));
await import('../src/host/host-cli.ts');
