/**
 * The web dashboard at `/`, end to end in real headless Chromium against a running app: sign up,
 * collections, a drop of photos with live progress bars (one of them a 12 MP camera JPEG) beside a
 * text file and an over-the-limit file that are refused with the server's words, the gallery after a
 * reload and page by page on scroll, a photo over the tus threshold sent over tus (and a refused one),
 * copy-to-clipboard snippets, delete, API keys, sign out and in.
 * Every page is scanned with axe (no serious or critical violations) and photographed at desktop and
 * phone width under .artifacts/dashboard/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { onePixelPng, photoJpeg } from './support/images.ts';
import { restUpload } from './support/upload.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = '.artifacts/dashboard';
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;
const QUOTA = 33; // 3 photos + 27 paging dots + 1 over tus + 2, then a drop is refused
const TUS_THRESHOLD = 1024 * 1024; // under MAX_UPLOAD_BYTES, so a real photo can exceed it
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const EMAIL = `dash${Date.now()}@example.com`;
const PASSWORD = 'dashboard password';

let app: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let collectionId = '';
let manyId = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  // `npm test` has built dist/web already; a lone `vitest run` of this file builds it here.
  if (!process.env.OPTIMAGE_BUILT) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  await mkdir(ARTIFACTS, { recursive: true });
  app = await startTestApp({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES), PLAN_LIMITS: `free=${QUOTA},pro=5000,business=25000` });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US', timezoneId: 'UTC', permissions: ['clipboard-read', 'clipboard-write'] });
  // Records every value each progress bar takes, to prove the bars moved on their own.
  await context.addInitScript(() => {
    const seen: Record<string, number[]> = {};
    (window as unknown as { progressSeen: typeof seen }).progressSeen = seen;
    const record = (el: Element) => {
      const name = el.getAttribute('aria-label') ?? '';
      const value = Number(el.getAttribute('aria-valuenow'));
      const list = (seen[name] ??= []);
      if (list.at(-1) !== value) list.push(value);
    };
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        if (m.type === 'attributes' && (m.target as Element).getAttribute('role') === 'progressbar') record(m.target as Element);
        for (const node of m.addedNodes) if (node instanceof Element) node.querySelectorAll('[role=progressbar]').forEach(record);
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  });
  page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** axe on the current page: no serious or critical violations. */
async function expectAccessible(name: string, target: Page = page): Promise<void> {
  const { violations } = await new AxeBuilder({ page: target }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function screenshot(name: string, target: Page = page): Promise<void> {
  await target.evaluate(() => window.scrollTo(0, 0)); // sticky bars sit where they would at the top
  await target.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true, animations: 'disabled' });
}

const progressbar = (name: string) => page.getByRole('progressbar', { name, exact: true });
const uploadRow = (name: string) => page.locator('li.upload').filter({ has: page.locator('.upload-name', { hasText: name }) });

describe('the dashboard at /', () => {
  it('is served with long-cached hashed assets, a revalidated index.html without inline scripts, and a fallback that leaves the API alone', async () => {
    const index = await fetch(`${app.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file: strict CSP ready
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(app.url + asset, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    const etag = js.headers.get('etag')!;
    expect((await fetch(app.url + asset, { headers: { 'if-none-match': etag } })).status).toBe(304);

    // client routes get the page; server paths keep their answers
    const route = await fetch(`${app.url}/collections/col_anything`);
    expect(route.headers.get('cache-control')).toBe('no-cache');
    expect(await route.text()).toBe(html);
    expect((await fetch(`${app.url}/assets/missing-0000.js`)).status).toBe(404);
    expect(await (await fetch(`${app.url}/api/v1/nope`)).json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await fetch(`${app.url}/cdn/col_x/320/nope.webp`)).status).toBe(404);
    expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${app.url}/api/v1/config`)).status).toBe(401);
    for (const sneaky of ['/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json']) {
      const res = await fetch(app.url + sneaky);
      expect(await res.text()).not.toContain('"dependencies"');
    }
  });

  it('signs up, and shows the first-collection empty state', async () => {
    await page.goto(app.url);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to optimage' }).isVisible()).toBe(true);
    await expectAccessible('sign in');
    await screenshot('sign-in-desktop');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await expect.poll(() => page.url()).toBe(`${app.url}/sign-up`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();
    // the browser's own check (minlength) or the server's message: either way no account yet
    await page.getByLabel('Password').fill(PASSWORD);
    await expectAccessible('sign up');
    await screenshot('sign-up-desktop');
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();
    await page.getByRole('heading', { name: 'Create your first collection' }).waitFor();
    await expect.poll(() => page.getByText(EMAIL).isVisible()).toBe(true);
    await expect.poll(() => page.locator('.plan-figures').textContent()).toMatch(new RegExp(`^0 of ${QUOTA} used · resets `));
    await expectAccessible('empty library');
    await screenshot('library-empty-desktop');
  });

  it('creates, renames, switches and deletes collections', async () => {
    const name = page.getByLabel('Collection name');
    await name.fill('Scratch');
    await page.getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('heading', { level: 1, name: 'Scratch' }).waitFor();
    await name.fill('Holiday');
    await page.getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('heading', { level: 1, name: 'Holiday' }).waitFor();
    collectionId = /\/collections\/(col_[^/]+)$/.exec(page.url())![1]!;
    const nav = page.getByRole('complementary', { name: 'Plan and collections' });

    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name').fill('Holiday 2026');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: 'Holiday 2026' }).waitFor();
    await nav.getByRole('link', { name: 'Holiday 2026' }).waitFor();

    // switch to the other collection, then delete it (with confirmation)
    await nav.getByRole('link', { name: 'Scratch' }).click();
    await page.getByRole('heading', { level: 1, name: 'Scratch' }).waitFor();
    await page.getByRole('button', { name: 'Delete collection' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Scratch?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Holiday 2026' }).waitFor(); // back home → the remaining one
    await expect.poll(() => nav.getByRole('link', { name: 'Scratch' }).count()).toBe(0);
    expect(page.url()).toBe(`${app.url}/collections/${collectionId}`);
    await expectAccessible('empty collection');
    await screenshot('collection-empty-desktop');
  });

  it('takes a drop of photos: each bar reaches 100 and shows its thumbnail; a text file and a too-large file get the server’s message', async () => {
    const camera = await photoJpeg(4000, 3000, 1); // 12 MP, ~2 MB
    expect(camera.length).toBeGreaterThan(2_000_000);
    const photos = [
      { name: 'Alpine Lake.jpg', mimeType: 'image/jpeg', buffer: camera },
      { name: 'Harbour.jpg', mimeType: 'image/jpeg', buffer: await photoJpeg(1600, 1067, 2) },
      { name: 'Market.jpg', mimeType: 'image/jpeg', buffer: await photoJpeg(1200, 1600, 3) },
    ];
    // picked with the file input ("Upload" opens the same input)
    await page.getByLabel('Drop images here').setInputFiles(photos);
    // and dropped: a DataTransfer with a text file and one over MAX_UPLOAD_BYTES
    const dataTransfer = await page.evaluateHandle((max) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['These are my notes, not a photo.\n'], 'notes.txt', { type: 'text/plain' }));
      const big = new Uint8Array(max + 1024 * 1024);
      big.set([0xff, 0xd8, 0xff, 0xe0]);
      dt.items.add(new File([big], 'huge.jpg', { type: 'image/jpeg' }));
      return dt;
    }, MAX_UPLOAD_BYTES);
    await page.locator('.dropzone').dispatchEvent('drop', { dataTransfer });

    for (const { name } of photos) {
      await expect.poll(() => progressbar(name).getAttribute('aria-valuenow'), { timeout: 40_000 }).toBe('100');
      await uploadRow(name).locator('img').waitFor();
      expect(await uploadRow(name).locator('.upload-message').textContent()).toBe('Ready');
    }
    await expect.poll(() => uploadRow('notes.txt').locator('.upload-message').textContent()).toMatch(/Unsupported file format/);
    await expect.poll(() => uploadRow('huge.jpg').locator('.upload-message').textContent()).toMatch(new RegExp(`larger than the upload limit of ${MAX_UPLOAD_BYTES} bytes`));
    expect(await page.locator('.uploads .section-head p').textContent()).toBe('3 of 5 ready · 2 failed');
    // the SHA-256 ran in the Web Worker, off the page's main thread
    expect(page.workers().map((w) => w.url())).toEqual([expect.stringMatching(/\/assets\/checksum\.worker-[\w-]+\.js$/)]);

    // the bars moved through bytes and pipeline steps, never backwards
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: Record<string, number[]> }).progressSeen);
    for (const { name } of photos) {
      const values = seen[name]!;
      expect(values.at(-1)).toBe(100);
      expect(values.some((v) => v > 0 && v < 100)).toBe(true);
      expect([...values].sort((a, b) => a - b)).toEqual(values);
    }
    await expect.poll(() => page.locator('.plan-figures').textContent()).toMatch(new RegExp(`^3 of ${QUOTA} used`));
    await expect.poll(() => page.locator('.grid .tile img').count()).toBe(3);
    await expectAccessible('collection with uploads');
    await screenshot('collection-uploads-desktop');
  });

  it('after a reload, the gallery lists the photos newest first with sized srcset thumbnails and status badges', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Holiday 2026' }).waitFor();
    const tiles = page.locator('.grid .tile');
    await expect.poll(() => tiles.count()).toBe(3);
    expect(await page.locator('li.upload').count()).toBe(0);
    const names = await tiles.locator('.tile-name').allTextContents();
    expect(new Set(names)).toEqual(new Set(['alpine-lake', 'harbour', 'market']));
    expect(await tiles.locator('.badge').allTextContents()).toEqual(['Ready', 'Ready', 'Ready']);
    const imgs = await tiles.locator('img').evaluateAll((list) =>
      (list as HTMLImageElement[]).map((img) => ({ width: img.getAttribute('width'), height: img.getAttribute('height'), srcset: img.srcset, complete: img.complete, natural: img.naturalWidth })),
    );
    const alpine = imgs[names.indexOf('alpine-lake')]!;
    expect(alpine).toMatchObject({ width: '4000', height: '3000' });
    expect(alpine.srcset).toContain(`/cdn/${collectionId}/320/alpine-lake.webp 320w`);
    await expect
      .poll(() => tiles.locator('img').evaluateAll((list) => (list as HTMLImageElement[]).every((img) => img.complete && img.naturalWidth > 0)))
      .toBe(true);
    await screenshot('collection-gallery-desktop');
  });

  it('opens an image: 12 sizes with dimensions, bytes and saving; copies src, srcset and <picture> to the clipboard', async () => {
    await page.locator('.tile-name', { hasText: 'alpine-lake' }).click();
    await page.getByRole('heading', { level: 1, name: /alpine-lake/ }).waitFor();
    const rows = page.locator('.table-card tbody tr');
    await expect.poll(() => rows.count()).toBe(12);
    expect(await rows.first().locator('th').textContent()).toBe('Full size');
    expect(await rows.first().locator('td').first().textContent()).toBe('4000 × 3000');
    expect(await rows.nth(1).locator('td').first().textContent()).toBe('320 × 240');
    expect(await rows.nth(1).locator('td.num').last().textContent()).toMatch(/^−\d+(\.\d)?%$/);

    await page.getByRole('button', { name: 'Copy srcset', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Copied srcset to the clipboard');
    const srcset = await page.evaluate(() => navigator.clipboard.readText());
    // @optimage/client's srcset (contract §14, the kit apps use): the 11 widths, then the whole
    // 4000 px image at its own width, for layouts wider than 1280 device pixels
    const candidates = srcset.split(', ');
    expect(candidates).toHaveLength(12);
    expect(candidates[0]).toBe(`${app.url}/cdn/${collectionId}/320/alpine-lake.webp 320w`);
    expect(candidates.at(-2)).toBe(`${app.url}/cdn/${collectionId}/1280/alpine-lake.webp 1280w`);
    expect(candidates.at(-1)).toBe(`${app.url}/cdn/${collectionId}/0/alpine-lake.webp 4000w`);
    for (const candidate of candidates) {
      const res = await fetch(candidate.split(' ')[0]!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
    }
    await page.getByRole('button', { name: 'Copy <picture>', exact: true }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/^<picture>\n {2}<source type="image\/webp" srcset="[^"]+\/1280\/alpine-lake\.webp 1280w, [^"]+\/0\/alpine-lake\.webp 4000w" sizes="[^"]+">\n {2}<img src="[^"]+\/768\/alpine-lake\.webp" srcset="[^"]+" sizes="[^"]+" width="4000" height="3000" alt="alpine lake"/);
    await page.getByRole('button', { name: 'Copy URL of 512w' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`${app.url}/cdn/${collectionId}/512/alpine-lake.webp`);
    await expectAccessible('image detail');
    await screenshot('image-detail-desktop');
  });

  it('deletes an image from the gallery after confirmation', async () => {
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Holiday 2026' }).click();
    const tiles = page.locator('.grid .tile');
    await expect.poll(() => tiles.count()).toBe(3);
    await tiles.filter({ hasText: 'harbour' }).getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete harbour?' });
    await dialog.waitFor();
    await expectAccessible('delete confirmation');
    await screenshot('delete-dialog-desktop');
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => tiles.count()).toBe(2);
    await page.reload();
    await expect.poll(() => page.locator('.grid .tile').count()).toBe(2);
    expect(await page.locator('.tile-name', { hasText: 'harbour' }).count()).toBe(0);
    expect((await fetch(`${app.url}/cdn/${collectionId}/320/harbour.webp`)).status).toBe(404);
  });

  it('loads the gallery page by page as it scrolls', async () => {
    const api = new Client(app.url);
    api.cookie = `optimage_session=${(await context.cookies()).find((c) => c.name === 'optimage_session')!.value}`;
    const { body: many } = await api.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Many' });
    manyId = many.id;
    const png = await onePixelPng();
    for (let i = 0; i < 27; i++) expect((await restUpload(api, png, { collection: many.id, slug: `dot-${i}`, filename: 'dot.png', type: 'image/png' })).status).toBe(201);
    await page.goto(`${app.url}/collections/${many.id}`);
    const tiles = page.locator('.grid .tile');
    await expect.poll(() => tiles.count()).toBe(24);
    expect(await tiles.first().locator('.tile-name').textContent()).toBe('dot-26'); // newest first
    await page.locator('.sentinel').scrollIntoViewIfNeeded();
    await expect.poll(() => tiles.count()).toBe(27);
    expect(await tiles.last().locator('.tile-name').textContent()).toBe('dot-0');
    await expect.poll(() => page.getByRole('button', { name: 'Load more images' }).count()).toBe(0);
  });

  it('sends a file over the tus threshold over tus: its bar reaches 100 and its thumbnail appears; a file the final PATCH refuses shows the server’s message', async () => {
    const requests: string[] = [];
    const patches: number[] = [];
    const onRequest = (req: import('playwright-core').Request) => void requests.push(`${req.method()} ${new URL(req.url()).pathname}`);
    const onResponse = (res: import('playwright-core').Response) => void (res.request().method() === 'PATCH' && patches.push(res.status()));
    page.on('request', onRequest);
    page.on('response', onResponse);
    try {
      await page.goto(`${app.url}/collections/${manyId}?tusThreshold=${TUS_THRESHOLD}`);
      await page.getByRole('heading', { level: 1, name: 'Many' }).waitFor();
      const photo = await photoJpeg(4000, 3000, 5);
      expect(photo.length).toBeGreaterThan(TUS_THRESHOLD);
      const notes = Buffer.from('These are my notes, not a photo.\n'.repeat(50_000)); // ~1.7 MB
      expect(notes.length).toBeGreaterThan(TUS_THRESHOLD);
      await page.getByLabel('Drop images here').setInputFiles([
        { name: 'Big Photo.jpg', mimeType: 'image/jpeg', buffer: photo },
        { name: 'big-notes.txt', mimeType: 'text/plain', buffer: notes },
      ]);
      await expect.poll(() => progressbar('Big Photo.jpg').getAttribute('aria-valuenow'), { timeout: 40_000 }).toBe('100');
      await uploadRow('Big Photo.jpg').locator('img').waitFor();
      expect(await uploadRow('Big Photo.jpg').locator('.upload-message').textContent()).toBe('Ready');
      // refused when its last byte arrived, with the same words REST uses
      await expect.poll(() => uploadRow('big-notes.txt').locator('.upload-message').textContent()).toMatch(/Unsupported file format/);

      expect(requests.filter((r) => r === 'POST /api/v1/uploads')).toHaveLength(2); // one creation per file
      expect(requests.filter((r) => /^PATCH \/api\/v1\/uploads\/[^/]+$/.test(r)).length).toBeGreaterThanOrEqual(2);
      expect(requests).not.toContain('POST /api/v1/images');
      expect(patches).toContain(204); // the photo's final PATCH
      expect(patches.some((status) => status >= 400 && status < 500)).toBe(true); // the notes' final PATCH
      const seen = await page.evaluate(() => (window as unknown as { progressSeen: Record<string, number[]> }).progressSeen);
      expect([...seen['Big Photo.jpg']!].sort((a, b) => a - b)).toEqual(seen['Big Photo.jpg']);
      // both uploads forgot their resume URLs (one finished, one refused); the refused one is no image and used no quota
      expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('optimage-tus:')))).toEqual([]);
      await expect.poll(() => page.locator('.plan-figures').textContent()).toMatch(new RegExp(`^31 of ${QUOTA} used`));
    } finally {
      page.off('request', onRequest);
      page.off('response', onResponse);
    }
  });

  it('creates an API key (shown once, copyable), lists its last use, and revokes it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.getByText('No API keys yet.', { exact: false }).waitFor();
    await expectAccessible('api keys (none)');
    await page.getByLabel('Key name').fill('build server');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const shown = await page.getByTestId('new-api-key').textContent();
    expect(shown).toMatch(/^opt_/);
    await page.getByRole('button', { name: 'Copy key' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    await expectAccessible('api keys (new key shown)');
    await screenshot('api-keys-new-desktop');

    const row = page.locator('tbody tr', { hasText: 'build server' });
    // the Last used column, after Key, Scopes and Expires
    expect(await row.locator('td').nth(3).textContent()).toBe('Never');
    expect((await fetch(`${app.url}/api/v1/images`, { headers: { authorization: `Bearer ${shown}` } })).status).toBe(200);
    await page.reload();
    await expect.poll(() => row.locator('td').nth(3).textContent()).not.toBe('Never');
    expect(await page.getByTestId('new-api-key').count()).toBe(0); // shown once only
    await screenshot('api-keys-list-desktop');

    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: /Revoke “build server”/ }).getByRole('button', { name: 'Revoke', exact: true }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect((await fetch(`${app.url}/api/v1/images`, { headers: { authorization: `Bearer ${shown}` } })).status).toBe(401);
  });

  it('signs out and back in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to optimage' }).waitFor();
    expect((await context.cookies()).find((c) => c.name === 'optimage_session')).toBeUndefined();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/./);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1 }).filter({ hasText: /Many|Holiday 2026/ }).waitFor();
  });

  it('a drop over the monthly quota shows when the quota resets', async () => {
    const api = new Client(app.url);
    api.cookie = `optimage_session=${(await context.cookies()).find((c) => c.name === 'optimage_session')!.value}`;
    const png = await onePixelPng();
    for (let i = 0; i < 2; i++) expect((await restUpload(api, png, { collection: collectionId, slug: `last-${i}`, filename: 'dot.png', type: 'image/png' })).status).toBe(201);
    await page.goto(`${app.url}/collections/${collectionId}`);
    await expect.poll(() => page.locator('.plan-figures').textContent()).toMatch(new RegExp(`^${QUOTA} of ${QUOTA} used`));
    await page.getByLabel('Drop images here').setInputFiles([{ name: 'One more.jpg', mimeType: 'image/jpeg', buffer: await photoJpeg(800, 600, 4) }]);
    await expect.poll(() => uploadRow('One more.jpg').locator('.upload-message').textContent()).toMatch(new RegExp(`Monthly upload quota of ${QUOTA} images for the free plan is used up; it resets at [A-Z][a-z]{2} 1, \\d{4}, 12:00\\sAM$`)); // the server's ISO time, shown in the reader's
    await expectAccessible('quota used up');
    await screenshot('collection-quota-desktop');
  });

  it('fits a phone: every page at 390 px wide, without horizontal scrolling', async () => {
    const phone = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US', timezoneId: 'UTC', storageState: await context.storageState() });
    const tab = await phone.newPage();
    const pages: [string, string][] = [
      ['collection-gallery-phone', `/collections/${collectionId}`],
      ['image-detail-phone', ''],
      ['api-keys-phone', '/keys'],
    ];
    for (const [name, path] of pages) {
      if (name === 'image-detail-phone') {
        await tab.locator('.tile-name', { hasText: 'alpine-lake' }).click();
        await tab.locator('.table-card tbody tr').nth(11).waitFor();
      } else {
        await tab.goto(app.url + path);
        await tab.getByRole('heading', { level: 1 }).waitFor();
        if (path.startsWith('/collections')) await tab.locator('.grid .tile img').first().waitFor();
      }
      await tab.waitForLoadState('networkidle');
      // anything wider than the screen, named so a failure says what to fix
      const tooWide = await tab.evaluate(() => {
        const width = document.documentElement.clientWidth;
        return [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest('.table-scroll, .code, .collection-list'))
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
      });
      expect(tooWide, name).toEqual([]);
      expect(await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), name).toBeLessThanOrEqual(0);
      await expectAccessible(name, tab);
      await screenshot(name, tab);
    }
    // a newcomer on a phone: sign in, sign up, the empty library
    const newcomer = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US', timezoneId: 'UTC' });
    const tab2 = await newcomer.newPage();
    await tab2.goto(app.url);
    await tab2.getByRole('heading', { name: 'Sign in to optimage' }).waitFor();
    await screenshot('sign-in-phone', tab2);
    await tab2.getByRole('link', { name: 'Create an account' }).click();
    await tab2.getByLabel('Email').fill(`phone${Date.now()}@example.com`);
    await tab2.getByLabel('Password').fill(PASSWORD);
    await screenshot('sign-up-phone', tab2);
    await tab2.getByRole('button', { name: 'Sign up', exact: true }).click();
    await tab2.getByRole('heading', { name: 'Create your first collection' }).waitFor();
    await tab2.locator('.plan-figures').waitFor();
    await expectAccessible('empty library (phone)', tab2);
    await screenshot('library-empty-phone', tab2);
    await newcomer.close();
    await phone.close();
  });

  it('returns to sign in when the session ends elsewhere', async () => {
    await page.goto(`${app.url}/collections/${collectionId}`);
    await page.getByRole('heading', { level: 1, name: 'Holiday 2026' }).waitFor();
    const cookie = `optimage_session=${(await context.cookies()).find((c) => c.name === 'optimage_session')!.value}`;
    expect((await fetch(`${app.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie } })).status).toBe(204);
    // the next request the page makes finds the session gone: this click's, or a background one
    // (the collection's live updates) that may come first — then the link is gone before the click lands
    const signIn = page.getByRole('heading', { name: 'Sign in to optimage' });
    const click = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click().catch(() => undefined);
    await Promise.race([click, signIn.waitFor()]);
    await signIn.waitFor();
  });
});
