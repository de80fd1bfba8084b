/**
 * Dashboard settings in real headless Chromium at 1280 px: a collection's visibility switch (only
 * admins and owners may use it; after it, the image page's URLs are signed /private ones that load,
 * and the public ones are gone), and the API keys table, whose last column (Revoke) stays in view
 * without scrolling sideways. Screenshots in /work/shots (OPTIMAGE_SHOTS overrides).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { launchChromium } from './support/browser.ts';
import type { Client } from './support/http.ts';
import { realPhotos } from './support/real-photos.ts';
import { teamWithRoles, type TeamFixture } from './support/teams.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const SHOTS = process.env.OPTIMAGE_SHOTS ?? '/work/shots';
const DESKTOP = { width: 1280, height: 860 };

let app: TestApp;
let browser: Browser;
let team: TeamFixture;
let imageId = '';
let slug = '';

beforeAll(async () => {
  if (!process.env.OPTIMAGE_BUILT) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  await mkdir(SHOTS, { recursive: true });
  app = await startTestApp();
  browser = await launchChromium();
  team = await teamWithRoles(app.url, 'Studio');
  const photo = realPhotos('photo').find((p) => p.name === 'Picture_1A_by_freespace.jpg')!;
  const res = await restUpload(team.clients.owner, await readFile(photo.path), { collection: team.collectionId, slug: 'brushes', filename: 'brushes.jpg', type: 'image/jpeg' });
  expect(res.status).toBe(201);
  imageId = (res.body as { id: string }).id;
  slug = (res.body as { slug: string }).slug;
  expect((await waitForImage(team.clients.owner, imageId)).status).toBe('ready');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A page signed in as `client`, acting in the team (the team switcher's choice). */
async function pageAs(client: Client): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US', timezoneId: 'UTC' });
  const [name, value] = client.cookie!.split(/=(.*)/s) as [string, string];
  await context.addCookies([{ name, value, url: app.url }]);
  await context.addInitScript((teamId) => localStorage.setItem('optimage.team', teamId), team.teamId);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  return page;
}

describe('collection visibility in the dashboard', () => {
  it('an editor sees the setting but cannot change it', async () => {
    const page = await pageAs(team.clients.editor);
    await page.goto(`${app.url}/collections/${team.collectionId}`);
    await page.getByRole('heading', { level: 1, name: 'Studio photos' }).waitFor();
    const setting = page.getByRole('group', { name: 'Visibility' });
    expect(await setting.getByRole('radio', { name: /^Public/ }).isChecked()).toBe(true);
    expect(await setting.getByRole('radio', { name: /^Private/ }).isDisabled()).toBe(true);
    expect(await setting.getByText('Only admins and owners can change this.').isVisible()).toBe(true);
    await page.context().close();
  });

  it('the owner makes it private after a warning; the image page then shows signed /private URLs that load, and the public ones are gone', async () => {
    const page = await pageAs(team.clients.owner);
    await page.goto(`${app.url}/collections/${team.collectionId}`);
    await page.getByRole('heading', { level: 1, name: 'Studio photos' }).waitFor();
    const setting = page.getByRole('group', { name: 'Visibility' });
    // the radio stays on Public until the switch is confirmed and done
    await setting.getByRole('radio', { name: /^Private/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Make Studio photos private?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/files move to private storage.*public URLs stop working.*signed and expires/s);
    await page.screenshot({ path: `${SHOTS}/dashboard-visibility-confirm.png`, animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Make private' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => setting.getByRole('radio', { name: /^Private/ }).isChecked()).toBe(true);
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Studio photos is now private');
    await page.screenshot({ path: `${SHOTS}/dashboard-visibility-private.png`, animations: 'disabled' });

    await page.locator('.tile-name', { hasText: slug }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(slug) }).waitFor();
    const signed = new RegExp(`^${app.url}/private/${team.collectionId}/\\d+/${slug}\\.webp\\?exp=\\d+&sig=[0-9a-f]+$`);
    const src = await page.locator('.snippet', { has: page.getByRole('heading', { name: 'src', exact: true }) }).locator('code').textContent();
    expect(src).toMatch(signed);
    expect(src).toContain(`/768/${slug}.webp`);
    const srcset = (await page.locator('.snippet', { has: page.getByRole('heading', { name: 'srcset', exact: true }) }).locator('pre').textContent())!;
    const candidates = srcset.split(', ').map((c) => c.split(' ') as [string, string]);
    // the 1365 px photo: the widths below it, then the whole image at 1365w, every one signed
    expect(candidates.map(([, w]) => w)).toEqual(['320w', '384w', '448w', '512w', '576w', '672w', '768w', '896w', '1024w', '1152w', '1280w', '1365w']);
    for (const [url] of candidates) {
      expect(url).toMatch(signed);
      expect((await fetch(url)).status).toBe(200);
    }
    // the preview loads through a signed URL too
    await expect.poll(() => page.locator('figure.preview img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.currentSrc)).toMatch(signed);
    expect((await fetch(`${app.url}/cdn/${team.collectionId}/768/${slug}.webp`)).status).toBe(404);
    await page.screenshot({ path: `${SHOTS}/dashboard-image-private.png`, fullPage: true, animations: 'disabled' });
    await page.context().close();
  });
});

describe('API keys page at 1280 px', () => {
  it('a key with every scope, a collection limit and an expiry fits: Revoke is in view, no sideways scrolling', async () => {
    const scopes = ['images:read', 'images:write', 'collections:write', 'webhooks:write', 'keys:write'];
    const created = await team.clients.owner.json('POST', '/api/v1/api-keys', { name: 'production build server (deploys)', scopes, collections: [team.collectionId], expiresAt: '2027-06-30T12:00:00Z', teamId: team.teamId });
    expect(created.status).toBe(201);
    await team.clients.owner.json('POST', '/api/v1/api-keys', { name: 'reader', scopes: ['images:read'], teamId: team.teamId });
    const page = await pageAs(team.clients.owner);
    await page.goto(`${app.url}/keys`);
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await page.screenshot({ path: `${SHOTS}/dashboard-keys-1280.png`, fullPage: true, animations: 'disabled' });
    // every visible column heading on one line ("Last used" wrapped to two at this width)
    const headingLines = await page.locator('thead th:not(:has(.visually-hidden))').evaluateAll((cells) =>
      cells.map((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return [cell.textContent?.trim(), new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size] as const;
      }),
    );
    expect(headingLines.map(([name]) => name)).toEqual(['Name', 'Key', 'Scopes', 'Expires', 'Last used']);
    expect(headingLines.filter(([, lines]) => lines > 1)).toEqual([]);
    const scroll = await page.locator('.table-scroll').evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    expect(scroll.scrollWidth).toBeLessThanOrEqual(scroll.clientWidth);
    for (const button of await page.getByRole('button', { name: 'Revoke' }).all()) {
      const box = (await button.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(DESKTOP.width);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(DESKTOP.width);
    await page.context().close();
  });
});
