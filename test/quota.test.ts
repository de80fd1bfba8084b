/** Plans and monthly quotas: exact under concurrency, UTC month rollover, headers, config endpoint, CLI. */
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { ConfigDocument } from './generated/graphql.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { MAIN } from './support/process.ts';
import { restUpload, sha256, uploadForm } from './support/upload.ts';

/** A clock the test moves; the server's own time zone never enters. */
const clock = { t: new Date('2026-11-30T23:59:58.000Z'), now() { return new Date(this.t); } };

let app: TestApp;
let tiny: Buffer;

async function account(plan?: string) {
  const c = new Client(app.url);
  const user = await c.signUp();
  if (plan) await app.services.accounts.setPlan(user.email, plan);
  const collection = (await c.json<{ id: string }>('POST', '/api/v1/collections', { name: 'q' })).body.id;
  return { c, user, collection };
}

beforeAll(async () => {
  // free=3 keeps the tests short; pro=40 for the concurrency race. Processing off: only intake matters here.
  app = await startTestApp({ PLAN_LIMITS: 'free=3,pro=40,business=25000', PROCESSING: 'off' }, { clock });
  tiny = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#c33' } }).png().toBuffer();
});
afterAll(async () => {
  await app?.close();
});

describe('monthly quota', () => {
  it('429 past the limit with a JSON body, Retry-After and RateLimit headers; rejected uploads use nothing', async () => {
    clock.t = new Date('2026-11-15T12:00:00Z');
    const { c, collection } = await account();
    const statuses: number[] = [];
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await restUpload(c, tiny, { collection, slug: `q${i}` });
      statuses.push(r.status);
      remaining.push(r.res.headers.get('ratelimit-remaining'));
    }
    expect(statuses).toEqual([201, 201, 201]);
    expect(remaining).toEqual(['2', '1', '0']);
    // a bad request while at the limit is still a 400, and uses nothing
    const bad = await c.json('POST', '/api/v1/images', uploadForm(tiny, { collection, checksum: sha256(Buffer.from('x')) }));
    expect(bad.status).toBe(400);
    const over = await restUpload(c, tiny, { collection, slug: 'over' });
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ message: expect.stringContaining('quota'), code: 'QUOTA_EXCEEDED' });
    const resetIn = Math.ceil((Date.parse('2026-12-01T00:00:00Z') - clock.t.getTime()) / 1000);
    expect(over.res.headers.get('retry-after')).toBe(String(resetIn));
    expect(over.res.headers.get('ratelimit-limit')).toBe('3');
    expect(over.res.headers.get('ratelimit-remaining')).toBe('0');
    expect(over.res.headers.get('ratelimit-reset')).toBe(String(resetIn));
    expect(over.res.headers.get('ratelimit-policy')).toBe(`3;w=${30 * 24 * 3600}`); // November
    const cfg = await c.json<{ quota: { used: number; remaining: number } }>('GET', '/api/v1/config');
    expect(cfg.body.quota).toMatchObject({ used: 3, remaining: 0 });
  });

  it('deleting an image gives no quota back', async () => {
    clock.t = new Date('2026-11-15T12:00:00Z');
    const { c, collection } = await account();
    const r = await restUpload(c, tiny, { collection });
    expect((await c.request('DELETE', `/api/v1/images/${r.body.id}`)).status).toBe(204);
    expect((await c.json<{ quota: { used: number } }>('GET', '/api/v1/config')).body.quota.used).toBe(1);
  });

  it('rolls over at 00:00 UTC on the 1st', async () => {
    clock.t = new Date('2026-11-30T23:59:59.000Z');
    const { c, collection } = await account();
    for (let i = 0; i < 3; i++) expect((await restUpload(c, tiny, { collection, slug: `r${i}` })).status).toBe(201);
    expect((await restUpload(c, tiny, { collection, slug: 'r3' })).status).toBe(429);
    const before = await c.json<{ quota: { resetsAt: string } }>('GET', '/api/v1/config');
    expect(before.body.quota.resetsAt).toBe('2026-12-01T00:00:00.000Z');
    clock.t = new Date('2026-12-01T00:00:00.000Z');
    const after = await c.json<{ quota: { used: number; remaining: number; resetsAt: string } }>('GET', '/api/v1/config');
    expect(after.body.quota).toEqual({ limit: 3, used: 0, remaining: 3, resetsAt: '2027-01-01T00:00:00.000Z' });
    expect((await restUpload(c, tiny, { collection, slug: 'r4' })).status).toBe(201);
  });

  it('is exact under concurrency: 30 simultaneous uploads against 5 remaining → 5 × 201, 25 × 429', async () => {
    clock.t = new Date('2026-11-20T08:00:00Z');
    const { c, user, collection } = await account('pro');
    await app.dataSource.query('INSERT INTO usage (team_id, period, used) SELECT id, $2, 35 FROM teams WHERE personal_user_id = $1', [user.id, '2026-11-01']);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => restUpload(c, tiny, { collection, slug: `race-${i}` })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    const [{ n }] = await app.dataSource.query('SELECT count(*)::int AS n FROM images WHERE user_id = $1', [user.id]);
    const [{ used }] = await app.dataSource.query('SELECT used FROM usage WHERE team_id = (SELECT id FROM teams WHERE personal_user_id = $1)', [user.id]);
    expect(n).toBe(5);
    expect(used).toBe(40);
  });
});

describe('GET /api/v1/config and GraphQL config', () => {
  it('returns plan, quota, sizes, baseUrl, maxUploadBytes and formats', async () => {
    clock.t = new Date('2026-11-10T00:00:00Z');
    const { c } = await account('business');
    const rest = await c.json('GET', '/api/v1/config');
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual({
      plan: 'business',
      quota: { limit: 25000, used: 0, remaining: 25000, resetsAt: '2026-12-01T00:00:00.000Z' },
      sizes: [...VARIANT_SIZES],
      baseUrl: `${app.url}/cdn`,
      maxUploadBytes: 52428800,
      formats: ['jpeg', 'png', 'webp', 'gif', 'heic', 'avif', 'tiff'],
    });
    const gql = await c.gql(ConfigDocument);
    expect(gql.data?.config).toEqual(rest.body);
    expect((await new Client(app.url).json('GET', '/api/v1/config')).status).toBe(401);
  });
});

describe('operator CLI', () => {
  const cli = (...args: string[]) => {
    try {
      const out = execFileSync(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH, DATABASE_URL: app.databaseUrl, DATA_DIR: app.dataDir }, stdio: 'pipe' });
      return { code: 0, out: out.toString(), err: '' };
    } catch (e) {
      const err = e as { status: number; stdout: Buffer; stderr: Buffer };
      return { code: err.status, out: err.stdout.toString(), err: err.stderr.toString() };
    }
  };

  it('users set-plan changes the plan; unknown email or plan is a clear error with a non-zero exit', async () => {
    const { c, user } = await account();
    const ok = cli('users', 'set-plan', user.email, 'pro');
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toContain(`${user.email} is now on the pro plan`);
    expect((await c.json<{ plan: string }>('GET', '/api/v1/config')).body.plan).toBe('pro');
    const badPlan = cli('users', 'set-plan', user.email, 'platinum');
    expect(badPlan.code).not.toBe(0);
    expect(badPlan.err).toContain('Unknown plan "platinum"');
    const badEmail = cli('users', 'set-plan', 'nobody@example.com', 'pro');
    expect(badEmail.code).not.toBe(0);
    expect(badEmail.err).toContain('No user with email nobody@example.com');
    const list = cli('users', 'list');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`${user.email.replace('.', '\\.')}\\tpro\\t\\d+`));
  });
});
