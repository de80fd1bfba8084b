/**
 * The AddTeams migration on a database holding data made BEFORE it: the older migrations run, users,
 * sessions, keys, collections, images, webhooks and usage are written with SQL as the old code wrote
 * them, then the app starts (running AddTeams), and everything answers through the API as before.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../migrations/index.ts';
import { AddTeams1796486775166 } from '../migrations/1796486775166-AddTeams.ts';
import { hashPassword } from '../src/modules/accounts/password.ts';
import { quotaPeriod } from '../src/modules/quota/period.ts';
import { createTestDatabase, dropTestDatabase, startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { restUpload } from './support/upload.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const ALICE_SESSION = 'alice-session-token-made-before-teams';
const ALICE_KEY = 'opt_live_alice_key_made_before_teams_000000000000000';
const BOB_SESSION = 'bob-session-token-made-before-teams';

let url: string;
let app: TestApp;

async function oldDatabase(): Promise<void> {
  // every migration before AddTeams; the app runs it and any later one (TusFocalPoint, …) at start
  const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(AddTeams1796486775166));
  expect(before.length).toBeGreaterThan(0);
  expect(MIGRATIONS[before.length]).toBe(AddTeams1796486775166);
  const ds = new DataSource({ type: 'postgres', url, migrations: before, migrationsTableName: 'migrations' });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const hash = await hashPassword('correct horse');
  const period = quotaPeriod(new Date()).key;
  await ds.query(`INSERT INTO users (id, email, password_hash, plan) VALUES ('usr_alice', 'alice@example.com', $1, 'pro'), ('usr_bob', 'bob@example.com', $1, 'free')`, [hash]);
  await ds.query(`INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES ('ses_a', 'usr_alice', $1, now() + interval '1 day'), ('ses_b', 'usr_bob', $2, now() + interval '1 day')`, [sha(ALICE_SESSION), sha(BOB_SESSION)]);
  await ds.query(`INSERT INTO api_keys (id, user_id, name, prefix, key_hash) VALUES ('key_alice', 'usr_alice', 'ci', $1, $2)`, [ALICE_KEY.slice(0, 15), sha(ALICE_KEY)]);
  await ds.query(`INSERT INTO collections (id, user_id, name, formats) VALUES ('col_alice1', 'usr_alice', 'Holidays', '{webp}'), ('col_alice2', 'usr_alice', 'Work', '{webp,avif}'), ('col_bob', 'usr_bob', 'Bob', '{webp}')`);
  await ds.query(
    `INSERT INTO images (id, user_id, collection_id, slug, checksum, status, step, progress, source_format, source_bytes, width, height, frames, ready_at)
     VALUES ('img_alice1', 'usr_alice', 'col_alice1', 'beach', repeat('a', 64), 'ready', 'ACTIVATE', 100, 'jpeg', 1000, 1600, 1200, 1, now()),
            ('img_bob1', 'usr_bob', 'col_bob', 'cat', repeat('b', 64), 'ready', 'ACTIVATE', 100, 'jpeg', 1000, 800, 600, 1, now())`,
  );
  await ds.query(`INSERT INTO image_variants (image_id, size, format, width, height, bytes) VALUES ('img_alice1', 0, 'webp', 1600, 1200, 5000), ('img_alice1', 320, 'webp', 320, 240, 900)`);
  await ds.query(`INSERT INTO webhooks (id, user_id, url, events, secret) VALUES ('whk_alice', 'usr_alice', 'https://example.com/hook', '{image.ready}', 'whsec_x')`);
  await ds.query(`INSERT INTO usage (user_id, period, used) VALUES ('usr_alice', $1, 7), ('usr_bob', $1, 2)`, [period]);
  await ds.destroy();
}

beforeAll(async () => {
  url = await createTestDatabase();
  await oldDatabase();
  app = await startTestApp({ DATABASE_URL: url, PROCESSING: 'off', PLAN_LIMITS: 'free=3,pro=40,business=25000' });
});
afterAll(async () => {
  await app?.close();
  if (url) await dropTestDatabase(url);
});

const as = (session: string | null, key?: string) => {
  const c = new Client(app.url);
  if (session) c.cookie = `optimage_session=${session}`;
  if (key) c.bearer = key;
  return c;
};

describe('AddTeams on data made before it', () => {
  it('each user has a personal team they own, holding their plan', async () => {
    const teams = await as(ALICE_SESSION).json<{ id: string; name: string; plan: string; role: string; personal: boolean }[]>('GET', '/api/v1/teams');
    expect(teams.status).toBe(200);
    expect(teams.body).toEqual([{ id: expect.stringMatching(/^team_/), name: 'alice@example.com', plan: 'pro', role: 'owner', personal: true }]);
    expect((await as(ALICE_SESSION).json('GET', '/api/v1/auth/me')).body).toEqual({ id: 'usr_alice', email: 'alice@example.com', plan: 'pro' });
  });

  it('old sessions, collections, images and webhooks answer as before, with their team', async () => {
    const alice = as(ALICE_SESSION);
    const cols = await alice.json<{ id: string; teamId: string; name: string; formats: string[] }[]>('GET', '/api/v1/collections');
    expect(cols.body.map((c) => [c.id, c.name, c.formats]).sort()).toEqual([['col_alice1', 'Holidays', ['webp']], ['col_alice2', 'Work', ['webp', 'avif']]]);
    const teamId = (await alice.json<{ id: string }[]>('GET', '/api/v1/teams')).body[0]!.id;
    expect(cols.body.every((c) => c.teamId === teamId)).toBe(true);
    const image = await alice.json<{ id: string; slug: string; status: string }>('GET', '/api/v1/images/img_alice1');
    expect(image.body).toMatchObject({ id: 'img_alice1', slug: 'beach', status: 'ready' });
    const list = await alice.json<{ id: string }[]>('GET', '/api/v1/images?limit=10');
    expect(list.body.map((i) => i.id)).toEqual(['img_alice1']);
    const hooks = await alice.json<{ id: string }[]>('GET', '/api/v1/webhooks');
    expect(hooks.body.map((h) => h.id)).toEqual(['whk_alice']);
  });

  it("another user's things stay the same 404/403 as before", async () => {
    const bob = as(BOB_SESSION);
    expect((await bob.json('GET', '/api/v1/images/img_alice1')).status).toBe(404);
    expect((await bob.json('GET', '/api/v1/collections/col_alice1')).status).toBe(404);
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#123' } }).png().toBuffer();
    const up = await restUpload(bob, png, { collection: 'col_alice1' });
    expect([up.status, up.body.code]).toEqual([403, 'COLLECTION_FORBIDDEN']);
  });

  it('an old API key keeps every right it had, and shows its scopes', async () => {
    const key = as(null, ALICE_KEY);
    expect((await key.json<unknown[]>('GET', '/api/v1/collections')).body).toHaveLength(2);
    const keys = await as(ALICE_SESSION).json<{ id: string; scopes: string[]; expiresAt: null }[]>('GET', '/api/v1/api-keys');
    expect(keys.body).toEqual([expect.objectContaining({ id: 'key_alice', scopes: ['images:read', 'images:write', 'collections:write', 'webhooks:write', 'keys:write'], expiresAt: null })]);
  });

  it("this month's usage moved with the user: the quota goes on from where it was, exactly", async () => {
    const alice = as(ALICE_SESSION);
    const before = await alice.json<{ plan: string; quota: { used: number; limit: number } }>('GET', '/api/v1/config');
    expect([before.body.plan, before.body.quota.used, before.body.quota.limit]).toEqual(['pro', 7, 40]);
    const png = await sharp({ create: { width: 24, height: 24, channels: 3, background: '#4a7' } }).png().toBuffer();
    const up = await restUpload(alice, png, { collection: 'col_alice2', filename: 'new.png' });
    expect(up.status).toBe(201);
    expect(up.res.headers.get('ratelimit-remaining')).toBe('32');
    expect((await as(BOB_SESSION).json<{ quota: { used: number } }>('GET', '/api/v1/config')).body.quota.used).toBe(2);
  });
});
