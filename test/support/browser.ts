/** Headless Debian Chromium through playwright-core, launched with the flags this closed network needs. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // without the background-networking flags Chromium keeps dialling out, and is refused, here
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Opens `html` as a page of `origin` (at /__page__): the frontend's own page on the API's origin, as
 * a reverse proxy would serve it. optimage serves no such page itself; its JSON and dashboard
 * responses carry their own Content-Security-Policy, which a page's scripts must not inherit.
 */
export async function openPageOn(page: import('playwright-core').Page, origin: string, html = '<!doctype html><html><body></body></html>'): Promise<void> {
  const url = `${origin}/__page__`;
  await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(url);
}
