/**
 * Makes docs/images/dashboard.png, the README's picture: starts the built server on a free port with
 * a fresh data directory, signs up, uploads real photos (test/support/real-photos.ts), waits until
 * they are ready, and screenshots the dashboard in headless Chromium (a palette PNG, kept small).
 *   npm run build && node dist/scripts/dashboard-screenshot.js [out.png]
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { freePort } from '../src/db/embedded-postgres.ts';
import { launchChromium } from '../test/support/browser.ts';
import { Client } from '../test/support/http.ts';
import { runMain } from '../test/support/process.ts';
import { realPhotos } from '../test/support/real-photos.ts';
import { restUpload, waitForImage } from '../test/support/upload.ts';

const out = process.argv[2] ?? 'docs/images/dashboard.png';
const PHOTOS = ['Bridge_by_Sander_Klootwijk.jpg', 'Dragonfly_by_Bolly.jpg', 'Kleiber_by_Lukas_Baubkus.jpg', 'Picture_0B_by_freespace.jpg', 'aitzgorri_by_Aitzol_Berasategi.jpg', 'friends_by_Aitzol_Berasategi.jpg', 'greentock_by_Peter_Nerlich.jpg', 'sunset_by_Aitzol_Berasategi.jpg'];

const dataDir = await mkdtemp(join(tmpdir(), 'optimage-screenshot-'));
const port = await freePort();
const server = runMain(['serve'], { DATA_DIR: dataDir, PORT: String(port) });
try {
  await server.waitFor(/optimage listening on/, 120_000);
  const base = `http://127.0.0.1:${port}`;
  const client = new Client(base);
  await client.signUp('ada@example.com', 'correct horse battery');
  const { body: collection } = await client.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Holiday 2026' });
  const photos = realPhotos('photo').filter((p) => PHOTOS.includes(p.name));
  for (const photo of photos) {
    const bytes = await readFile(photo.path);
    const slug = photo.name.replace(/_by_.*$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const up = await restUpload(client, bytes, { collection: collection.id, slug, filename: photo.name });
    await waitForImage(client, up.body.id, 180_000);
    console.log(`screenshot: ${photo.name} ready`);
  }
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const [name, value] = client.cookie!.split('=') as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    await page.goto(base);
    // every tile's picture loaded (from /cdn), not only the page
    const tiles = page.locator('.grid .tile img');
    for (let i = 0; i < 600 && (await tiles.count()) < photos.length; i++) await page.waitForTimeout(100);
    for (const img of await tiles.all()) {
      await img.scrollIntoViewIfNeeded();
      await img.evaluate((el) => (el as unknown as { decode(): Promise<void> }).decode());
    }
    await page.evaluate(() => scrollTo(0, 0));
    const png = await page.screenshot();
    const small = await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9 }).toBuffer();
    await writeFile(out, small);
    console.log(`screenshot: wrote ${out} (${Math.round(small.length / 1024)} KiB)`);
  } finally {
    await browser.close();
  }
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dataDir, { recursive: true, force: true });
}
