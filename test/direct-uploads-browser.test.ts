/**
 * A browser upload straight to the bucket (contract §12), in Chromium: the page is on the API's
 * origin, the PUT goes cross-origin to the S3 endpoint (s3rver with the bucket CORS rules of
 * docs/private-delivery.md), so Chromium sends a CORS preflight for `x-amz-checksum-sha256` first.
 * The page runs the documented snippet: hash with Web Crypto, create, PUT as told, complete. A page
 * of an origin the rules do not list cannot PUT.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, expect, test } from 'vitest';
import { startTestApp } from './support/app.ts';
import { launchChromium, openPageOn } from './support/browser.ts';
import { cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { startBrowserUploadS3 } from './support/s3.ts';
import { waitForImage } from './support/upload.ts';


// the rules of docs/private-delivery.md, as S3's XML; the app's origin is 127.0.0.1 on a free port
const { s3, env } = await startBrowserUploadS3();
const endpoint = s3.endpoint;
const app = await startTestApp(env);
const browser = await launchChromium();
afterAll(async () => {
  await browser.close();
  await app.close();
  await s3.close();
});

/** The browser snippet of docs/private-delivery.md ("Direct upload from the browser"), run in the page. */
async function uploadFromPage(page: import('playwright-core').Page, collection: string, base64: string) {
  return page.evaluate(
    async ({ collection, base64 }) => {
      const file = new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'holiday.jpg', { type: 'image/jpeg' });
      const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
      const checksum = hex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
      const created = await fetch('/api/v1/direct-uploads', {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ collection, filename: file.name, size: file.size, checksum }),
      });
      const upload = (await created.json()) as { id: string; method: string; url: string; headers: Record<string, string> };
      let put: number | string;
      try {
        // Content-Length is set by the browser itself (it may not be set by scripts)
        const headers = Object.fromEntries(Object.entries(upload.headers).filter(([k]) => k.toLowerCase() !== 'content-length'));
        put = (await fetch(upload.url, { method: upload.method, headers, body: file })).status;
      } catch (err) {
        return { created: created.status, put: `blocked: ${String(err)}`, complete: 0, image: null };
      }
      const done = await fetch(`/api/v1/direct-uploads/${upload.id}/complete`, { method: 'POST', credentials: 'include' });
      return { created: created.status, put, complete: done.status, image: (await done.json()) as { id: string; status: string } };
    },
    { collection, base64 },
  );
}

test('Chromium on the API origin PUTs straight to the bucket after a CORS preflight, then completes the image', async () => {
  const bytes = await cameraPhoto({ width: 1600, height: 1200, seed: 51 });
  // The test page is fulfilled by the test (no address of its own), so Chromium's Local Network
  // Access treats it as public and asks before it reaches 127.0.0.1: granted here, as a user would
  // (a real bucket is on the public network and needs no such permission).
  const context = await browser.newContext({ permissions: ['local-network-access'] });
  const page = await context.newPage();
  await openPageOn(page, app.url);
  // preflights are not page requests: Chromium's DevTools protocol reports them
  const preflights: { url: string; headers: Record<string, string> }[] = [];
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.method === 'OPTIONS') preflights.push({ url: e.request.url, headers: Object.fromEntries(Object.entries(e.request.headers).map(([k, v]) => [k.toLowerCase(), String(v)])) });
  });
  const signup = await page.evaluate(async () => (await fetch('/api/v1/auth/signup', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `b${Date.now()}@example.com`, password: 'correct horse' }) })).status);
  expect(signup).toBe(201);
  const collection = await page.evaluate(async () => ((await (await fetch('/api/v1/collections', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{"name":"Browser"}' })).json()) as { id: string }).id);

  const result = await uploadFromPage(page, collection, bytes.toString('base64'));
  expect(result).toMatchObject({ created: 201, put: 200, complete: 201, image: { status: 'processing' } });
  // the preflight Chromium sent to the bucket, for the signed checksum header
  const preflight = preflights.find((p) => p.url.startsWith(`${endpoint}/optimage-private/_direct/`));
  expect(preflight?.headers['access-control-request-method']).toBe('PUT');
  expect(preflight?.headers['access-control-request-headers']).toContain('x-amz-checksum-sha256');
  expect(preflight?.headers.origin).toBe(app.url);

  const cookies = await context.cookies(app.url);
  const client = new Client(app.url);
  client.cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  expect((await waitForImage(client, result.image!.id)).status).toBe('ready');
  const s3client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  expect((await s3client.send(new ListObjectsV2Command({ Bucket: 'optimage-private', Prefix: '_direct/' }))).Contents ?? []).toEqual([]);
  s3client.destroy();
  await context.close();
});

test('a page of an origin the bucket rules do not list cannot PUT (the preflight fails)', async () => {
  const bytes = await cameraPhoto({ width: 1200, height: 900, seed: 52 });
  const context = await browser.newContext({ permissions: ['local-network-access'] });
  const page = await context.newPage();
  // the same server under another name: an origin the CORS rules do not match
  const otherOrigin = app.url.replace('127.0.0.1', 'localhost');
  const consoleLines: string[] = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  await openPageOn(page, otherOrigin);
  await page.evaluate(async () => fetch('/api/v1/auth/signup', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `c${Date.now()}@example.com`, password: 'correct horse' }) }));
  const collection = await page.evaluate(async () => ((await (await fetch('/api/v1/collections', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{"name":"Elsewhere"}' })).json()) as { id: string }).id);
  const result = await uploadFromPage(page, collection, bytes.toString('base64'));
  expect(result.created).toBe(201);
  expect(String(result.put)).toMatch(/^blocked: TypeError/);
  // refused by the bucket's CORS rules, not by anything else
  const refusal = consoleLines.find((l) => l.includes('blocked by CORS policy'));
  expect(refusal).toMatch(/Access-Control-Allow-Origin|preflight/);
  expect(refusal).not.toContain('address space');
  await context.close();
});
