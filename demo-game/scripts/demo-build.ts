import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultNetworkProfilesPath } from '../../sdk/src/sim/load-network-profiles.ts';

/** The demo-game folder, and where its build goes. */
export const DEMO_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DIST_DIR = join(DEMO_DIR, 'dist');
const REPO_DIR = resolve(DEMO_DIR, '..');
/** Written into the build: the fingerprint of the sources it was built from. */
const STAMP_FILE = '.backspin-build';

/** Everything the bundle is made of: the demo, the SDK it bundles, the lock file, the shipped profiles. */
function inputs(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(join(DEMO_DIR, 'src'));
  walk(join(REPO_DIR, 'sdk', 'src'));
  for (const f of ['index.html', 'vite.config.ts', 'package.json']) files.push(join(DEMO_DIR, f));
  files.push(join(REPO_DIR, 'package-lock.json'), defaultNetworkProfilesPath());
  return files.sort();
}

/**
 * A fingerprint of the sources (path, size and content hash of each), so that `npm start` builds
 * only when something changed, whatever the file times say after a clone or a checkout.
 */
export function sourceFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of inputs()) {
    hash.update(relative(REPO_DIR, file));
    hash.update('\0');
    if (existsSync(file) && statSync(file).isFile()) hash.update(readFileSync(file));
    else hash.update('(missing)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Whether `dist/` holds a build of the current sources. */
export function buildIsCurrent(): boolean {
  const stamp = join(DIST_DIR, STAMP_FILE);
  return existsSync(join(DIST_DIR, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === sourceFingerprint();
}

/** Builds the demo into `dist/` with Vite (production mode) and stamps it. */
export async function buildDemo(): Promise<void> {
  const { build } = await import('vite');
  const fingerprint = sourceFingerprint();
  await build({ root: DEMO_DIR, configFile: join(DEMO_DIR, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  writeFileSync(join(DIST_DIR, STAMP_FILE), `${fingerprint}\n`);
}

/** Builds unless `dist/` is current. Returns whether it built. */
export async function buildDemoIfNeeded(log: (line: string) => void = console.log): Promise<boolean> {
  if (buildIsCurrent()) return false;
  log('Building the demo game (first run, or its sources changed)…');
  const started = Date.now();
  await buildDemo();
  log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}
