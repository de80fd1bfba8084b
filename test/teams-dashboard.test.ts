/**
 * Teams in the dashboard, in real headless Chromium: the owner switches to the team and invites an
 * editor and a viewer from the members page; each accepts the link in their own browser context; the
 * editor's page offers the upload zone and the upload lands in the team's collection; the viewer's
 * page offers none, and the server refuses the viewer's upload anyway. The members and keys pages
 * are photographed into /work/shots (or $TEAMS_SHOTS).
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { launchChromium } from './support/browser.ts';
import { Client } from './support/http.ts';
import { photoJpeg } from './support/images.ts';
import { inTeam } from './support/teams.ts';
import { restUpload } from './support/upload.ts';

const SHOTS = process.env.TEAMS_SHOTS ?? '/work/shots';
let app: TestApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  app = await startTestApp({ PROCESSING: 'off' });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await app?.close();
});

/** A signed-up user and a browser context holding their session cookie. */
async function person(email: string) {
  const client = new Client(app.url);
  const user = await client.signUp(email);
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, locale: 'en-US', timezoneId: 'UTC' });
  contexts.push(context);
  const [name, value] = client.cookie!.split('=');
  await context.addCookies([{ name: name!, value: value!, url: app.url }]);
  return { client, user, page: await context.newPage() };
}

describe('teams in the dashboard', () => {
  it('invite → accept in another browser → the editor uploads, the viewer cannot', async () => {
    const stamp = Date.now();
    const owner = await person(`owner${stamp}@example.com`);
    const team = (await owner.client.json<{ id: string }>('POST', '/api/v1/teams', { name: 'Acme Studio' })).body;
    const collection = (await owner.client.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Launch photos', teamId: team.id })).body;

    // the owner switches to the team and invites from the members page
    await owner.page.goto(app.url);
    await owner.page.getByLabel('Team').selectOption(team.id);
    await owner.page.waitForLoadState('load');
    await owner.page.getByRole('link', { name: 'Members' }).click();
    await owner.page.getByRole('heading', { name: 'Members of Acme Studio' }).waitFor();
    const invite = async (email: string, role: string) => {
      await owner.page.getByLabel('Email').fill(email);
      await owner.page.getByLabel('Role', { exact: true }).selectOption(role);
      await owner.page.getByRole('button', { name: 'Invite' }).click();
      // the region names whom the link is for: wait for this invitation's, not the one shown before
      const region = owner.page.getByRole('region', { name: 'Invitation link' }).filter({ hasText: `Send this link to ${email}` });
      await region.getByTestId('invitation-link').filter({ hasText: 'invitation=' }).waitFor();
      return (await region.getByTestId('invitation-link').textContent())!;
    };
    const editorLink = await invite(`editor${stamp}@example.com`, 'EDITOR');
    await expect.poll(() => owner.page.getByRole('row', { name: new RegExp(`editor${stamp}`) }).count()).toBe(1);
    const viewerLink = await invite(`viewer${stamp}@example.com`, 'VIEWER');

    // each accepts in their own browser: the link switches them into the team
    const editor = await person(`editor${stamp}@example.com`);
    await editor.page.goto(editorLink);
    await expect.poll(() => editor.page.getByLabel('Team').inputValue()).toBe(team.id);
    const viewer = await person(`viewer${stamp}@example.com`);
    await viewer.page.goto(viewerLink);
    await expect.poll(() => viewer.page.getByLabel('Team').inputValue()).toBe(team.id);

    // the editor's collection page has the upload zone, and an upload lands in the team
    await editor.page.goto(`${app.url}/collections/${collection.id}`);
    const photo = await photoJpeg(1200, 800);
    await editor.page.getByLabel('Drop images here').setInputFiles({ name: 'launch.jpg', mimeType: 'image/jpeg', buffer: photo });
    const ownerInTeam = inTeam(owner.client, team.id);
    await expect.poll(async () => (await ownerInTeam.json<{ id: string }[]>('GET', '/api/v1/images?limit=10')).body.length, { timeout: 30_000 }).toBe(1);

    // the viewer's offers none, and the server says no all the same
    await viewer.page.goto(`${app.url}/collections/${collection.id}`);
    await viewer.page.getByRole('heading', { name: 'Launch photos' }).waitFor();
    expect(await viewer.page.getByLabel('Drop images here').count()).toBe(0);
    const refused = await restUpload(inTeam(viewer.client, team.id), photo, { collection: collection.id });
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);

    // the members page with everyone, and the keys page with a narrowed key, photographed
    await owner.page.reload();
    await expect.poll(() => owner.page.getByRole('row').count()).toBeGreaterThanOrEqual(4);
    await owner.page.screenshot({ path: `${SHOTS}/teams-members.png`, fullPage: true });
    await owner.page.getByRole('link', { name: 'API keys' }).click();
    await owner.page.getByLabel('Key name').fill('storefront (read only)');
    await owner.page.getByLabel('Expires').selectOption('30');
    await owner.page.getByRole('button', { name: 'Create API key' }).click();
    await owner.page.getByTestId('new-api-key').waitFor();
    await owner.page.getByLabel('Key name').fill('ci uploads');
    await owner.page.getByRole('checkbox', { name: /Upload and delete images/ }).check();
    await owner.page.getByRole('button', { name: 'Create API key' }).click();
    await expect.poll(() => owner.page.getByRole('row').count()).toBe(3);
    await owner.page.screenshot({ path: `${SHOTS}/teams-keys.png`, fullPage: true });
  });
});
