/**
 * Resumable uploads (tus 1.0) with tus-js-client in Node: a 20 MB camera photo in 1 MB chunks, the
 * connection cut half-way and resumed from the server's offset into a ready image; a wrong checksum
 * refused on the last chunk leaving nothing behind; metadata refused at creation; quota refusals
 * with REST's Retry-After and RateLimit headers; uploads private to their owner; an unfinished
 * upload expiring and its bytes removed.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestApp } from './support/app.ts';
import { startCutProxy } from './support/cut-proxy.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { errorResponse, startTus } from './support/tus.ts';
import { restUpload, sha256, waitForImage } from './support/upload.ts';

const ORIGIN = 'https://app.example.com';
const test = appTest({ CORS_ORIGINS: ORIGIN });
const tusHeaders = (client: Client) => client.headers();
const used = async (client: Client) => (await client.json<{ quota: { used: number } }>('GET', '/api/v1/config')).body.quota.used;
const tusFiles = (dataDir: string) => readdir(join(dataDir, 'tus'));

/** A tus request by hand (creation, HEAD), for the answers tus-js-client hides. */
function tusRequest(client: Client, method: string, path: string, headers: Record<string, string> = {}) {
  return client.request(method, path, undefined, { 'tus-resumable': '1.0.0', ...headers });
}
const metadataHeader = (m: Record<string, string>) => Object.entries(m).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');

describe('resumable uploads', () => {
  it('a 20 MB photo whose connection is cut mid-chunk at 50 % resumes from the server offset and becomes a ready image', async () => {
    // its own app behind a proxy that cuts the line: PUBLIC_BASE_URL sends every tus request through it
    const proxy = await startCutProxy();
    const app = await startTestApp({ PUBLIC_BASE_URL: proxy.url });
    try {
      proxy.target.port = Number(new URL(app.url).port);
      const alice = new Client(proxy.url);
      await alice.signUp();
      const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Train' })).body.id;
      const key = await alice.json<{ key: string }>('POST', '/api/v1/api-keys', { name: 'tus' });
      const headers = { authorization: `Bearer ${key.body.key}` };
      const photo = await cameraPhoto({ bytes: 20_000_000 });
      const metadata = { filename: 'Big Photo.jpg', collection, checksum: sha256(photo) };
      const head = () => fetch(first.upload.url!, { method: 'HEAD', headers: { ...headers, 'tus-resumable': '1.0.0' } });

      // 10.5 MB on: half-way through the eleventh 1 MB chunk
      proxy.arm(10_500_000);
      const first = startTus(photo, { endpoint: `${proxy.url}/api/v1/uploads`, metadata, headers });
      const cutError = await first.done.then(() => null, (e: unknown) => e);
      expect(proxy.cut).toBe(true);
      expect(String(cutError)).toMatch(/failed to upload chunk at offset 10000000/);
      expect(first.patchOffsets.at(-1)).toBe(10_000_000);

      // the server kept what reached it of the cut chunk (once its request has wound down)
      await expect.poll(async () => Number((await head()).headers.get('upload-offset')), { interval: 100 }).toBeGreaterThan(10_000_000);
      const stands = await head();
      expect(stands.status).toBe(200);
      const serverOffset = Number(stands.headers.get('upload-offset'));
      expect(serverOffset).toBeLessThan(10_500_000);
      expect(Number(stands.headers.get('upload-length'))).toBe(20_000_000);

      const second = startTus(photo, { uploadUrl: first.upload.url, metadata, headers });
      const last = await second.done;
      expect(second.patchOffsets[0]).toBe(serverOffset);
      expect(second.patchOffsets.slice(1).every((o, i) => o - second.patchOffsets[i]! === 1_000_000)).toBe(true);
      const imageId = last.getHeader('Optimage-Image-Id');
      expect(imageId).toMatch(/^img_/);

      const ready = await waitForImage(alice, imageId!, 60_000);
      expect(ready).toMatchObject({ status: 'ready', checksum: sha256(photo), slug: 'big-photo', collectionId: collection, width: 4000, height: 3000, bytes: 20_000_000 });
      const after = await head();
      expect(after.status).toBe(200);
      expect(after.headers.get('optimage-image-id')).toBe(imageId);
      expect(after.headers.get('upload-offset')).toBe('20000000');
      const described = await alice.json<{ imageId: string; offset: number }>('GET', new URL(first.upload.url!).pathname);
      expect(described.body).toMatchObject({ imageId, offset: 20_000_000, length: 20_000_000 });
      // the tus bytes went once the image had its own original
      expect(await tusFiles(app.dataDir)).toEqual([]);
      console.info(`resumed upload: first session PATCH offsets ${first.patchOffsets.join(', ')} (cut mid-chunk); server offset ${serverOffset}; resumed PATCH offsets ${second.patchOffsets.join(', ')}`);
    } finally {
      await app.close();
      await proxy.close();
    }
  });

  test('a wrong checksum fails on the last chunk with a clear error and leaves no image, no quota used, no bytes', async ({ app, alice, collection }) => {
    const photo = await cameraPhoto({ width: 1600, height: 1200, bytes: 3_000_000 });
    const before = { used: await used(alice), images: (await alice.json<unknown[]>('GET', '/api/v1/images')).body.length };
    const run = startTus(photo, { endpoint: `${app.url}/api/v1/uploads`, metadata: { filename: 'wrong.jpg', collection, checksum: sha256(Buffer.from('other bytes')) }, headers: tusHeaders(alice) });
    const err = await run.done.then(() => null, (e: unknown) => e);
    expect(run.patchOffsets).toEqual([0, 1_000_000, 2_000_000]);
    expect(errorResponse(err)).toEqual({ status: 400, body: { code: 'CHECKSUM_MISMATCH', message: 'checksum does not match the SHA-256 of the uploaded file' } });
    expect(await used(alice)).toBe(before.used);
    expect((await alice.json<unknown[]>('GET', '/api/v1/images')).body.length).toBe(before.images);
    expect(await tusFiles(app.dataDir)).toEqual([]);
    expect((await tusRequest(alice, 'HEAD', new URL(run.upload.url!).pathname)).status).toBe(404);
  });

  test('a focal point sent as focalX/focalY metadata (tus-js-client) is the image\'s given focal point', async ({ app, alice, collection }) => {
    const photo = await cameraPhoto({ width: 1600, height: 1000 });
    const run = startTus(photo, { endpoint: `${app.url}/api/v1/uploads`, metadata: { filename: 'focal.jpg', collection, checksum: sha256(photo), focalX: '0.2', focalY: '0.75' }, headers: tusHeaders(alice) });
    const last = await run.done;
    const id = last.getHeader('Optimage-Image-Id');
    expect(id).toMatch(/^img_/);
    const image = await waitForImage(alice, id!);
    expect(image.focalPoint).toEqual({ x: 0.2, y: 0.75, source: 'given' });
  });

  test('metadata is checked at creation, with the API\'s JSON errors', async ({ alice, bob, collection }) => {
    const create = (client: Client, metadata: Record<string, string>, length = 1000, extra: Record<string, string> = {}) =>
      client.json<{ code: string; message: string }>('POST', '/api/v1/uploads', undefined, { 'tus-resumable': '1.0.0', 'upload-length': String(length), 'upload-metadata': metadataHeader(metadata), ...extra });
    const good = { filename: 'a.jpg', collection, checksum: 'a'.repeat(64) };
    const created = await create(alice, good);
    expect(created.status).toBe(201);
    expect(created.res.headers.get('location')).toMatch(/\/api\/v1\/uploads\/upl_[0-9a-z]{20}$/);

    expect(await create(alice, { filename: 'a.jpg', collection })).toMatchObject({ status: 400, body: { code: 'INVALID_UPLOAD_METADATA' } });
    expect(await create(alice, { ...good, checksum: 'nope' })).toMatchObject({ status: 400, body: { code: 'INVALID_CHECKSUM' } });
    expect(await create(alice, { ...good, slug: 'Not A Slug' })).toMatchObject({ status: 400, body: { code: 'INVALID_SLUG' } });
    expect(await create(alice, { ...good, focalX: '0.5' })).toMatchObject({ status: 400, body: { code: 'INVALID_FOCAL_POINT' } });
    expect(await create(alice, { ...good, focalX: '1.5', focalY: '0.5' })).toMatchObject({ status: 400, body: { code: 'INVALID_FOCAL_POINT' } });
    expect(await create(bob, good)).toMatchObject({ status: 403, body: { code: 'COLLECTION_FORBIDDEN' } });
    expect(await create(alice, good, 52428801)).toMatchObject({ status: 413, body: { code: 'FILE_TOO_LARGE', message: 'The file is larger than the upload limit of 52428800 bytes (50.0 MiB)' } });
    expect(await create(alice, good, 1000, { 'tus-resumable': '' })).toMatchObject({ status: 412, body: { code: 'TUS_PROTOCOL' } });
    const anonymous = await fetch(created.res.url, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '1000' } });
    expect(anonymous.status).toBe(401);
    const crossSite = await create(alice, good, 1000, { origin: 'https://evil.example' });
    expect(crossSite).toMatchObject({ status: 403, body: { code: 'CSRF_REJECTED' } });
    // an origin in CORS_ORIGINS may, and reads the tus headers and the image id
    const preflight = await fetch(created.res.url, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'tus-resumable,upload-length,upload-metadata' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('tus-resumable,upload-length,upload-metadata');
    const allowed = await create(alice, good, 1000, { origin: ORIGIN });
    expect(allowed.status).toBe(201);
    expect(allowed.res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.res.headers.get('access-control-expose-headers')).toMatch(/Location.*Upload-Offset.*Optimage-Image-Id/);

    // someone else's upload is not found, whatever the method
    const url = new URL(created.res.headers.get('location')!).pathname;
    expect((await tusRequest(bob, 'HEAD', url)).status).toBe(404);
    const patch = await bob.json<{ code: string }>('PATCH', url, undefined, { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' });
    expect(patch).toMatchObject({ status: 404, body: { code: 'UPLOAD_NOT_FOUND' } });
    expect((await tusRequest(bob, 'DELETE', url)).status).toBe(404);
    // termination by its owner
    expect((await tusRequest(alice, 'DELETE', url)).status).toBe(204);
    expect((await tusRequest(alice, 'HEAD', url)).status).toBe(404);
  });

  it('quota refusals over tus, at creation and on the final PATCH, carry the Retry-After and RateLimit headers POST /api/v1/images sends', async () => {
    // a frozen clock: RateLimit-Reset and Retry-After count seconds to the month's end, compared exactly
    const frozen = new Date();
    const app = await startTestApp({ PLAN_LIMITS: 'free=2,pro=5000,business=25000', PROCESSING: 'off' }, { clock: { now: () => new Date(frozen) } });
    try {
      const alice = new Client(app.url);
      await alice.signUp();
      const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Quota' })).body.id;
      const photos = await Promise.all([1, 2, 3, 4, 5].map((seed) => cameraPhoto({ width: 1600, height: 1200, seed })));
      const metadata = (photo: Buffer) => metadataHeader({ filename: 'q.jpg', collection, checksum: sha256(photo) });
      const create = (photo: Buffer) => tusRequest(alice, 'POST', '/api/v1/uploads', { 'upload-length': String(photo.length), 'upload-metadata': metadata(photo) });
      const QUOTA_HEADERS = ['retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy'];
      const quotaHeaders = (res: Response) => Object.fromEntries(QUOTA_HEADERS.map((h) => [h, res.headers.get(h)]));

      // created while the quota has room; refused when its last byte arrives
      const pending = await create(photos[0]!);
      expect(pending.status).toBe(201);
      const finished = startTus(photos[1]!, { endpoint: `${app.url}/api/v1/uploads`, metadata: { filename: 'q.jpg', collection, checksum: sha256(photos[1]!) }, headers: tusHeaders(alice) });
      const success = await finished.done;
      // a finished tus upload reports the quota like a 201 from POST /api/v1/images
      expect([success.getHeader('RateLimit-Limit'), success.getHeader('RateLimit-Remaining')]).toEqual(['2', '1']);
      expect((await restUpload(alice, photos[2]!, { collection })).status).toBe(201);
      const restRefused = await restUpload(alice, photos[3]!, { collection });
      expect(restRefused.status).toBe(429);
      const expected = quotaHeaders(restRefused.res);
      expect(expected).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0', 'retry-after': expect.stringMatching(/^\d+$/) });

      const url = new URL(pending.headers.get('location')!).pathname;
      const finalPatch = await fetch(app.url + url, {
        method: 'PATCH',
        body: new Uint8Array(photos[0]!),
        headers: alice.headers({ 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
      });
      expect(finalPatch.status).toBe(429);
      expect(await finalPatch.json()).toEqual(restRefused.body);
      expect(quotaHeaders(finalPatch)).toEqual(expected);
      expect(finalPatch.headers.get('access-control-expose-headers')!.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(QUOTA_HEADERS)); // a page can read them
      expect((await tusRequest(alice, 'HEAD', url)).status).toBe(404); // nothing left behind

      const creation = await create(photos[4]!);
      expect(creation.status).toBe(429);
      expect(await creation.json()).toEqual(restRefused.body);
      expect(quotaHeaders(creation)).toEqual(expected);
      expect(await used(alice)).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('an unfinished upload expires: the sweep removes its bytes and the upload is gone', async () => {
    const app = await startTestApp({ UPLOAD_EXPIRY_SECONDS: '1', UPLOAD_SWEEP_SECONDS: '1' });
    try {
      const alice = new Client(app.url);
      await alice.signUp();
      const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Expiring' })).body.id;
      const photo = await cameraPhoto({ width: 1600, height: 1200 });
      const metadata = metadataHeader({ filename: 'later.jpg', collection, checksum: sha256(photo) });
      const created = await tusRequest(alice, 'POST', '/api/v1/uploads', { 'upload-length': String(photo.length), 'upload-metadata': metadata });
      expect(created.status).toBe(201);
      expect(created.headers.get('upload-expires')).toBeTruthy();
      const url = new URL(created.headers.get('location')!).pathname;
      const patch = await fetch(app.url + url, {
        method: 'PATCH',
        body: new Uint8Array(photo.subarray(0, 100_000)),
        headers: alice.headers({ 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
      });
      expect(patch.status).toBe(204);
      expect(await tusFiles(app.dataDir)).toContain(url.split('/').at(-1));

      await expect.poll(() => tusFiles(app.dataDir), { timeout: 20_000, interval: 200 }).toEqual([]);
      expect((await tusRequest(alice, 'HEAD', url)).status).toBe(404);
      const resumed = await alice.json<{ code: string }>('PATCH', url, undefined, { 'tus-resumable': '1.0.0', 'upload-offset': '100000', 'content-type': 'application/offset+octet-stream' });
      expect(resumed).toMatchObject({ status: 404, body: { code: 'UPLOAD_NOT_FOUND' } });
      expect(await app.dataSource.query('SELECT id FROM resumable_uploads')).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
