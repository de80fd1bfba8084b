/** The upload → process → serve path over REST and GraphQL, local storage, and every rejection. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { ImageDocument, ImagesDocument, type ImagesQuery } from './generated/graphql.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { graphqlUpload, listStoredFiles, restUpload, sha256, uploadForm, waitForImage } from './support/upload.ts';

let app: TestApp;
let alice: Client;
let bob: Client;
let collection: string;
let photo: Buffer;

const MAX_UPLOAD = 400_000;

async function makePhoto(width: number, height: number, seed = 1): Promise<Buffer> {
  const noise = await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 + seed } } }).png().toBuffer();
  return sharp(noise).blur(2).modulate({ saturation: 1.5 }).jpeg({ quality: 85 }).toBuffer();
}

const storedFiles = () => listStoredFiles(join(app.dataDir, 'storage'));

async function usage(userEmail: string): Promise<number> {
  const rows = await app.dataSource.query('SELECT coalesce(sum(used), 0)::int AS used FROM usage JOIN teams ON teams.id = usage.team_id JOIN users ON users.id = teams.personal_user_id WHERE users.email = $1', [userEmail]);
  return rows[0].used;
}

let aliceEmail: string;
beforeAll(async () => {
  app = await startTestApp({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD), MAX_INPUT_PIXELS: String(3000 * 2000) });
  alice = new Client(app.url);
  bob = new Client(app.url);
  aliceEmail = (await alice.signUp()).email;
  await bob.signUp();
  collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Photos' })).body.id;
  photo = await makePhoto(1600, 1000);
});
afterAll(async () => {
  await app?.close();
});

describe('REST upload, exactly as documented', () => {
  it('returns 201 processing, then the image is ready with 12 WebP URLs of the right geometry', async () => {
    const up = await restUpload(alice, photo, { collection, filename: 'Beach Sunset.JPG' });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      id: expect.stringMatching(/^img_/),
      slug: 'beach-sunset',
      collectionId: collection,
      checksum: sha256(photo),
      status: 'processing',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      baseUrl: `${app.url}/cdn`,
    });
    expect(up.res.headers.get('ratelimit-limit')).toBe('500');
    const ready = await waitForImage(alice, up.body.id);
    expect(ready).toMatchObject({ status: 'ready', width: 1600, height: 1000, progress: 100, error: null });
    const variants = ready.variants as { size: number; width: number; height: number; url: string }[];
    expect(variants.map((v) => v.size)).toEqual([...VARIANT_SIZES]);
    for (const size of VARIANT_SIZES) {
      const res = await fetch(`${app.url}/cdn/${collection}/${size}/beach-sunset.webp`);
      expect(res.status, `size ${size}`).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect(meta.format).toBe('webp');
      const width = size === 0 ? 1600 : size;
      expect(meta.width, `size ${size}`).toBe(width);
      expect(meta.height, `size ${size}`).toBe(Math.round((1000 * width) / 1600));
    }
  });

  it('lists the caller\'s images newest first in the documented shape; other users see none of them', async () => {
    const second = await restUpload(alice, await makePhoto(400, 300, 2), { collection, slug: 'second' });
    expect(second.status).toBe(201);
    const list = await alice.json<{ id: string; slug: string; checksum: string; baseUrl: string }[]>('GET', '/api/v1/images');
    expect(list.status).toBe(200);
    expect(list.body[0]!.id).toBe(second.body.id);
    for (const img of list.body) expect(Object.keys(img)).toEqual(expect.arrayContaining(['id', 'slug', 'collectionId', 'checksum', 'status', 'createdAt', 'baseUrl']));
    expect((await bob.json<unknown[]>('GET', '/api/v1/images')).body).toEqual([]);
    expect((await bob.json('GET', `/api/v1/images/${second.body.id}`)).status).toBe(404);
    expect((await bob.json('DELETE', `/api/v1/images/${second.body.id}`)).status).toBe(404);
    await waitForImage(alice, second.body.id);
  });

  it('gives concurrent uploads of the same file name distinct automatic slugs', async () => {
    // different photos (the same bytes would be one image: contract §7), one file name
    const photos = await Promise.all(Array.from({ length: 6 }, (_, i) => makePhoto(120, 90, 11 + i)));
    const results = await Promise.all(photos.map((bytes) => restUpload(alice, bytes, { collection, filename: 'blob' })));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(results.map((r) => r.body.slug).sort()).toEqual(['blob', 'blob-2', 'blob-3', 'blob-4', 'blob-5', 'blob-6']);
    await Promise.all(results.map((r) => waitForImage(alice, r.body.id)));
  });

  it('makes automatic slugs unique with a numeric suffix; an explicit duplicate is 409', async () => {
    const [small, other, third] = await Promise.all([makePhoto(300, 200, 3), makePhoto(300, 200, 4), makePhoto(300, 200, 5)]);
    const a = await restUpload(alice, small, { collection, filename: 'Dog.png' });
    const b = await restUpload(alice, other, { collection, filename: 'dog.jpg' });
    expect([a.body.slug, b.body.slug]).toEqual(['dog', 'dog-2']);
    const before = await storedFiles();
    const used = await usage(aliceEmail);
    const dup = await restUpload(alice, third, { collection, slug: 'dog' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'SLUG_TAKEN', message: expect.any(String) });
    expect(await usage(aliceEmail)).toBe(used);
    await waitForImage(alice, a.body.id);
    await waitForImage(alice, b.body.id);
    expect((await storedFiles()).filter((f) => f.startsWith('_originals/'))).toEqual(before.filter((f) => f.startsWith('_originals/')));
  });
});

describe('rejected uploads store nothing and use no quota', () => {
  const text = Buffer.from('this is not an image at all, just text renamed to .jpg');
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
  const html = Buffer.from('<!doctype html><html><body>hi</body></html>');

  it.each([
    ['missing file', async () => { const f = new FormData(); f.append('checksum', 'a'.repeat(64)); f.append('collection', collection); return f; }, 400, 'MISSING_FIELD'],
    ['missing checksum', async () => uploadForm(photo, { collection }), 400, 'MISSING_FIELD'],
    ['missing collection', async () => uploadForm(photo, { checksum: sha256(photo) }), 400, 'MISSING_FIELD'],
    ['checksum mismatch', async () => uploadForm(photo, { collection, checksum: sha256(Buffer.from('other')) }), 400, 'CHECKSUM_MISMATCH'],
    ['malformed checksum', async () => uploadForm(photo, { collection, checksum: 'abc' }), 400, 'INVALID_CHECKSUM'],
    ['text renamed .jpg', async () => uploadForm(text, { collection, checksum: sha256(text) }), 400, 'UNSUPPORTED_FORMAT'],
    ['SVG', async () => uploadForm(svg, { collection, checksum: sha256(svg), filename: 'x.svg', type: 'image/svg+xml' }), 400, 'UNSUPPORTED_FORMAT'],
    ['HTML', async () => uploadForm(html, { collection, checksum: sha256(html), filename: 'x.png' }), 400, 'UNSUPPORTED_FORMAT'],
    ['empty file', async () => uploadForm(Buffer.alloc(0), { collection, checksum: sha256(Buffer.alloc(0)) }), 400, 'EMPTY_FILE'],
    ['invalid slug', async () => uploadForm(photo, { collection, checksum: sha256(photo), slug: 'Not A Slug' }), 400, 'INVALID_SLUG'],
    ['unknown collection', async () => uploadForm(photo, { collection: 'col_doesnotexist', checksum: sha256(photo) }), 403, 'COLLECTION_FORBIDDEN'],
    ['too many pixels', async () => { const big = await sharp({ create: { width: 4000, height: 2000, channels: 3, background: '#888' } }).jpeg().toBuffer(); return uploadForm(big, { collection, checksum: sha256(big) }); }, 400, 'IMAGE_TOO_LARGE'],
    ['too large', async () => { const big = Buffer.concat([photo, Buffer.alloc(MAX_UPLOAD)]); return uploadForm(big, { collection, checksum: sha256(big) }); }, 413, 'FILE_TOO_LARGE'],
  ])('%s → %s %s', async (_name, makeForm, status, code) => {
    const before = await storedFiles();
    const rowsBefore = await app.dataSource.query('SELECT count(*)::int AS n FROM images');
    const used = await usage(aliceEmail);
    const res = await alice.json('POST', '/api/v1/images', await makeForm());
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ message: expect.any(String), code });
    expect(await app.dataSource.query('SELECT count(*)::int AS n FROM images')).toEqual(rowsBefore);
    expect(await usage(aliceEmail)).toBe(used);
    // only files of images that were already there (their processing may still add variants)
    expect((await storedFiles()).filter((f) => f.startsWith('_originals/'))).toEqual(before.filter((f) => f.startsWith('_originals/')));
    const jobs = await app.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'process-image'`);
    expect(jobs[0].n).toBe(rowsBefore[0].n);
    expect(await readdir(join(app.dataDir, 'uploads'))).toEqual([]); // no spooled temp file left
  });

  it('an upload the client abandons half-way leaves no temp file and the server keeps serving', async () => {
    const { request } = await import('node:http');
    const boundary = 'xBOUNDARYx';
    const req = request(`${app.url}/api/v1/images`, {
      method: 'POST',
      headers: { cookie: alice.cookie!, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': '300000' },
    });
    req.on('error', () => undefined);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    req.write(photo.subarray(0, 50_000));
    await expect.poll(async () => (await readdir(join(app.dataDir, 'uploads'))).length).toBe(1);
    req.destroy();
    await expect.poll(async () => (await readdir(join(app.dataDir, 'uploads'))).length).toBe(0);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('a malformed id is a 404, not a server error', async () => {
    expect((await alice.json('GET', '/api/v1/images/%E0%A4')).status).toBe(404);
  });

  it("another user's collection is 403 and the server keeps serving", async () => {
    const res = await restUpload(bob, photo, { collection });
    expect(res.status).toBe(403);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('requires authentication', async () => {
    const anon = new Client(app.url);
    expect((await restUpload(anon, photo, { collection })).status).toBe(401);
    expect((await anon.json('GET', '/api/v1/images')).status).toBe(401);
  });
});

describe('CDN route', () => {
  let id: string;
  beforeAll(async () => {
    const up = await restUpload(alice, await makePhoto(500, 400, 4), { collection, slug: 'cdn-test' });
    id = up.body.id;
    await waitForImage(alice, id);
  });

  it('sends ETag, long-lived caching, nosniff; 304 on If-None-Match; HEAD without a body', async () => {
    const url = `${app.url}/cdn/${collection}/320/cdn-test.webp`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    const again = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it.each([
    ['unknown slug', '/cdn/COL/320/nope.webp'],
    ['unknown size', '/cdn/COL/300/cdn-test.webp'],
    ['dot-dot', '/cdn/COL/320/../0/cdn-test.webp'],
    ['encoded dot-dot', '/cdn/COL/%2e%2e/_originals/x'],
    ['encoded slash', '/cdn/COL/320%2Fcdn-test.webp'],
    ['original', '/cdn/_originals/IMG'],
    ['other extension', '/cdn/COL/320/cdn-test.png'],
  ])('404 for %s', async (_name, path) => {
    const p = path.replace('COL', collection).replace('IMG', id);
    // raw request so the client does not normalise the path
    const res = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(`${app.url}${p}`, { method: 'GET', path: p }, (r) => {
          r.resume();
          resolve(r.statusCode!);
        });
        req.on('error', reject);
        req.end();
      }, reject);
    });
    expect(res).toBe(404);
  });

  it('does not serve an image that is not ready', async () => {
    const up = await restUpload(alice, await makePhoto(300, 300, 5), { collection, slug: 'not-yet' });
    await app.dataSource.query(`UPDATE images SET status = 'failed' WHERE id = $1`, [up.body.id]);
    // whatever the processor did meanwhile, a non-ready image is never served
    expect((await fetch(`${app.url}/cdn/${collection}/320/not-yet.webp`)).status).toBe(404);
  });
});

describe('delete', () => {
  it('removes the row and every stored file (variants and original)', async () => {
    const up = await restUpload(alice, await makePhoto(700, 500, 6), { collection, slug: 'to-delete' });
    await waitForImage(alice, up.body.id);
    const files = (await storedFiles()).filter((f) => f.includes('/to-delete.webp') || f.endsWith(up.body.id));
    expect(files).toHaveLength(13);
    expect((await alice.request('DELETE', `/api/v1/images/${up.body.id}`)).status).toBe(204);
    expect((await alice.json('GET', `/api/v1/images/${up.body.id}`)).status).toBe(404);
    const left = (await storedFiles()).filter((f) => f.includes('/to-delete.webp') || f.endsWith(up.body.id));
    expect(left).toEqual([]);
    expect((await fetch(`${app.url}/cdn/${collection}/0/to-delete.webp`)).status).toBe(404);
  });

  it('deleting a collection removes its images and files', async () => {
    const col = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Temp' })).body.id;
    const up = await restUpload(alice, await makePhoto(400, 300, 7), { collection: col, slug: 'temp' });
    await waitForImage(alice, up.body.id);
    expect((await storedFiles()).some((f) => f.startsWith(`${col}/`))).toBe(true);
    expect((await alice.request('DELETE', `/api/v1/collections/${col}`)).status).toBe(204);
    expect((await storedFiles()).filter((f) => f.startsWith(`${col}/`) || f.endsWith(up.body.id))).toEqual([]);
    expect((await alice.json('GET', `/api/v1/images/${up.body.id}`)).status).toBe(404);
  });
});

describe('GraphQL upload', () => {
  const mutation = `mutation Up($file: Upload!, $checksum: String!, $collectionId: ID!, $slug: String) {
    uploadImage(file: $file, checksum: $checksum, collectionId: $collectionId, slug: $slug) {
      __typename
      ... on Image { id slug status collectionId checksum baseUrl }
      ... on Error { code message }
    }
  }`;

  it('uploads through the multipart request spec and the image becomes ready', async () => {
    const bytes = await makePhoto(640, 480, 8);
    const { status, body } = await graphqlUpload(alice, mutation, { checksum: sha256(bytes), collectionId: collection, slug: 'via-graphql' }, bytes);
    expect(status).toBe(200);
    expect(body.data?.uploadImage).toMatchObject({ __typename: 'Image', slug: 'via-graphql', status: 'PROCESSING', collectionId: collection });
    const ready = await waitForImage(alice, body.data!.uploadImage!.id as string);
    expect(ready.status).toBe('ready');
  });

  it('returns typed errors, and refuses multipart without a CSRF preflight header', async () => {
    const bytes = await makePhoto(64, 64, 9);
    const bad = await graphqlUpload(alice, mutation, { checksum: 'f'.repeat(64), collectionId: collection }, bytes);
    expect(bad.body.data?.uploadImage).toMatchObject({ __typename: 'ValidationError', code: 'CHECKSUM_MISMATCH' });
    const forbidden = await graphqlUpload(bob, mutation, { checksum: sha256(bytes), collectionId: collection }, bytes);
    expect(forbidden.body.data?.uploadImage).toMatchObject({ __typename: 'AppError', code: 'COLLECTION_FORBIDDEN' });
    const csrf = await graphqlUpload(alice, mutation, { checksum: sha256(bytes), collectionId: collection }, bytes, 'x.jpg', {});
    expect(csrf.status).toBe(400);
    // malformed multipart (no map field) is a client error
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: mutation, variables: { file: null, checksum: 'x', collectionId: collection } }));
    form.append('0', new Blob([new Uint8Array(bytes)]), 'x.jpg');
    const malformed = await alice.request('POST', '/graphql', form, { 'x-graphql-yoga-csrf': '1' });
    expect(malformed.status).toBe(400);
    const big = Buffer.concat([bytes, Buffer.alloc(MAX_UPLOAD)]);
    const tooBig = await graphqlUpload(alice, mutation, { checksum: sha256(big), collectionId: collection }, big);
    expect(tooBig.body.data?.uploadImage).toMatchObject({ __typename: 'AppError', code: 'FILE_TOO_LARGE' });
  });

  it('lists images as a paginated connection with collection and status filters', async () => {
    const all = (await alice.json<{ id: string; collectionId: string }[]>('GET', '/api/v1/images')).body.filter((i) => i.collectionId === collection);
    expect(all.length).toBeGreaterThan(3);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const page: { data?: ImagesQuery } = await alice.gql(ImagesDocument, { first: 2, after, collectionId: collection });
      const conn = page.data!.images;
      expect(conn.edges.length).toBeLessThanOrEqual(2);
      seen.push(...conn.edges.map((e) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      expect(conn.edges).toHaveLength(2);
      after = conn.pageInfo.endCursor ?? null;
    }
    // every image exactly once, newest first, same order as the REST list
    expect(seen).toEqual(all.map((i) => i.id));
    const failed = await alice.gql(ImagesDocument, { first: 50, status: 'FAILED' });
    expect(failed.data!.images.edges.length).toBeGreaterThan(0);
    for (const e of failed.data!.images.edges) expect(e.node.status).toBe('FAILED');
    const one = await alice.gql(ImageDocument, { id: seen[0]! });
    expect(one.data?.image?.id).toBe(seen[0]);
    expect((await bob.gql(ImageDocument, { id: seen[0]! })).data?.image).toBeNull();
  });
});
