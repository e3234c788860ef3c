import { existsSync } from 'node:fs';

/** Where Debian and Ubuntu put Chromium, tried in order when `BACKSPIN_CHROMIUM` is not set. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'] as const;

/**
 * Chromium's command line for tests and benchmarks: headless on a machine with no GPU and no way
 * out (without the background-networking flags Chromium keeps trying, and failing, to reach
 * Google's servers).
 */
export const CHROMIUM_LAUNCH_ARGS: readonly string[] = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]);

/** What the browser tests do: run with this Chromium, fail (CI must have one), or skip (a dev machine may not). */
export type ChromiumLookup =
  | { readonly kind: 'run'; readonly executablePath: string }
  | { readonly kind: 'fail'; readonly message: string }
  | { readonly kind: 'skip'; readonly message: string };

/**
 * Finds Chromium for the end-to-end tests: `$BACKSPIN_CHROMIUM` if set (and only it: a path the
 * developer named and that is missing is not silently swapped for another browser), else the
 * system paths. Without one, CI (`CI=true`) fails, since a silently skipped suite would look green
 * there; anywhere else the tests are skipped, with a message saying how to get them running.
 */
export function lookUpChromium(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): ChromiumLookup {
  const named = env.BACKSPIN_CHROMIUM?.trim() ?? '';
  const candidates = named !== '' ? [named] : [...CHROMIUM_PATHS];
  const found = candidates.find((path) => exists(path));
  if (found !== undefined) return { kind: 'run', executablePath: found };
  const looked = named !== '' ? `BACKSPIN_CHROMIUM=${named}, which does not exist` : `no Chromium at ${candidates.join(' or ')}`;
  if (env.CI === 'true') return { kind: 'fail', message: `Chromium is required when CI=true; .ci/run installs it (looked for ${looked}).` };
  return {
    kind: 'skip',
    message: `The browser end-to-end tests are SKIPPED: ${looked}. Install it (apt-get install chromium) or set BACKSPIN_CHROMIUM to a Chromium or Chrome executable.`,
  };
}

/** Writes `message` to stderr in a banner several lines tall, so that a skipped browser suite is not missed in a long log. */
export function announceSkip(message: string): void {
  const rule = '!'.repeat(100);
  process.stderr.write(`\n${rule}\n${rule}\n!!\n!!  ${message}\n!!\n${rule}\n${rule}\n\n`);
}
