/**
 * Signing keys across restarts (contract §11): without URL_SIGNING_KEYS one key is generated once
 * and kept in the database, so a URL outlives a restart; with a key list the first signs and all
 * verify, so a rotation (new key first, old key second) breaks no link until the old key is dropped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createTestDatabase, dropTestDatabase } from './support/app.ts';
import { cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const keyA = 'a'.repeat(16) + 'rotation-key-one-0001';
const keyB = 'b'.repeat(16) + 'rotation-key-two-0002';

test('a generated key survives restarts; a rotated key list keeps old links until the old key is dropped', async ({ onTestFinished }) => {
  const databaseUrl = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'optimage-keys-'));
  onTestFinished(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await dropTestDatabase(databaseUrl);
  });
  let app: App | null = null;
  onTestFinished(() => app?.close());
  // the same database and files each time, a new process's worth of app
  const start = async (env: Record<string, string> = {}) => {
    await app?.close();
    app = await createApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, DATABASE_URL: databaseUrl, WORKER_THREADS: '2', ...env }), { logger: createLogger('silent') });
    return app;
  };
  let current = await start();
  const alice = new Client(current.url);
  await alice.signUp('keys@example.com');
  const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Keys' })).body.id;
  await alice.json('PATCH', `/api/v1/collections/${collection}`, { visibility: 'private' });
  const up = await restUpload(alice, await cameraPhoto({ width: 1600, height: 1200, seed: 9 }), { collection, slug: 'key' });
  const first = (await waitForImage(alice, up.body.id)).src as string;
  const path = (url: string) => url.slice(url.indexOf('/private/'));
  const status = async (url: string) => (await fetch(`${current.url}${path(url)}`)).status;
  const generated = ((await current.dataSource.query(`SELECT secret FROM signing_keys`)) as { secret: string }[]).map((r) => r.secret);
  expect(generated).toHaveLength(1);
  expect(await status(first)).toBe(200);

  // restart without keys: the same generated key signs and verifies
  current = await start();
  const relogin = async () => {
    alice.cookie = null;
    Object.assign(alice, { baseUrl: current.url });
    await alice.json('POST', '/api/v1/auth/login', { email: 'keys@example.com', password: 'correct horse' });
    return ((await alice.json<{ src: string }>('GET', `/api/v1/images/${up.body.id}`)).body).src;
  };
  expect(path(await relogin())).toBe(path(first));
  expect(await status(first)).toBe(200);

  // configured keys replace the generated one: its URLs stop verifying
  current = await start({ URL_SIGNING_KEYS: keyA });
  const signedA = await relogin();
  expect(await status(signedA)).toBe(200);
  expect(await status(first)).toBe(403);

  // rotation: B signs, A still verifies
  current = await start({ URL_SIGNING_KEYS: `${keyB},${keyA}` });
  const signedB = await relogin();
  expect(path(signedB)).not.toBe(path(signedA));
  expect(await status(signedA)).toBe(200);
  expect(await status(signedB)).toBe(200);

  // A dropped: its links end, B's go on
  current = await start({ URL_SIGNING_KEYS: keyB });
  await relogin();
  expect(await status(signedA)).toBe(403);
  expect(await status(signedB)).toBe(200);
});
