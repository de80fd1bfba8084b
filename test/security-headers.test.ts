/**
 * Security headers on every kind of response, and the Content-Security-Policy of each page checked
 * where it matters: in Chromium, the dashboard and GraphiQL work under their policies with not one
 * violation reported (a policy too strict breaks a page; one too loose would not be noticed here,
 * so the policies themselves are asserted too).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { appTest } from './support/fixtures.ts';

const test = appTest();
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A page that records every CSP violation the browser reports. */
async function watchedPage(): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const page = await browser.newPage();
  const refused: string[] = [];
  page.on('console', (m) => m.text().includes('Content Security Policy') && refused.push(m.text()));
  await page.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, violations: async () => [...refused, ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp))] };
}

describe('security headers', () => {
  test('JSON, errors and the health check: nosniff, no framing, a policy that loads nothing', async ({ app, alice }) => {
    for (const res of [await fetch(`${app.url}/healthz`), await fetch(`${app.url}/api/v1/auth/me`), await alice.request('GET', '/api/v1/collections'), await fetch(`${app.url}/api/v1/nope`)]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  test('the dashboard runs under script-src self: signing up works and nothing is refused', async ({ app }) => {
    const res = await fetch(`${app.url}/`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const { page, violations } = await watchedPage();
    await page.goto(`${app.url}/`);
    await page.getByRole('link', { name: /create an account/i }).click();
    await page.getByLabel('Email').fill(`csp${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('button', { name: 'Create collection' }).waitFor({ timeout: 20_000 });
    expect(await violations()).toEqual([]);
    await page.close();
  });

  test('GraphiQL runs its inline bundle by hash only: the editor renders, a query runs, nothing is refused', async ({ app }) => {
    const { page, violations } = await watchedPage();
    const res = await page.goto(`${app.url}/graphql`);
    const csp = (await res!.allHeaders())['content-security-policy']!;
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]{44}';/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor({ timeout: 30_000 });
    await page.locator('.graphiql-query-editor .monaco-editor').first().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText('{ __typename }');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(async () => (await page.locator('.graphiql-response').innerText()).replaceAll('\u00a0', ' '), { timeout: 20_000 }).toContain('"__typename": "Query"');
    expect(await violations()).toEqual([]);
    await page.close();
  });
});
