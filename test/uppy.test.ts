/**
 * Uppy unchanged against optimage, from a page on another origin (a listed CORS origin): @uppy/tus
 * on /api/v1/uploads and @uppy/xhr-upload on POST /api/v1/images, bundled with rolldown as an app
 * would, in Chromium, each sending a camera-sized real photo with an API key; and
 * @optimage/client's upload() + watch() from the same page. Each ends with an image id and a ready image.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { realPhotos } from './support/real-photos.ts';
import { sha256, waitForImage } from './support/upload.ts';

const PHOTO = 'Kleiber_by_Lukas_Baubkus.jpg'; // 6028×3391, a camera's full-size JPEG

async function bundle(): Promise<string> {
  const build = await rolldown({ input: resolve('test/fixtures/uppy/page.js'), platform: 'browser', transform: { define: { 'process.env.NODE_ENV': '"production"' } }, logLevel: 'silent' });
  const { output } = await build.generate({ format: 'iife', minify: true });
  await build.close();
  return output[0].code;
}

describe('Uppy and @optimage/client on another origin', () => {
  let site: Server;
  let siteUrl: string;
  let app: TestApp;
  let alice: Client;
  let browser: Browser;
  let page: Page;
  /** A collection per test: the same bytes in one collection are the same image (contract §7). */
  let collection: string;
  let key: string;
  let photo: Buffer;
  const errors: string[] = [];

  beforeAll(async () => {
    photo = await readFile(realPhotos('photo').find((p) => p.name === PHOTO)!.path);
    const script = await bundle();
    site = createServer((req, res) => {
      if (req.url === '/photo.jpg') return void res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(photo);
      if (req.url === '/page.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><html><head><link rel="icon" href="data:,"><script src="/page.js"></script></head><body>uploads</body></html>');
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
    app = await startTestApp({ CORS_ORIGINS: siteUrl });
    expect(new URL(app.url).origin).not.toBe(siteUrl);
    alice = new Client(app.url);
    await alice.signUp();
    key = (await alice.json<{ key: string }>('POST', '/api/v1/api-keys', { name: 'site' })).body.key;
    alice.bearer = key;
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(siteUrl);
  }, 300_000);

  beforeEach(async () => {
    collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'From Uppy' })).body.id;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise((r) => site?.close(r));
  });

  async function expectReady(id: string, slug: string) {
    const image = await waitForImage(alice, id, 180_000);
    expect(image).toMatchObject({ status: 'ready', checksum: sha256(photo), collectionId: collection, slug, width: 6028, height: 3391 });
    // the file it names answers, to any origin
    const file = await fetch(image.url as string, { headers: { Origin: 'https://elsewhere.example' } });
    expect(file.status).toBe(200);
    expect(file.headers.get('access-control-allow-origin')).toBe('*');
    return image;
  }

  it('@uppy/tus: chunked PATCHes cross-origin, the image id read from the exposed Optimage-Image-Id header', async () => {
    const started = performance.now();
    const result = await page.evaluate((args) => (window as unknown as { uploadWithUppy: (a: unknown) => Promise<Record<string, unknown>> }).uploadWithUppy(args), { plugin: 'tus', api: app.url, token: key, collection, name: 'Kleiber tus.jpg' });
    console.log(`uppy tus: ${photo.length} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s, ${JSON.stringify(result)}`);
    expect(result.error).toBeUndefined();
    expect(result.imageId).toMatch(/^img_/);
    expect(result.uploadURL).toMatch(new RegExp(`^${app.url}/api/v1/uploads/`));
    expect(result.described).toMatchObject({ imageId: result.imageId, offset: photo.length, length: photo.length });
    expect(result.progressEvents).toBeGreaterThan(2);
    await expectReady(result.imageId as string, 'kleiber-tus');
    expect(errors).toEqual([]);
  });

  it('@uppy/xhr-upload: the multipart POST cross-origin, its JSON answer the image with a url', async () => {
    const result = await page.evaluate((args) => (window as unknown as { uploadWithUppy: (a: unknown) => Promise<Record<string, unknown>> }).uploadWithUppy(args), { plugin: 'xhr', api: app.url, token: key, collection, name: 'Kleiber xhr.jpg' });
    console.log(`uppy xhr-upload: ${JSON.stringify(result)}`);
    expect(result.error).toBeUndefined();
    expect(result.imageId).toMatch(/^img_/);
    const image = await expectReady(result.imageId as string, 'kleiber-xhr');
    expect(result.uploadURL).toBe(image.url);
    expect(result.uploadURL).toBe(`${app.url}/cdn/${collection}/0/kleiber-xhr.webp`);
    expect(errors).toEqual([]);
  });

  it('@optimage/react/client useUpload(): status and progress as React state, then the image', async () => {
    const result = await page.evaluate((args) => (window as unknown as { uploadWithHook: (a: unknown) => Promise<{ imageId: string }> }).uploadWithHook(args), { api: app.url, token: key, collection, name: 'kleiber-hook.jpg' });
    expect(result.imageId).toMatch(/^img_/);
    await page.waitForFunction(() => document.querySelector('#hook')?.textContent === 'done 100%');
    const seen = await page.evaluate(() => (window as unknown as { hookStates: string[] }).hookStates);
    expect(seen[0]).toBe('idle:0.00');
    expect(seen).toContain('uploading:0.00');
    expect(seen.at(-1)).toBe('done:1.00');
    await expectReady(result.imageId, 'kleiber-hook');
    expect(errors).toEqual([]);
  });

  for (const mode of [
    { name: 'multipart POST', resumableFrom: 100 * 1024 * 1024, slug: 'kleiber-kit-form' },
    { name: 'tus', resumableFrom: 1, slug: 'kleiber-kit-tus' },
    // contract §12: on local storage the ticket is a signed PUT to this server, the same client code as for a bucket
    { name: 'a direct upload', resumableFrom: 1, slug: 'kleiber-kit-direct', direct: true },
  ]) {
    it(`@optimage/client upload() over ${mode.name}, then watch() to ready`, async () => {
      const result = await page.evaluate(
        (args) => (window as unknown as { uploadWithKit: (a: unknown) => Promise<Record<string, unknown>> }).uploadWithKit(args),
        { api: app.url, token: key, collection, name: `${mode.slug}.jpg`, resumableFrom: mode.resumableFrom, direct: 'direct' in mode },
      );
      expect(result.imageId).toMatch(/^img_/);
      if ('direct' in mode) expect((await app.dataSource.query('SELECT status FROM direct_uploads WHERE image_id = $1', [result.imageId])) as unknown[]).toEqual([{ status: 'completed' }]);
      const progress = result.progress as number[];
      // XHR on loopback may report a multipart body in one event; tus sends three 2 MiB chunks
      expect(progress.length).toBeGreaterThanOrEqual(mode.name === 'tus' ? 3 : 1);
      expect(progress.at(-1)).toBe(photo.length);
      expect(result.last).toMatchObject({ id: result.imageId, status: 'ready', progress: 100 });
      expect(result.events).toContain('ready');
      await expectReady(result.imageId as string, mode.slug);
      expect(errors).toEqual([]);
    });
  }
});
