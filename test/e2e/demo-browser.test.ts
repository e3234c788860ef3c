import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, CHROMIUM_LAUNCH_ARGS, lookUpChromium } from './chromium-lookup.ts';
import { startDemoServer } from './demo-server.ts';
import type { DemoServer } from './demo-server.ts';
import { ARROW_KEYS, playKeyPattern, WASD_KEYS } from './key-pattern.ts';
import type { KeySet } from './key-pattern.ts';
import { watchPage } from './page-problems.ts';
import { hook, until as untilEvery } from './page-script.ts';
import type { PageProblems } from './page-problems.ts';
import { encodeReplay } from '../../sdk/src/replay/replay-codec.ts';
import { BotRunner } from '../../demo-game/src/match/bot-runner.ts';
import { botInput } from '../../demo-game/src/sim/index.ts';

/**
 * The demo game as players meet it: `npm start` builds and serves it, Debian's Chromium (headless)
 * loads the built bundle, and the tests drive the visible UI (the DOM menus over the canvas, and
 * the keyboard in a match), reading results from `window.backspin` (demo-game/src/app/debug-hooks.ts).
 * Page scripts are passed as strings: functions would be rewritten by the test transform and fail
 * in the page.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(REPO, 'test-results', 'e2e');
/** The first `npm start` after a source change builds the demo with Vite (~20 s alone; more on a busy 2-core machine). */
const START_TIMEOUT_MS = 90_000;
/** Both players play this long (ms). */
const PLAY_MS = 8_000;
const NAME_A = 'Ada';
const NAME_B = 'Brook';

const lookup = lookUpChromium();
if (lookup.kind === 'skip') announceSkip(lookup.message);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `expression` is true in the page (looking every 100 ms). */
const until = (page: Page, expression: string, timeoutMs: number) => untilEvery(page, expression, timeoutMs, 100);

describe.skipIf(lookup.kind === 'skip')('the demo game in Chromium', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  /** The two players' contexts and pages, shared by the two-player test and the drop test after it. */
  let contextA: BrowserContext | undefined;
  let contextB: BrowserContext | undefined;
  let pageA: Page | undefined;
  let pageB: Page | undefined;
  let watchA: PageProblems | undefined;
  let watchB: PageProblems | undefined;

  const url = (path: string) => `http://127.0.0.1:${server!.port}${path}`;

  /** The browser; without one on CI, every test fails with the reason (not only the file). */
  const chromiumBrowser = (): Browser => {
    if (lookup.kind !== 'run') throw new Error(lookup.message);
    if (browser === undefined) throw new Error('Chromium did not start (see the error of beforeAll)');
    return browser;
  };

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
      if (server !== undefined) {
        // SIGINT: the host says goodbye to every player and exits 0; npm start passes the 0 on.
        const ended = await server.interrupt(10_000);
        expect(ended, server.output()).toEqual({ code: 0, signal: null });
        expect(server.output()).toContain('SIGINT: telling every player the host is going...');
        expect(server.output()).toContain('Host stopped.');
      }
    }
  }, 30_000);

  it('loads the built bundle without errors, serves the network profiles, and plays a bots match', async () => {
    const context = await chromiumBrowser().newContext();
    try {
      const page = await context.newPage();
      const watched = watchPage(page, 'page');
      const profiles = page.waitForResponse((r) => new URL(r.url()).pathname === '/network-profiles.json', { timeout: 20_000 });
      await page.goto(url('/'));
      await page.waitForSelector('#play-bots', { timeout: 20_000 });
      expect((await profiles).status()).toBe(200);
      // The simulator's choices come from that file; its button is enabled once they are in.
      await page.waitForSelector('#play-simulator:enabled', { timeout: 10_000 });
      expect(await page.locator('#sim-profile option[value="awful"]').count()).toBe(1);
      expect(await hook(page, 'window.backspin.scene')).toBe('title');

      await page.click('#play-bots');
      await until(page, 'window.backspin.scene === "match"', 10_000);
      expect(await hook(page, 'window.backspin.mode')).toBe('bots');
      const startFrame = await hook<number>(page, 'window.backspin.frame');
      await sleep(3_000);
      const frames = (await hook<number>(page, 'window.backspin.frame')) - startFrame;
      // 180 at full speed; a shared 2-core machine may run slow, but a match that does not move fails.
      expect(frames).toBeGreaterThan(60);
      expect(watched.problems, watched.console.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 45_000);

  it('Load replay on the title screen plays a .bsr file, reproducing its checksums at 8×; a file that is not a replay is refused by name', async () => {
    // 8 s of a 4-player match against bots, recorded in Node by the demo's own runner.
    const runner = new BotRunner({ bots: 3, seed: 17, playerName: 'Ada', syncTest: false });
    const sample = () => botInput(runner.game.state, 0, runner.game.frame);
    for (let now = 0; now <= 8_000; now += 4) runner.tick(now, sample);
    const replay = runner.replay();
    const file = Buffer.from(encodeReplay(replay));
    const context = await chromiumBrowser().newContext();
    try {
      const page = await context.newPage();
      const watched = watchPage(page, 'page');
      await page.goto(url('/'));
      await page.waitForSelector('#load-replay', { timeout: 20_000 });
      await page.setInputFiles('#replay-file', { name: 'broken.bsr', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a replay, only some text') });
      await until(page, `document.getElementById('replay-status')?.textContent?.includes('not a Backspin replay') === true`, 5_000);
      await page.setInputFiles('#replay-file', { name: 'match.bsr', mimeType: 'application/octet-stream', buffer: file });
      await until(page, 'window.backspin.scene === "replay"', 10_000);
      await page.click('#replay-panel button[data-speed="8"]');
      await until(page, `window.backspin.replay?.frame === ${replay.frameCount}`, 20_000);
      const done = await hook<{ verified: number; checksums: number; mismatchFrame: number }>(page, 'window.backspin.replay');
      expect(done).toMatchObject({ verified: replay.checksums.length, checksums: replay.checksums.length, mismatchFrame: -1 });
      expect(await page.locator('#replay-verdict').textContent()).toBe(`Checksums reproduced: ${replay.checksums.length} of ${replay.checksums.length}`);
      // Paused, seeking back with the slider lands on its frame; then Back to the title screen.
      await page.click('#replay-pause');
      await page.locator('#replay-seek').fill('300');
      await until(page, 'window.backspin.replay?.frame === 300', 5_000);
      await page.screenshot({ path: join(SHOTS, 'replay.png') });
      await page.click('#replay-back');
      await until(page, 'window.backspin.scene === "title"', 5_000);
      expect(watched.problems, watched.console.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('keyboard, touch and gamepad each move the local player, and the menus take typing again after the match', async () => {
    // A fake gamepad in the standard mapping: the page reads `navigator.getGamepads()` each frame.
    // A landscape phone: the screen is wider than the game's 16:10, and thumbs rest at the edges.
    const context = await chromiumBrowser().newContext({ hasTouch: true, viewport: { width: 844, height: 390 } });
    try {
      await context.addInitScript(`
        window.__pad = { axes: [0, 0, 0, 0] };
        const buttons = Array.from({ length: 17 }, () => ({ pressed: false, value: 0 }));
        navigator.getGamepads = () => [{ id: 'test pad', index: 0, connected: true, mapping: 'standard', axes: window.__pad.axes, buttons, timestamp: 0 }];
      `);
      const page = await context.newPage();
      const watched = watchPage(page, 'controls');
      await page.goto(url('/'));
      await page.selectOption('#bot-count', '1', { timeout: 20_000 });
      await page.click('#play-bots');
      await until(page, 'window.backspin.scene === "match"', 10_000);
      // The countdown (2 s) holds everyone still; then the local player is in play.
      await sleep(2_500);
      await until(page, 'window.backspin.local.alive', 10_000);
      const position = () => hook<{ x: number; y: number; alive: boolean }>(page, 'window.backspin.local');

      /**
       * Moves with `act` for 400 ms and returns the displacement along (dx, dy). The bot may shoot
       * the player meanwhile (knockback), so a move gets three tries to show.
       */
      const moved = async (act: () => Promise<unknown>, stop: () => Promise<unknown>, dx: number, dy: number): Promise<number> => {
        let best = -Infinity;
        for (let attempt = 0; attempt < 3 && best <= 25; attempt++) {
          await until(page, 'window.backspin.local.alive', 10_000);
          const before = await position();
          await act();
          await sleep(400);
          const after = await position();
          await stop();
          await sleep(300);
          if (after.alive) best = Math.max(best, (after.x - before.x) * dx + (after.y - before.y) * dy);
        }
        return best;
      };

      // Keyboard: A runs left.
      expect(await moved(() => page.keyboard.down('KeyA'), () => page.keyboard.up('KeyA'), -1, 0)).toBeGreaterThan(25);

      // Touch: a thumb near the left edge, dragged 40 px right, is the movement stick.
      const cdp = await context.newCDPSession(page);
      const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y: 300, id: 1 }] });
      expect(
        await moved(
          async () => {
            await touch('touchStart', 50);
            await touch('touchMove', 70);
            await touch('touchMove', 90);
          },
          () => touch('touchEnd', 90),
          1,
          0,
        ),
      ).toBeGreaterThan(25);

      // Gamepad: the left stick pushed up.
      expect(await moved(() => page.evaluate('window.__pad.axes[1] = -1'), () => page.evaluate('window.__pad.axes[1] = 0'), 0, -1)).toBeGreaterThan(25);

      // Esc asks, Leave leaves; the name field takes every key again (match keys must not stay captured).
      await page.keyboard.press('Escape');
      await page.click('#leave-confirm', { timeout: 5_000 });
      await page.waitForSelector('#player-name', { timeout: 10_000 });
      await page.fill('#player-name', '');
      await page.click('#player-name');
      await page.keyboard.type('Wasd Jk');
      expect(await page.inputValue('#player-name')).toBe('Wasd Jk');
      expect(watched.problems, watched.console.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('two players create and join a room through the menus, play 8 s with the keyboard, and agree on every checksum', async () => {
    contextA = await chromiumBrowser().newContext();
    contextB = await chromiumBrowser().newContext();
    pageA = await contextA.newPage();
    pageB = await contextB.newPage();
    watchA = watchPage(pageA, 'A');
    watchB = watchPage(pageB, 'B');
    const a = pageA;
    const b = pageB;

    // A creates a room.
    await a.goto(url('/'));
    await a.fill('#player-name', NAME_A);
    await a.click('#play-online');
    await a.click('#create-room', { timeout: 10_000 });
    const code = (await a.locator('#room-code').textContent({ timeout: 15_000 })) ?? '';
    // The name is remembered once the host has taken it.
    expect(await hook(a, 'localStorage.getItem("backspin.name")')).toBe(NAME_A);
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    expect(await a.locator('#join-link').textContent()).toContain(`/?room=${code}`);
    expect(await hook(a, 'window.backspin.roomCode')).toBe(code);

    // B joins it by typing the code.
    await b.goto(url('/'));
    await b.fill('#player-name', NAME_B);
    await b.click('#play-online');
    // A mistyped code is refused with a reason before anything is sent; the real code is taken
    // as people type it off a screen (lower case, with a dash).
    await b.fill('#join-code', 'ab', { timeout: 10_000 });
    await b.click('#join-room');
    expect(await b.locator('#lobby-status').textContent()).toContain('is not a room code');
    await b.fill('#join-code', `${code.slice(0, 3)}-${code.slice(3)}`.toLowerCase());
    await b.click('#join-room');
    await b.locator('#room-code').waitFor({ timeout: 15_000 });
    expect(await b.locator('#room-code').textContent()).toBe(code);
    // Each context keeps its own storage: B's name did not overwrite A's.
    expect(await hook(b, 'localStorage.getItem("backspin.name")')).toBe(NAME_B);
    expect(await hook(a, 'localStorage.getItem("backspin.name")')).toBe(NAME_A);

    for (const page of [a, b]) {
      await until(page, 'document.querySelectorAll("#members li[data-slot]").length === 2', 10_000);
      const rows = await page.locator('#members li').allTextContents();
      expect(rows.some((r) => r.includes(NAME_A))).toBe(true);
      expect(rows.some((r) => r.includes(NAME_B))).toBe(true);
    }
    // The start button waits for everyone to be ready.
    expect(await a.locator('#start-match').isDisabled()).toBe(true);
    await a.click('#ready');
    await b.click('#ready');
    for (const page of [a, b]) await until(page, 'document.querySelectorAll(\'#members li[data-ready="true"]\').length === 2', 10_000);
    await a.click('#start-match', { timeout: 10_000 });
    await Promise.all([a, b].map((page) => until(page, 'window.backspin.scene === "match"', 15_000)));
    for (const page of [a, b]) expect(await hook(page, 'window.backspin.mode')).toBe('online');

    // Both play; page A is photographed halfway, while the match is on.
    const startFrames = await Promise.all([a, b].map((page) => hook<number>(page, 'window.backspin.frame')));
    const shot = join(SHOTS, 'match-two-players.png');
    const [pressesA, pressesB] = await Promise.all([
      playKeyPattern(a, WASD_KEYS, 0x5eed_a, PLAY_MS),
      playKeyPattern(b, ARROW_KEYS, 0x5eed_b, PLAY_MS),
      (async () => {
        await sleep(PLAY_MS / 2);
        expect(await hook(a, 'window.backspin.scene')).toBe('match');
        await a.screenshot({ path: shot });
        expect(await hook(a, 'window.backspin.scene')).toBe('match');
      })(),
    ]);
    expect(pressesA).toBeGreaterThan(20);
    expect(pressesB).toBeGreaterThan(20);

    const after = await Promise.all([a, b].map((page) => hook<{ scene: string; frame: number; checksums: Record<string, number>; desyncs: number[] }>(page, '({ scene: window.backspin.scene, frame: window.backspin.frame, checksums: { ...window.backspin.checksums }, desyncs: [...window.backspin.desyncs] })')));
    const [hooksA, hooksB] = after as [(typeof after)[number], (typeof after)[number]];
    for (const [i, h] of after.entries()) {
      expect(h.scene).toBe('match');
      expect(h.desyncs).toEqual([]);
      // 480 frames at full speed; wide slack for a busy machine.
      expect(h.frame - startFrames[i]!).toBeGreaterThan(240);
    }
    const shared = Object.keys(hooksA.checksums).filter((frame) => frame in hooksB.checksums);
    expect(shared.length, `checksum frames: A ${Object.keys(hooksA.checksums).join(',')}; B ${Object.keys(hooksB.checksums).join(',')}`).toBeGreaterThanOrEqual(5);
    const differing = shared.filter((frame) => hooksA.checksums[frame] !== hooksB.checksums[frame]);
    expect(differing, 'frames where the two pages computed different states').toEqual([]);
    expect(watchA.problems, watchA.console.join('\n')).toEqual([]);
    expect(watchB.problems, watchB.console.join('\n')).toEqual([]);
  }, 75_000);

  it('a closed page is seen as a drop by the other, whose match then ends cleanly', async () => {
    chromiumBrowser();
    const a = pageA;
    if (a === undefined || contextB === undefined || watchA === undefined) throw new Error('needs the two-player match of the test before');
    expect(await hook(a, 'window.backspin.scene')).toBe('match');
    const closedAt = performance.now();
    await contextB.close();
    contextB = undefined;

    await until(a, `window.backspin.drops.includes(${JSON.stringify(NAME_B)})`, 15_000);
    const droppedAfterMs = performance.now() - closedAt;
    const notices = await hook<string[]>(a, '[...window.backspin.notices]');
    expect(notices.some((n) => n.includes(NAME_B)), notices.join('\n')).toBe(true);

    // One player left: the sim ends the match and A moves on to the results, or at least A's
    // game keeps running on its own.
    const frameAtDrop = await hook<number>(a, 'window.backspin.frame');
    const outcome = await until(a, 'window.backspin.scene === "results"', 10_000).then(
      () => 'results' as const,
      () => 'still in the match' as const,
    );
    if (outcome === 'results') {
      await a.locator('#results-title').waitFor({ timeout: 5_000 });
      expect(await a.locator('#back-to-lobby').count()).toBe(1);
      const rows = await a.locator('#results-panel tr[data-player]').allTextContents();
      expect(rows.find((r) => r.includes(NAME_B)), rows.join(' | ')).toMatch(/left$/);
      expect(await hook(a, 'window.backspin.finished')).toBe(true);
    } else {
      expect(await hook(a, 'window.backspin.scene')).toBe('match');
      expect((await hook<number>(a, 'window.backspin.frame')) - frameAtDrop).toBeGreaterThan(100);
    }
    console.info(`B's close was seen as a drop after ${droppedAfterMs.toFixed(0)} ms; then A: ${outcome}. Notices: ${JSON.stringify(notices)}`);
    expect(await hook(a, 'window.backspin.desyncs')).toEqual([]);
    expect(watchA.problems, watchA.console.join('\n')).toEqual([]);
  }, 45_000);

  it('back in the room after the results, a newcomer joins by the join link and the next match starts', async () => {
    const a = pageA;
    if (a === undefined || watchA === undefined) throw new Error('needs the match of the tests before');
    try {
      await until(a, 'window.backspin.scene === "results"', 10_000);
      const code = await hook<string>(a, 'window.backspin.roomCode');
      await a.click('#back-to-lobby');
      await until(a, 'window.backspin.scene === "lobby"', 10_000);
      expect(await a.locator('#room-code').textContent({ timeout: 10_000 })).toBe(code);

      // The newcomer opens the link (as from the QR code): the code is filled in, the name asked.
      const contextC = await chromiumBrowser().newContext();
      try {
        const c = await contextC.newPage();
        const watchC = watchPage(c, 'C');
        const link = (await a.locator('#join-link').textContent()) ?? '';
        expect(link).toContain(`?room=${code}`);
        await c.goto(url(`/?room=${code}`));
        await c.waitForSelector('#lobby-name', { timeout: 20_000 });
        expect(await c.inputValue('#join-code')).toBe(code);
        await c.fill('#lobby-name', 'Cy');
        await c.click('#join-room');
        for (const page of [a, c]) await until(page, 'document.querySelectorAll("#members li").length === 2', 15_000);
        // The owner picks the shrinking ring, and the newcomer's lobby shows it (before Ready: a
        // change of setting un-readies everyone).
        await a.selectOption('#setting-game-mode', '1');
        await until(c, 'document.getElementById("setting-game-mode")?.value === "1"', 10_000);
        // The match before reset everyone's ready flag.
        for (const page of [a, c]) await page.click('#ready');
        for (const page of [a, c]) await until(page, 'document.querySelector("#members li[data-ready=\'false\']") === null', 10_000);
        await a.click('#start-match', { timeout: 10_000 });
        for (const page of [a, c]) await until(page, 'window.backspin.scene === "match"', 15_000);
        // Both play the room's mode (its checksums include it, so the agreement below covers it).
        for (const page of [a, c]) expect(await hook(page, 'window.backspin.gameMode')).toBe(1);
        await until(a, 'Object.keys(window.backspin.checksums).length >= 4', 30_000);
        await until(c, 'Object.keys(window.backspin.checksums).length >= 4', 30_000);
        const sumsA = await hook<Record<string, number>>(a, 'window.backspin.checksums');
        const sumsC = await hook<Record<string, number>>(c, 'window.backspin.checksums');
        const shared = Object.keys(sumsA).filter((f) => f in sumsC);
        expect(shared.length).toBeGreaterThanOrEqual(3);
        for (const f of shared) expect(sumsC[f], `frame ${f}`).toBe(sumsA[f]);
        expect(await hook(a, 'window.backspin.desyncs')).toEqual([]);
        expect(await hook(c, 'window.backspin.desyncs')).toEqual([]);
        expect(watchC.problems, watchC.console.join('\n')).toEqual([]);
      } finally {
        await contextC.close();
      }
      expect(watchA.problems, watchA.console.join('\n')).toEqual([]);
    } finally {
      await contextA?.close();
      contextA = undefined;
    }
  }, 90_000);

  it('a page reloaded mid-match is back in the same match, playing, within 5 s of its load, and every checksum agrees after', async () => {
    // Three players: with two, the one left alone wins when the other's page goes (the arena's rule).
    const contexts = await Promise.all([0, 1, 2].map(() => chromiumBrowser().newContext()));
    try {
      const pages = await Promise.all(contexts.map((c) => c.newPage()));
      const watches = pages.map((page, i) => watchPage(page, `R${i}`));
      const [owner, other, reloaded] = pages as [Page, Page, Page];
      await owner.goto(url('/'));
      await owner.fill('#player-name', 'Rey');
      await owner.click('#play-online');
      await owner.click('#create-room', { timeout: 10_000 });
      const code = (await owner.locator('#room-code').textContent({ timeout: 15_000 })) ?? '';
      for (const [page, name] of [[other, 'Sol'], [reloaded, 'Tam']] as const) {
        await page.goto(url(`/?room=${code}`));
        await page.waitForSelector('#lobby-name', { timeout: 20_000 });
        await page.fill('#lobby-name', name);
        await page.click('#join-room');
        await page.locator('#room-code').waitFor({ timeout: 15_000 });
      }
      // The tab keeps its room and token (sessionStorage, per tab), not in any link.
      expect(await hook(reloaded, 'sessionStorage.getItem("backspin.room")')).toBe(code);
      expect(await hook(reloaded, `sessionStorage.getItem("backspin.token.${code}")`)).toMatch(/^[0-9a-f]{32}$/);
      for (const page of pages) await until(page, 'document.querySelectorAll("#members li[data-slot]").length === 3', 15_000);
      for (const page of pages) await page.click('#ready');
      for (const page of pages) await until(page, 'document.querySelectorAll(\'#members li[data-ready="true"]\').length === 3', 10_000);
      await owner.click('#start-match', { timeout: 10_000 });
      for (const page of pages) await until(page, 'window.backspin.scene === "match" && window.backspin.frame > 120', 20_000);

      // Reload mid-match: no click; straight back into the match, in its own slot.
      const loadedAt = performance.now();
      await reloaded.reload({ waitUntil: 'load' });
      await until(reloaded, 'window.backspin.scene === "match" && window.backspin.notices.includes("You are back in the match")', 5_000);
      const backAfterMs = performance.now() - loadedAt;
      expect(await hook(reloaded, 'window.backspin.mode')).toBe('online');
      for (const page of [owner, other]) {
        await until(page, 'window.backspin.notices.includes("Tam is back in the match")', 5_000);
        expect(await hook(page, 'window.backspin.scene')).toBe('match');
        expect(await hook(page, 'window.backspin.drops')).toEqual([]);
      }
      // Playing: its frames advance and its player moves with its keys.
      const frameBack = await hook<number>(reloaded, 'window.backspin.frame');
      await until(reloaded, 'window.backspin.local.alive', 5_000);
      const before = await hook<{ x: number }>(reloaded, '({ ...window.backspin.local })');
      await reloaded.keyboard.down('ArrowRight');
      await sleep(700);
      await reloaded.keyboard.up('ArrowRight');
      const moved = await hook<{ x: number }>(reloaded, '({ ...window.backspin.local })');
      expect(moved.x).toBeGreaterThan(before.x);
      await sleep(1_500);
      expect((await hook<number>(reloaded, 'window.backspin.frame')) - frameBack).toBeGreaterThan(60);
      await reloaded.screenshot({ path: join(SHOTS, 'match-after-reload.png') });

      const sums = await Promise.all(pages.map((page) => hook<Record<string, number>>(page, '({ ...window.backspin.checksums })')));
      const back = sums[2]!;
      const shared = Object.keys(back).filter((f) => f in sums[0]! && f in sums[1]!);
      expect(shared.length, `checksum frames after the reload: ${Object.keys(back).join(',')}`).toBeGreaterThanOrEqual(3);
      for (const f of shared) expect([sums[0]![f], sums[1]![f]], `frame ${f}`).toEqual([back[f], back[f]]);
      for (const page of pages) expect(await hook(page, 'window.backspin.desyncs')).toEqual([]);

      // A fourth page comes by the link: refused as a player (a match is on), it watches instead,
      // live and a few frames behind, computing the same checksums as the players.
      const spectatorContext = await chromiumBrowser().newContext();
      contexts.push(spectatorContext);
      const viewer = await spectatorContext.newPage();
      const watchViewer = watchPage(viewer, 'spectator');
      await viewer.goto(url(`/?room=${code}`));
      await viewer.waitForSelector('#lobby-name', { timeout: 20_000 });
      await viewer.fill('#lobby-name', 'Viv');
      await viewer.click('#join-room');
      await viewer.click('#watch-room', { timeout: 15_000 });
      await until(viewer, 'window.backspin.scene === "watch" && window.backspin.watching?.state === "watching"', 10_000).catch(async (e: unknown) => {
        console.info('the spectator did not start watching:', await hook(viewer, 'JSON.stringify({ w: window.backspin.watching, s: window.backspin.spectatorStats })'), await Promise.all(pages.map((p) => hook(p, 'JSON.stringify(window.backspin.feed)'))));
        throw e;
      });
      const watchedFrom = await hook<number>(viewer, 'window.backspin.frame');
      await sleep(3_500);
      const [shownFrame, ...playerFrames] = await Promise.all([viewer, ...pages].map((page) => hook<number>(page, 'window.backspin.frame')));
      const shown = shownFrame!;
      const live = Math.max(...playerFrames);
      const watching = await hook<{ behind: number; source: number }>(viewer, '({ ...window.backspin.watching })');
      const stats = await hook<{ liveFrame: number; currentFrame: number }>(viewer, '({ ...window.backspin.spectatorStats })');
      // Never ahead of the players, moving, and behind the newest confirmed frame its source
      // announced by its jitter buffer and the trip (6 + a few frames). (A page's frame hook is
      // written when it draws, which a loaded machine may delay: the spectator's own figures say
      // how far behind it shows.)
      expect(live - shown, `players at ${playerFrames.join('/')}, spectator at ${shown}`).toBeGreaterThan(0);
      expect(shown - watchedFrom).toBeGreaterThan(150);
      // (`currentFrame` is the next frame it simulates: 0 means it shows its source's newest.)
      expect(stats.liveFrame + 1 - stats.currentFrame, JSON.stringify(stats)).toBeGreaterThanOrEqual(0);
      expect(stats.liveFrame + 1 - stats.currentFrame, JSON.stringify(stats)).toBeLessThan(60);
      expect(watching.behind).toBeLessThan(30);
      // The players report a frame's checksum once every peer's inputs for it are confirmed, which
      // may come after the spectator shows it: read until 3 frames are in all three (10 s at most).
      const sumsOf = () => Promise.all([owner, other, viewer].map((page) => hook<Record<string, number>>(page, '({ ...window.backspin.checksums })')));
      let [ownerSums, otherSums, viewerSums] = await sumsOf();
      let watchedShared = Object.keys(viewerSums!).filter((f) => f in ownerSums! && f in otherSums!);
      for (let i = 0; i < 20 && watchedShared.length < 3; i++) {
        await sleep(500);
        [ownerSums, otherSums, viewerSums] = await sumsOf();
        watchedShared = Object.keys(viewerSums!).filter((f) => f in ownerSums! && f in otherSums!);
      }
      expect(watchedShared.length, `spectator checksum frames: ${Object.keys(viewerSums!).join(',')}`).toBeGreaterThanOrEqual(3);
      // What each page said, for a failure to show the story (drops, returns, host changes).
      const story = JSON.stringify(await Promise.all([...pages, viewer].map((p) => hook(p, 'window.backspin.notices'))));
      for (const f of watchedShared) expect([ownerSums![f], otherSums![f]], `frame ${f} (owner, other; the spectator's is expected); notices ${story}`).toEqual([viewerSums![f], viewerSums![f]]);
      expect(await hook(viewer, 'window.backspin.desyncs')).toEqual([]);
      await viewer.screenshot({ path: join(SHOTS, 'spectator-view.png') });
      await viewer.click('#big-screen');
      await until(viewer, 'window.backspin.bigScreen === true', 2_000);
      await sleep(300);
      await viewer.screenshot({ path: join(SHOTS, 'spectator-big-screen.png') });
      // The join as a player was refused (HTTP 423, which the browser logs); nothing else went wrong.
      // (On a loaded machine geckos.io's client may still poll for ICE candidates of a connection
      // attempt the host has already let go, a 404; and a connection silent for a moment looks for
      // the host with a HEAD request, aborted once the host is heard again: as in the host-restart
      // test below.)
      const refused = (line: string) =>
        /status (code )?(of )?423\b|HTTP 423 POST .*\/\.wrtc\/|HTTP 404 GET .*\/\.wrtc\/v2\/connections\/[^/]+\/additional-candidates$|status of 404 \(Not Found\)$|request failed: HEAD http:\/\/[^/]+\/: /.test(line);
      expect(watchViewer.problems.filter((line) => !refused(line)), watchViewer.console.join('\n')).toEqual([]);
      for (const w of watches) expect(w.problems, w.console.join('\n')).toEqual([]);
      console.info(`the reloaded page was back in the match ${backAfterMs.toFixed(0)} ms after its reload; the spectator showed frame ${stats.currentFrame}, ${stats.liveFrame + 1 - stats.currentFrame} behind its source's newest confirmed one (${live - shown} behind the fastest page), through slot ${watching.source}`);
    } finally {
      await Promise.all(contexts.map((c) => c.close()));
    }
  }, 90_000);

  it('plays over the simulated "awful" network with 4 players in rollback mode, and F3 toggles the network overlay', async () => {
    // The canvas renderer, so that the overlay can be read back from the canvas's 2D context.
    const context = await chromiumBrowser().newContext();
    try {
      const page = await context.newPage();
      const watched = watchPage(page, 'sim');
      await page.goto(url('/?renderer=canvas'));
      await page.waitForSelector('#play-simulator:enabled', { timeout: 20_000 });
      await page.selectOption('#sim-profile', 'awful');
      await page.selectOption('#sim-players', '4');
      await page.selectOption('#sim-mode', '8');
      await page.click('#play-simulator');
      await until(page, 'window.backspin.scene === "match"', 10_000);
      expect(await hook(page, 'window.backspin.mode')).toBe('simulator');

      // The sessions first synchronize over the lossy network (a few seconds at 20 % loss and 250 ms).
      await until(page, 'window.backspin.frame > 0', 20_000);
      const startFrame = await hook<number>(page, 'window.backspin.frame');
      await playKeyPattern(page, WASD_KEYS, 0x5eed_c, 6_000);
      const frames = (await hook<number>(page, 'window.backspin.frame')) - startFrame;
      // 360 at full speed; rollback over this network stalls at times, and the machine is shared.
      expect(frames).toBeGreaterThan(120);
      expect(await hook(page, 'window.backspin.desyncs')).toEqual([]);
      expect(Object.keys(await hook<Record<string, number>>(page, 'window.backspin.checksums')).length).toBeGreaterThan(0);

      // The overlay is drawn top right, outside the arena and the notice banners: light text on
      // a dark box. It is read back as the count of light pixels there (about 1100 shown, 0 hidden).
      const overlayShown = async () => {
        const light = await hook<number>(
          page,
          `(() => {
            const canvas = document.querySelector('#game canvas');
            const ctx = canvas && canvas.getContext('2d');
            if (!ctx) return -1;
            // The screen widens to fill the window (Scale.EXPAND); the overlay hugs its right edge.
            const d = ctx.getImageData(canvas.width - 240, 20, 220, 100).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] > 150 && d[i + 1] > 150 && d[i + 2] > 180) n++;
            return n;
          })()`,
        );
        expect(light, 'the canvas renderer').toBeGreaterThanOrEqual(0);
        const drawn = light > 300;
        expect(await hook<boolean>(page, 'window.backspin.overlay'), 'the overlay state agrees with what is drawn').toBe(drawn);
        return drawn;
      };
      /** Waits for the keys to be handled and the overlay (refreshed every 250 ms) drawn. */
      const settle = () => sleep(500);
      await settle();
      expect(await overlayShown()).toBe(false);

      // F3 on its own, in a frame with no other key event.
      await page.keyboard.press('F3');
      await settle();
      expect(await overlayShown(), 'F3 pressed alone shows the overlay').toBe(true);
      await page.screenshot({ path: join(SHOTS, 'simulator-overlay.png') });
      await page.keyboard.press('F3');
      await settle();
      expect(await overlayShown(), 'F3 pressed alone again hides it').toBe(false);

      // F3 tapped just as the player starts moving: key events share a frame, as they do when
      // someone plays and taps F3. Each press must toggle the overlay exactly once.
      const toggles: boolean[] = [];
      for (let i = 0; i < 4; i++) {
        const before = await overlayShown();
        await page.keyboard.down(i % 2 === 0 ? 'KeyD' : 'KeyA');
        await page.keyboard.press('F3');
        await settle();
        toggles.push((await overlayShown()) !== before);
        await page.keyboard.up(i % 2 === 0 ? 'KeyD' : 'KeyA');
        await settle();
      }
      expect(toggles, 'whether each F3 tap made while a movement key went down toggled the overlay').toEqual([true, true, true, true]);
      expect(await hook(page, 'window.backspin.scene')).toBe('match');
      expect(watched.problems, watched.console.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 45_000);
  /**
   * Three pages in a match through a host of their own (a second `npm start`): they reach each
   * other over direct links (debug hooks and, once, the F3 overlay say so); then that host is
   * killed mid-match (SIGKILL: it vanishes). Ada, who created the room, takes it over (host
   * migration) and the others follow her over their direct links ({@link playsOnWithoutHost}).
   * The host is then started again on its port and takes the room back ({@link hostComesBack});
   * and then it is stopped with Ctrl+C (SIGINT: it says goodbye), and Ada takes the room over
   * once more. One match, one set of pages, both ways a host can go.
   */
  async function hostLeavesMidMatch(): Promise<void> {
    const own = await startDemoServer(['--port', '0', '--bind', '127.0.0.1'], START_TIMEOUT_MS);
    const contexts = await Promise.all([0, 1, 2].map(() => chromiumBrowser().newContext()));
    /** The host started again on the same port. */
    let again: DemoServer | undefined;
    try {
      const pages = await Promise.all(contexts.map((c) => c.newPage()));
      const watches = pages.map((page, i) => watchPage(page, `host-loss${i}`));
      const [a, b, c] = pages as [Page, Page, Page];
      const at = (path: string) => `http://127.0.0.1:${own.port}${path}`;
      await a.goto(at('/'));
      await a.fill('#player-name', 'Ada');
      await a.click('#play-online');
      await a.click('#create-room', { timeout: 10_000 });
      const code = (await a.locator('#room-code').textContent({ timeout: 15_000 })) ?? '';
      for (const [page, name] of [[b, 'Brook'], [c, 'Cy']] as const) {
        await page.goto(at(`/?room=${code}`));
        await page.waitForSelector('#lobby-name', { timeout: 20_000 });
        await page.fill('#lobby-name', name);
        await page.click('#join-room');
      }
      for (const page of pages) await until(page, 'document.querySelectorAll("#members li[data-slot]").length === 3', 15_000);
      for (const page of pages) await page.click('#ready');
      for (const page of pages) await until(page, 'document.querySelectorAll(\'#members li[data-ready="true"]\').length === 3', 10_000);
      await a.click('#start-match', { timeout: 10_000 });
      for (const page of pages) await until(page, 'window.backspin.scene === "match"', 15_000);
      // Every page reaches both others over a direct link (Chromium's default mDNS host
      // candidates, no flags), and says so in its debug hooks and its F3 overlay.
      const allDirect = 'window.backspin.routes.length === 2 && window.backspin.routes.every((r) => r.route === "direct" && r.link === "open")';
      for (const page of pages) await until(page, allDirect, 15_000);
      await sleep(1000);
      for (const page of pages) expect(await hook(page, allDirect), JSON.stringify(await hook(page, 'window.backspin.routes'))).toBe(true);
      const routes = await hook<{ name: string; route: string; rttMs: number | undefined }[]>(a, 'window.backspin.routes');
      expect(routes.map((r) => r.name).sort()).toEqual(['Brook', 'Cy']);
      for (const r of routes) expect(r.rttMs).toBeGreaterThan(0);
      await a.keyboard.press('F3');
      await sleep(600);
      expect(await hook(a, 'window.backspin.overlay')).toBe(true);
      await a.screenshot({ path: join(SHOTS, 'mesh-three-players-overlay.png') });

      own.kill();
      await playsOnWithoutHost(pages, watches, 'SIGKILL', 2);
      again = await startDemoServer(['--port', String(own.port), '--bind', '127.0.0.1'], START_TIMEOUT_MS);
      await hostComesBack(own.port, code, pages, watches);
      expect(await again.interrupt(10_000)).toEqual({ code: 0, signal: null });
      await playsOnWithoutHost(pages, watches, 'SIGINT', 4);
    } finally {
      await Promise.all(contexts.map((context) => context.close()));
      own.kill();
      again?.kill();
    }
  }

  /**
   * Just after the host went (`how`): Ada, who created the room (slot 0, first in the line of
   * succession), takes it over at `epoch`, and Brook and Cy follow her over their direct links.
   * Every page says so once and plays on without a stall, no page ends the match or declares a
   * winner, and every shared confirmed checksum agrees, before and after.
   */
  async function playsOnWithoutHost(pages: readonly Page[], watches: readonly PageProblems[], how: 'SIGKILL' | 'SIGINT', epoch: number): Promise<void> {
    const [a, b] = pages as [Page, Page, Page];
    const goneAtMs = Date.now();
    const lostAt = await Promise.all(pages.map((page) => hook<number>(page, 'window.backspin.frame')));
    const heldByAda = `(window.backspin.holder && window.backspin.holder.holder === 0 && window.backspin.holder.epoch === ${epoch})`;
    // Every page plays on, sampled every 500 ms: at least 25 of the 30 frames of each half second
    // (the pages are linked directly; the machine runs 3 of them). A stall of the match while the
    // room changes hands shows as less. The room usually changes hands within 1.5 s; on a loaded
    // machine the others have taken longer to follow, so they get 10 s; sampling goes on for 3 s
    // after the last page follows.
    const MOST_SAMPLES = 20;
    const slowest: number[] = [0, 0, 0];
    const heldAfterMs: (number | undefined)[] = [undefined, undefined, undefined];
    let shot = false;
    let previous = lostAt;
    let stopKeys = false;
    // Every page keeps playing its keys, a second at a time, until the sampling is over.
    const players: [Page, KeySet, number][] = [
      [a, WASD_KEYS, 0xc0de_1],
      [b, ARROW_KEYS, 0xc0de_2],
      [pages[2]!, WASD_KEYS, 0xc0de_3],
    ];
    const keys = Promise.all(
      players.map(async ([page, keySet, seed]) => {
        for (let round = 0; !stopKeys; round++) await playKeyPattern(page, keySet, seed + round * 0x100, 1000);
      }),
    );
    for (let t = 0, allSince: number | undefined; t < MOST_SAMPLES && (allSince === undefined || t - allSince < 6); t++) {
      await sleep(500);
      const seen = await Promise.all(pages.map((page) => hook<{ frame: number; held: boolean }>(page, `({ frame: window.backspin.frame, held: Boolean${heldByAda} })`)));
      seen.forEach(({ frame, held }, i) => {
        const gained = frame - previous[i]!;
        slowest[i] = t === 0 ? gained : Math.min(slowest[i]!, gained);
        if (held) heldAfterMs[i] ??= Date.now() - goneAtMs;
      });
      previous = seen.map((s) => s.frame);
      if (seen.every((s) => s.held)) allSince ??= t;
      // What the players see once Ada holds the room: the notice over a match that goes on.
      if (!shot && seen.every((s) => s.held)) {
        shot = true;
        const name = `host-${how === 'SIGKILL' ? 'killed' : 'stopped'}-match`;
        await a.screenshot({ path: join(SHOTS, `${name}.png`) });
        await b.screenshot({ path: join(SHOTS, `${name}-brook.png`) });
      }
    }
    stopKeys = true;
    await keys;
    expect(heldAfterMs.every((ms) => ms !== undefined && ms <= MOST_SAMPLES * 500), `ms until each page had Ada holding the room: ${heldAfterMs.join('/')}`).toBe(true);
    // Each time the host left, one calm notice: who holds the room now; no reconnecting, no room closing.
    const timesLeft = epoch === 2 ? 1 : 2;
    for (const [i, page] of pages.entries()) {
      expect(await hook(page, 'window.backspin.holder')).toEqual({ holder: 0, epoch });
      expect(await hook(page, 'window.backspin.scene'), 'the match goes on without the host').toBe('match');
      expect(await hook(page, 'window.backspin.finished')).toBe(false);
      expect(await hook(page, 'window.backspin.desyncs')).toEqual([]);
      expect(await hook(page, 'window.backspin.drops')).toEqual([]);
      const notices = await hook<string[]>(page, 'window.backspin.notices');
      const holderNotices = notices.filter((n) => /now holds? the room/.test(n));
      expect(holderNotices, notices.join(' | ')).toEqual(Array(timesLeft).fill(i === 0 ? 'The host left. You now hold the room.' : 'The host left. Ada now holds the room.'));
      expect(notices.filter((n) => /reconnect|plays on|closed/i.test(n)), notices.join(' | ')).toEqual([]);
    }
    // No stall of 100 ms or more on these directly linked pages: that would leave at most 24 of
    // a half second's 30 frames.
    for (const s of slowest) expect(s, `frames per half second after the host left (${how}): ${slowest.join('/')}`).toBeGreaterThanOrEqual(25);
    const after = await expectChecksumsAgree(pages, Math.max(...lostAt), 4, `checksummed frames after the host left (${how}), on every page`);
    // Once the host is gone, the connection's reconnect attempts fail as requests to a closed
    // port do: since issue 14 each first looks at the host's address with a quiet HEAD request
    // (the browser logs it as failed), and dials (geckos.io then logs "Failed to fetch") only a
    // host that answers. Anything else is a problem.
    expectOnlyHostDownProblems(watches);
    console.info(`host ${how}: Ada held the room after ${heldAfterMs.join('/')} ms; pages played on, slowest half-seconds ${slowest.join('/')} frames; ${after.length} checksummed frames after it agree`);
  }

  /**
   * A host started again on the port of the one that was killed, while Ada holds the room: Ada
   * brings the room back onto it (she tries every 3 s) at epoch 3, and Brook and Cy reconnect to
   * it into their slots. Every page says so once (no "reconnecting"), the match plays on without
   * a stall, and the checksums agree; a newcomer with the join link reaches the room on the host
   * (it is playing a match, so the newcomer is told to join when it is back in the lobby).
   */
  /**
   * Every confirmed checksum the three pages share agrees, and at least `min` of them are of frames
   * after `afterFrame` (`what` names them). Returns those later frames.
   */
  async function expectChecksumsAgree(pages: readonly Page[], afterFrame: number, min: number, what: string): Promise<string[]> {
    const sums = await Promise.all(pages.map((page) => hook<Record<string, number>>(page, '({ ...window.backspin.checksums })')));
    const [sa, sb, sc] = sums as [Record<string, number>, Record<string, number>, Record<string, number>];
    const after = Object.keys(sa).filter((f) => Number(f) > afterFrame && f in sb && f in sc);
    expect(after.length, what).toBeGreaterThanOrEqual(min);
    for (const f of Object.keys(sa).filter((k) => k in sb && k in sc)) expect([sb[f], sc[f]], `frame ${f}`).toEqual([sa[f], sa[f]]);
    return after;
  }

  /**
   * No console problem on any page but the refused requests to a host that is down or going (a
   * reconnect, or the holder's re-home attempts): refused connections, and while a stopped host
   * shuts down, a 503 to a new connection and a 404 to the candidate poll of a connection it has
   * just closed.
   */
  function expectOnlyHostDownProblems(watches: readonly PageProblems[]): void {
    const expected = (line: string) =>
      /ERR_CONNECTION_REFUSED|console\.error: Failed to fetch$|request failed: (GET|POST) .*\/\.wrtc\/|request failed: HEAD http:\/\/[^/]+\/: |HTTP 503 POST .*\/\.wrtc\/v2\/connections$|HTTP 404 GET .*\/\.wrtc\/v2\/connections\/[^/]+\/additional-candidates$|status of (503|404) \((Service Unavailable|Not Found)\)$|Connection failed with status code 503\.$/.test(
        line,
      );
    for (const w of watches) expect(w.problems.filter((line) => !expected(line)), w.console.join('\n')).toEqual([]);
  }

  async function hostComesBack(port: number, code: string, pages: readonly Page[], watches: readonly PageProblems[]): Promise<void> {
    const at = (path: string) => `http://127.0.0.1:${port}${path}`;
    const startedAtMs = Date.now();
    const atRehome = await Promise.all(pages.map((page) => hook<number>(page, 'window.backspin.frame')));
    const onHost = '(window.backspin.holder && window.backspin.holder.holder === 255 && window.backspin.holder.epoch === 3)';
    const rehomedAfterMs: (number | undefined)[] = pages.map(() => undefined);
    const slowest = pages.map(() => Infinity);
    let previous = atRehome;
    let shot = false;
    // Sampled every 500 ms: until every page is on the host (15 s at most), then 3 s more.
    for (let t = 0, allSince: number | undefined; t < 36 && (allSince === undefined || t - allSince < 6); t++) {
      await sleep(500);
      const seen = await Promise.all(pages.map((page) => hook<{ frame: number; back: boolean }>(page, `({ frame: window.backspin.frame, back: Boolean${onHost} })`)));
      seen.forEach(({ frame, back }, i) => {
        slowest[i] = Math.min(slowest[i]!, frame - previous[i]!);
        if (back) rehomedAfterMs[i] ??= Date.now() - startedAtMs;
      });
      previous = seen.map((s) => s.frame);
      if (seen.every((s) => s.back)) {
        allSince ??= t;
        if (!shot) {
          shot = true;
          await pages[1]!.screenshot({ path: join(SHOTS, 'host-back-match-brook.png') });
        }
      }
    }
    expect(rehomedAfterMs.every((ms) => ms !== undefined && ms <= 15_000), `ms from the host's restart until each page was on it: ${rehomedAfterMs.join('/')}`).toBe(true);
    for (const [i, page] of pages.entries()) {
      expect(await hook(page, 'window.backspin.holder')).toEqual({ holder: 255, epoch: 3 });
      expect(await hook(page, 'window.backspin.scene'), 'the match goes on on the host').toBe('match');
      expect(await hook(page, 'window.backspin.desyncs')).toEqual([]);
      expect(await hook(page, 'window.backspin.drops')).toEqual([]);
      const notices = await hook<string[]>(page, 'window.backspin.notices');
      expect(notices.filter((n) => /host is back/i.test(n)), `page ${i}: ${notices.join(' | ')}`).toEqual(['The host is back. The room is on it again.']);
      expect(notices.filter((n) => /reconnect|plays on|closed/i.test(n)), `page ${i}: ${notices.join(' | ')}`).toEqual([]);
    }
    for (const s of slowest) expect(s, `frames per half second while the room went back to the host: ${slowest.join('/')}`).toBeGreaterThanOrEqual(20);
    const after = await expectChecksumsAgree(pages, Math.max(...atRehome), 2, 'checksummed frames after the host came back, on every page');
    // Ada's page tried the host every 3 s while it was down (one refused request each): expected.
    expectOnlyHostDownProblems(watches);

    // A newcomer opens the join link: the host has the room again (not "no such room"); it is
    // playing a match, so a new player is asked to join once it is back in the lobby.
    const context = await chromiumBrowser().newContext();
    try {
      const d = await context.newPage();
      const watchD = watchPage(d, 'newcomer');
      await d.goto(at(`/?room=${code}`));
      await d.waitForSelector('#lobby-name', { timeout: 20_000 });
      expect(await d.inputValue('#join-code')).toBe(code);
      await d.fill('#lobby-name', 'Dee');
      await d.click('#join-room');
      await until(d, '/^(?!Joining)./.test(document.getElementById("lobby-status")?.textContent ?? "")', 15_000);
      const status = (await d.locator('#lobby-status').textContent()) ?? '';
      expect(status).toBe('That room is playing a match. Join when it is back in the lobby.');
      await d.screenshot({ path: join(SHOTS, 'host-back-newcomer.png') });
      console.info(`host back: pages on it after ${rehomedAfterMs.join('/')} ms; slowest half-seconds ${slowest.join('/')} frames; ${after.length} checksummed frames after it agree; newcomer: ${status}`);
      // The refusal is an HTTP 423 to the connect request, which the browser and geckos.io log.
      const refused = (line: string) => /status (code )?(of )?423\b|HTTP 423 POST .*\/\.wrtc\//.test(line);
      expect(watchD.problems.filter((line) => !refused(line)), watchD.console.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  }

  it('the host process killed (SIGKILL) mid-match: Ada takes the room over, and the three pages play on over their direct links and agree; started again, the host takes the room back; stopped with Ctrl+C, Ada takes it over again', () => hostLeavesMidMatch(), 180_000);
});
