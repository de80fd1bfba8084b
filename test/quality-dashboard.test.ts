/**
 * The collection page's quality select (docs/quality.md) in real headless Chromium: it shows the
 * collection's quality, and choosing "Auto" or a number saves it (read back over REST). Photographed
 * under .artifacts/quality/.
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { launchChromium } from './support/browser.ts';
import { Client } from './support/http.ts';

const ARTIFACTS = '.artifacts/quality';
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  if (!process.env.OPTIMAGE_BUILT) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  await mkdir(ARTIFACTS, { recursive: true });
  app = await startTestApp();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('dashboard quality select', () => {
  it('shows 80 by default and saves "auto" and a number', { timeout: 120_000 }, async () => {
    const email = `quality${Date.now()}@example.com`;
    const api = new Client(app.url);
    await api.signUp(email, 'quality password');
    const { body } = await api.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Holiday' });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await page.goto(`${app.url}/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('quality password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.url(), { timeout: 30_000 }).not.toContain('/sign-in');
    await page.goto(`${app.url}/collections/${body.id}`);
    await page.getByRole('heading', { name: 'Holiday' }).waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
      await page.screenshot({ path: `${ARTIFACTS}/failed.png` });
      throw err;
    });
    const select = page.getByLabel('Quality');
    await expect.poll(() => select.inputValue(), { timeout: 20_000 }).toBe('80');
    await select.selectOption('auto');
    await expect.poll(async () => (await api.json<{ quality: unknown }>('GET', `/api/v1/collections/${body.id}`)).body.quality).toBe('auto');
    await page.screenshot({ path: `${ARTIFACTS}/collection-quality-auto.png` });
    await select.selectOption('60');
    await expect.poll(async () => (await api.json<{ quality: unknown }>('GET', `/api/v1/collections/${body.id}`)).body.quality).toBe(60);
    await page.reload();
    await expect.poll(() => page.getByLabel('Quality').inputValue(), { timeout: 20_000 }).toBe('60');
  });
});
