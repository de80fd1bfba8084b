/**
 * What a Next.js user runs: the fixture app (test/fixtures/next-app: App Router Server Component
 * page, Pages Router page) with the packed @optimage/* packages, `next build`, `next start`, against
 * a running optimage with real photos, loaded in Chromium at phone and desktop widths. Every image
 * comes from optimage at the smallest size ≥ its rendered width × DPR (Chromium's own choice at
 * DPR 2, see below), nothing goes through /_next/image, and the console stays clean.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { sizeFor } from '@optimage/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { buildFixture, installFixture, prepareFixture, startFixture, type NextServer } from './support/next-fixture.ts';
import { realPhotos } from './support/real-photos.ts';
import { restUpload, waitForImage } from './support/upload.ts';

/** Screenshots and the picked sizes: /work/shots on the development machines, else a temp dir. */
const SHOTS = existsSync('/work/shots') ? '/work/shots' : tmpdir();

const PHOTOS = [
  { slug: '1-bowl', name: 'Picture_0B_by_freespace.jpg' }, // 2572×1740
  { slug: '2-brushes', name: 'Picture_1A_by_freespace.jpg' }, // 1365×1074
  { slug: '3-dogs', name: 'friends_by_Aitzol_Berasategi.jpg' }, // 2056×3088 portrait
];
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844, dpr: 1 },
  { name: 'phone-2x', width: 390, height: 844, dpr: 2 },
  { name: 'desktop', width: 1280, height: 800, dpr: 1 },
];
const PAGES = [
  { name: 'app', path: '/', others: ['/local.png'] },
  { name: 'pages', path: '/legacy', others: [] },
];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface Shown {
  alt: string;
  src: string;
  srcset: string;
  rendered: number;
}

/** The size segment of an optimage URL, or null for any other URL. */
const sizeOf = (src: string) => /\/col_[a-z0-9]+\/(\d+)\/[a-z0-9-]+\.(webp|avif)$/.exec(src)?.[1];

/** The descriptor widths in a srcset, for the file each candidate names. */
function candidates(srcset: string): { size: number; w: number }[] {
  return srcset.split(', ').map((c) => {
    const [u, w] = c.trim().split(' ');
    return { size: Number(sizeOf(u!)), w: parseInt(w!, 10) };
  });
}

describe('a Next.js app with @optimage/next and @optimage/react', () => {
  let app: TestApp;
  let next: NextServer;
  let browser: Browser;
  const widths: Record<string, number> = {};
  const timings: Record<string, number | string> = {};

  beforeAll(async () => {
    app = await startTestApp();
    const alice = new Client(app.url);
    await alice.signUp();
    const { body: collection } = await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Site' });
    expect((await alice.json('PATCH', `/api/v1/collections/${collection.id}`, { formats: ['webp', 'avif'] })).status).toBe(200);
    const { body: key } = await alice.json<{ key: string }>('POST', '/api/v1/api-keys', { name: 'next app' });
    const all = realPhotos('photo');
    const uploads = await Promise.all(
      PHOTOS.map(async (p) => {
        const bytes = await readFile(all.find((r) => r.name === p.name)!.path);
        const { status, body } = await restUpload(alice, bytes, { collection: collection.id, slug: p.slug, filename: p.name });
        expect(status).toBe(201);
        return body.id;
      }),
    );
    for (const id of uploads) {
      const image = await waitForImage(alice, id, 180_000);
      expect(image.status).toBe('ready');
      widths[image.slug as string] = image.width as number;
    }

    const { dir, install } = await installFixture();
    timings.install = install.skipped ? 'cached' : install.seconds;
    await prepareFixture(dir);
    const build = await buildFixture(dir, {});
    timings.build = build.seconds;
    const started = performance.now();
    next = await startFixture(dir, await freePort(), { OPTIMAGE_API: app.url, OPTIMAGE_KEY: key.key });
    timings.start = (performance.now() - started) / 1000;
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    console.log(`next fixture: ${JSON.stringify(timings)}`);
    if (next?.output().includes('Error')) console.log(`next start said:\n${next.output().slice(-4000)}`);
    await browser?.close();
    await next?.stop();
    await app?.close();
  });

  const picks: Record<string, string[]> = {};
  afterAll(async () => {
    await writeFile(`${SHOTS}/kit-sizes.json`, JSON.stringify(picks, null, 2)).catch(() => undefined);
  });

  for (const page of PAGES) {
    for (const vp of VIEWPORTS) {
      it(`${page.name} router at ${vp.name} (${vp.width}px × ${vp.dpr}): optimage sizes only, no /_next/image, no console error`, async () => {
        const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, deviceScaleFactor: vp.dpr });
        const tab = await context.newPage();
        const errors: string[] = [];
        const requests: string[] = [];
        const failed: string[] = [];
        tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        tab.on('pageerror', (e) => errors.push(e.message));
        tab.on('request', (r) => requests.push(r.url()));
        tab.on('response', (r) => r.request().resourceType() === 'image' && r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
        await tab.goto(`${next.url}${page.path}`, { waitUntil: 'networkidle' });
        // bring every lazy image into view, then wait for all of them
        await tab.evaluate(async () => {
          for (let y = 0; y < document.body.scrollHeight; y += 300) {
            window.scrollTo(0, y);
            await new Promise((r) => setTimeout(r, 50));
          }
          window.scrollTo(0, 0);
        });
        await tab.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 30_000 });
        await tab.waitForLoadState('networkidle');
        const shown: Shown[] = await tab.evaluate(() =>
          [...document.images].map((img) => {
            const source = img.parentElement?.tagName === 'PICTURE' ? [...img.parentElement.querySelectorAll('source')].find((s) => s.srcset.split(', ').some((c) => c.split(' ')[0] === img.currentSrc)) : undefined;
            return { alt: img.alt, src: img.currentSrc, srcset: source?.srcset ?? img.srcset, rendered: img.getBoundingClientRect().width };
          }),
        );
        await tab.screenshot({ path: `${SHOTS}/kit-${page.name}-${vp.name}.png`, fullPage: true });
        await context.close();

        expect(requests.filter((u) => u.includes('/_next/image'))).toEqual([]);
        expect(errors).toEqual([]);
        expect(failed).toEqual([]);
        const fromOptimage = shown.filter((s) => s.src.startsWith(`${app.url}/cdn/`));
        // every image but the app's own /local.png (left alone by the loader) is served by optimage
        expect(shown.filter((s) => !s.src.startsWith(`${app.url}/cdn/`)).map((s) => new URL(s.src).pathname)).toEqual(page.others);
        expect(fromOptimage).toHaveLength(4);
        picks[`${page.name} ${vp.name}`] = fromOptimage.map((s) => `${s.alt}: ${Math.round(s.rendered)}px × ${vp.dpr} → ${sizeOf(s.src)} (${s.src.split('.').pop()})`);
        for (const s of fromOptimage) {
          const need = s.rendered * vp.dpr;
          const slug = /\/([a-z0-9-]+)\.(webp|avif)$/.exec(s.src)![1]!;
          // the smallest size ≥ need, or the full image (0) when the image itself is narrower than that
          const smallest = sizeFor(need) !== 0 && sizeFor(need) < widths[slug]! ? sizeFor(need) : 0;
          const picked = Number(sizeOf(s.src));
          if (vp.dpr === 1) {
            expect(picked, `${s.alt} at ${need}px`).toBe(smallest);
          } else {
            // Above DPR 1 Chromium takes the candidate below when the needed density is under the
            // geometric mean of the two around it (HTMLSrcsetParser's selection): that one or the smallest ≥.
            const list = candidates(s.srcset).sort((a, b) => a.w - b.w);
            const at = list.findIndex((c) => c.size === smallest || (smallest === 0 && c.size === 0));
            const allowed = [list[at]?.size, list[at - 1]?.size];
            expect(allowed, `${s.alt} at ${need}px: ${picked}`).toContain(picked);
          }
        }
      });
    }
  }
});
