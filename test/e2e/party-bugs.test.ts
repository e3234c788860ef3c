import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, CHROMIUM_LAUNCH_ARGS, lookUpChromium } from './chromium-lookup.ts';
import { startDemoServer } from './demo-server.ts';
import type { DemoServer } from './demo-server.ts';
import { watchPage } from './page-problems.ts';
import { hook, until } from './page-script.ts';
import type { PageProblems } from './page-problems.ts';

/**
 * The party bugs of issue 14, as a LAN party met them: one `npm start` listening on every
 * interface (as a party host runs it), pages opened through `localhost` (the host player) and
 * through the machine's LAN address (everyone else: not a secure context), phones in portrait and
 * landscape. One server and one browser for the file; the tests share a room and run in order,
 * each checking one bug. Page scripts are strings (functions would be rewritten by the test
 * transform). Screenshots go to test-results/e2e/party-*.png.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(REPO, 'test-results', 'e2e');
/** The first `npm start` after a source change builds the demo with Vite. */
const START_TIMEOUT_MS = 90_000;
const PHONE_LANDSCAPE = { width: 844, height: 390 } as const;
const PHONE_PORTRAIT = { width: 390, height: 844 } as const;
const PHONE: BrowserContextOptions = { viewport: PHONE_LANDSCAPE, hasTouch: true, isMobile: true, deviceScaleFactor: 1 };
/** Names a person can type that are outside Latin-1 (bug 2). */
const OWNER = 'Łukasz';
const SECOND = 'Дима';
const THIRD = '小明 🐉';
/** A name pasted with a zero-width space in it, as chat apps leave them; the host refuses such characters. */
const PASTED = 'Zoë\u200b';

const lookup = lookUpChromium();
if (lookup.kind === 'skip') announceSkip(lookup.message);

const storedName = (page: Page) => hook<string | null>(page, 'localStorage.getItem("backspin.name")');
const status = async (page: Page) => (await page.locator('#lobby-status').textContent()) ?? '';

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Whether a rectangle reaches into a circle. */
function inCircle(r: Rect, c: { x: number; y: number; r: number }): boolean {
  const nx = Math.max(r.x, Math.min(c.x, r.x + r.w));
  const ny = Math.max(r.y, Math.min(c.y, r.y + r.h));
  return Math.hypot(nx - c.x, ny - c.y) < c.r;
}

describe.skipIf(lookup.kind === 'skip')('the party bugs of issue 14, in Chromium', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  /** The host's first "On the LAN" address (http://ip:port/), if the machine has one. */
  let lanUrl: string | undefined;
  const contexts: BrowserContext[] = [];
  const watches: PageProblems[] = [];
  /** The room of the tests, made by the host player's page (`owner`, opened through localhost). */
  let code = '';
  let owner: Page | undefined;
  let second: Page | undefined;
  let third: Page | undefined;
  let fourth: Page | undefined;
  /** Players in the room for bug 6. */
  let players = 0;
  /** The emotes Дима's page showed in the match of bug 7 (bug 14). */
  let emotesSeen: string[] = [];

  const local = (path: string) => `http://localhost:${server!.port}${path}`;
  /** An address as another device at the party opens it: the LAN address, else (no LAN here) localhost. */
  const lan = (path: string) => (lanUrl !== undefined ? new URL(path, lanUrl).toString() : local(path));

  async function newPage(label: string, options: BrowserContextOptions = {}): Promise<Page> {
    if (lookup.kind !== 'run') throw new Error(lookup.message);
    if (browser === undefined) throw new Error('Chromium did not start (see the error of beforeAll)');
    const context = await browser.newContext({ viewport: { width: 960, height: 600 }, ...options });
    contexts.push(context);
    const page = await context.newPage();
    watches.push(watchPage(page, label));
    return page;
  }

  const need = (page: Page | undefined, what: string): Page => {
    if (page === undefined) throw new Error(`needs ${what} from the tests before`);
    return page;
  };

  beforeAll(async () => {
    if (lookup.kind !== 'run') return;
    const startedAt = Date.now();
    mkdirSync(SHOTS, { recursive: true });
    // As a party host runs it: every interface, so that the LAN address is printed and served.
    server = await startDemoServer(['--port', '0'], START_TIMEOUT_MS);
    // The addresses come after the "listening" line, maybe in a later chunk: wait for the last line.
    for (let i = 0; i < 200 && !server.output().includes('Press Ctrl+C to stop.'); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    lanUrl = /On the LAN:\s+(\S+)/.exec(server.output())?.[1];
    try {
      browser = await chromium.launch({ executablePath: lookup.executablePath, headless: true, args: [...CHROMIUM_LAUNCH_ARGS] });
    } catch (error) {
      server.kill();
      throw error;
    }
    console.info(`npm start and Chromium ready after ${Date.now() - startedAt} ms`);
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      server?.kill();
    }
  }, 30_000);

  it('1: the join link and QR code of a room created on the host machine (through localhost) point at its LAN address', async () => {
    const page = (owner = await newPage('owner'));
    await page.goto(local('/'));
    await page.fill('#player-name', OWNER);
    await page.click('#play-online');
    await page.click('#create-room', { timeout: 10_000 });
    code = (await page.locator('#room-code').textContent({ timeout: 15_000 })) ?? '';
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    const link = (await page.locator('#join-link').textContent()) ?? '';
    await page.screenshot({ path: join(SHOTS, 'party-lobby-owner.png') });
    if (lanUrl !== undefined) {
      expect(link).toBe(`${lanUrl}?room=${code}`);
    } else {
      // No LAN address on this machine: the page says that only this machine can open the link.
      expect(await page.locator('#join-link-note').textContent()).toContain('only this machine');
    }
    expect(await page.locator('canvas.qr').getAttribute('title')).toBe(link);
  }, 30_000);

  it('14: the title screen lists the host\'s rooms and joins one with a click; a lobby chat line reaches the other page, as text', async () => {
    const o = need(owner, 'the owner');
    // Another device at the party, on the title screen: the owner's room is in its list.
    const page = await newPage('lister');
    await page.goto(lan('/'));
    await page.fill('#player-name', 'Lou', { timeout: 20_000 });
    const row = page.locator(`#room-list li[data-code="${code}"]`);
    await row.waitFor({ timeout: 8_000 });
    const listed = (await row.textContent()) ?? '';
    await page.screenshot({ path: join(SHOTS, 'party-title-rooms.png') });
    await row.locator('.room-join').click();
    expect(await page.locator('#room-code').textContent({ timeout: 15_000 })).toBe(code);
    await page.fill('#chat-input', 'hi from Lou 👋');
    await page.press('#chat-input', 'Enter');
    await until(o, '[...document.querySelectorAll("#chat-lines li")].some((li) => li.textContent === "Lou: hi from Lou 👋")', 5_000);
    // Markup in a line is shown as the characters typed, never made into elements.
    const markup = '<b>bold</b> & <img src=x onerror="window.pwned=1">';
    await o.fill('#chat-input', markup);
    await o.press('#chat-input', 'Enter');
    await until(page, 'document.querySelectorAll("#chat-lines li").length === 2', 5_000);
    const lines = await page.locator('#chat-lines li').allTextContents();
    const nameColors = await hook<string[]>(page, '[...document.querySelectorAll("#chat-lines .chat-name")].map((el) => getComputedStyle(el).color)');
    const dotColors = await hook<string[]>(page, '[...document.querySelectorAll("#members li .dot")].map((el) => getComputedStyle(el).backgroundColor)');
    await o.screenshot({ path: join(SHOTS, 'party-lobby-chat.png') });
    const injected = await hook<number>(page, 'document.querySelectorAll("#chat-lines b, #chat-lines img").length + (window.pwned === undefined ? 0 : 1)');
    // Lou goes (the tests after count the room's members).
    await page.click('#leave-room');
    await page.locator('#create-room').waitFor({ timeout: 10_000 });
    await page.context().close();
    expect(listed).toContain(OWNER);
    expect(listed).toContain('1/');
    expect(lines).toEqual(['Lou: hi from Lou 👋', `${OWNER}: ${markup}`]);
    expect(injected).toBe(0);
    // Each name in its player's colour, as in the member list (the owner first, Lou second).
    expect(nameColors).toEqual([dotColors[1], dotColors[0]]);
    expect(new Set(nameColors).size).toBe(2);
  }, 40_000);

  it('9: a join link offers Join, not Create, and Enter in the name field joins', async () => {
    // Over the LAN address: not a secure context, as on any other device at the party (and bug 4 after).
    const page = (second = await newPage('second'));
    await page.goto(lan(`/?room=${code}`));
    await page.waitForSelector('#lobby-name', { timeout: 20_000 });
    const seen = {
      code: await page.inputValue('#join-code'),
      join: (await page.getAttribute('#join-room', 'class')) ?? '',
      create: (await page.getAttribute('#create-room', 'class')) ?? '',
      name: await page.inputValue('#lobby-name'),
      stored: await storedName(page),
    };
    await page.fill('#lobby-name', SECOND);
    await page.press('#lobby-name', 'Enter');
    const joinedByEnter = await page.locator('#room-code').waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    // Дима must be in the room for the tests after, whatever this one finds.
    if (!joinedByEnter) await page.click('#join-room');
    expect(await page.locator('#room-code').textContent({ timeout: 15_000 })).toBe(code);
    expect(seen.code).toBe(code);
    expect(seen.join).toContain('primary');
    expect(seen.create).not.toContain('primary');
    // A newcomer is asked for a name; none is made up and saved for them.
    expect(seen.name).toBe('');
    expect(seen.stored).toBeNull();
    expect(joinedByEnter, 'Enter in the name field joined').toBe(true);
    expect(await storedName(page)).toBe(SECOND);
  }, 30_000);

  it('4: "Copy link" over http://<LAN address> (no navigator.clipboard) copies by other means and says what happened', async () => {
    const page = need(second, 'the second player');
    if (lanUrl === undefined) await page.evaluate('Object.defineProperty(navigator, "clipboard", { value: undefined })');
    expect(await hook(page, 'navigator.clipboard === undefined')).toBe(true);
    await page.click('#copy-link');
    await until(page, '(document.getElementById("lobby-status")?.textContent ?? "") !== ""', 5_000);
    const said = await status(page);
    expect(said).toMatch(/cop(y|ied)/i);
    if (!/copied/i.test(said)) {
      // Not copied: the link is selected for the player to copy.
      expect(await hook(page, 'String(window.getSelection())')).toBe(`${lanUrl ?? local('/')}?room=${code}`);
    }
  }, 20_000);

  it('2, 9: names outside Latin-1 join and show as typed; a pasted invisible character no longer locks a name out; a failed request is not blamed on the firewall; no made-up name', async () => {
    const origin = new URL(lan('/')).origin;
    // One page after another: three pages loading the game at once on a loaded 2-core machine
    // starved the pages already in the room long enough for them to take the host for lost.
    for (const flow of [
      // A phone in landscape joins by the link as 小明 🐉 (the owner is Łukasz, the second Дима).
      async () => {
        const page = (third = await newPage('third', PHONE));
        await page.goto(lan(`/?room=${code}`));
        await page.fill('#lobby-name', THIRD, { timeout: 20_000 });
        await page.click('#join-room');
        expect(await page.locator('#room-code').textContent({ timeout: 15_000 })).toBe(code);
        expect(await storedName(page)).toBe(THIRD);
      },
      // A name saved with a zero-width space in it (pasted from a chat): a join link joins at once
      // with the saved name, which the host refuses. It must join, under the name as people see it.
      async () => {
        const page = (fourth = await newPage('fourth', { storageState: { cookies: [], origins: [{ origin, localStorage: [{ name: 'backspin.name', value: PASTED }] }] } }));
        await page.goto(lan(`/?room=${code}`));
        expect(await page.locator('#room-code').textContent({ timeout: 20_000 })).toBe(code);
        expect(await storedName(page)).toBe('Zoë');
      },
      // A newcomer on the title screen: no "Player 21" in the field or in storage, and Enter plays
      // with friends. Then the connect request fails in the browser while the host's page is
      // there: the player is not sent to look at the firewall, and the name is not remembered.
      async () => {
        const page = await newPage('failing');
        await page.goto(lan('/'));
        await page.waitForSelector('#player-name', { timeout: 20_000 });
        await page.screenshot({ path: join(SHOTS, 'party-title.png') });
        expect(await page.inputValue('#player-name')).toBe('');
        expect(await storedName(page)).toBeNull();
        await page.fill('#player-name', 'Eve');
        await page.press('#player-name', 'Enter');
        await page.route('**/.wrtc/v2/connections', (route) => route.abort('failed'));
        await page.fill('#join-code', code, { timeout: 10_000 });
        await page.click('#join-room');
        await until(page, '/^(?!Joining)./.test(document.getElementById("lobby-status")?.textContent ?? "")', 10_000);
        expect(await status(page)).not.toMatch(/UDP|firewall/i);
        expect(await storedName(page)).toBeNull();
        await page.context().close();
      },
    ]) {
      await flow();
    }
    const o = need(owner, 'the owner');
    await until(o, 'document.querySelectorAll("#members li[data-slot]").length === 4', 10_000);
    players = 4;
    const rows = await o.locator('#members li').allTextContents();
    for (const name of [`${OWNER} (you) ★`, SECOND, THIRD, 'Zoë']) expect(rows.some((r) => r.includes(name)), rows.join(' | ')).toBe(true);
  }, 40_000);

  it('6: a setting the host refuses is explained in plain words', async () => {
    const page = need(owner, 'the owner');
    // Four players are in (at least three, should the test before have failed); the owner tries fewer seats.
    players = await page.locator('#members li[data-slot]').count();
    await page.selectOption('#setting-max-players', String(players - 1));
    await until(page, '(document.getElementById("lobby-status")?.textContent ?? "") !== ""', 5_000);
    const said = await status(page);
    expect(said).not.toMatch(/refused|max-below-players|update-settings/);
    expect(said).toMatch(new RegExp(`${players} players`));

  }, 15_000);

  it('10: on a landscape phone the lobby shows Ready without scrolling', async () => {
    const page = need(third, 'the phone');
    await page.screenshot({ path: join(SHOTS, 'party-lobby-phone-landscape.png') });
    const ready = await hook<{ top: number; bottom: number; height: number }>(
      page,
      '(() => { const r = document.getElementById("ready").getBoundingClientRect(); return { top: r.top, bottom: r.bottom, height: innerHeight }; })()',
    );
    // The phone and the fourth player leave the room (the host logs it, bug 11); the fourth comes
    // back for bug 3.
    // Closed only once back on the connect panel: the leave message has gone out by then (a page
    // closed at once is a lost connection, whose seat the host keeps for a few seconds).
    await page.click('#leave-room');
    await page.locator('#create-room').waitFor({ timeout: 10_000 });
    await page.context().close();
    const zoe = need(fourth, 'the fourth player');
    if ((await zoe.locator('#leave-room').count()) > 0) await zoe.click('#leave-room');
    expect(ready.top).toBeGreaterThanOrEqual(0);
    expect(ready.bottom, JSON.stringify(ready)).toBeLessThanOrEqual(ready.height);
  }, 15_000);

  it('7: notices use players\' words in one area that covers neither the arena, the scoreboard nor the F3 overlay', async () => {
    const a = need(owner, 'the owner');
    const b = need(second, 'the second player');
    // The owner and Дима play.
    await until(a, 'document.querySelectorAll("#members li[data-slot]").length === 2', 15_000);
    for (const page of [a, b]) await page.click('#ready');
    await until(a, 'document.querySelectorAll(\'#members li[data-ready="true"]\').length === 2', 10_000);
    await a.click('#start-match', { timeout: 10_000 });
    for (const page of [a, b]) await until(page, 'window.backspin.scene === "match"', 15_000);
    await until(a, 'window.backspin.frame > 30', 15_000);
    // Bug 14 (checked in its own test below): key 1 sends "GG"; Дима's page shows it over the owner's ship.
    await a.keyboard.press('Digit1');
    await until(b, 'window.backspin.emotes.length > 0', 5_000).catch(() => undefined);
    emotesSeen = await hook<string[]>(b, '[...window.backspin.emotes]');
    await b.screenshot({ path: join(SHOTS, 'party-emote.png') });
    await a.keyboard.press('F3');
    // Дима's device goes away: the owner sees it as a notice.
    await b.context().close();
    await until(a, 'window.backspin.drops.length === 1', 15_000);
    await until(a, 'window.backspin.noticeLayout !== undefined && window.backspin.noticeLayout.notices.length > 0', 5_000).catch(() => undefined);
    await a.screenshot({ path: join(SHOTS, 'party-notices.png') });
    const notices = await hook<string[]>(a, '[...window.backspin.notices]');
    const layout = await hook<{ notices: Rect[]; scoreboard: Rect; overlay: Rect | undefined; arena: { x: number; y: number; r: number } } | undefined>(a, 'window.backspin.noticeLayout');
    // Alone, the owner's match ends; back to the room for the host's log (bug 11) and Ctrl+C (bug 3).
    await until(a, 'window.backspin.scene === "results"', 15_000);
    await a.click('#back-to-lobby');
    await until(a, 'window.backspin.scene === "lobby"', 10_000);

    // Every problem at once, wording and placement, so that a failure names them all.
    const problems: string[] = [];
    if (!notices.some((n) => n.includes(SECOND))) problems.push(`no notice names ${SECOND}`);
    for (const n of notices) if (/frame \d|checksum|epoch|slot/i.test(n)) problems.push(`developer's words: "${n}"`);
    if (layout === undefined) problems.push('no notice area (window.backspin.noticeLayout)');
    else if (layout.overlay === undefined) problems.push('F3 is on, yet no overlay area');
    else {
      for (const r of layout.notices) {
        if (overlaps(r, layout.scoreboard)) problems.push(`a notice covers the scoreboard: ${JSON.stringify(r)}`);
        if (overlaps(r, layout.overlay)) problems.push(`a notice covers the F3 overlay: ${JSON.stringify(r)}`);
        if (inCircle(r, layout.arena)) problems.push(`a notice covers the arena: ${JSON.stringify(r)}`);
      }
    }
    expect(problems, JSON.stringify(layout)).toEqual([]);
  }, 45_000);

  it('14: an emote sent in a match shows on the other page', () => {
    expect(emotesSeen).toEqual([`${OWNER}: GG`]);
  });

  /** The phone of the next three tests, in a bots match with 7 bots. */
  let phone: Page | undefined;

  it('8: in an 8-player bots match, no player is drawn in the white of the hit flash', async () => {
    const page = (phone = await newPage('phone', PHONE));
    await page.goto(lan('/'));
    await page.fill('#player-name', 'Pia', { timeout: 20_000 });
    // Bug 14: the title fits a landscape phone down to its offline play button.
    await page.screenshot({ path: join(SHOTS, 'party-title-phone-landscape.png') });
    const playBots = await hook<{ bottom: number; height: number }>(page, '(() => ({ bottom: document.getElementById("play-bots").getBoundingClientRect().bottom, height: innerHeight }))()');
    expect(playBots.bottom, JSON.stringify(playBots)).toBeLessThanOrEqual(playBots.height);
    // How to play: a card per device, this one's (touch) first, hidden until asked for.
    expect(await page.locator('.controls-cards').isVisible()).toBe(false);
    await page.click('#title-how-to-play');
    const devices = await hook<string[]>(page, '[...document.querySelectorAll(".controls-cards .controls-card")].map((c) => c.dataset.device)');
    expect(devices).toEqual(['touch', 'keyboard', 'gamepad']);
    await page.selectOption('#bot-count', '7');
    await page.click('#play-bots');
    // A first match on this device starts with its controls card (no emotes offline).
    await page.locator('#controls-hint .controls-card[data-device="touch"]').waitFor({ state: 'attached', timeout: 10_000 });
    expect(await page.locator('#controls-hint').textContent()).not.toContain('Emotes');
    await until(page, 'window.backspin.scene === "match" && window.backspin.frame > 10', 10_000);
    const colors = await hook<string[]>(page, 'window.backspin.playerColors');
    expect(colors).toHaveLength(8);
    const rgb = colors.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number]);
    for (const [i, [r, g, bl]] of rgb.entries()) expect(Math.hypot(255 - r, 255 - g, 255 - bl), `player ${i}: ${colors[i]}`).toBeGreaterThan(100);
    expect(new Set(colors).size).toBe(8);
  }, 30_000);

  it('10: on a phone, names are readable in a match, and a phone held upright is asked to turn sideways', async () => {
    const page = need(phone, 'the phone in a match');
    // CSS pixels on screen: 6 on a landscape phone and 4 upright before.
    expect(await hook<number>(page, 'window.backspin.nameCssPx')).toBeGreaterThanOrEqual(10);
    await page.screenshot({ path: join(SHOTS, 'party-match-phone-landscape.png') });
    // Bug 14: the sound control (♪) keeps clear of the touch buttons, and of the dash button (bottom right).
    const sound = await hook<Rect | undefined>(page, 'window.backspin.soundControl');
    const bar = await hook<Rect>(page, '(() => { const r = document.getElementById("match-bar").getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; })()');
    expect(sound).toBeDefined();
    expect(overlaps(sound!, bar), JSON.stringify({ sound, bar })).toBe(false);
    expect(sound!.y + sound!.h).toBeLessThan(PHONE_LANDSCAPE.height / 2);
    await page.setViewportSize(PHONE_PORTRAIT);
    await page.locator('#rotate-hint').waitFor({ state: 'visible', timeout: 5_000 });
    await page.screenshot({ path: join(SHOTS, 'party-match-phone-portrait.png') });
    await until(page, 'window.backspin.nameCssPx >= 8', 5_000);
    await page.setViewportSize(PHONE_LANDSCAPE);
    await page.locator('#rotate-hint').waitFor({ state: 'hidden', timeout: 5_000 });
  }, 20_000);

  it('5: Esc asks before leaving, and a touch device has leave and fullscreen buttons', async () => {
    const page = need(phone, 'the phone in a match');
    await page.locator('#match-leave').waitFor({ state: 'visible', timeout: 5_000 });
    await page.locator('#match-fullscreen').waitFor({ state: 'visible', timeout: 5_000 });
    await page.keyboard.press('Escape');
    await page.locator('#leave-dialog').waitFor({ state: 'visible', timeout: 5_000 });
    expect(await hook(page, 'window.backspin.scene')).toBe('match');
    await page.click('#leave-cancel');
    await page.locator('#leave-dialog').waitFor({ state: 'hidden', timeout: 5_000 });
    expect(await hook(page, 'window.backspin.scene')).toBe('match');
    await page.tap('#match-leave');
    await page.locator('#leave-dialog').waitFor({ state: 'visible', timeout: 5_000 });
    await page.click('#leave-confirm');
    await until(page, 'window.backspin.scene === "title"', 5_000);
    await page.context().close();
  }, 20_000);

  it('Play again: after a short match both press Play again, the rematch starts by itself, and the party scoreboard shows the winner on both pages; a friend who watched and asked to join the next match plays in it', async () => {
    // Two more friends, on pages opened with ?shortMatch=2: one round of 2 s wins the match.
    const t0 = Date.now();
    const stages: string[] = [];
    const stage = (what: string) => stages.push(`${what} ${Date.now() - t0} ms`);
    const pia = await newPage('Pia');
    const quinn = await newPage('Quinn');
    const pages = [pia, quinn] as const;
    await pia.goto(local('/?shortMatch=2'));
    await pia.fill('#player-name', 'Pia');
    await pia.click('#play-online');
    await pia.click('#create-room', { timeout: 20_000 });
    const room = (await pia.locator('#room-code').textContent({ timeout: 20_000 })) ?? '';
    await quinn.goto(local('/?shortMatch=2'));
    await quinn.fill('#player-name', 'Quinn');
    await quinn.click('#play-online');
    await quinn.fill('#join-code', room, { timeout: 20_000 });
    await quinn.click('#join-room');
    await until(pia, 'document.querySelectorAll("#members li[data-slot]").length === 2', 20_000);
    stage('joined');
    // A third friend opens the link meanwhile, and types a name.
    const viv = await newPage('Viv');
    await viv.goto(local(`/?room=${room}&shortMatch=2`));
    await viv.fill('#lobby-name', 'Viv', { timeout: 20_000 });
    // Identity: Pia's colour (the lowest, 0) is crossed out on Quinn's picker; Quinn takes the
    // yellow (6) and the star (4), and Pia's member list shows it at once.
    const pias = await quinn.locator('#color-swatches .swatch[data-color="0"]').evaluate((b) => [b.className, (b as HTMLButtonElement).disabled]);
    await quinn.click('#color-swatches .swatch[data-color="6"]');
    await quinn.click('#shape-buttons .shape[data-shape="4"]');
    await until(pia, '(() => { const d = document.querySelector(\'#members li[data-slot="1"] .dot\'); return d?.textContent === "★" && getComputedStyle(d).backgroundColor === "rgb(230, 204, 51)"; })()', 5_000);
    expect(pias).toEqual(['swatch taken', true]);
    // The room's first match: Ready and Start as ever; no countdown before a match was played.
    for (const page of pages) await page.click('#ready');
    await until(pia, 'document.querySelectorAll(\'#members li[data-ready="true"]\').length === 2', 20_000);
    expect(await pia.locator('#rematch').textContent()).toBe('');
    await pia.click('#start-match', { timeout: 20_000 });
    for (const page of pages) await until(page, 'window.backspin.scene === "match"', 20_000);
    stage('match');
    // Viv joins while they play: refused as a player, Viv watches, and asks to play the next match.
    await viv.click('#join-room');
    await viv.click('#watch-room', { timeout: 20_000 });
    await until(viv, 'window.backspin.scene === "watch"', 20_000);
    await viv.click('#join-next');
    expect(await viv.locator('#join-next').textContent()).toBe('You play the next match (cancel)');
    stage('watching');
    // Both pages draw each player in the colour it chose: Pia blue (0), Quinn yellow (6).
    for (const page of pages) expect(await hook<string[]>(page, 'window.backspin.playerColors')).toEqual(['#4d80ff', '#e6cc33']);
    await quinn.screenshot({ path: join(SHOTS, 'party-colours-match.png') });
    // Quinn walks straight out of the ring once the countdown is over: a fall with nobody to
    // credit costs a point, so Pia leads when the round's 2 s run out, and wins the match.
    await until(quinn, 'window.backspin.frame > 125', 20_000);
    const at = await hook<{ x: number; y: number }>(quinn, '({ ...window.backspin.local })');
    const keys = [...(Math.abs(at.x) > 40 ? [at.x > 0 ? 'ArrowRight' : 'ArrowLeft'] : []), ...(Math.abs(at.y) > 40 ? [at.y > 0 ? 'ArrowDown' : 'ArrowUp'] : [])];
    for (const key of keys) await quinn.keyboard.down(key);
    const quinnNow = '({ frame: window.backspin.frame, confirmed: window.backspin.confirmedFrame, local: window.backspin.local, notices: window.backspin.notices })';
    await until(quinn, '!window.backspin.local.alive', 15_000)
      .catch(async (error: unknown) => {
        throw new Error(`Quinn did not fall holding ${keys.join('+')} from ${JSON.stringify(at)}: ${JSON.stringify(await hook(quinn, quinnNow))} (${String(error)})`);
      })
      .finally(async () => {
        for (const key of keys) await quinn.keyboard.up(key);
      });
    stage('fell');
    for (const page of pages) await until(page, 'window.backspin.scene === "results"', 25_000);
    stage('results');
    for (const page of pages) {
      expect(await page.locator('#results-title').textContent()).toMatch(/^(You win!|Pia wins)$/);
      const first = page.locator('#party-scoreboard tr[data-slot]').first();
      expect(await first.getAttribute('data-name')).toBe('Pia');
      expect(await first.locator('td.wins').textContent()).toBe('1');
      expect(await page.locator('#party-scoreboard tr[data-name="Quinn"] td.wins').textContent()).toBe('0');
      expect(await page.locator('#results-panel tr[data-player="1"]').textContent()).toMatch(/^★ Quinn/);
    }
    // Pia plays again; Quinn's results say who is in and who is still deciding.
    await pia.click('#play-again');
    await until(quinn, '/Playing again: Pia/.test(document.getElementById("play-again-status")?.textContent ?? "")', 20_000);
    expect(await quinn.locator('#play-again-status').textContent()).toContain('Still deciding: you');
    await quinn.screenshot({ path: join(SHOTS, 'party-play-again-results.png') });
    await quinn.click('#play-again');
    // Nobody touches Ready or Start: both are ready, Viv (a player now, Ready as it asked) too,
    // and the countdown shows on both players' pages.
    for (const page of pages) await until(page, 'document.getElementById("rematch")?.dataset.seconds !== undefined', 20_000);
    expect(await quinn.locator('#rematch').textContent()).toMatch(/^(Next match in \d…|Starting…)$/);
    stage('countdown');
    // Read at once, within the countdown's 5 s; then the pictures (on a loaded machine the second
    // may already show the match).
    for (const page of pages) {
      expect(await page.locator('#party-scoreboard tr[data-slot]').first().getAttribute('data-name', { timeout: 2_000 })).toBe('Pia');
    }
    // Viv comes back from watching as a player, Ready (the countdown starts again for it).
    await until(pia, 'document.querySelectorAll(\'#members li[data-ready="true"]\').length === 3', 15_000);
    await pia.screenshot({ path: join(SHOTS, 'party-play-again-lobby.png') });
    // The lobby's scoreboard is below the buttons: photographed once scrolled into view.
    await quinn.evaluate('document.getElementById("party-scoreboard")?.scrollIntoView()');
    await quinn.screenshot({ path: join(SHOTS, 'party-play-again-lobby-scoreboard.png') });
    for (const page of [...pages, viv]) await until(page, 'window.backspin.scene === "match"', 20_000);
    stage('rematch');
    for (const page of [...pages, viv]) await until(page, 'window.backspin.frame > 30', 20_000);
    // Viv plays in the rematch: a player of it, with a look of its own.
    expect(await hook(viv, 'window.backspin.mode')).toBe('online');
    console.info(`Play again: ${stages.join(', ')}`);
    for (const page of [...pages, viv]) await page.context().close();
  }, 120_000);

  it('11: the host\'s terminal logs rooms, joins, leaves and matches, one line each with names and codes, and no secrets', () => {
    const out = server!.output();
    const lines = out.split('\n');
    const log = lines.slice(lines.findIndex((l) => l.startsWith('Press Ctrl+C')) + 1).filter((l) => l.trim() !== '');
    const text = log.join('\n');
    expect(text).toContain(`${OWNER} created room ${code}`);
    for (const name of [SECOND, THIRD, 'Zoë']) expect(text).toContain(`${name} joined room ${code}`);
    expect(text).toContain(`${THIRD} left room ${code}`);
    expect(text).toContain(`Match started in room ${code}: ${OWNER}, ${SECOND}`);
    expect(text).toMatch(new RegExp(`Match (ended|over) in room ${code}`));
    // No reconnect tokens, passwords or connection ids: nothing long and random.
    for (const line of log) expect(line).not.toMatch(/token|password|[A-Za-z0-9+/_-]{20,}/i);
  });

  it('3: after the host\'s Ctrl+C, pages do not hammer it with reconnects and log no errors of their own', async () => {
    // Zoë comes back into the owner's room. When the host goes, the owner takes the room over and
    // looks for the host to come back (the page that talks to the host most); Zoë follows her.
    const page = need(owner, 'the owner');
    const zoe = need(fourth, 'the fourth player');
    await zoe.fill('#join-code', code);
    await zoe.click('#join-room');
    // On a loaded machine Zoë may not make it in: then the owner alone is watched (the room closes
    // with the host, and still no page may dial it over and over).
    const together = await until(page, 'document.querySelectorAll("#members li[data-slot]").length === 2', 15_000).then(
      () => true,
      () => false,
    );
    if (!together) console.info(`bug 3: Zoë did not get back into the room (${await status(zoe)}); watching the owner alone`);
    const connects: { who: string; at: number }[] = [];
    const errors: string[] = [];
    for (const [p, who] of [[page, OWNER], [zoe, 'Zoë']] as const) {
      p.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/.wrtc/v2/connections')) connects.push({ who, at: Date.now() });
      });
      p.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
      // The browser's own line for a refused request ("Failed to load resource: …") is not the page's.
      p.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
      });
    }
    const stoppedAt = Date.now();
    // As Ctrl+C in a terminal: SIGINT to npm, its shell and the host.
    await server!.interruptGroup(10_000);
    server = undefined;
    await page.waitForTimeout(3_500);
    console.info(`after Ctrl+C: connect requests at ${connects.map((c) => `${c.who} ${c.at - stoppedAt}`).join(', ')} ms; errors: ${errors.join(' | ')}`);
    expect(errors).toEqual([]);
    expect(connects.length, 'connect requests in the 3.5 s after Ctrl+C').toBeLessThanOrEqual(2);
    expect(await hook(page, 'window.backspin.scene')).toBe('lobby');
  }, 40_000);
});
