import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, CHROMIUM_LAUNCH_ARGS, lookUpChromium } from './chromium-lookup.ts';
import { startDemoServer } from './demo-server.ts';
import type { DemoServer } from './demo-server.ts';
import { watchPage } from './page-problems.ts';
import { hook, until } from './page-script.ts';

/**
 * Sound and match feedback as a player meets them: `npm start` serves the built demo, Chromium
 * plays a whole 8-player match against bots at 32× speed (`?speed=32`, bots only) so it takes
 * seconds, and the test reads from `window.backspin` which sounds were played (by key) and which
 * effects were shown, then checks that the mute setting survives a reload. Screenshots of the
 * match with effects and of the results go to test-results/e2e/. Page scripts are strings:
 * functions would be rewritten by the test transform and fail in the page.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(REPO, 'test-results', 'e2e');
/** The first `npm start` after a source change builds the demo (~20 s alone; more on a busy machine). */
const START_TIMEOUT_MS = 90_000;
/** A 32× match of 8 players (2 rounds of up to 45 s each, plus sudden death) in real seconds, with room for a loaded machine. */
const MATCH_TIMEOUT_MS = 30_000;

const lookup = lookUpChromium();
if (lookup.kind === 'skip') announceSkip(lookup.message);

describe.skipIf(lookup.kind === 'skip')('match sound and feedback in Chromium', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (lookup.kind !== 'run') return;
    mkdirSync(SHOTS, { recursive: true });
    server = await startDemoServer(['--port', '0', '--bind', '127.0.0.1'], START_TIMEOUT_MS);
    try {
      browser = await chromium.launch({ executablePath: lookup.executablePath, headless: true, args: [...CHROMIUM_LAUNCH_ARGS] });
    } catch (error) {
      server.kill();
      throw error;
    }
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      if (server !== undefined) await server.interrupt(10_000);
    }
  }, 30_000);

  it('plays a bots match with sounds, knock-outs in the feed, sparks and shakes, and remembers the mute across a reload', async () => {
    if (lookup.kind !== 'run' || browser === undefined) throw new Error(lookup.kind === 'run' ? 'Chromium did not start' : lookup.message);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const watched = watchPage(page, 'page');
      await page.goto(`http://127.0.0.1:${server!.port}/?speed=32`);
      await page.waitForSelector('#sound-mute', { timeout: 20_000 });
      // Nothing may play before the first click: the browser holds audio until then.
      expect(await hook(page, 'window.backspin.audio.unlocked')).toBe(false);
      expect(await hook(page, 'Object.keys(window.backspin.sounds).length')).toBe(0);

      await page.selectOption('#bot-count', '7');
      await page.click('#play-bots');
      await until(page, 'window.backspin.scene === "match"', 10_000);
      await until(page, 'window.backspin.audio.unlocked', 5_000);

      // M mutes and unmutes in a match.
      await page.keyboard.press('KeyM');
      expect(await hook(page, 'window.backspin.audio.muted')).toBe(true);
      await page.keyboard.press('KeyM');
      expect(await hook(page, 'window.backspin.audio.muted')).toBe(false);

      // The moment after a knock-out: pop-up, kill feed, burst and sparks on screen.
      await until(page, 'window.backspin.fx.knockouts >= 2', MATCH_TIMEOUT_MS);
      await page.waitForTimeout(120);
      await page.screenshot({ path: join(SHOTS, 'match-feedback.png') });

      await until(page, 'window.backspin.scene === "results"', MATCH_TIMEOUT_MS);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SHOTS, 'match-feedback-results.png') });

      const fx = await hook<{ sparks: number; bursts: number; knockouts: number; shakes: number; trails: number; results: number; particlesPeak: number; feed: string[] }>(page, 'window.backspin.fx');
      const sounds = await hook<Record<string, number>>(page, 'window.backspin.sounds');
      const context_ = JSON.stringify({ fx: { ...fx, feed: fx.feed.slice(0, 5) }, sounds });
      expect(fx.sparks, context_).toBeGreaterThan(5);
      expect(fx.bursts, context_).toBeGreaterThan(0);
      // Every knock-out announced is one the match counted: no double, no mispredicted one.
      expect(fx.knockouts, context_).toBe(fx.feed.length);
      expect(fx.feed.every((line) => / knocked out | fell out of the ring$/.test(line)), context_).toBe(true);
      expect(fx.shakes, context_).toBeGreaterThan(0);
      expect(fx.trails, context_).toBeGreaterThan(0);
      expect(fx.results, context_).toBeGreaterThanOrEqual(2);
      expect(fx.particlesPeak, context_).toBeGreaterThan(20);
      for (const key of ['shot', 'hit', 'dash', 'knockout', 'countdown-tick', 'countdown-go', 'round-won', 'match-won', 'ui-click', 'music']) {
        expect(sounds[key] ?? 0, `${key}: ${context_}`).toBeGreaterThan(0);
      }
      // Once per match each: the match-won fanfare, and the music loop (started once, looping).
      expect(sounds['match-won'], context_).toBe(1);
      expect(sounds['music'], context_).toBe(1);
      expect(watched.problems, watched.console.join('\n')).toEqual([]);

      // Mute and volume on the title screen are remembered across a reload.
      await page.goto(`http://127.0.0.1:${server!.port}/`);
      await page.waitForSelector('#sound-mute', { timeout: 20_000 });
      await page.click('#sound-mute');
      await page.fill('#sound-volume', '40');
      expect(await hook(page, 'window.backspin.audio')).toMatchObject({ muted: true, volume: 0.4 });
      await page.reload();
      await page.waitForSelector('#sound-mute', { timeout: 20_000 });
      expect(await hook(page, 'window.backspin.audio')).toMatchObject({ muted: true, volume: 0.4 });
      expect(await page.getAttribute('#sound-mute', 'aria-pressed')).toBe('true');
      expect(await page.inputValue('#sound-volume')).toBe('40');
      expect(watched.problems, watched.console.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('a shrinking-ring match against bots: the ring closes to its smallest late in the round, drawn as players see it', async () => {
    if (lookup.kind !== 'run' || browser === undefined) throw new Error(lookup.kind === 'run' ? 'Chromium did not start' : lookup.message);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const watched = watchPage(page, 'page');
      // 8×, not 32×: a loaded page draws ~12 frames a second, and at 32× the ring's last seconds
      // would pass within two of them.
      await page.goto(`http://127.0.0.1:${server!.port}/?speed=8`);
      await page.waitForSelector('#game-mode', { timeout: 20_000 });
      await page.selectOption('#game-mode', '1');
      await page.selectOption('#bot-count', '5');
      await page.click('#play-bots');
      await until(page, 'window.backspin.scene === "match"', 10_000);
      expect(await hook(page, 'window.backspin.gameMode')).toBe(1);
      expect(await hook(page, 'window.backspin.ringRadius')).toBe(360);
      // On the way: the ring closing (its edge pulses, a dashed circle shows where it is heading).
      await until(page, 'window.backspin.ringRadius <= 260', MATCH_TIMEOUT_MS);
      await page.screenshot({ path: join(SHOTS, 'shrinking-ring-closing.png') });
      // Late in the first round (34 s of play, about 4.5 s at 8×): the ring is nearly at its smallest.
      await until(page, 'window.backspin.ringRadius <= 165', MATCH_TIMEOUT_MS);
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(SHOTS, 'shrinking-ring.png') });
      expect(await hook<string[]>(page, 'window.backspin.desyncs')).toEqual([]);
      expect(watched.problems, watched.console.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
