/**
 * Teams beyond the role matrix (contract §10): invitations (single use, 7 days, that email only),
 * the last owner, removal taking effect at once, API keys narrowed by scopes, collections and
 * expiry and shrinking with their creator's role, upload tokens (limits, expiry, own reads only,
 * REST, GraphQL and tus), and the team's quota exact under concurrent uploads by several members.
 * The clock is injected: expiry is tested by moving it, not by sleeping.
 */
import { createHash } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { freshPng, inTeam, inviteAndAccept, teamWithRoles, type TeamFixture } from './support/teams.ts';
import { errorResponse, startTus } from './support/tus.ts';
import { graphqlUpload, restUpload } from './support/upload.ts';

const clock = { t: new Date('2026-10-10T10:00:00Z'), now() { return new Date(this.t); } };
const later = (ms: number) => (clock.t = new Date(clock.t.getTime() + ms));
let app: TestApp;
let t: TeamFixture;

beforeAll(async () => {
  app = await startTestApp({ PROCESSING: 'off', PLAN_LIMITS: 'free=12,pro=2000,business=3000', MAX_UPLOAD_BYTES: String(5 * 2 ** 20) }, { clock });
  t = await teamWithRoles(app.url);
});
afterAll(async () => {
  await app?.close();
});

const bearer = (token: string) => {
  const c = new Client(app.url);
  c.bearer = token;
  return c;
};

describe('invitations', () => {
  it('are single use, for that email only, and expire after 7 days', async () => {
    const [ann, eve] = [new Client(app.url), new Client(app.url)];
    await ann.signUp('ann-inv@example.com');
    await eve.signUp('eve-inv@example.com');
    const inv = await t.clients.owner.json<{ id: string; url: string; expiresAt: string; role: string }>('POST', `/api/v1/teams/${t.teamId}/invitations`, { email: 'Ann-Inv@example.com', role: 'editor' });
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({ id: expect.stringMatching(/^inv_/), role: 'editor', email: 'ann-inv@example.com' });
    expect(Date.parse(inv.body.expiresAt) - clock.now().getTime()).toBe(7 * 24 * 3600 * 1000);
    const token = new URL(inv.body.url).searchParams.get('invitation')!;
    // only its hash is stored
    const rows: { token_hash: string }[] = await app.dataSource.query('SELECT token_hash FROM invitations WHERE id = $1', [inv.body.id]);
    expect(rows[0]!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect((await eve.json<{ code: string }>('POST', '/api/v1/invitations/accept', { token })).body.code).toBe('INVITATION_INVALID');
    const ok = await ann.json<{ id: string; role: string }>('POST', '/api/v1/invitations/accept', { token });
    expect(ok.body).toMatchObject({ id: t.teamId, role: 'editor' });
    expect((await ann.json('POST', '/api/v1/invitations/accept', { token })).status).toBe(400); // used
    const old = await t.clients.owner.json<{ url: string }>('POST', `/api/v1/teams/${t.teamId}/invitations`, { email: 'eve-inv@example.com', role: 'viewer' });
    later(7 * 24 * 3600 * 1000 + 1000);
    const late = await eve.json<{ code: string }>('POST', '/api/v1/invitations/accept', { token: new URL(old.body.url).searchParams.get('invitation') });
    expect([late.status, late.body.code]).toEqual([400, 'INVITATION_INVALID']);
  });
});

describe('members', () => {
  it('a team keeps at least one owner; a removed member loses access at once', async () => {
    const owner = t.clients.owner;
    const last = await owner.json<{ code: string }>('PATCH', `/api/v1/teams/${t.teamId}/members/${t.ids.owner}`, { role: 'admin' });
    expect([last.status, last.body.code]).toEqual([409, 'LAST_OWNER']);
    expect((await owner.json('DELETE', `/api/v1/teams/${t.teamId}/members/${t.ids.owner}`)).status).toBe(409);
    const gone = new Client(app.url);
    const email = `gone-${Date.now()}@example.com`;
    const goneUser = await gone.signUp(email);
    await inviteAndAccept(owner, t.teamId, gone, email, 'editor');
    const scoped = inTeam(gone, t.teamId);
    const key = (await scoped.json<{ key: string }>('POST', '/api/v1/api-keys', { name: 'mine' })).body.key;
    expect((await scoped.json('GET', '/api/v1/collections')).status).toBe(200);
    expect((await owner.json('DELETE', `/api/v1/teams/${t.teamId}/members/${goneUser.id}`)).status).toBe(204);
    expect((await scoped.json<{ code: string }>('GET', '/api/v1/collections')).body.code).toBe('FORBIDDEN');
    expect((await bearer(key).json('GET', '/api/v1/collections')).status).toBe(401); // the key went with them
    const members = await owner.json<{ userId: string }[]>('GET', `/api/v1/teams/${t.teamId}/members`);
    expect(members.body.map((m) => m.userId)).not.toContain(goneUser.id);
  });
});

describe('API keys', () => {
  it('narrowed by scopes and collections; expired and revoked are 401; they show scopes, last use and expiry', async () => {
    const admin = t.clients.admin;
    const other = (await admin.json<{ id: string }>('POST', '/api/v1/collections', { name: 'other', teamId: t.teamId })).body.id;
    const ro = await admin.json<{ key: string; id: string; scopes: string[]; collections: string[] }>('POST', '/api/v1/api-keys', { name: 'read one', scopes: ['images:read'], collections: [t.collectionId], expiresAt: new Date(clock.now().getTime() + 3600_000).toISOString() });
    expect(ro.status).toBe(201);
    expect(ro.body).toMatchObject({ scopes: ['images:read'], collections: [t.collectionId] });
    const key = bearer(ro.body.key);
    expect((await key.json<{ id: string }[]>('GET', '/api/v1/collections')).body.map((c) => c.id)).toEqual([t.collectionId]);
    expect((await key.json('GET', `/api/v1/collections/${other}`)).status).toBe(403);
    const up = await restUpload(key, await freshPng(), { collection: t.collectionId });
    expect([up.status, up.body.code]).toEqual([403, 'FORBIDDEN']);
    const listed = await admin.json<{ id: string; lastUsedAt: string | null; expiresAt: string }[]>('GET', '/api/v1/api-keys');
    expect(listed.body.find((k) => k.id === ro.body.id)).toMatchObject({ lastUsedAt: expect.any(String), expiresAt: expect.any(String) });
    // a key never grants more than its creator's role
    const beyond = await t.clients.viewer.json<{ code: string }>('POST', '/api/v1/api-keys', { name: 'x', scopes: ['collections:write'] });
    expect([beyond.status, beyond.body.code]).toEqual([403, 'FORBIDDEN']);
    later(3600_000 + 1);
    expect((await key.json('GET', '/api/v1/collections')).status).toBe(401);
    const rw = await admin.json<{ key: string; id: string }>('POST', '/api/v1/api-keys', { name: 'rw' });
    expect((await bearer(rw.body.key).json('GET', '/api/v1/collections')).status).toBe(200);
    expect((await admin.json('DELETE', `/api/v1/api-keys/${rw.body.id}`)).status).toBe(204);
    expect((await bearer(rw.body.key).json('GET', '/api/v1/collections')).status).toBe(401);
  });

  it("shrinks when its creator is demoted, and grows back when promoted", async () => {
    const editorKey = (await t.clients.editor.json<{ key: string }>('POST', '/api/v1/api-keys', { name: 'ci' })).body.key;
    const key = bearer(editorKey);
    expect((await restUpload(key, await freshPng(), { collection: t.collectionId })).status).toBe(201);
    await t.clients.owner.json('PATCH', `/api/v1/teams/${t.teamId}/members/${t.ids.editor}`, { role: 'viewer' });
    const refused = await restUpload(key, await freshPng(), { collection: t.collectionId });
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await key.json('GET', '/api/v1/images?limit=1')).status).toBe(200); // still reads
    await t.clients.owner.json('PATCH', `/api/v1/teams/${t.teamId}/members/${t.ids.editor}`, { role: 'editor' });
    expect((await restUpload(key, await freshPng(), { collection: t.collectionId })).status).toBe(201);
  });
});

describe('upload tokens', () => {
  const mint = async (body: Record<string, unknown>) => {
    const r = await t.clients.editor.json<{ token: string; expiresAt: string; code?: string }>('POST', '/api/v1/upload-tokens', { collection: t.collectionId, ...body });
    expect(r.status).toBe(201);
    return r.body;
  };

  it('uploads into its collection only, up to maxUploads, reads back only its own images', async () => {
    const { token, expiresAt } = await mint({ maxUploads: 2 });
    expect(token).toMatch(/^upt_/);
    expect(Date.parse(expiresAt) - clock.now().getTime()).toBe(900_000);
    const page = bearer(token);
    const first = await restUpload(page, await freshPng(), { collection: t.collectionId });
    expect(first.status).toBe(201);
    expect((await page.json('GET', `/api/v1/images/${first.body.id}`)).status).toBe(200);
    const theirs = await restUpload(t.clients.owner, await freshPng(), { collection: t.collectionId });
    expect((await page.json('GET', `/api/v1/images/${theirs.body.id}`)).status).toBe(403);
    expect((await page.json('GET', '/api/v1/images?limit=5')).status).toBe(403);
    expect((await page.json('GET', '/api/v1/collections')).status).toBe(200); // its one collection
    expect((await page.json('DELETE', `/api/v1/images/${first.body.id}`)).status).toBe(403); // it only adds images
    expect((await page.json('POST', '/api/v1/api-keys', { name: 'escalate' })).status).toBe(403);
    const other = (await t.clients.admin.json<{ id: string }>('POST', '/api/v1/collections', { name: 'elsewhere', teamId: t.teamId })).body.id;
    expect((await restUpload(page, await freshPng(), { collection: other })).status).toBe(403);
    // the second upload over GraphQL
    const bytes = await freshPng();
    const q = 'mutation($file: Upload!, $checksum: String!, $collectionId: ID!) { uploadImage(file: $file, checksum: $checksum, collectionId: $collectionId) { __typename ... on Image { id } ... on Error { code } } }';
    const g = await graphqlUpload(page, q, { checksum: createHash('sha256').update(bytes).digest('hex'), collectionId: t.collectionId }, bytes);
    expect(g.body.data?.uploadImage?.__typename).toBe('Image');
    const used = await restUpload(page, await freshPng(), { collection: t.collectionId });
    expect([used.status, used.body.code]).toEqual([403, 'TOKEN_USED']);
  });

  it('uploads over tus (tus-js-client) into its collection, counted like any upload; another collection is refused at creation', async () => {
    const { token } = await mint({ maxUploads: 1 });
    const headers = { Authorization: `Bearer ${token}` };
    const png = await freshPng();
    const checksum = createHash('sha256').update(png).digest('hex');
    const other = (await t.clients.admin.json<{ id: string }>('POST', '/api/v1/collections', { name: 'not-the-tokens', teamId: t.teamId })).body.id;
    const refused = await startTus(png, { endpoint: `${app.url}/api/v1/uploads`, metadata: { filename: 'a.png', collection: other, checksum }, headers }).done.then(
      () => null,
      (e: unknown) => errorResponse(e),
    );
    expect(refused?.status).toBe(403);
    const last = await startTus(png, { endpoint: `${app.url}/api/v1/uploads`, metadata: { filename: 'a.png', collection: t.collectionId, checksum }, headers }).done;
    const imageId = last.getHeader('Optimage-Image-Id');
    expect(imageId).toMatch(/^img_/);
    expect((await bearer(token).json<{ collectionId: string }>('GET', `/api/v1/images/${imageId}`)).body.collectionId).toBe(t.collectionId);
    // its one upload is used: the next one is refused before any byte is stored
    const again = await startTus(await freshPng(), { endpoint: `${app.url}/api/v1/uploads`, metadata: { filename: 'b.png', collection: t.collectionId, checksum }, headers }).done.then(
      () => null,
      (e: unknown) => errorResponse(e),
    );
    expect([again?.status, again?.body.code]).toEqual([403, 'TOKEN_USED']);
  });

  it('expires (401 TOKEN_EXPIRED), carries a byte limit and a fixed slug', async () => {
    const { token } = await mint({ expiresIn: 60, maxBytes: 2000, slug: 'avatar-42' });
    const page = bearer(token);
    const big = await restUpload(page, Buffer.concat([await freshPng(), Buffer.alloc(3000)]), { collection: t.collectionId });
    expect(big.status).toBe(403);
    const wrongSlug = await restUpload(page, await freshPng(), { collection: t.collectionId, slug: 'other' });
    expect(wrongSlug.status).toBe(403);
    const ok = await restUpload(page, await freshPng(), { collection: t.collectionId });
    expect([ok.status, ok.body.slug]).toEqual([201, 'avatar-42']);
    const { token: short } = await mint({ expiresIn: 30 });
    later(31_000);
    const expired = await restUpload(bearer(short), await freshPng(), { collection: t.collectionId });
    expect([expired.status, expired.body.code]).toEqual([401, 'TOKEN_EXPIRED']);
    const tooLong = await t.clients.editor.json('POST', '/api/v1/upload-tokens', { collection: t.collectionId, expiresIn: 86_401 });
    expect(tooLong.status).toBe(400);
  });
});

describe("the team's quota", () => {
  it('is shared by its members and exact under concurrent uploads (12 a month: 8 used, 10 at once → 4 × 201, 6 × 429)', async () => {
    clock.t = new Date('2026-12-03T10:00:00Z');
    const team = await teamWithRoles(app.url, 'Quota');
    for (let i = 0; i < 8; i++) expect((await restUpload(team.clients.editor, await freshPng(), { collection: team.collectionId })).status).toBe(201);
    const pngs = await Promise.all(Array.from({ length: 10 }, () => freshPng()));
    const who = [team.clients.editor, team.clients.admin, team.clients.owner];
    const results = await Promise.all(pngs.map((png, i) => restUpload(who[i % 3]!, png, { collection: team.collectionId })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 429, 429, 429, 429, 429, 429]);
    const cfg = await team.clients.viewer.json<{ quota: { used: number; remaining: number } }>('GET', '/api/v1/config');
    expect(cfg.body.quota).toMatchObject({ used: 12, remaining: 0 });
    // the members' personal teams were not charged
    const own = await Object.getPrototypeOf(team.clients.editor).json('GET', '/api/v1/config');
    expect((own.body as { quota: { used: number } }).quota.used).toBe(0);
    // GraphQL's Team carries the same quota and the team's own collections, beside each of the viewer's teams
    type TeamsAnswer = { data: { teams: { id: string; personal: boolean; collections: { id: string }[]; quota: { used: number; remaining: number; limit: number } }[] } };
    const gql = await team.clients.viewer.json<TeamsAnswer>('POST', '/graphql', { query: '{ teams { id personal collections { id } quota { used remaining limit } } }' });
    const shared = gql.body.data.teams.find((x) => x.id === team.teamId)!;
    expect(shared).toMatchObject({ personal: false, quota: { used: 12, remaining: 0, limit: 12 } });
    expect(shared.collections.map((c) => c.id)).toEqual([team.collectionId]);
    const personal = gql.body.data.teams.find((x) => x.personal)!;
    expect(personal.quota.used).toBe(0);
    expect(personal.collections.map((c) => c.id)).not.toContain(team.collectionId);
  });
});

describe('the OpenAPI document', () => {
  it("describes the teams routes as they answer", async () => {
    type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components: object };
    const doc = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as Doc;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (a: unknown) => void)(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const conforms = (path: string, method: string, res: { status: number; body: unknown }) => {
      const documented = doc.paths[path]?.[method]?.responses[String(res.status)];
      expect(documented, `${method} ${path} ${res.status} documented`).toBeDefined();
      const schema = documented!.content?.['application/json']?.schema;
      if (!schema) return expect(res.body).toBeUndefined();
      const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
      expect(validate(res.body), `${method} ${path} ${res.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    const owner = t.clients.owner;
    conforms('/api/v1/teams', 'get', await owner.json('GET', '/api/v1/teams'));
    const team = await owner.json<{ id: string }>('POST', '/api/v1/teams', { name: 'Docs' });
    conforms('/api/v1/teams', 'post', team);
    conforms('/api/v1/teams/{id}', 'get', await owner.json('GET', `/api/v1/teams/${team.body.id}`));
    conforms('/api/v1/teams/{id}', 'patch', await owner.json('PATCH', `/api/v1/teams/${team.body.id}`, { plan: 'pro' }));
    conforms('/api/v1/teams/{id}', 'patch', await t.clients.viewer.json('PATCH', `/api/v1/teams/${t.teamId}`, { plan: 'pro' }));
    conforms('/api/v1/teams/{id}/members', 'get', await owner.json('GET', `/api/v1/teams/${t.teamId}/members`));
    conforms('/api/v1/teams/{id}/members/{userId}', 'patch', await owner.json('PATCH', `/api/v1/teams/${t.teamId}/members/${t.ids.viewer}`, { role: 'viewer' }));
    conforms('/api/v1/teams/{id}/members/{userId}', 'patch', await owner.json('PATCH', `/api/v1/teams/${t.teamId}/members/${t.ids.owner}`, { role: 'viewer' }));
    const inv = await owner.json<{ url: string }>('POST', `/api/v1/teams/${t.teamId}/invitations`, { email: 'doc@example.com', role: 'viewer' });
    conforms('/api/v1/teams/{id}/invitations', 'post', inv);
    conforms('/api/v1/teams/{id}/invitations', 'get', await owner.json('GET', `/api/v1/teams/${t.teamId}/invitations`));
    conforms('/api/v1/invitations/accept', 'post', await owner.json('POST', '/api/v1/invitations/accept', { token: 'inv_nope' }));
    conforms('/api/v1/upload-tokens', 'post', await owner.json('POST', '/api/v1/upload-tokens', { collection: t.collectionId }));
    conforms('/api/v1/upload-tokens', 'post', await owner.json('POST', '/api/v1/upload-tokens', { collection: 'col_nope' }));
    conforms('/api/v1/api-keys', 'post', await owner.json('POST', '/api/v1/api-keys', { name: 'scoped', scopes: ['images:read'], collections: [t.collectionId] }));
    conforms('/api/v1/api-keys', 'get', await owner.json('GET', '/api/v1/api-keys'));
    conforms('/api/v1/collections', 'get', await owner.json('GET', '/api/v1/collections'));
    conforms('/api/v1/teams/{id}', 'delete', await owner.json('DELETE', `/api/v1/teams/${team.body.id}`));
  });
});
