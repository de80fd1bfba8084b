/**
 * The dashboard on S3 storage sends a large photo straight to the bucket (contract §12), in real
 * headless Chromium: the app with STORAGE=s3 against s3rver on loopback (the bucket CORS rules of
 * docs/private-delivery.md), `config.directUploadsToBucket` true, a real 4.4 MB camera photo dropped
 * over the large-file threshold (lowered with `?tusThreshold=`). The browser PUTs the bytes to the
 * bucket; the API sees only the JSON request for the presigned PUT and the `complete`, never the
 * file; the image becomes ready with its thumbnail. Screenshot in /work/shots. And the dashboard CSP
 * names the origin the AWS SDK presigns those PUTs for, in each addressing style.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { launchChromium } from './support/browser.ts';
import { Client } from './support/http.ts';
import { realPhotos } from './support/real-photos.ts';
import { startBrowserUploadS3, type TestS3 } from './support/s3.ts';

const SHOTS = process.env.OPTIMAGE_SHOTS ?? '/work/shots';
const THRESHOLD = 1024 * 1024;

// docs/private-delivery.md's bucket CORS rules, as S3's XML; the dashboard is on 127.0.0.1 at a free port
let s3: TestS3;
let endpoint: string;
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  if (!process.env.OPTIMAGE_BUILT) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  await mkdir(SHOTS, { recursive: true });
  const started = await startBrowserUploadS3();
  s3 = started.s3;
  endpoint = s3.endpoint;
  app = await startTestApp(started.env);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await s3?.close();
});

test('on S3 storage a large photo dropped on the dashboard goes straight to the bucket and becomes ready', async () => {
  const api = new Client(app.url);
  await api.signUp();
  const config = await api.json<{ data: { config: { directUploadsToBucket: boolean } } }>('POST', '/graphql', { query: '{ config { directUploadsToBucket } }' });
  expect(config.body.data.config.directUploadsToBucket).toBe(true);
  const collection = (await api.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Birds' })).body.id;
  const photo = realPhotos('photo').find((p) => p.name === 'Kleiber_by_Lukas_Baubkus.jpg')!;
  const bytes = await readFile(photo.path);
  expect(bytes.length).toBeGreaterThan(THRESHOLD);

  const [name, value] = api.cookie!.split(/=(.*)/s) as [string, string];
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', timezoneId: 'UTC' });
  await context.addCookies([{ name, value, url: app.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('requestfailed', (r) => errors.push(`${r.method()} ${r.url().split('?')[0]} failed: ${r.failure()?.errorText}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const sent: { method: string; url: string; body: number }[] = [];
  page.on('requestfinished', (r) => void r.sizes().then((s) => sent.push({ method: r.method(), url: r.url(), body: s.requestBodySize })));
  try {
    await page.goto(`${app.url}/collections/${collection}?tusThreshold=${THRESHOLD}`);
    await page.getByRole('heading', { level: 1, name: 'Birds' }).waitFor();
    // the plan (with directUploadsToBucket) has loaded once the meter shows it
    await page.locator('.plan-figures').waitFor();
    await page.getByLabel('Drop images here').setInputFiles([{ name: 'Kleiber.jpg', mimeType: 'image/jpeg', buffer: bytes }]);
    const row = page.locator('li.upload').filter({ has: page.locator('.upload-name', { hasText: 'Kleiber.jpg' }) });
    await expect.poll(() => page.getByRole('progressbar', { name: 'Kleiber.jpg', exact: true }).getAttribute('aria-valuenow'), { timeout: 120_000 }).toBe('100');
    await row.locator('img').waitFor({ timeout: 60_000 });
    expect(await row.locator('.upload-message').textContent()).toBe('Ready');

    // the browser sent the file to the bucket, in one PUT (its size is checked in the bucket below:
    // Chromium reports no body size for a File body)
    const puts = sent.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.url.split('?')[0])).toEqual([expect.stringMatching(new RegExp(`^${endpoint}/optimage-private/_direct/dup_\\w+$`))]);
    // and to the API only the presign request and the completion, both small: no multipart, no tus
    const toApi = sent.filter((r) => r.url.startsWith(app.url) && r.method !== 'GET' && !r.url.endsWith('/graphql'));
    expect(toApi.map((r) => `${r.method} ${new URL(r.url).pathname.replace(/dup_\w+/, 'dup_…')}`)).toEqual(['POST /api/v1/direct-uploads', 'POST /api/v1/direct-uploads/dup_…/complete']);
    expect(Math.max(...toApi.map((r) => r.body))).toBeLessThan(1024);
    expect(sent.some((r) => r.url.includes('/api/v1/uploads') || r.url.endsWith('/api/v1/images'))).toBe(false);

    // the server's record of it: one direct upload, completed into the ready image the row shows
    const rows = (await app.dataSource.query('SELECT size::int AS size, status, image_id FROM direct_uploads')) as { size: number; status: string; image_id: string }[];
    expect(rows).toEqual([{ size: bytes.length, status: expect.any(String), image_id: expect.stringMatching(/^img_/) }]);
    expect((await app.dataSource.query('SELECT count(*)::int AS n FROM resumable_uploads'))[0].n).toBe(0);
    const image = await api.json<{ status: string; bytes: number; checksum: string }>('GET', `/api/v1/images/${rows[0]!.image_id}`);
    expect(image.body).toMatchObject({ status: 'ready', bytes: bytes.length });
    // the original sits in the bucket, byte for byte the file; the staging object is gone
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const objects = [];
    for (const Bucket of ['optimage-public', 'optimage-private']) objects.push(...((await client.send(new ListObjectsV2Command({ Bucket }))).Contents ?? []).map((o) => ({ Bucket, Key: o.Key!, Size: o.Size! })));
    client.destroy();
    expect(objects.filter((o) => o.Size === bytes.length)).toHaveLength(1);
    expect(objects.filter((o) => o.Key.startsWith('_direct/'))).toEqual([]);
    // the thumbnail loads from the bucket's public URL
    expect(await row.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.currentSrc)).toMatch(new RegExp(`^${endpoint}/optimage-public/${collection}/`));
    expect(errors).toEqual([]);
    console.info(`dashboard direct upload: ${bytes.length} bytes of ${photo.name} PUT to ${puts[0]!.url.split('?')[0]}; API requests: ${toApi.map((r) => `${r.method} ${new URL(r.url).pathname} (${r.body} B)`).join(', ')}`);
    await page.screenshot({ path: `${SHOTS}/dashboard-direct-upload.png`, fullPage: true, animations: 'disabled' });
  } catch (err) {
    console.error('requests seen:', sent.map((r) => `${r.method} ${r.url.split('?')[0]} ${r.body}`).join('\n'), errors);
    await page.screenshot({ path: `${SHOTS}/dashboard-direct-upload-failed.png`, fullPage: true });
    throw err;
  } finally {
    await context.close();
  }
}, 240_000);

test('the CSP names the origin the AWS SDK presigns direct-upload PUTs for, in every addressing style', async () => {
  const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { uploadOrigin } = await import('../src/http/security-headers.ts');
  const cases = [
    { endpoint: undefined, region: 'eu-west-3', bucket: 'photos', forcePathStyle: false }, // AWS, virtual host
    { endpoint: undefined, region: 'us-east-1', bucket: 'photos.example.com', forcePathStyle: false }, // a dotted name: path style
    { endpoint: 'https://abc123.r2.cloudflarestorage.com', region: 'auto', bucket: 'photos', forcePathStyle: true }, // R2
    { endpoint: 'https://minio.internal:9000', region: 'us-east-1', bucket: 'photos', forcePathStyle: false },
  ];
  for (const c of cases) {
    const client = new S3Client({ endpoint: c.endpoint, region: c.region, forcePathStyle: c.forcePathStyle, credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } });
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: c.bucket, Key: '_direct/dup_x' }), { expiresIn: 60 });
    client.destroy();
    expect(uploadOrigin(c), JSON.stringify(c)).toBe(new URL(url).origin);
  }
});
