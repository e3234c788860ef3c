import type { Page } from 'playwright-core';

/** What went wrong on a page while it was watched, one line each, and the page's other console output for context. */
export interface PageProblems {
  /** Console errors, uncaught exceptions, HTTP responses ≥ 400 and requests that failed. */
  readonly problems: string[];
  /** Every console message (any type), for the failure message. */
  readonly console: string[];
}

/**
 * Starts recording `page`'s problems. Call it before the page loads anything, so that an error in
 * the bundle's first lines is caught too.
 */
export function watchPage(page: Page, label: string): PageProblems {
  const watched: PageProblems = { problems: [], console: [] };
  page.on('console', (message) => {
    const line = `${label} console.${message.type()}: ${message.text().slice(0, 300)}`;
    watched.console.push(line);
    if (message.type() === 'error') watched.problems.push(line);
  });
  page.on('pageerror', (error) => watched.problems.push(`${label} uncaught: ${error.stack ?? error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) watched.problems.push(`${label} HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => watched.problems.push(`${label} request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText ?? '?'}`));
  return watched;
}
