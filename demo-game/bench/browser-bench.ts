/**
 * `npm run bench:demo` (browser part): frame rate of the demo in Chromium with 8 players. Builds
 * the demo if needed, serves it from an in-process host on a free loopback port, drives Debian's
 * Chromium (playwright-core) through the title screen, and measures requestAnimationFrame
 * intervals and simulation frames over a window of real time. Prints a table, or JSON with `--json`.
 */
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { startHost } from '../../sdk/src/host/geckos-host.ts';
import { buildDemoIfNeeded, DIST_DIR } from '../scripts/demo-build.ts';
import { CHROMIUM_LAUNCH_ARGS, lookUpChromium } from '../../test/e2e/chromium-lookup.ts';

const WINDOW_MS = 10_000;
const WARMUP_MS = 4_000;
const json = process.argv.includes('--json');

// Found as the browser tests find it: BACKSPIN_CHROMIUM, else the system paths.
const lookup = lookUpChromium();
if (lookup.kind !== 'run') {
  console.error('No Chromium found: apt-get install chromium, or set BACKSPIN_CHROMIUM to a Chromium or Chrome executable.');
  process.exit(1);
}
const CHROMIUM = lookup.executablePath;
await buildDemoIfNeeded((line) => (json ? undefined : console.log(line)));
const host = await startHost({ port: 0, bindAddress: '127.0.0.1', staticDir: DIST_DIR });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [...CHROMIUM_LAUNCH_ARGS],
});

interface Scenario {
  readonly name: string;
  readonly query: string;
  start(page: Page): Promise<void>;
}

const scenarios: Scenario[] = [
  {
    name: 'vs 7 bots (8 players)',
    query: '',
    start: async (page) => {
      await page.selectOption('#bot-count', '7');
      await page.click('#play-bots');
    },
  },
  {
    name: 'simulator, 8 players, intercontinental (8 sessions in one tab)',
    query: '',
    start: async (page) => {
      await page.waitForSelector('#play-simulator:not([disabled])');
      await page.selectOption('#sim-profile', 'intercontinental');
      await page.selectOption('#sim-players', '8');
      await page.click('#play-simulator');
    },
  },
  {
    name: 'vs 7 bots, WebGL forced',
    query: '?renderer=webgl',
    start: async (page) => {
      await page.selectOption('#bot-count', '7');
      await page.click('#play-bots');
    },
  },
];

/** RAF timestamps over `ms` of real time, taken in the page. */
const RAF_PROBE = (ms: number) => `new Promise((resolve) => {
  const t = []; const start = performance.now();
  const f = (now) => { t.push(now); if (now - start < ${ms}) requestAnimationFrame(f); else resolve(t); };
  requestAnimationFrame(f);
})`;

const rows: Record<string, unknown>[] = [];
for (const s of scenarios) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${host.port}/${s.query}`);
  await page.waitForSelector('#play-bots');
  await s.start(page);
  await page.waitForFunction('window.backspin.scene === "match"');
  await page.waitForTimeout(WARMUP_MS);
  const frame0 = (await page.evaluate('window.backspin.frame')) as number;
  const stamps = (await page.evaluate(RAF_PROBE(WINDOW_MS))) as number[];
  const frame1 = (await page.evaluate('window.backspin.frame')) as number;
  const renderer = (await page.evaluate('window.backspin.renderer')) as string;
  const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!).sort((a, b) => a - b);
  const elapsed = (stamps[stamps.length - 1]! - stamps[0]!) / 1000;
  const pick = (q: number) => gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * q))]!;
  rows.push({
    scenario: s.name,
    renderer,
    fps: gaps.length / elapsed,
    medianFrameMs: pick(0.5),
    p95FrameMs: pick(0.95),
    p99FrameMs: pick(0.99),
    slowFrames: gaps.filter((g) => g > 20).length / gaps.length,
    simFramesPerSecond: (frame1 - frame0) / elapsed,
    pageErrors: errors.length,
  });
  await page.close();
}
await browser.close();
await host.close('bench done');

if (json) {
  for (const r of rows) console.log(JSON.stringify(r));
} else {
  console.log(`Demo in Chromium (${CHROMIUM}, headless, --disable-gpu), ${WINDOW_MS / 1000} s window after ${WARMUP_MS / 1000} s of play`);
  console.log('');
  console.log('| scenario | renderer | fps | median frame | p95 | p99 | frames > 20 ms | sim frames/s | page errors |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const n = (k: string, d = 1) => (r[k] as number).toFixed(d);
    console.log(`| ${r.scenario} | ${r.renderer} | ${n('fps')} | ${n('medianFrameMs')} ms | ${n('p95FrameMs')} ms | ${n('p99FrameMs')} ms | ${((r.slowFrames as number) * 100).toFixed(1)}% | ${n('simFramesPerSecond')} | ${r.pageErrors} |`);
  }
}
process.exit(0);
