// Builds the published package into dist/: `tsc -p tsconfig.build.json`, then points the
// declarations' relative imports at the emitted .js files. tsc rewrites `./x.ts` to `./x.js` in
// JavaScript (rewriteRelativeImportExtensions) but leaves declarations as written, and a consumer
// without allowImportingTsExtensions would reject `.ts` specifiers there.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const sdk = fileURLToPath(new URL('..', import.meta.url));
const dist = join(sdk, 'dist');
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const built = spawnSync(process.execPath, [tsc, '-p', join(sdk, 'tsconfig.build.json')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

/** `from './x.ts'` and `import('./x.ts')` with a relative path: the specifiers to rewrite. */
const RELATIVE_TS = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g;
let rewritten = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const path = join(entry.parentPath, entry.name);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(RELATIVE_TS, (_m, head, specifier, tail) => `${head}${specifier}.js${tail}`);
  if (next !== text) {
    writeFileSync(path, next);
    rewritten++;
  }
}
console.log(`backspin: built dist/ (${rewritten} declaration files' imports pointed at .js)`);
