import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, migrate, pendingSchemaChanges } from '../src/db/data-source.ts';
import { ENTITIES } from '../src/entities.ts';
import { createTestDatabase, startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ CORS_ORIGINS: 'https://app.example.com' });
});
afterAll(async () => {
  await app?.close();
});

describe('HTTP host', () => {
  it('answers health and readiness checks', async () => {
    expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('serves GraphiQL to a browser at /graphql', async () => {
    const res = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('optimage GraphQL');
  });

  it('answers unknown routes and methods with JSON errors and a request id', async () => {
    const res = await fetch(`${app.url}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: expect.any(String), code: 'NOT_FOUND' });
    expect(res.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
    const put = await fetch(`${app.url}/api/v1/collections`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toContain('GET');
  });

  it('refuses oversized JSON bodies with 413 (REST and GraphQL)', async () => {
    const big = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(2 * 1024 * 1024) });
    const rest = await fetch(`${app.url}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(rest.status).toBe(413);
    expect(await rest.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
    const gql = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(2 * 1024 * 1024)}` }) });
    expect(gql.status).toBe(413);
    // chunked, without a Content-Length: still bounded
    const { request } = await import('node:http');
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write('{"query": "{ me { id } }", "x": "');
      for (let i = 0; i < 40; i++) req.write('y'.repeat(64 * 1024));
      req.end('"}');
    });
    expect(chunked).toBe(413);
    // and the server keeps serving
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('requires JSON content type on JSON endpoints', async () => {
    const res = await fetch(`${app.url}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});

describe('CORS and CSRF', () => {
  it('allows configured origins with credentials: exact echo and Vary: Origin, preflight included', async () => {
    const pre = await fetch(`${app.url}/api/v1/collections`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('vary')).toContain('Origin');
    const c = new Client(app.url);
    const res = await c.request('POST', '/api/v1/auth/signup', { email: `cors${Date.now()}@example.com`, password: 'long enough' }, { origin: 'https://app.example.com' });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('refuses other origins, including null: no CORS headers, preflight 403, unsafe requests 403', async () => {
    for (const origin of ['https://evil.example.com', 'null', 'https://app.example.com.evil.com']) {
      const pre = await fetch(`${app.url}/api/v1/collections`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(pre.status).toBe(403);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      const post = await fetch(`${app.url}/api/v1/auth/signup`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@example.com', password: 'long enough' }) });
      expect(post.status).toBe(403);
      expect(await post.json()).toMatchObject({ code: 'CSRF_REJECTED' });
    }
    const rows = await app.dataSource.query(`SELECT 1 FROM users WHERE email = 'x@example.com'`);
    expect(rows).toHaveLength(0);
  });

  it('allows same-origin browser posts and refuses cross-site ones without Origin', async () => {
    const own = new URL(app.url).origin;
    const same = await fetch(`${app.url}/api/v1/auth/login`, { method: 'POST', headers: { origin: own, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.com', password: 'whatever1' }) });
    expect(same.status).toBe(401);
    const crossSite = await fetch(`${app.url}/api/v1/auth/login`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, body: '{}' });
    expect(crossSite.status).toBe(403);
  });

  it("keeps Yoga's CSRF prevention: a simple-content-type GraphQL GET without a preflight header is refused", async () => {
    const res = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ me { id } }')}`);
    expect(res.status).toBe(403);
    const ok = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ me { id } }')}`, { headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(ok.status).toBe(200);
  });
});

describe('database schema', () => {
  it('migrations produce exactly the schema the entities describe (no drift)', async () => {
    const ds = createDataSource(await createTestDatabase(), ENTITIES);
    await ds.initialize();
    try {
      await migrate(ds);
      expect(await pendingSchemaChanges(ds)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('concurrent migration runs are serialised by the advisory lock', async () => {
    const url = await createTestDatabase();
    const sources = [createDataSource(url, ENTITIES, 2), createDataSource(url, ENTITIES, 2), createDataSource(url, ENTITIES, 2)];
    await Promise.all(sources.map((s) => s.initialize()));
    try {
      const ran = await Promise.all(sources.map((s) => migrate(s)));
      // every migration ran exactly once across the three racing processes
      expect(ran.flat().sort()).toEqual(sources[0]!.migrations.map((m) => m.name!).sort());
      expect(await pendingSchemaChanges(sources[0]!)).toEqual([]);
    } finally {
      await Promise.all(sources.map((s) => s.destroy()));
    }
  });
});

describe('behind a reverse proxy', () => {
  it('with TRUST_PROXY the login throttle counts each forwarded client address on its own', async () => {
    const proxied = await startTestApp({ TRUST_PROXY: 'true' });
    try {
      const login = (ip: string, i: number) =>
        fetch(`${proxied.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `${ip}, 10.0.0.1` }, body: JSON.stringify({ email: `p${i}@example.com`, password: 'whatever1' }) });
      const first: number[] = [];
      // 30 failures a minute per address across accounts (login-throttle.ts)
      for (let i = 0; i < 31; i++) first.push((await login('203.0.113.7', i)).status);
      expect(first.at(-1)).toBe(429); // that client is over its budget
      expect((await login('198.51.100.9', 99)).status).toBe(401); // another client is not
    } finally {
      await proxied.close();
    }
  });
});

