import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  NETWORK_PROFILES_ENV,
  defaultNetworkProfilesPath,
  loadNetworkProfiles,
} from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile, parseNetworkProfile, parseNetworkProfiles } from '../../sdk/src/sim/network-profile.ts';

/** A structurally valid file built in the test (values are arbitrary, not the shared ones). */
function validFile(): Record<string, unknown> {
  return {
    about: 'test',
    profiles: {
      calm: { rttMs: 10, jitterMs: 1, loss: 0, duplicate: 0, reorder: 0 },
      rough: {
        rttMs: 100,
        jitterMs: 5,
        loss: 0.1,
        duplicate: 0.2,
        reorder: 0.3,
        burstLoss: { repeat: 0.4 },
        freezes: { everyMs: 1000, forMs: 50 },
      },
    },
    standardScenario: { profile: 'rough', players: 2, frames: 60, fps: 30 },
  };
}

const REMOVE = Symbol('remove');

/** A deep copy of validFile() with the field at `path` set to `value` (or removed). */
function edited(path: string, value: unknown): unknown {
  const file = structuredClone(validFile());
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = file;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return file;
}

describe('parseNetworkProfiles', () => {
  it('accepts a valid file and keeps every field', () => {
    const parsed = parseNetworkProfiles(validFile());
    expect(parsed).toEqual(validFile());
    expect(Object.isFrozen(parsed.profiles['rough'])).toBe(true);
  });

  it.each([
    ['top level not an object', 42, /the top level must be an object, got 42/],
    ['unknown top-level field', edited('extra', 1), /extra is not a known field/],
    ['profiles missing', edited('profiles', REMOVE), /profiles is missing/],
    ['no profiles', edited('profiles', {}), /profiles must define at least one profile/],
    ['profile not an object', edited('profiles.calm', []), /profiles\.calm must be an object, got an array/],
    ['missing number', edited('profiles.calm.rttMs', REMOVE), /profiles\.calm\.rttMs is missing/],
    ['string number', edited('profiles.calm.jitterMs', '1'), /profiles\.calm\.jitterMs must be a finite number, got "1"/],
    ['negative', edited('profiles.calm.rttMs', -1), /profiles\.calm\.rttMs must be ≥ 0, got -1/],
    ['infinite', edited('profiles.calm.rttMs', Infinity), /profiles\.calm\.rttMs must be a finite number/],
    ['probability > 1', edited('profiles.calm.loss', 1.5), /profiles\.calm\.loss must be a probability in \[0, 1\], got 1\.5/],
    ['reorder > 1', edited('profiles.calm.reorder', 2), /profiles\.calm\.reorder must be a probability/],
    ['unknown profile field', edited('profiles.calm.lag', 3), /profiles\.calm\.lag is not a known field/],
    ['burst repeat > 1', edited('profiles.rough.burstLoss.repeat', 1.1), /profiles\.rough\.burstLoss\.repeat must be a probability/],
    ['burst unknown field', edited('profiles.rough.burstLoss.p', 0), /profiles\.rough\.burstLoss\.p is not a known field/],
    ['freeze period 0', edited('profiles.rough.freezes.everyMs', 0), /profiles\.rough\.freezes\.everyMs must be > 0/],
    ['freeze as long as period', edited('profiles.rough.freezes.forMs', 1000), /profiles\.rough\.freezes\.forMs must be < everyMs/],
    ['scenario unknown profile', edited('standardScenario.profile', 'mars'), /standardScenario\.profile must name a profile \(known: calm, rough\), got "mars"/],
    ['scenario fractional players', edited('standardScenario.players', 1.5), /standardScenario\.players must be an integer ≥ 1/],
    ['scenario fps 0', edited('standardScenario.fps', 0), /standardScenario\.fps must be > 0/],
    ['scenario unknown field', edited('standardScenario.seed', 1), /standardScenario\.seed is not a known field/],
    ['about not a string', edited('about', 3), /about must be a string/],
  ])('rejects %s with a message naming the field', (_name, json, message) => {
    expect(() => parseNetworkProfiles(json)).toThrow(message);
  });

  it('does not resolve profile names to Object.prototype members', () => {
    const parsed = parseNetworkProfiles(validFile());
    expect(() => getProfile(parsed, 'constructor')).toThrow(/Unknown network profile "constructor"/);
    expect(() => getProfile(parsed, 'toString')).toThrow(/known: calm, rough/);
  });
});

describe('parseNetworkProfile', () => {
  it('names the value it was given in errors', () => {
    expect(() => parseNetworkProfile({ rttMs: 1, jitterMs: 0, loss: 2, duplicate: 0, reorder: 0 })).toThrow(
      /profile\.loss must be a probability/,
    );
  });

  it('returns a copy with only the known fields', () => {
    const source = { rttMs: 1, jitterMs: 0, loss: 0, duplicate: 0, reorder: 0 };
    const parsed = parseNetworkProfile(source);
    source.rttMs = 99;
    expect(parsed.rttMs).toBe(1);
    expect('burstLoss' in parsed).toBe(false);
  });
});

describe('getProfile', () => {
  it('finds a profile and lists the known names for an unknown one', () => {
    const parsed = parseNetworkProfiles(validFile());
    expect(getProfile(parsed, 'calm').rttMs).toBe(10);
    expect(() => getProfile(parsed, 'fibre')).toThrow('Unknown network profile "fibre" (known: calm, rough)');
  });
});

describe('loadNetworkProfiles', () => {
  const savedEnv = process.env[NETWORK_PROFILES_ENV];
  const tempDirs: string[] = [];
  afterEach(() => {
    if (savedEnv === undefined) delete process.env[NETWORK_PROFILES_ENV];
    else process.env[NETWORK_PROFILES_ENV] = savedEnv;
    for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function tempFile(contents: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'backspin-profiles-'));
    tempDirs.push(dir);
    const path = join(dir, 'profiles.json');
    writeFileSync(path, contents);
    return path;
  }

  it('loads the real shared file faithfully from the default path', () => {
    delete process.env[NETWORK_PROFILES_ENV];
    const path = defaultNetworkProfilesPath();
    expect(path.endsWith(join('shared', 'network-profiles.json'))).toBe(true);
    const loaded = loadNetworkProfiles();
    // Parsing must neither drop nor alter anything the shared file says.
    expect(loaded).toEqual(JSON.parse(readFileSync(path, 'utf8')));
    expect(Object.keys(loaded.profiles).length).toBeGreaterThan(0);
    expect(getProfile(loaded, loaded.standardScenario.profile)).toBeDefined();
  });

  it('honours the environment variable', () => {
    process.env[NETWORK_PROFILES_ENV] = tempFile(JSON.stringify(validFile()));
    expect(Object.keys(loadNetworkProfiles().profiles)).toEqual(['calm', 'rough']);
  });

  it('prefers an explicit path over the environment variable', () => {
    process.env[NETWORK_PROFILES_ENV] = '/nonexistent/profiles.json';
    expect(loadNetworkProfiles(tempFile(JSON.stringify(validFile()))).standardScenario.profile).toBe('rough');
  });

  it('explains a missing file, bad JSON and invalid contents, naming the path', () => {
    expect(() => loadNetworkProfiles('/nonexistent/profiles.json')).toThrow(
      /Cannot read network profiles file \/nonexistent\/profiles\.json \(set BACKSPIN_NETWORK_PROFILES/,
    );
    const notJson = tempFile('{ nope');
    expect(() => loadNetworkProfiles(notJson)).toThrow(`Network profiles file ${notJson} is not valid JSON`);
    const invalid = tempFile(JSON.stringify(edited('profiles.calm.loss', -0.5)));
    expect(() => loadNetworkProfiles(invalid)).toThrow(`${invalid}: Invalid network profile: profiles.calm.loss must be ≥ 0`);
  });
});
