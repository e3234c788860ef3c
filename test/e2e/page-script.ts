import type { Page } from 'playwright-core';

/**
 * Reading and waiting on the page, for the browser tests. Page scripts are strings: functions
 * would be rewritten by the test transform and fail in the page.
 */

/** Reads a `window.backspin` figure (or any page expression). */
export function hook<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** Waits until `expression` is true in the page, looking every `pollingMs` (ms). */
export async function until(page: Page, expression: string, timeoutMs: number, pollingMs = 50): Promise<void> {
  await page.waitForFunction(expression, undefined, { timeout: timeoutMs, polling: pollingMs });
}
