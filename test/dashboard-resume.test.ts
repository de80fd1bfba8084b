/**
 * The dashboard's tus upload survives a cut line, in real headless Chromium: a 20 MB camera photo
 * over the tus threshold, the connection cut half-way through its second 8 MiB chunk by a proxy
 * between the browser and the server; the dashboard's tus upload (@optimage/client's) continues from
 * the server's offset (asking it with HEAD when its re-sent chunk is refused) — one upload, not a new
 * one from byte 0 — to a ready image with its thumbnail, byte for byte the file.
 * And a page reloaded mid-upload: the same file dropped again asks the server's offset (HEAD, from
 * the URL the kit kept in localStorage) and continues past the first chunk, one upload in all.
 * The offsets asserted are the PATCH heads that reached the server. Screenshot under
 * .artifacts/dashboard/.
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { launchChromium } from './support/browser.ts';
import { startCutProxy, type CutProxy } from './support/cut-proxy.ts';
import { cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { sha256 } from './support/upload.ts';

const ARTIFACTS = '.artifacts/dashboard';
const TUS_THRESHOLD = 1024 * 1024;
const CHUNK = 8 * 1024 * 1024; // TUS_CHUNK_SIZE in web/src/upload/transport.ts
const CUT_AFTER = 12_000_000; // client bytes after the drop: ~3.6 MB into the second chunk

let proxy: CutProxy;
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  // `npm test` has built dist/web already; a lone `vitest run` of this file builds it here.
  if (!process.env.OPTIMAGE_BUILT) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  await mkdir(ARTIFACTS, { recursive: true });
  // the browser reaches the app only through the proxy, which PUBLIC_BASE_URL names
  proxy = await startCutProxy();
  app = await startTestApp({ PUBLIC_BASE_URL: proxy.url });
  proxy.target.port = Number(new URL(app.url).port);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await proxy?.close();
});

describe('the dashboard over a bad network', () => {
  it('a tus upload whose connection is cut mid-chunk resumes from the server\'s offset and reaches ready', async () => {
    const api = new Client(proxy.url);
    await api.signUp();
    const collection = (await api.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Train' })).body.id;
    const [name, value] = api.cookie!.split(/=(.*)/s) as [string, string];
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', timezoneId: 'UTC' });
    await context.addCookies([{ name, value, url: proxy.url }]);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err));
    const seen: string[] = []; // what the page saw, for the printed figures
    page.on('response', (r) => void (r.url().includes('/api/v1/uploads') && seen.push(`${r.request().method()} ${r.request().headers()['upload-offset'] ?? ''} ${r.status()}`.replace('  ', ' '))));
    try {
      await page.goto(`${proxy.url}/collections/${collection}?tusThreshold=${TUS_THRESHOLD}`);
      await page.getByRole('heading', { level: 1, name: 'Train' }).waitFor();
      const photo = await cameraPhoto({ bytes: 20_000_000 });

      proxy.arm(CUT_AFTER);
      await page.getByLabel('Drop images here').setInputFiles([{ name: 'Train Photo.jpg', mimeType: 'image/jpeg', buffer: photo }]);
      const row = page.locator('li.upload').filter({ has: page.locator('.upload-name', { hasText: 'Train Photo.jpg' }) });
      await expect.poll(() => page.getByRole('progressbar', { name: 'Train Photo.jpg', exact: true }).getAttribute('aria-valuenow'), { timeout: 90_000 }).toBe('100');
      await row.locator('img').waitFor({ timeout: 60_000 });
      expect(await row.locator('.upload-message').textContent()).toBe('Ready');
      expect(proxy.cut).toBe(true);

      // What reached the server: one creation; PATCHes at 0 and 8 MiB, the second cut. Chromium
      // re-sends a request whose kept-alive connection dropped, on a fresh one, by itself: that
      // PATCH at 8 MiB then meets one of two servers' states, both correct tus.
      // - The server kept some of the cut chunk's bytes (its offset moved on): the re-sent PATCH is
      //   refused with 409, the upload asks the offset (HEAD) and sends the rest from there, past
      //   8 MiB and short of where the line was cut (the usual case).
      // - It kept none of them (the cut came before any reached the file): its offset is still
      //   8 MiB, so the re-sent PATCH is accepted and the upload goes on from it.
      // Either way: never from 0 again, and contiguous from the server's offset to the last byte.
      const uploads = proxy.heads.filter((h) => h.path.startsWith('/api/v1/uploads'));
      const atServer = uploads.map((h) => `${h.method}${h.headers['upload-offset'] ? ` ${h.headers['upload-offset']}` : ''}`);
      const figures = `at the server ${atServer.join(', ')}; the page saw ${seen.join(', ')}`;
      expect(uploads.filter((h) => h.method === 'POST'), figures).toHaveLength(1);
      expect(new Set(uploads.filter((h) => h.method !== 'POST').map((h) => h.path)).size).toBe(1); // all on the one upload URL
      const offset = (h: (typeof uploads)[number]) => Number(h.headers['upload-offset']);
      const patches = uploads.filter((h) => h.method === 'PATCH');
      expect(patches.slice(0, 2).map(offset), figures).toEqual([0, CHUNK]);
      expect(patches.slice(1).every((h) => offset(h) >= CHUNK), figures).toBe(true);
      expect(patches.filter((h) => offset(h) === CHUNK).length, figures).toBeGreaterThanOrEqual(2); // the cut chunk went again
      const head = uploads.findIndex((h) => h.method === 'HEAD');
      let after: typeof uploads;
      if (head >= 0) {
        // from the offset the HEAD answered: at or past 8 MiB, short of where the line was cut
        after = uploads.slice(head + 1).filter((h) => h.method === 'PATCH');
        expect(offset(after[0]!), figures).toBeGreaterThanOrEqual(CHUNK);
        expect(offset(after[0]!), figures).toBeLessThan(CUT_AFTER);
      } else {
        expect(seen, figures).toContain(`PATCH ${CHUNK} 204`);
        after = patches.slice(patches.findLastIndex((h) => offset(h) === CHUNK));
      }
      expect(after.every((h, i) => i === 0 || offset(h) === offset(after[i - 1]!) + Number(after[i - 1]!.headers['content-length'])), figures).toBe(true);
      expect(offset(after.at(-1)!) + Number(after.at(-1)!.headers['content-length']), figures).toBe(20_000_000);

      // one upload, finished into the image the row shows
      const rows = (await app.dataSource.query('SELECT size::int AS size, image_id FROM resumable_uploads')) as { size: number; image_id: string }[];
      expect(rows).toEqual([{ size: 20_000_000, image_id: expect.stringMatching(/^img_/) }]);
      const image = await api.json<{ status: string; bytes: number; checksum: string }>('GET', `/api/v1/images/${rows[0]!.image_id}`);
      // byte for byte the file: the checksum is of what the server assembled
      expect(image.body).toMatchObject({ status: 'ready', bytes: 20_000_000, checksum: sha256(photo) });
      console.info(`dashboard resumed upload (line cut ${CUT_AFTER} bytes after the drop): ${figures}`);
      await page.screenshot({ path: `${ARTIFACTS}/resumed-upload.png`, fullPage: true, animations: 'disabled' });
    } finally {
      await context.close();
    }
  });

  it('a tus upload cut short by a page reload continues where it stopped when the same file is dropped again', async () => {
    const api = new Client(proxy.url);
    await api.signUp();
    const collection = (await api.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Reload' })).body.id;
    const [name, value] = api.cookie!.split(/=(.*)/s) as [string, string];
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', timezoneId: 'UTC' });
    await context.addCookies([{ name, value, url: proxy.url }]);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err));
    const from = proxy.heads.length;
    try {
      await page.goto(`${proxy.url}/collections/${collection}?tusThreshold=${TUS_THRESHOLD}`);
      await page.getByRole('heading', { level: 1, name: 'Reload' }).waitFor();
      const photo = await cameraPhoto({ bytes: 20_000_000, seed: 7 });
      const file = { name: 'Reload Photo.jpg', mimeType: 'image/jpeg', buffer: photo };
      // the first chunk arrives; the page is reloaded while the second is on its way
      const firstChunk = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.status() === 204);
      await page.getByLabel('Drop images here').setInputFiles([file]);
      await firstChunk;
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Reload' }).waitFor();
      expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('optimage-tus:')))).toHaveLength(1);
      const beforeAgain = proxy.heads.length;

      await page.getByLabel('Drop images here').setInputFiles([file]);
      await expect.poll(() => page.getByRole('progressbar', { name: 'Reload Photo.jpg', exact: true }).getAttribute('aria-valuenow'), { timeout: 90_000 }).toBe('100');
      const row = page.locator('li.upload').filter({ has: page.locator('.upload-name', { hasText: 'Reload Photo.jpg' }) });
      await row.locator('img').waitFor({ timeout: 60_000 });

      const uploads = proxy.heads.slice(from).filter((h) => h.path.startsWith('/api/v1/uploads'));
      expect(uploads.filter((h) => h.method === 'POST')).toHaveLength(1); // one upload across both drops
      const again = proxy.heads.slice(beforeAgain).filter((h) => h.path.startsWith('/api/v1/uploads'));
      expect(again[0]!.method).toBe('HEAD'); // the second drop asks where the first one stopped
      const patches = again.filter((h) => h.method === 'PATCH').map((h) => Number(h.headers['upload-offset']));
      expect(patches[0]).toBeGreaterThanOrEqual(CHUNK); // never from byte 0 again
      const rows = (await app.dataSource.query('SELECT image_id FROM resumable_uploads r JOIN images i ON i.id = r.image_id WHERE i.collection_id = $1', [collection])) as { image_id: string }[];
      expect(rows).toHaveLength(1);
      expect((await api.json<{ status: string; bytes: number }>('GET', `/api/v1/images/${rows[0]!.image_id}`)).body).toMatchObject({ status: 'ready', bytes: 20_000_000 });
      expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('optimage-tus:')))).toEqual([]);
      console.info(`dashboard upload resumed after a reload: ${uploads.map((h) => `${h.method}${h.headers['upload-offset'] ? ` ${h.headers['upload-offset']}` : ''}`).join(', ')}`);
    } finally {
      await context.close();
    }
  });
});
