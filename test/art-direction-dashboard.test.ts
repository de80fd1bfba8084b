/**
 * The dashboard's art direction (contract §13) in real headless Chromium: on an image page, a click
 * on the picture moves the focal point and the crop previews follow; saving it makes the server cut
 * the cover crops again. In the collection settings, the named-variants editor adds a variant and
 * turns wide colour on. Screenshots go to /work/shots/art-*.png (SHOTS_DIR overrides).
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { launchChromium } from './support/browser.ts';
import { Client } from './support/http.ts';
import { realPhotos } from './support/real-photos.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const SHOTS = process.env.SHOTS_DIR ?? '/work/shots';
const VARIANTS = [
  { name: 'avatar', width: 256, height: 256, fit: 'cover' },
  { name: 'card', width: 640, height: 360, fit: 'cover' },
  { name: 'thumb', width: 300, height: 300, fit: 'inside' },
];

let app: TestApp;
let browser: Browser;
let page: Page;
let alice: Client;
let collection = '';
let imageId = '';

beforeAll(async () => {
  if (!process.env.OPTIMAGE_BUILT) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  await mkdir(SHOTS, { recursive: true });
  // the photo is made before the app starts (it restricts libvips' loaders process-wide)
  const bird = realPhotos('photo').find((p) => p.name === 'Kleiber_by_Lukas_Baubkus.jpg')!;
  const bytes = await sharp(bird.path).resize(1600).jpeg({ quality: 88 }).toBuffer();
  app = await startTestApp();
  alice = new Client(app.url);
  await alice.signUp();
  collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Birds' })).body.id;
  expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { variants: VARIANTS })).status).toBe(200);
  imageId = (await restUpload(alice, bytes, { collection, slug: 'nuthatch' })).body.id;
  expect((await waitForImage(alice, imageId, 120_000)).status).toBe('ready');
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  const [name, value] = alice.cookie!.split('=') as [string, string];
  await context.addCookies([{ name, value, url: app.url }]);
  page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const avatarPosition = () => page.locator('[data-variant="avatar"] .crop-box').evaluate((el) => (el as HTMLElement).style.backgroundPosition);

describe('art direction in the dashboard', () => {
  it('a click on the picture moves the focal point, the crop previews follow, and saving re-cuts the cover crops', async () => {
    await page.goto(`${app.url}/images/${imageId}`);
    const canvas = page.getByRole('slider', { name: 'Focal point' });
    await canvas.locator('img').evaluate((img) => (img as HTMLImageElement).decode());
    // found automatically at processing: shown as such
    await expect.poll(() => page.getByText('Found automatically').count()).toBe(1);
    const image = (await alice.json<{ focalPoint: { x: number; y: number; source: string }; variants: { name?: string; url: string }[] }>('GET', `/api/v1/images/${imageId}`)).body;
    expect(image.focalPoint.source).toBe('auto');
    const avatarUrl = image.variants.find((v) => v.name === 'avatar')!.url;
    const before = Buffer.from(await (await fetch(avatarUrl)).arrayBuffer());
    const previewBefore = await avatarPosition();

    const box = (await canvas.boundingBox())!;
    await canvas.click({ position: { x: box.width * 0.15, y: box.height * 0.7 } });
    const marker = page.locator('.focal-marker');
    const left = await marker.evaluate((el) => parseFloat((el as HTMLElement).style.left));
    const top = await marker.evaluate((el) => parseFloat((el as HTMLElement).style.top));
    expect(left).toBeCloseTo(15, 0);
    expect(top).toBeCloseTo(70, 0);
    expect(await avatarPosition()).not.toBe(previewBefore); // the preview follows before anything is saved
    const accessibility = await new AxeBuilder({ page }).include('.focal').analyze();
    expect(accessibility.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky bar where it sits at the top
    await page.screenshot({ path: `${SHOTS}/art-focal-picker.png`, fullPage: true, animations: 'disabled' });

    await page.getByRole('button', { name: 'Save focal point' }).click();
    await expect.poll(async () => (await alice.json<{ focalPoint: { x: number; y: number; source: string } }>('GET', `/api/v1/images/${imageId}`)).body.focalPoint, { timeout: 30_000 }).toMatchObject({ source: 'given' });
    const saved = (await alice.json<{ focalPoint: { x: number; y: number } }>('GET', `/api/v1/images/${imageId}`)).body.focalPoint;
    expect(saved.x).toBeCloseTo(0.15, 1);
    expect(saved.y).toBeCloseTo(0.7, 1);
    await expect.poll(async () => Buffer.from(await (await fetch(avatarUrl)).arrayBuffer()).equals(before), { timeout: 60_000, interval: 200 }).toBe(false);
  }, 180_000);

  it('the collection settings edit the named variants and the colour profile', async () => {
    await page.goto(`${app.url}/collections/${collection}`);
    await page.getByText('Named variants and colour').click();
    await expect.poll(() => page.getByRole('textbox', { name: /^Name of variant/ }).count()).toBe(3);
    await page.getByRole('button', { name: 'Add variant' }).click();
    await page.getByRole('textbox', { name: 'Name of variant 4' }).fill('hero');
    await page.getByRole('spinbutton', { name: 'Width of variant 4' }).fill('1200');
    await page.getByRole('spinbutton', { name: 'Height of variant 4' }).fill('500');
    await page.getByRole('combobox', { name: 'Fit of variant 4' }).selectOption('CONTAIN');
    await page.getByRole('combobox', { name: /Colour/ }).selectOption('WIDE');
    await page.screenshot({ path: `${SHOTS}/art-variants-editor.png`, fullPage: true, animations: 'disabled' });
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(async () => (await alice.json<{ variants: unknown[]; colorProfile: string }>('GET', `/api/v1/collections/${collection}`)).body)
      .toMatchObject({ variants: [...VARIANTS, { name: 'hero', width: 1200, height: 500, fit: 'contain' }], colorProfile: 'wide' });
  }, 120_000);
});
