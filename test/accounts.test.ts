import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeysDocument, CreateApiKeyDocument, LogInDocument, LogOutDocument, MeDocument, RevokeApiKeyDocument, SignUpDocument } from './generated/graphql.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';

let app: TestApp;
beforeAll(async () => {
  // TRUST_PROXY lets the throttling tests speak from several client addresses (X-Forwarded-For).
  app = await startTestApp({ TRUST_PROXY: 'on' });
});
afterAll(async () => {
  await app?.close();
});

const email = () => `user-${Math.random().toString(36).slice(2)}@example.com`;

describe('REST sign-up, login, logout, me', () => {
  it('signs up with a normalised email, sets a hardened session cookie, and me works', async () => {
    const c = new Client(app.url);
    const addr = email();
    const { status, body, res } = await c.json('POST', '/api/v1/auth/signup', { email: `  ${addr.toUpperCase()} `, password: 'long enough' });
    expect(status).toBe(201);
    expect(body).toEqual({ id: expect.stringMatching(/^usr_/), email: addr, plan: 'free' });
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^optimage_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure'); // http PUBLIC_BASE_URL
    const me = await c.json('GET', '/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual(body);
  });

  it('stores only a hash of the session token and of the password', async () => {
    const c = new Client(app.url);
    const user = await c.signUp(email(), 'secret password');
    const token = c.cookie!.split('=')[1]!;
    const rows = await app.dataSource.query('SELECT token_hash FROM sessions WHERE user_id = $1', [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toContain(token);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    const [u] = await app.dataSource.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(u.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('rejects bad input with 400/409 and a JSON {message, code}', async () => {
    const c = new Client(app.url);
    const cases: [unknown, number, string][] = [
      [{ email: 'not-an-email', password: 'long enough' }, 400, 'INVALID_EMAIL'],
      [{ email: email(), password: 'short' }, 400, 'WEAK_PASSWORD'],
      [{ email: email() }, 400, 'INVALID_INPUT'],
      [{}, 400, 'INVALID_INPUT'],
      [[1, 2], 400, 'INVALID_JSON'],
    ];
    for (const [body, status, code] of cases) {
      const r = await c.json('POST', '/api/v1/auth/signup', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body).toEqual({ message: expect.any(String), code });
    }
    const malformed = await c.json('POST', '/api/v1/auth/signup', '{"email": "a@b.c", ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'INVALID_JSON' });
    const addr = email();
    await new Client(app.url).signUp(addr);
    const dup = await c.json('POST', '/api/v1/auth/signup', { email: addr.toUpperCase(), password: 'another one' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'EMAIL_TAKEN' });
    expect(c.cookie).toBeNull();
  });

  it('logs in with a new session each time, 401 for wrong password and unknown email alike', async () => {
    const addr = email();
    const first = new Client(app.url);
    await first.signUp(addr, 'right password');
    const c = new Client(app.url);
    const wrong = await c.json('POST', '/api/v1/auth/login', { email: addr, password: 'wrong password' });
    const unknown = await c.json('POST', '/api/v1/auth/login', { email: email(), password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    // a planted cookie is never promoted: login always issues a fresh token
    c.cookie = 'optimage_session=planted-token-value';
    const ok = await c.json('POST', '/api/v1/auth/login', { email: addr, password: 'right password' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ email: addr });
    expect(c.cookie).not.toBe('optimage_session=planted-token-value');
    expect(c.cookie).not.toBe(first.cookie);
    expect((await first.json('GET', '/api/v1/auth/me')).status).toBe(200);
  });

  it('logout revokes the session server-side (a replayed cookie is refused)', async () => {
    const c = new Client(app.url);
    await c.signUp(email());
    const stolen = c.cookie;
    const out = await c.request('POST', '/api/v1/auth/logout');
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toContain('Max-Age=0');
    const replay = new Client(app.url);
    replay.cookie = stolen;
    const me = await replay.json('GET', '/api/v1/auth/me');
    expect(me.status).toBe(401);
    expect(me.body).toEqual({ message: expect.any(String), code: 'UNAUTHENTICATED' });
  });

  it('refuses an expired session', async () => {
    const c = new Client(app.url);
    const user = await c.signUp(email());
    await app.dataSource.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
    expect((await c.json('GET', '/api/v1/auth/me')).status).toBe(401);
  });

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const logIn = (c: Client, addr: string, password: string, ip: string) => c.json('POST', '/api/v1/auth/login', { email: addr, password }, from(ip));

  it('throttles an attacker by (account, address): locked after 10 failures, the victim still logs in from elsewhere', async () => {
    await app.dataSource.query('DELETE FROM login_throttle');
    const victim = email();
    await new Client(app.url).signUp(victim, 'right password');
    const attacker = new Client(app.url);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await logIn(attacker, victim, `wrong ${i}`, '203.0.113.7')).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    // even the right password is refused from the attacker's address for now
    const blocked = await logIn(attacker, victim, 'right password', '203.0.113.7');
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({ message: expect.any(String), code: 'LOGIN_THROTTLED' });
    expect(Number(blocked.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(blocked.res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // the owner, from their own address, is not locked out by the attacker's 10 requests
    const own = await logIn(new Client(app.url), victim, 'right password', '198.51.100.20');
    expect(own.status).toBe(200);
    // and the attacker may still try other accounts (up to the per-address limit)
    expect((await logIn(attacker, email(), 'whatever1', '203.0.113.7')).status).toBe(401);
  });

  it('locks an account from everywhere only after 100 failures within an hour, spread over addresses', async () => {
    await app.dataSource.query('DELETE FROM login_throttle');
    const victim = email();
    await new Client(app.url).signUp(victim, 'right password');
    const c = new Client(app.url);
    // 25 addresses × 4 failures: each stays under its (account, address) and address limits
    const statuses: number[] = [];
    for (let n = 0; n < 100; n++) statuses.push((await logIn(c, victim, `guess ${n}`, `192.0.2.${1 + (n % 25)}`)).status);
    expect(statuses).toEqual(Array(100).fill(401));
    const fresh = await logIn(c, victim, 'right password', '198.51.100.99');
    expect(fresh.status).toBe(429);
    expect(fresh.body).toMatchObject({ code: 'LOGIN_THROTTLED' });
    // the account window is an hour, not a minute
    expect(Number(fresh.res.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(Number(fresh.res.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    // other accounts are untouched
    const other = email();
    await new Client(app.url).signUp(other, 'right password');
    expect((await logIn(c, other, 'right password', '198.51.100.99')).status).toBe(200);
  });

  it('a success does not reset the account-wide counter (99 failures, a login, 1 more failure: locked)', async () => {
    await app.dataSource.query('DELETE FROM login_throttle');
    const victim = email();
    await new Client(app.url).signUp(victim, 'right password');
    const c = new Client(app.url);
    for (let n = 0; n < 99; n++) expect((await logIn(c, victim, `guess ${n}`, `192.0.2.${100 + (n % 25)}`)).status).toBe(401);
    expect((await logIn(c, victim, 'right password', '198.51.100.30')).status).toBe(200);
    expect((await logIn(c, victim, 'one more guess', '192.0.2.200')).status).toBe(401);
    expect((await logIn(c, victim, 'right password', '198.51.100.30')).status).toBe(429);
  });

  it('throttles failed logins per client address across accounts after 30 a minute', async () => {
    // Each account fails once, all from one address: the address budget runs out.
    await app.dataSource.query('DELETE FROM login_throttle');
    const c = new Client(app.url);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await logIn(c, email(), 'whatever1', '203.0.113.50')).status);
    expect(statuses).toEqual([...Array(30).fill(401), 429]);
    // another address is not affected
    expect((await logIn(c, email(), 'whatever1', '203.0.113.51')).status).toBe(401);
    await app.dataSource.query('DELETE FROM login_throttle');
  });
});

describe('API keys', () => {
  it('creates a prefixed key shown once, lists without secrets, authenticates REST and GraphQL, revokes', async () => {
    const c = new Client(app.url);
    const user = await c.signUp(email());
    const created = await c.json<{ id: string; name: string; key: string; createdAt: string }>('POST', '/api/v1/api-keys', { name: 'ci server' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^key_/), name: 'ci server', key: expect.stringMatching(/^opt_live_[A-Za-z0-9_-]{43}$/), prefix: created.body.key.slice(0, 15), createdAt: expect.any(String), lastUsedAt: null,
      // contract §10: a key of the personal team, with every scope its creator's role allows
      teamId: expect.stringMatching(/^team_/), createdBy: expect.stringMatching(/^usr_/), scopes: ['images:read', 'images:write', 'collections:write', 'webhooks:write', 'keys:write'], collections: null, expiresAt: null });
    const [row] = await app.dataSource.query('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.id]);
    expect(row.key_hash).not.toContain(created.body.key);

    const list = await c.json<Record<string, unknown>[]>('GET', '/api/v1/api-keys');
    expect(list.body).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);

    const server = new Client(app.url);
    server.bearer = created.body.key;
    expect((await server.json('GET', '/api/v1/auth/me')).body).toMatchObject({ id: user.id });
    const gql = await server.gql(MeDocument);
    expect(gql.data?.me?.id).toBe(user.id);
    const [used] = await app.dataSource.query('SELECT last_used_at FROM api_keys WHERE id = $1', [created.body.id]);
    expect(used.last_used_at).toBeInstanceOf(Date);

    expect((await c.request('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await server.json('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await server.gql(MeDocument)).data?.me).toBeNull();
    expect((await c.request('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(404);
  });

  it('cannot revoke another user\'s key; an invalid bearer does not fall back to the cookie', async () => {
    const a = new Client(app.url);
    await a.signUp(email());
    const key = await a.json<{ id: string }>('POST', '/api/v1/api-keys', { name: 'a' });
    const b = new Client(app.url);
    await b.signUp(email());
    expect((await b.json('DELETE', `/api/v1/api-keys/${key.body.id}`)).status).toBe(404);
    b.bearer = 'opt_live_invalid';
    expect((await b.json('GET', '/api/v1/auth/me')).status).toBe(401);
    const noName = await a.json('POST', '/api/v1/api-keys', { name: '' });
    expect(noName.status).toBe(400);
  });
});

describe('GraphQL accounts', () => {
  it('signUp, me, logOut, logIn and API keys through typed documents', async () => {
    const c = new Client(app.url);
    const addr = email();
    const signUp = await c.gql(SignUpDocument, { email: addr, password: 'graphql password' });
    expect(signUp.data?.signUp).toMatchObject({ __typename: 'AuthPayload', user: { email: addr, plan: 'free' } });
    expect(c.cookie).toMatch(/^optimage_session=/);
    expect((await c.gql(MeDocument)).data?.me?.email).toBe(addr);

    const dup = await c.gql(SignUpDocument, { email: addr, password: 'graphql password' });
    expect(dup.data?.signUp).toMatchObject({ __typename: 'ConflictError', code: 'EMAIL_TAKEN' });

    const key = await c.gql(CreateApiKeyDocument, { name: 'deploy' });
    expect(key.data?.createApiKey).toMatchObject({ __typename: 'NewApiKey', name: 'deploy', key: expect.stringMatching(/^opt_live_/) });
    const keys = await c.gql(ApiKeysDocument);
    expect(keys.data?.apiKeys).toHaveLength(1);
    const id = (key.data?.createApiKey as { id: string }).id;
    expect((await c.gql(RevokeApiKeyDocument, { id })).data?.revokeApiKey).toEqual({ __typename: 'Deleted', id });

    const cookie = c.cookie;
    expect((await c.gql(LogOutDocument)).data?.logOut).toBe(true);
    const replay = new Client(app.url);
    replay.cookie = cookie;
    expect((await replay.gql(MeDocument)).data?.me).toBeNull();

    const wrong = await c.gql(LogInDocument, { email: addr, password: 'nope nope' });
    expect(wrong.data?.logIn).toMatchObject({ __typename: 'AppError', code: 'INVALID_CREDENTIALS' });
    const ok = await c.gql(LogInDocument, { email: addr, password: 'graphql password' });
    expect(ok.data?.logIn).toMatchObject({ __typename: 'AuthPayload' });
    expect((await c.gql(MeDocument)).data?.me?.email).toBe(addr);
  });

  it('an unauthenticated query of a protected field is a GraphQL error with code UNAUTHENTICATED', async () => {
    const c = new Client(app.url);
    const res = await c.gql(ApiKeysDocument);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeNull();
  });
});

describe('session cookie name and attributes', () => {
  let https: TestApp;
  beforeAll(async () => {
    https = await startTestApp({ PUBLIC_BASE_URL: 'https://images.example.com' });
  });
  afterAll(async () => {
    await https?.close();
  });

  it('on https it is __Host-optimage_session: Secure, Path=/, no Domain; only that name is read', async () => {
    const c = new Client(https.url);
    const signUp = await c.json('POST', '/api/v1/auth/signup', { email: email(), password: 'long enough' });
    const cookie = signUp.res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^__Host-optimage_session=[A-Za-z0-9_-]{43}; /);
    const attributes = cookie.split(';').slice(1).map((a) => a.trim().split('=')[0]!.toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['path', 'httponly', 'samesite', 'secure']));
    expect(attributes).not.toContain('domain');
    expect(cookie).toContain('Path=/;');
    expect((await c.json('GET', '/api/v1/auth/me')).status).toBe(200);
    // the same token under the unprefixed name (what a subdomain or http response could plant) is not a session here
    const token = c.cookie!.split('=')[1]!;
    const plain = new Client(https.url);
    plain.cookie = `optimage_session=${token}`;
    expect((await plain.json('GET', '/api/v1/auth/me')).status).toBe(401);
    // GraphQL reads the same cookie
    expect((await c.gql(MeDocument)).data?.me).not.toBeNull();
    const out = await c.request('POST', '/api/v1/auth/logout');
    expect(out.headers.getSetCookie()[0]).toMatch(/^__Host-optimage_session=; Path=\/; .*Max-Age=0; Secure$/);
  });

  it('on http it is the plain optimage_session without Secure; a __Host- name is not read', async () => {
    const c = new Client(app.url);
    const signUp = await c.json('POST', '/api/v1/auth/signup', { email: email(), password: 'long enough' });
    const cookie = signUp.res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^optimage_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const token = c.cookie!.split('=')[1]!;
    const prefixed = new Client(app.url);
    prefixed.cookie = `__Host-optimage_session=${token}`;
    expect((await prefixed.json('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await c.json('GET', '/api/v1/auth/me')).status).toBe(200);
  });
});
