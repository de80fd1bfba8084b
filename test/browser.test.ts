/**
 * The documented JavaScript (`optimage-images-api.txt`), executed verbatim in real headless Chromium
 * against a running server — only the host changed: calculateChecksum, uploadImage, the list example
 * and buildSrcset, then an <img srcset> built from the result actually loads.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { launchChromium, openPageOn } from './support/browser.ts';


/** The documentation's examples, copied as written; `API` replaces https://api.optimage.com and `CDN` the CDN host. */
const DOCUMENTED = `
async function calculateChecksum(file) {
  const arrayBuffer = await file.arrayBuffer();
  const hashBuffer = await crypto.subtle.digest('SHA-256', arrayBuffer);
  const hashArray = Array.from(new Uint8Array(hashBuffer));
  const hashHex = hashArray
    .map(b => b.toString(16).padStart(2, '0'))
    .join('');
  return hashHex;
}

async function uploadImage(file, collectionId, customSlug = null) {
  // Calculate checksum
  const checksum = await calculateChecksum(file);

  // Create form data
  const formData = new FormData();
  formData.append('file', file);
  formData.append('checksum', checksum);
  formData.append('collection', collectionId);
  if (customSlug) {
    formData.append('slug', customSlug);
  }

  // Upload
  const response = await fetch('API/api/v1/images', {
    method: 'POST',
    credentials: 'include',
    body: formData
  });

  if (!response.ok) {
    const error = await response.json();
    throw new Error(error.message || 'Upload failed');
  }

  const image = await response.json();
  console.log('Image uploaded:', image.slug);
  return image;
}

async function listImages() {
  const response = await fetch('API/api/v1/images', {
    credentials: 'include'
  });

  const images = await response.json();
  console.log(\`Total images: \${images.length}\`);
  return images;
}

function buildSrcset(collectionId, slug) {
  const baseUrl = 'CDN';
  const sizes = [320, 384, 448, 512, 576, 672, 768, 896, 1024, 1152, 1280];

  const srcset = sizes
    .map(size => \`\${baseUrl}/\${collectionId}/\${size}/\${slug}.webp \${size}w\`)
    .join(', ');

  const src = \`\${baseUrl}/\${collectionId}/768/\${slug}.webp\`;

  return { src, srcset };
}
`;

const PAGE = (api: string, cdn: string) => `<!doctype html><html><body>
<input type="file" id="file">
<script>${DOCUMENTED.replaceAll("'API", `'${api}`).replaceAll("'CDN'", `'${cdn}'`)}</script>
</body></html>`;

let app: TestApp;
let browser: Browser;
let pageServer: Server;
let foreignOrigin: string;
let otherServer: Server;
let otherOrigin: string;

function servePage(html: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html()));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

beforeAll(async () => {
  // a second origin that is allowed by CORS_ORIGINS, and a third that is not
  const allowed = await servePage(() => PAGE(app.url, `${app.url}/cdn`));
  pageServer = allowed.server;
  foreignOrigin = allowed.origin;
  const other = await servePage(() => PAGE(app.url, `${app.url}/cdn`));
  otherServer = other.server;
  otherOrigin = other.origin;
  app = await startTestApp({ CORS_ORIGINS: foreignOrigin });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  pageServer?.close();
  otherServer?.close();
  await app?.close();
});

async function photoFile(): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const buffer = await sharp({ create: { width: 1600, height: 1067, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 120, sigma: 45 } } }).blur(1.5).jpeg({ quality: 85 }).toBuffer();
  return { name: 'Beach Sunset.JPG', mimeType: 'image/jpeg', buffer };
}

describe('documented JavaScript in headless Chromium', () => {
  it('same origin: sign up, calculateChecksum + uploadImage, list, buildSrcset, and the <img srcset> loads', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    await openPageOn(page, app.url, PAGE(app.url, `${app.url}/cdn`));
    const collectionId = await page.evaluate(async () => {
      const json = { 'content-type': 'application/json' };
      await fetch('/api/v1/auth/signup', { method: 'POST', credentials: 'include', headers: json, body: JSON.stringify({ email: `browser${Date.now()}@example.com`, password: 'browser password' }) });
      const res = await fetch('/api/v1/collections', { method: 'POST', credentials: 'include', headers: json, body: JSON.stringify({ name: 'Browser' }) });
      return ((await res.json()) as { id: string }).id;
    });
    expect(collectionId).toMatch(/^col_/);
    await page.setInputFiles('#file', await photoFile());

    const image = await page.evaluate(async (col) => {
      // the documentation's usage snippet
      const fileInput = document.querySelector('input[type="file"]') as HTMLInputElement;
      const file = fileInput.files![0];
      // @ts-expect-error defined by the documented script
      return await uploadImage(file, col);
    }, collectionId);
    expect(image).toMatchObject({ slug: 'beach-sunset', collectionId, status: 'processing' });
    expect(logs).toContain('Image uploaded: beach-sunset');

    // @ts-expect-error defined by the documented script
    const listed = await page.evaluate(() => listImages());
    expect(listed.map((i: { id: string }) => i.id)).toContain(image.id);
    expect(logs).toContain('Total images: 1');

    await expect.poll(async () => (await page.evaluate(async (id) => (await (await fetch(`/api/v1/images/${id}`, { credentials: 'include' })).json()).status, image.id)), { timeout: 20_000 }).toBe('ready');

    const loaded = await page.evaluate(async ({ col, slug }) => {
      // @ts-expect-error defined by the documented script
      const { src, srcset } = buildSrcset(col, slug);
      const img = document.createElement('img');
      img.sizes = '600px';
      img.srcset = srcset;
      img.src = src;
      document.body.append(img);
      await img.decode();
      return { src, srcset, currentSrc: img.currentSrc, naturalWidth: img.naturalWidth };
    }, { col: collectionId, slug: image.slug });
    expect(loaded.srcset.split(', ')).toHaveLength(11);
    expect(loaded.currentSrc).toMatch(new RegExp(`/cdn/${collectionId}/\\d+/beach-sunset\\.webp$`));
    // with sizes="600px" the browser picks a candidate ≥ 600 px and reports it density-corrected
    const chosen = Number(/\/(\d+)\/beach-sunset/.exec(loaded.currentSrc)![1]);
    expect(chosen).toBeGreaterThanOrEqual(600);
    expect(loaded.naturalWidth).toBe(600);
    const served = await sharp(Buffer.from(await (await fetch(loaded.currentSrc)).arrayBuffer())).metadata();
    expect(served).toMatchObject({ format: 'webp', width: chosen });
    await context.close();
  });

  it('cross origin: an allowed origin uploads with credentials; another origin is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // sign up on the API origin so the browser holds the session cookie (SameSite=Lax is same-site on 127.0.0.1)
    await openPageOn(page, app.url);
    const collectionId = await page.evaluate(async () => {
      const json = { 'content-type': 'application/json' };
      await fetch('/api/v1/auth/signup', { method: 'POST', credentials: 'include', headers: json, body: JSON.stringify({ email: `cors${Date.now()}@example.com`, password: 'browser password' }) });
      return ((await (await fetch('/api/v1/collections', { method: 'POST', credentials: 'include', headers: json, body: JSON.stringify({ name: 'CORS' }) })).json()) as { id: string }).id;
    });
    await page.goto(foreignOrigin);
    await page.setInputFiles('#file', await photoFile());
    const ok = await page.evaluate(async (col) => {
      const file = (document.querySelector('input[type="file"]') as HTMLInputElement).files![0];
      // @ts-expect-error defined by the documented script
      return await uploadImage(file, col, 'from-allowed-origin');
    }, collectionId);
    expect(ok).toMatchObject({ slug: 'from-allowed-origin', status: 'processing' });

    await page.goto(otherOrigin);
    await page.setInputFiles('#file', await photoFile());
    const refused = await page.evaluate(async (col) => {
      const file = (document.querySelector('input[type="file"]') as HTMLInputElement).files![0];
      try {
        // @ts-expect-error defined by the documented script
        await uploadImage(file, col, 'from-other-origin');
        return 'uploaded';
      } catch (err) {
        return String(err);
      }
    }, collectionId);
    expect(refused).toMatch(/TypeError|Failed to fetch|Cross-site/);
    const rows = await app.dataSource.query(`SELECT slug FROM images WHERE slug = 'from-other-origin'`);
    expect(rows).toEqual([]);
    await context.close();
  });
});
