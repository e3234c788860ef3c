/**
 * Network conditions for the simulator, and the parser for the shared file that defines the
 * standard ones (`../shared/network-profiles.json`, loaded in Node by `load-network-profiles.ts`).
 * The numbers live only in that file so that tests, benchmarks and the demo all agree on what
 * "wifi" or "awful" means.
 */

/**
 * Gilbert-Elliott style loss bursts: right after a lost packet, the next packet on the same
 * directed link is lost with probability `repeat` instead of the profile's `loss`. The long-run
 * loss rate is therefore `loss / (1 - repeat + loss)`, higher than `loss` alone.
 */
export interface BurstLoss {
  /** Probability in [0, 1]. */
  readonly repeat: number;
}

/**
 * Periodic stalls of the sending side (a background tab, a Wi-Fi scan). Every `everyMs` the sender
 * stops delivering for `forMs`; see `SimulatedNetwork` for how held packets are released.
 */
export interface FreezeSchedule {
  /** Period between freeze starts (ms, > 0). */
  readonly everyMs: number;
  /** Length of one freeze (ms, < everyMs). */
  readonly forMs: number;
}

/** The conditions of one direction of a link. */
export interface NetworkProfile {
  /** Round-trip time (ms); each direction gets half. */
  readonly rttMs: number;
  /** Spread of the one-way delay: uniform in ±jitterMs around rttMs / 2 (ms). */
  readonly jitterMs: number;
  /** Probability in [0, 1] that a packet is lost (outside a loss burst). */
  readonly loss: number;
  /** Probability in [0, 1] that a delivered packet also arrives a second time. */
  readonly duplicate: number;
  /** Probability in [0, 1] that a packet is held back long enough to arrive after later ones. */
  readonly reorder: number;
  /** Losses in bursts; without it each loss is independent. */
  readonly burstLoss?: BurstLoss;
  /** Periodic stalls of the sender; none without it. */
  readonly freezes?: FreezeSchedule;
}

/** The standard benchmark and soak-test setup named by the shared file. */
export interface StandardScenario {
  /** Name of a profile in the same file. */
  readonly profile: string;
  /** Peers in the session (integer ≥ 1). */
  readonly players: number;
  /** Frames to simulate (integer ≥ 1). */
  readonly frames: number;
  /** Simulation rate (frames per second, > 0). */
  readonly fps: number;
}

/** The whole shared network-profiles file, validated. */
export interface NetworkProfiles {
  /** The file's own description of the semantics, if present. */
  readonly about?: string;
  /** Each profile, by name ('lan', 'wifi', ...). */
  readonly profiles: Readonly<Record<string, NetworkProfile>>;
  /** The benchmarks' standard setup. */
  readonly standardScenario: StandardScenario;
}

/** No delay, no loss, nothing reordered: the simulator's default. */
export const PERFECT_NETWORK_PROFILE: NetworkProfile = Object.freeze({
  rttMs: 0,
  jitterMs: 0,
  loss: 0,
  duplicate: 0,
  reorder: 0,
});

type JsonObject = Readonly<Record<string, unknown>>;

function fail(path: string, problem: string): never {
  throw new Error(`Invalid network profile: ${path === '' ? 'the top level' : path} ${problem}`);
}

/** `path.key`, or just `key` at the top level. */
function at(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function failValue(path: string, problem: string, value: unknown): never {
  fail(path, `${problem}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** `value` as a plain object; with `known`, any other key is rejected. */
function objectAt(value: unknown, path: string, known?: readonly string[]): JsonObject {
  if (value === undefined) fail(path, 'is missing');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) failValue(path, 'must be an object', value);
  const object = value as JsonObject;
  if (known === undefined) return object;
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) fail(at(path, key), `is not a known field (known: ${known.join(', ')})`);
  }
  return object;
}

function numberAt(object: JsonObject, key: string, path: string): number {
  const value = object[key];
  if (value === undefined) fail(at(path, key), 'is missing');
  if (typeof value !== 'number' || !Number.isFinite(value)) failValue(at(path, key), 'must be a finite number', value);
  if (value < 0) failValue(at(path, key), 'must be ≥ 0', value);
  return value;
}

function probabilityAt(object: JsonObject, key: string, path: string): number {
  const value = numberAt(object, key, path);
  if (value > 1) failValue(at(path, key), 'must be a probability in [0, 1]', value);
  return value;
}

function positiveIntegerAt(object: JsonObject, key: string, path: string): number {
  const value = numberAt(object, key, path);
  if (!Number.isInteger(value) || value < 1) failValue(at(path, key), 'must be an integer ≥ 1', value);
  return value;
}

const PROFILE_FIELDS = ['rttMs', 'jitterMs', 'loss', 'duplicate', 'reorder', 'burstLoss', 'freezes'] as const;
const BURST_FIELDS = ['repeat'] as const;
const FREEZE_FIELDS = ['everyMs', 'forMs'] as const;
const SCENARIO_FIELDS = ['profile', 'players', 'frames', 'fps'] as const;
const FILE_FIELDS = ['about', 'profiles', 'standardScenario'] as const;

/**
 * Validates one profile and returns a frozen copy holding only the known fields. `path` names the
 * value in error messages (e.g. `profiles.wifi`). Also used by `SimulatedNetwork` on profiles built
 * in code, so a typo like `loss: 2` fails loudly instead of silently losing everything.
 */
export function parseNetworkProfile(json: unknown, path = 'profile'): NetworkProfile {
  const object = objectAt(json, path, PROFILE_FIELDS);
  const profile: {
    rttMs: number;
    jitterMs: number;
    loss: number;
    duplicate: number;
    reorder: number;
    burstLoss?: BurstLoss;
    freezes?: FreezeSchedule;
  } = {
    rttMs: numberAt(object, 'rttMs', path),
    jitterMs: numberAt(object, 'jitterMs', path),
    loss: probabilityAt(object, 'loss', path),
    duplicate: probabilityAt(object, 'duplicate', path),
    reorder: probabilityAt(object, 'reorder', path),
  };
  if (object['burstLoss'] !== undefined) {
    const burstPath = `${path}.burstLoss`;
    const burst = objectAt(object['burstLoss'], burstPath, BURST_FIELDS);
    profile.burstLoss = Object.freeze({ repeat: probabilityAt(burst, 'repeat', burstPath) });
  }
  if (object['freezes'] !== undefined) {
    const freezePath = `${path}.freezes`;
    const freezes = objectAt(object['freezes'], freezePath, FREEZE_FIELDS);
    const everyMs = numberAt(freezes, 'everyMs', freezePath);
    const forMs = numberAt(freezes, 'forMs', freezePath);
    if (everyMs <= 0) failValue(`${freezePath}.everyMs`, 'must be > 0', everyMs);
    // A freeze as long as its period would never let the sender deliver anything.
    if (forMs >= everyMs) failValue(`${freezePath}.forMs`, `must be < everyMs (${everyMs})`, forMs);
    profile.freezes = Object.freeze({ everyMs, forMs });
  }
  return Object.freeze(profile);
}

/**
 * Validates the parsed JSON of the shared network-profiles file: every field known, numbers finite
 * and ≥ 0, probabilities in [0, 1], and the standard scenario naming an existing profile. Throws an
 * `Error` whose message names the offending field (e.g. `profiles.wifi.burstLoss.repeat`).
 */
export function parseNetworkProfiles(json: unknown): NetworkProfiles {
  const file = objectAt(json, '', FILE_FIELDS);
  const about = file['about'];
  if (about !== undefined && typeof about !== 'string') failValue('about', 'must be a string', about);

  const profilesJson = objectAt(file['profiles'], 'profiles');
  const names = Object.keys(profilesJson);
  if (names.length === 0) fail('profiles', 'must define at least one profile');
  // A null prototype keeps names such as "constructor" from resolving to Object.prototype members.
  const profiles = Object.create(null) as Record<string, NetworkProfile>;
  for (const name of names) {
    if (name.length === 0) fail('profiles', 'has a profile with an empty name');
    profiles[name] = parseNetworkProfile(profilesJson[name], `profiles.${name}`);
  }
  Object.freeze(profiles);

  const scenarioJson = objectAt(file['standardScenario'], 'standardScenario', SCENARIO_FIELDS);
  const scenarioProfile = scenarioJson['profile'];
  if (typeof scenarioProfile !== 'string') failValue('standardScenario.profile', 'must be a string', scenarioProfile);
  if (!Object.hasOwn(profiles, scenarioProfile)) {
    failValue('standardScenario.profile', `must name a profile (known: ${names.join(', ')})`, scenarioProfile);
  }
  const fps = numberAt(scenarioJson, 'fps', 'standardScenario');
  if (fps <= 0) failValue('standardScenario.fps', 'must be > 0', fps);
  const standardScenario: StandardScenario = Object.freeze({
    profile: scenarioProfile,
    players: positiveIntegerAt(scenarioJson, 'players', 'standardScenario'),
    frames: positiveIntegerAt(scenarioJson, 'frames', 'standardScenario'),
    fps,
  });

  return Object.freeze(
    about === undefined ? { profiles, standardScenario } : { about, profiles, standardScenario },
  );
}

/** The profile called `name`; throws listing the known names when there is none. */
export function getProfile(profiles: NetworkProfiles, name: string): NetworkProfile {
  if (!Object.hasOwn(profiles.profiles, name)) {
    const known = Object.keys(profiles.profiles).join(', ');
    throw new Error(`Unknown network profile ${JSON.stringify(name)} (known: ${known})`);
  }
  return profiles.profiles[name] as NetworkProfile;
}
