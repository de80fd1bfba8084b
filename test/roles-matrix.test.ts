/**
 * Who may do what in a team (contract §10), as a table: each role (and a non-member naming the team)
 * × each action, over REST and over GraphQL, every cell asserted. The matrix as it ran is printed at
 * the end (and written to $TMPDIR/roles-matrix.md).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import type { Client } from './support/http.ts';
import { freshPng, teamWithRoles, type TeamFixture, type Who } from './support/teams.ts';
import { graphqlUpload, restUpload } from './support/upload.ts';

let app: TestApp;
let t: TeamFixture;
/** An empty collection: a reprocess run over it finishes at once, so every role can start one. */
let emptyCollection: string;
const WHO: Who[] = ['viewer', 'editor', 'admin', 'owner', 'nonMember'];
const ran: { action: string; via: string; cells: Record<Who, string> }[] = [];

beforeAll(async () => {
  app = await startTestApp({ PROCESSING: 'off', PLAN_LIMITS: 'free=1000,pro=2000,business=3000' });
  t = await teamWithRoles(app.url);
  emptyCollection = (await t.clients.owner.json<{ id: string }>('POST', '/api/v1/collections', { name: 'empty' })).body.id;
});
afterAll(async () => {
  if (ran.length) {
    const head = `| action | via | ${WHO.join(' | ')} |\n|---|---|${WHO.map(() => '---').join('|')}|\n`;
    const table = head + ran.map((r) => `| ${r.action} | ${r.via} | ${WHO.map((w) => r.cells[w]).join(' | ')} |`).join('\n') + '\n';
    writeFileSync(join(tmpdir(), 'roles-matrix.md'), table);
    console.log(`\nroles × actions, as run:\n${table}`);
  }
  await app?.close();
});

/** "201" for success, "403 FORBIDDEN" for a refusal with its code. */
async function rest(c: Client, method: string, path: string, body?: unknown): Promise<string> {
  const r = await c.json<{ code?: string }>(method, path, body);
  return r.status < 300 ? String(r.status) : `${r.status} ${r.body?.code ?? ''}`.trim();
}

/** "ok", "null", or the error code (typed result, errors[] or a refusal at the edge). */
async function gql(c: Client, query: string, variables: Record<string, unknown> = {}): Promise<string> {
  const r = await c.json<{ data?: Record<string, { __typename?: string; code?: string } | null>; errors?: { extensions?: { code?: string } }[]; code?: string }>('POST', '/graphql', { query, variables });
  if (r.status >= 400 && r.body.code) return `${r.status} ${r.body.code}`;
  if (r.body.errors?.length) return r.body.errors[0]!.extensions?.code ?? 'error';
  const value = Object.values(r.body.data ?? {})[0];
  if (value === null || value === undefined) return 'null';
  return value.code ?? 'ok';
}

async function ownerImage(): Promise<string> {
  const up = await restUpload(t.clients.owner, await freshPng(), { collection: t.collectionId });
  expect(up.status).toBe(201);
  return up.body.id;
}

type Cell = (c: Client, who: Who) => Promise<string>;
const F = '403 FORBIDDEN';
const GF = 'FORBIDDEN';

const ROWS: { action: string; via: 'REST' | 'GraphQL'; run: Cell; expect: Record<Who, string> }[] = [
  { action: 'read an image', via: 'REST', run: async (c) => rest(c, 'GET', `/api/v1/images/${await ownerImage()}`), expect: { viewer: '200', editor: '200', admin: '200', owner: '200', nonMember: F } },
  { action: 'read an image', via: 'GraphQL', run: async (c) => gql(c, 'query($id: ID!) { image(id: $id) { id } }', { id: await ownerImage() }), expect: { viewer: 'ok', editor: 'ok', admin: 'ok', owner: 'ok', nonMember: F } },
  { action: 'list images', via: 'REST', run: (c) => rest(c, 'GET', '/api/v1/images?limit=5'), expect: { viewer: '200', editor: '200', admin: '200', owner: '200', nonMember: F } },
  { action: 'upload', via: 'REST', run: async (c) => (await restUpload(c, await freshPng(), { collection: t.collectionId }).then((r) => (r.status < 300 ? String(r.status) : `${r.status} ${r.body.code}`))), expect: { viewer: F, editor: '201', admin: '201', owner: '201', nonMember: F } },
  {
    action: 'upload',
    via: 'GraphQL',
    run: async (c) => {
      const q = 'mutation($file: Upload!, $checksum: String!, $collectionId: ID!) { uploadImage(file: $file, checksum: $checksum, collectionId: $collectionId) { __typename ... on Image { id } ... on Error { code } } }';
      const bytes = await freshPng();
      const { createHash } = await import('node:crypto');
      const r = await graphqlUpload(c, q, { checksum: createHash('sha256').update(bytes).digest('hex'), collectionId: t.collectionId }, bytes, 'p.png', { 'x-graphql-yoga-csrf': '1' });
      if (r.status >= 400) return `${r.status} ${(r.body as { code?: string }).code}`;
      const v = r.body.data?.uploadImage as { code?: string } | undefined;
      return v?.code ?? (r.body.errors ? 'error' : 'ok');
    },
    expect: { viewer: GF, editor: 'ok', admin: 'ok', owner: 'ok', nonMember: F },
  },
  { action: 'delete an image', via: 'REST', run: async (c) => rest(c, 'DELETE', `/api/v1/images/${await ownerImage()}`), expect: { viewer: F, editor: '204', admin: '204', owner: '204', nonMember: F } },
  { action: 'delete an image', via: 'GraphQL', run: async (c) => gql(c, 'mutation($id: ID!) { deleteImage(id: $id) { __typename ... on Error { code } } }', { id: await ownerImage() }), expect: { viewer: GF, editor: 'ok', admin: 'ok', owner: 'ok', nonMember: F } },
  { action: 'reprocess a collection', via: 'REST', run: (c) => rest(c, 'POST', `/api/v1/collections/${emptyCollection}/reprocess`), expect: { viewer: F, editor: '202', admin: '202', owner: '202', nonMember: F } },
  { action: 'reprocess a collection', via: 'GraphQL', run: (c) => gql(c, 'mutation($id: ID!) { reprocessCollection(id: $id) { __typename ... on Error { code } } }', { id: emptyCollection }), expect: { viewer: GF, editor: 'ok', admin: 'ok', owner: 'ok', nonMember: F } },
  { action: 'collection settings', via: 'REST', run: (c, who) => rest(c, 'PATCH', `/api/v1/collections/${t.collectionId}`, { name: `by ${who}` }), expect: { viewer: F, editor: F, admin: '200', owner: '200', nonMember: F } },
  { action: 'collection settings', via: 'GraphQL', run: (c, who) => gql(c, 'mutation($id: ID!, $name: String) { updateCollection(id: $id, name: $name) { __typename ... on Error { code } } }', { id: t.collectionId, name: `gql ${who}` }), expect: { viewer: GF, editor: GF, admin: 'ok', owner: 'ok', nonMember: F } },
  { action: 'create a collection', via: 'REST', run: (c) => rest(c, 'POST', '/api/v1/collections', { name: 'new', teamId: t.teamId }), expect: { viewer: F, editor: F, admin: '201', owner: '201', nonMember: F } },
  { action: 'webhooks', via: 'REST', run: (c) => rest(c, 'GET', '/api/v1/webhooks'), expect: { viewer: F, editor: F, admin: '200', owner: '200', nonMember: F } },
  { action: 'webhooks', via: 'GraphQL', run: (c) => gql(c, '{ webhooks { id } }'), expect: { viewer: GF, editor: GF, admin: 'ok', owner: 'ok', nonMember: F } },
  { action: 'list members', via: 'REST', run: (c) => rest(c, 'GET', `/api/v1/teams/${t.teamId}/members`), expect: { viewer: '200', editor: '200', admin: '200', owner: '200', nonMember: F } },
  { action: 'invite (editor)', via: 'REST', run: (c, who) => rest(c, 'POST', `/api/v1/teams/${t.teamId}/invitations`, { email: `inv-${who}@example.com`, role: 'editor' }), expect: { viewer: F, editor: F, admin: '201', owner: '201', nonMember: F } },
  { action: 'invite (editor)', via: 'GraphQL', run: (c, who) => gql(c, 'mutation($t: ID!, $e: String!) { inviteMember(teamId: $t, email: $e, role: EDITOR) { __typename ... on Error { code } } }', { t: t.teamId, e: `gql-${who}@example.com` }), expect: { viewer: GF, editor: GF, admin: 'ok', owner: 'ok', nonMember: F } },
  { action: 'invite an owner', via: 'REST', run: (c, who) => rest(c, 'POST', `/api/v1/teams/${t.teamId}/invitations`, { email: `own-${who}@example.com`, role: 'owner' }), expect: { viewer: F, editor: F, admin: F, owner: '201', nonMember: F } },
  { action: 'change a role', via: 'REST', run: (c) => rest(c, 'PATCH', `/api/v1/teams/${t.teamId}/members/${t.ids.viewer}`, { role: 'viewer' }), expect: { viewer: F, editor: F, admin: '200', owner: '200', nonMember: F } },
  { action: 'change a role', via: 'GraphQL', run: (c) => gql(c, 'mutation($t: ID!, $u: ID!) { updateMember(teamId: $t, userId: $u, role: VIEWER) { __typename ... on Error { code } } }', { t: t.teamId, u: t.ids.viewer }), expect: { viewer: GF, editor: GF, admin: 'ok', owner: 'ok', nonMember: F } },
  { action: "change an owner's role", via: 'REST', run: (c) => rest(c, 'PATCH', `/api/v1/teams/${t.teamId}/members/${t.ids.owner}`, { role: 'owner' }), expect: { viewer: F, editor: F, admin: F, owner: '200', nonMember: F } },
  { action: 'change the plan', via: 'REST', run: (c) => rest(c, 'PATCH', `/api/v1/teams/${t.teamId}`, { plan: 'free' }), expect: { viewer: F, editor: F, admin: F, owner: '200', nonMember: F } },
  { action: 'delete the team', via: 'REST', run: (c) => rest(c, 'DELETE', `/api/v1/teams/${t.teamId}`), expect: { viewer: F, editor: F, admin: F, owner: '409 CONFLICT', nonMember: F } },
  { action: 'create a read-only key', via: 'REST', run: (c) => rest(c, 'POST', '/api/v1/api-keys', { name: 'ro', scopes: ['images:read'] }), expect: { viewer: '201', editor: '201', admin: '201', owner: '201', nonMember: F } },
  { action: 'create a read-only key', via: 'GraphQL', run: (c) => gql(c, 'mutation { createApiKey(name: "ro", scopes: ["images:read"]) { __typename ... on Error { code } } }'), expect: { viewer: 'ok', editor: 'ok', admin: 'ok', owner: 'ok', nonMember: F } },
  { action: 'create an upload key', via: 'REST', run: (c) => rest(c, 'POST', '/api/v1/api-keys', { name: 'up', scopes: ['images:write'] }), expect: { viewer: F, editor: '201', admin: '201', owner: '201', nonMember: F } },
  { action: 'mint an upload token', via: 'REST', run: (c) => rest(c, 'POST', '/api/v1/upload-tokens', { collection: t.collectionId }), expect: { viewer: F, editor: '201', admin: '201', owner: '201', nonMember: F } },
  { action: 'mint an upload token', via: 'GraphQL', run: (c) => gql(c, 'mutation($c: ID!) { createUploadToken(collectionId: $c) { __typename ... on Error { code } } }', { c: t.collectionId }), expect: { viewer: GF, editor: 'ok', admin: 'ok', owner: 'ok', nonMember: F } },
];

describe('roles × actions', () => {
  for (const row of ROWS) {
    it(`${row.action} (${row.via})`, async () => {
      const cells = {} as Record<Who, string>;
      for (const who of WHO) cells[who] = await row.run(t.clients[who], who);
      ran.push({ action: row.action, via: row.via, cells });
      expect(cells).toEqual(row.expect);
    });
  }
});

describe('a non-member acting in their own team sees what a stranger saw before teams', () => {
  it("the team's image is 404, its collection 404, an upload into it 403 COLLECTION_FORBIDDEN", async () => {
    const stranger = Object.getPrototypeOf(t.clients.nonMember) as Client; // without the team header
    const id = await ownerImage();
    expect(await rest(stranger, 'GET', `/api/v1/images/${id}`)).toBe('404 IMAGE_NOT_FOUND');
    expect(await rest(stranger, 'GET', `/api/v1/collections/${t.collectionId}`)).toBe('404 COLLECTION_NOT_FOUND');
    expect(await gql(stranger, 'query($id: ID!) { image(id: $id) { id } }', { id })).toBe('null');
    const up = await restUpload(stranger, await freshPng(), { collection: t.collectionId });
    expect([up.status, up.body.code]).toEqual([403, 'COLLECTION_FORBIDDEN']);
  });
});
