import { afterEach, describe, expect, it, vi } from 'vitest';
import { announceSkip, lookUpChromium } from './chromium-lookup.ts';

/** Which browser the end-to-end tests use, and what they do without one, on a fake file system. */
const only =
  (...present: string[]) =>
  (path: string) =>
    present.includes(path);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('lookUpChromium', () => {
  it('takes BACKSPIN_CHROMIUM first, else the Debian path, else the Ubuntu one', () => {
    expect(lookUpChromium({ BACKSPIN_CHROMIUM: '/opt/chrome/chrome' }, only('/opt/chrome/chrome', '/usr/bin/chromium'))).toEqual({ kind: 'run', executablePath: '/opt/chrome/chrome' });
    expect(lookUpChromium({}, only('/usr/bin/chromium', '/usr/bin/chromium-browser'))).toEqual({ kind: 'run', executablePath: '/usr/bin/chromium' });
    expect(lookUpChromium({ BACKSPIN_CHROMIUM: '  ' }, only('/usr/bin/chromium-browser'))).toEqual({ kind: 'run', executablePath: '/usr/bin/chromium-browser' });
  });

  it('does not swap a missing BACKSPIN_CHROMIUM for the system browser', () => {
    const lookup = lookUpChromium({ BACKSPIN_CHROMIUM: '/nowhere/chrome' }, only('/usr/bin/chromium'));
    expect(lookup.kind).toBe('skip');
    if (lookup.kind === 'run') throw new Error('unreachable');
    expect(lookup.message).toContain('BACKSPIN_CHROMIUM=/nowhere/chrome, which does not exist');
  });

  it('fails on CI without Chromium, and skips elsewhere, saying how to get it', () => {
    const onCi = lookUpChromium({ CI: 'true' }, only());
    expect(onCi.kind).toBe('fail');
    if (onCi.kind === 'run') throw new Error('unreachable');
    expect(onCi.message).toMatch(/^Chromium is required when CI=true; \.ci\/run installs it/);
    expect(onCi.message).toContain('/usr/bin/chromium or /usr/bin/chromium-browser');

    for (const env of [{}, { CI: 'false' }, { CI: '' }]) {
      const lookup = lookUpChromium(env, only());
      expect(lookup.kind).toBe('skip');
      if (lookup.kind === 'run') throw new Error('unreachable');
      expect(lookup.message).toContain('SKIPPED');
      expect(lookup.message).toContain('apt-get install chromium');
    }
  });
});

describe('announceSkip', () => {
  it('writes the message to stderr inside a banner several lines tall', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    announceSkip('the browser tests are skipped');
    const lines = written.join('').split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.filter((line) => /^!{20,}$/.test(line)).length).toBeGreaterThanOrEqual(2);
    expect(lines.some((line) => line.includes('the browser tests are skipped'))).toBe(true);
  });
});
