/**
 * Node only: reads the shared network-profiles file from disk. Kept apart from the rest of sim/ so
 * that browser bundles (the demo's simulated-lag mode) never pull in `node:fs`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNetworkProfiles } from './network-profile.ts';
import type { NetworkProfiles } from './network-profile.ts';

/** Environment variable that, when set, names the profiles file to use instead of the default. */
export const NETWORK_PROFILES_ENV = 'BACKSPIN_NETWORK_PROFILES';

/**
 * Where the profiles file is looked for: `$BACKSPIN_NETWORK_PROFILES` if set (relative to the
 * working directory), else `../shared/network-profiles.json` relative to the repository root, which
 * is three levels above this file (sdk/src/sim/).
 */
export function defaultNetworkProfilesPath(): string {
  const fromEnv = process.env[NETWORK_PROFILES_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  return resolve(repoRoot, '../shared/network-profiles.json');
}

/**
 * Reads and validates a network-profiles file (default: {@link defaultNetworkProfilesPath}).
 * Throws an `Error` naming the path if the file is missing, is not JSON, or fails validation.
 */
export function loadNetworkProfiles(path: string = defaultNetworkProfilesPath()): NetworkProfiles {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read network profiles file ${path} (set ${NETWORK_PROFILES_ENV} to point elsewhere): ${messageOf(error)}`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`Network profiles file ${path} is not valid JSON: ${messageOf(error)}`, { cause: error });
  }
  try {
    return parseNetworkProfiles(json);
  } catch (error) {
    throw new Error(`${path}: ${messageOf(error)}`, { cause: error });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
