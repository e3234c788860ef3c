#!/usr/bin/env node
// The `backspin-host` command. A packed backspin runs its build (dist/). Inside the Backspin
// repository, where the TypeScript sources are, tsx runs those instead, so that a dist/ left over
// from an earlier `npm pack` is never what runs there.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/host/host-cli.ts', import.meta.url);
let entry = new URL('../dist/host/host-cli.js', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source;
}
process.argv[1] = fileURLToPath(entry);
await import(entry.href);
