/**
 * Direct uploads on local storage (contract §12): the client PUTs to a signed URL of this server
 * (the same client code as for a bucket), `complete` reads the bytes back and checks length,
 * SHA-256 and format through the intake of POST /images; refused bytes leave no image, no quota
 * used and no stored object; abandoned uploads expire and the doctor's sweep removes them.
 */
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { expect } from 'vitest';
import type { Clock } from '../src/clock.ts';
import { completeDirectUpload, createDirectUpload, directUpload, putBytes, quotaUsed } from './support/direct-uploads.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { listStoredFiles, sha256, waitForImage } from './support/upload.ts';

const clock: Clock & { offsetMs: number } = { offsetMs: 0, now: (): Date => new Date(Date.now() + clock.offsetMs) };
const test = appTest({ MAX_UPLOAD_BYTES: String(8 * 1024 * 1024), PLAN_LIMITS: 'free=40' }, { clock });

const directFiles = async (dataDir: string) => (await listStoredFiles(`${dataDir}/storage`)).filter((f) => f.startsWith('_direct/'));
const imageCount = async (client: Client) => (await client.json<unknown[]>('GET', '/api/v1/images')).body.length;

test('create → PUT to the signed URL → complete: an image, processed like any upload; complete again answers the same image', async ({ app, alice, collection }) => {
  const bytes = await cameraPhoto({ width: 1600, height: 1200, seed: 31 });
  const before = await quotaUsed(alice);
  const created = await createDirectUpload(alice, { collection, size: bytes.length, checksum: sha256(bytes), slug: 'straight' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ id: expect.stringMatching(/^dup_/), method: 'PUT', headers: { 'Content-Length': String(bytes.length), 'x-amz-checksum-sha256': Buffer.from(sha256(bytes), 'hex').toString('base64') } });
  expect(created.body.url).toMatch(new RegExp(`^${app.url}/api/v1/direct-uploads/${created.body.id}/data\\?exp=\\d+&sig=[0-9a-f]{64}$`));
  expect(Date.parse(created.body.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
  expect(await quotaUsed(alice)).toBe(before); // nothing taken, nothing stored yet
  expect(await directFiles(app.dataDir)).toEqual([]);

  expect(await putBytes(created.body, bytes)).toBe(200);
  const done = await completeDirectUpload(alice, created.body.id);
  expect(done.status).toBe(201);
  expect(done.body).toMatchObject({ status: 'processing', slug: 'straight', collectionId: collection, checksum: sha256(bytes) });
  expect(await quotaUsed(alice)).toBe(before + 1);
  expect(await directFiles(app.dataDir)).toEqual([]); // the original went to _originals/, the upload's bytes are gone
  const again = await completeDirectUpload(alice, created.body.id);
  expect([again.status, again.body.id]).toEqual([200, done.body.id]);
  expect(await quotaUsed(alice)).toBe(before + 1);
  expect((await waitForImage(alice, done.body.id)).status).toBe('ready');
});

test('altered, short, foreign and not-an-image bytes, or none: 400, and no image, no quota, no stored object', async ({ app, alice, collection }) => {
  const bytes = await cameraPhoto({ width: 1600, height: 1200, seed: 32 });
  const altered = Buffer.from(bytes);
  altered.writeUInt8(altered.readUInt8(altered.length >> 1) ^ 0xff, altered.length >> 1);
  const foreign = await cameraPhoto({ width: 1600, height: 1200, seed: 33, bytes: bytes.length + 1000 });
  const text = Buffer.from('this is not an image, only some text\n'.repeat(200));
  const cases: [string, Buffer, Buffer | null, string][] = [
    ['altered (one byte flipped)', bytes, altered, 'CHECKSUM_MISMATCH'],
    ['short (last 1000 bytes missing)', bytes, bytes.subarray(0, bytes.length - 1000), 'UPLOAD_SIZE_MISMATCH'],
    ['foreign (another photo of the same length)', bytes, foreign.subarray(0, bytes.length), 'CHECKSUM_MISMATCH'],
    ['not an image (announced as such)', text, text, 'UNSUPPORTED_FORMAT'],
    ['nothing uploaded', bytes, null, 'UPLOAD_MISSING'],
  ];
  const before = { quota: await quotaUsed(alice), images: await imageCount(alice) };
  const table: string[] = [];
  for (const [name, announced, sent, code] of cases) {
    const created = await createDirectUpload(alice, { collection, size: announced.length, checksum: sha256(announced) });
    expect(created.status).toBe(201);
    const put = sent ? await putBytes(created.body, sent) : null;
    const done = await completeDirectUpload(alice, created.body.id);
    table.push(`${name.padEnd(44)} PUT ${String(put ?? '-').padEnd(4)} complete ${done.status} ${done.body.code}`);
    expect([done.status, done.body.code], name).toEqual([400, code]);
    expect(await directFiles(app.dataDir), name).toEqual([]);
    if (code !== 'UPLOAD_MISSING') expect((await completeDirectUpload(alice, created.body.id)).body.code, name).toBe('UPLOAD_REJECTED');
  }
  console.log(`direct uploads refused (local storage):\n${table.join('\n')}`);
  expect(await quotaUsed(alice)).toBe(before.quota);
  expect(await imageCount(alice)).toBe(before.images);
});

test('create checks size, quota, collection and slug before anything moves; others cannot complete an upload; API keys work', async ({ app, alice, bob, collection }) => {
  const bytes = await cameraPhoto({ width: 1600, height: 1200, seed: 34 });
  const fields = { collection, size: bytes.length, checksum: sha256(bytes) };
  expect((await createDirectUpload(alice, { ...fields, size: 9 * 1024 * 1024 })).status).toBe(413);
  expect((await createDirectUpload(alice, { ...fields, slug: 'Not A Slug' })).body.code).toBe('INVALID_SLUG');
  expect((await createDirectUpload(alice, { ...fields, checksum: 'abc' })).body.code).toBe('INVALID_CHECKSUM');
  expect((await createDirectUpload(bob, fields)).status).toBe(403);
  const created = await createDirectUpload(alice, fields);
  expect(await putBytes(created.body, bytes)).toBe(200);
  expect((await completeDirectUpload(bob, created.body.id)).status).toBe(404);
  // a tampered upload URL is refused before a byte is stored
  // (flip the signature's first character to a different one: writing a fixed '0' left the URL unchanged whenever the signature began with '0')
  const tampered = created.body.url.replace(/sig=(.)/, (_m: string, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
  expect(tampered).not.toBe(created.body.url);
  expect(await putBytes({ ...created.body, url: tampered }, bytes)).toBe(403);

  const key = (await alice.json<{ key: string }>('POST', '/api/v1/api-keys', { name: 'direct' })).body.key;
  const server = new Client(app.url);
  server.bearer = key;
  const { image } = await directUpload(server, collection, bytes, 'by-key');
  expect(image).toMatchObject({ slug: 'by-key' });

  // bob's month used up: refused at create, before any byte moves
  const bobId = (await bob.json<{ id: string }>('GET', '/api/v1/auth/me')).body.id;
  await app.dataSource.query(
    `INSERT INTO usage (team_id, period, used) SELECT id, date_trunc('month', now() AT TIME ZONE 'UTC')::date, 40 FROM teams WHERE personal_user_id = $1 ON CONFLICT (team_id, period) DO UPDATE SET used = 40`,
    [bobId],
  );
  const bobCollection = (await bob.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Full' })).body.id;
  const full = await createDirectUpload(bob, { ...fields, collection: bobCollection });
  expect([full.status, full.body.code]).toEqual([429, 'QUOTA_EXCEEDED']);
});

test('an abandoned upload expires after an hour: complete is refused and the sweep removes its bytes and row', async ({ app, alice, collection }) => {
  const bytes = await cameraPhoto({ width: 1600, height: 1200, seed: 35 });
  const abandoned = await createDirectUpload(alice, { collection, size: bytes.length, checksum: sha256(bytes) });
  expect(await putBytes(abandoned.body, bytes)).toBe(200);
  const late = await createDirectUpload(alice, { collection, size: bytes.length, checksum: sha256(bytes) });
  expect(await putBytes(late.body, bytes)).toBe(200);
  const ours = async () => (await directFiles(app.dataDir)).filter((f) => f === `_direct/${abandoned.body.id}` || f === `_direct/${late.body.id}`);
  expect(await ours()).toHaveLength(2);
  clock.offsetMs = 61 * 60_000;
  try {
    expect((await completeDirectUpload(alice, late.body.id)).body.code).toBe('DIRECT_UPLOAD_EXPIRED');
    expect(await putBytes(abandoned.body, bytes)).toBe(403); // its URL expired too
    const { report } = await app.services.doctor.run({ fix: true });
    expect(report.findings.filter((f) => f.subject === abandoned.body.id || f.subject === late.body.id).map((f) => [f.subject, f.fixed]).sort()).toEqual([[abandoned.body.id, true], [late.body.id, true]].sort());
  } finally {
    clock.offsetMs = 0;
  }
  expect(await ours()).toEqual([]);
  expect(await app.dataSource.query(`SELECT id FROM direct_uploads WHERE id = ANY($1)`, [[abandoned.body.id, late.body.id]])).toEqual([]);
});

test('GraphQL createDirectUpload and completeDirectUpload', async ({ alice, collection }) => {
  const bytes = await cameraPhoto({ width: 1600, height: 1200, seed: 36 });
  const gql = <R>(query: string, variables: Record<string, unknown>) => alice.gql(parse(query) as TypedDocumentNode<R, Record<string, unknown>>, variables);
  const created = await gql<{ createDirectUpload: { id: string; method: string; url: string; headers: { name: string; value: string }[]; expiresAt: string } }>(
    'mutation($c: ID!, $s: Int!, $h: String!) { createDirectUpload(collectionId: $c, filename: "g.jpg", size: $s, checksum: $h, slug: "via-graphql") { ... on DirectUpload { id method url headers { name value } expiresAt } } }',
    { c: collection, s: bytes.length, h: sha256(bytes) },
  );
  const ticket = created.data!.createDirectUpload;
  expect(ticket.method).toBe('PUT');
  expect(await putBytes({ ...ticket, headers: Object.fromEntries(ticket.headers.map((h) => [h.name, h.value])) }, bytes)).toBe(200);
  const done = await gql<{ completeDirectUpload: { id: string; slug: string; status: string } }>('mutation($id: ID!) { completeDirectUpload(id: $id) { ... on Image { id slug status } } }', { id: ticket.id });
  expect(done.errors).toBeUndefined();
  expect(done.data!.completeDirectUpload).toMatchObject({ slug: 'via-graphql', status: 'PROCESSING' });
  const refused = await gql<{ completeDirectUpload: { __typename: string; code?: string } }>('mutation { completeDirectUpload(id: "dup_nothing") { __typename ... on NotFoundError { code } } }', {});
  expect(refused.data!.completeDirectUpload).toEqual({ __typename: 'NotFoundError', code: 'DIRECT_UPLOAD_NOT_FOUND' });
});


test('an upload token (contract §10) makes direct uploads into its collection only, each counted against its limit', async ({ app, alice, collection }) => {
  const minted = await alice.json<{ token: string }>('POST', '/api/v1/upload-tokens', { collection, maxUploads: 1 });
  expect(minted.status).toBe(201);
  const page = new Client(app.url);
  page.bearer = minted.body.token;
  const bytes = await cameraPhoto({ width: 1600, height: 1200, seed: 37 });
  // another collection of the same team: refused before anything moves
  const other = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'not the token’s' })).body.id;
  const elsewhere = await createDirectUpload(page, { collection: other, size: bytes.length, checksum: sha256(bytes) });
  expect(elsewhere.status).toBe(403);
  const { image } = await directUpload(page, collection, bytes, 'from-a-page');
  expect(image).toMatchObject({ status: 'processing', slug: 'from-a-page', collectionId: collection });
  // it reads back its own image
  expect((await page.json('GET', `/api/v1/images/${image.id}`)).status).toBe(200);
  // its one upload is used: the next direct upload is refused at creation
  const next = await cameraPhoto({ width: 1600, height: 1200, seed: 38 });
  const used = await createDirectUpload(page, { collection, size: next.length, checksum: sha256(next) });
  expect([used.status, used.body.code]).toEqual([403, 'TOKEN_USED']);
});
