/**
 * GraphiQL at /graphql works with no internet: headless Chromium blocks every request that does not
 * go to this loopback server, and the editor still renders, runs `{ me { email } }` as the signed-in
 * user (cookie + CSRF header sent by GraphiQL itself) and a subscription over SSE. A screenshot lands
 * in .artifacts/ (git-ignored).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = '.artifacts';

let app: TestApp;
let browser: Browser;
let alice: Client;
let email: string;
let imageId: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  app = await startTestApp();
  alice = new Client(app.url);
  email = (await alice.signUp()).email;
  const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'GraphiQL' })).body.id;
  const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#0a6' } }).jpeg().toBuffer();
  imageId = (await restUpload(alice, photo, { collection, slug: 'graphiql' })).body.id;
  await waitForImage(alice, imageId);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const isLoopback = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

/** Types an operation into GraphiQL's editor, runs it, and returns the response pane's text once it shows `expected`. */
async function run(page: Page, operation: string, expected: string): Promise<string> {
  const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(operation);
  await page.locator('.graphiql-execute-button').click();
  const response = page.locator('.graphiql-response');
  // Monaco renders spaces as no-break spaces
  const text = async () => (await response.innerText()).replaceAll('\u00a0', ' ');
  await expect.poll(text, { timeout: 20_000 }).toContain(expected);
  return text();
}

describe('GraphiQL offline', () => {
  it('renders from this server alone and runs a query and a subscription as the signed-in user', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || url.startsWith('blob:') || isLoopback(url)) return route.continue();
      blocked.push(url);
      return route.abort('internetdisconnected');
    });
    await context.addCookies([{ name: 'optimage_session', value: alice.cookie!.split('=')[1]!, url: app.url }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));

    await page.goto(`${app.url}/graphql`);
    await page.locator('.graphiql-container').first().waitFor({ state: 'visible', timeout: 30_000 });

    const me = await run(page, '{ me { email } }', email);
    expect(JSON.parse(me)).toEqual({ data: { me: { email } } });
    // the schema came through the limits too (GraphiQL's introspection query is 15 levels deep)
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().waitFor({ timeout: 10_000 });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/graphiql-offline.png` });

    const live = await run(page, `subscription { imageStatus(id: "${imageId}") { id status progress } }`, '"READY"');
    expect(JSON.parse(live)).toEqual({ data: { imageStatus: { id: imageId, status: 'READY', progress: 100 } } });

    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
