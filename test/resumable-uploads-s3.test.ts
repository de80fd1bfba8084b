/**
 * Resumable uploads with STORAGE=s3: the tus bytes are parts of a multipart upload in the bucket
 * (@tus/s3-store), so an upload cut on one API node resumes on another node on the same database
 * and bucket, and becomes a ready image; the upload's lock holds across nodes (a stalled PATCH on
 * one lets go when another node asks); an expired upload's parts, `.info` and `.part` objects are
 * all removed by the sweep. Against moto's S3 server (test/support/moto-s3.ts says why not s3rver).
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './support/app.ts';
import { startCutProxy } from './support/cut-proxy.ts';
import { cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { startMotoS3 } from './support/moto-s3.ts';
import { s3AppEnv, startFaultProxy, type TestS3 } from './support/s3.ts';
import { startTus } from './support/tus.ts';
import { sha256, waitForImage } from './support/upload.ts';

/** @tus/s3-store stores every PATCH of at least S3's minimum part size as one part. */
const MIN_PART = 5 * 1024 * 1024;
const UPLOADS_PREFIX = '_uploads/';

let s3: TestS3;
let bucket: S3Client;

beforeAll(async () => {
  s3 = await startMotoS3();
  bucket = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
}, 60_000);

afterAll(async () => {
  bucket?.destroy();
  await s3?.close();
});

const tusKeys = async (prefix: string) => ((await bucket.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();
const openMultipartUploads = async (prefix: string) => ((await bucket.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: prefix }))).Uploads ?? []).map((u) => u.Key!);

async function signUpWithKey(client: Client): Promise<{ collection: string; headers: Record<string, string> }> {
  await client.signUp();
  const collection = (await client.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Bucket' })).body.id;
  const key = await client.json<{ key: string }>('POST', '/api/v1/api-keys', { name: 'tus' });
  return { collection, headers: { authorization: `Bearer ${key.body.key}` } };
}

/** Plain tus requests for one photo (no client library: the tests look at each answer). */
function tusRequests(appUrl: string, headers: Record<string, string>, photo: Buffer, fields: Record<string, string>) {
  const tus = { ...headers, 'tus-resumable': '1.0.0' };
  const metadata = Object.entries({ ...fields, checksum: sha256(photo) }).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
  return {
    tus,
    create: () => fetch(`${appUrl}/api/v1/uploads`, { method: 'POST', headers: { ...tus, 'upload-length': String(photo.length), 'upload-metadata': metadata } }),
    patch: (path: string, from: number, to: number) =>
      fetch(appUrl + path, { method: 'PATCH', body: new Uint8Array(photo.subarray(from, to)), headers: { ...tus, 'upload-offset': String(from), 'content-type': 'application/offset+octet-stream' } }),
  };
}

describe('resumable uploads in the S3 bucket', () => {
  it('a 20 MB photo cut mid-chunk on one API node resumes on another from the bucket\'s offset and becomes a ready image', async () => {
    // node A behind a proxy that cuts the line; node B on the same database and bucket
    const proxy = await startCutProxy();
    const nodeA = await startTestApp({ ...s3AppEnv(s3), PUBLIC_BASE_URL: proxy.url });
    const nodeB = await startTestApp({ ...s3AppEnv(s3), DATABASE_URL: nodeA.databaseUrl });
    try {
      proxy.target.port = Number(new URL(nodeA.url).port);
      const alice = new Client(nodeA.url);
      const { collection, headers } = await signUpWithKey(alice);
      const photo = await cameraPhoto({ bytes: 20_000_000 });
      const metadata = { filename: 'Bucket Photo.jpg', collection, checksum: sha256(photo) };

      // 13 MB on: 2.5 MB into the third 5 MiB chunk (offset 10485760)
      proxy.arm(13_000_000);
      const first = startTus(photo, { endpoint: `${proxy.url}/api/v1/uploads`, metadata, headers, chunkSize: MIN_PART });
      const cutError = await first.done.then(() => null, (e: unknown) => e);
      expect(proxy.cut).toBe(true);
      expect(String(cutError)).toMatch(/failed to upload chunk at offset 10485760/);
      expect(first.patchOffsets).toEqual([0, MIN_PART, 2 * MIN_PART]);

      // node B knows the upload only from the bucket (its parts) and the database (its row)
      const path = new URL(first.upload.url!).pathname;
      const uploadId = path.split('/').at(-1)!;
      const headOnB = () => fetch(nodeB.url + path, { method: 'HEAD', headers: { ...headers, 'tus-resumable': '1.0.0' } });
      // node A keeps what reached it of the cut chunk, as the `.part` object (under the part
      // minimum), once its request has wound down: locks are per node, so a resume waits for that
      await expect.poll(async () => Number((await headOnB()).headers.get('upload-offset')), { interval: 100 }).toBeGreaterThan(2 * MIN_PART);
      const stands = await headOnB();
      expect(stands.status).toBe(200);
      const serverOffset = Number(stands.headers.get('upload-offset'));
      expect(serverOffset).toBeLessThan(13_000_000);
      const key = UPLOADS_PREFIX + uploadId;
      const parts = await bucket.send(new ListPartsCommand({ Bucket: s3.bucket, Key: key, UploadId: await multipartIdOf(key) }));
      expect(parts.Parts?.map((p) => p.Size)).toEqual([MIN_PART, MIN_PART]);
      expect(await tusKeys(key)).toEqual([`${key}.info`, `${key}.part`]);

      const second = startTus(photo, { uploadUrl: nodeB.url + path, metadata, headers, chunkSize: MIN_PART });
      const last = await second.done;
      expect(second.patchOffsets[0]).toBe(serverOffset);
      const imageId = last.getHeader('Optimage-Image-Id');
      expect(imageId).toMatch(/^img_/);
      const ready = await waitForImage(Object.assign(new Client(nodeB.url), { cookie: alice.cookie }), imageId!, 90_000);
      expect(ready).toMatchObject({ status: 'ready', checksum: sha256(photo), slug: 'bucket-photo', collectionId: collection, width: 4000, height: 3000, bytes: 20_000_000 });

      // the finished upload answers on either node; its tus objects and multipart upload are gone
      const onA = await fetch(nodeA.url + path, { method: 'HEAD', headers: { ...headers, 'tus-resumable': '1.0.0' } });
      expect(onA.headers.get('optimage-image-id')).toBe(imageId);
      expect(await tusKeys(key)).toEqual([]);
      expect(await openMultipartUploads(key)).toEqual([]);
      console.info(`S3 resumed upload: node A PATCH offsets ${first.patchOffsets.join(', ')} (cut at 13000000 bytes through the proxy); bucket offset ${serverOffset}; node B PATCH offsets ${second.patchOffsets.join(', ')}`);
    } finally {
      await nodeB.close();
      await nodeA.close();
      await proxy.close();
    }
  });

  it('a request on one node waits for the upload\'s lock held by a stalled PATCH on another, which lets go keeping what it received', async () => {
    const nodeA = await startTestApp(s3AppEnv(s3));
    const nodeB = await startTestApp({ ...s3AppEnv(s3), DATABASE_URL: nodeA.databaseUrl });
    let stalled: ClientRequest | undefined;
    try {
      const alice = new Client(nodeA.url);
      const { collection, headers } = await signUpWithKey(alice);
      const photo = await cameraPhoto({ bytes: 20_000_000, seed: 7 });
      const tus = { ...headers, 'tus-resumable': '1.0.0' };
      const metadata = Object.entries({ filename: 'stalled.jpg', collection, checksum: sha256(photo) }).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
      const created = await fetch(`${nodeA.url}/api/v1/uploads`, { method: 'POST', headers: { ...tus, 'upload-length': String(photo.length), 'upload-metadata': metadata } });
      const path = new URL(created.headers.get('location')!).pathname;
      const uploadId = path.split('/').at(-1)!;

      // a PATCH on node A that sends 6 MB of the whole and then goes silent (a half-open connection)
      const { port } = new URL(nodeA.url);
      const answered = new Promise<{ status: number; offset: string | undefined } | 'closed'>((resolve) => {
        stalled = httpRequest({ host: '127.0.0.1', port, path, method: 'PATCH', headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(photo.length) } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode!, offset: res.headers['upload-offset'] as string | undefined });
        });
        stalled.on('error', () => resolve('closed'));
      });
      stalled!.write(photo.subarray(0, 6_000_000));
      await expect.poll(async () => (await nodeA.dataSource.query('SELECT lock_token FROM resumable_uploads WHERE id = $1', [uploadId]))[0]?.lock_token, { interval: 50 }).toBeTruthy();

      // node B's HEAD asks for the lock: node A's request is cancelled, what it received is stored
      const head = await fetch(nodeB.url + path, { method: 'HEAD', headers: tus });
      expect(head.status).toBe(200);
      const offset = Number(head.headers.get('upload-offset'));
      expect(offset).toBeGreaterThan(0);
      expect(offset).toBeLessThanOrEqual(6_000_000);
      // the stalled request was let go: answered with what it stored, as tus ends a cancelled PATCH
      expect(await answered).toEqual({ status: 204, offset: String(offset) });
      const [row] = await nodeA.dataSource.query('SELECT lock_token, release_requested FROM resumable_uploads WHERE id = $1', [uploadId]);
      expect(row).toEqual({ lock_token: null, release_requested: false });

      // and the upload finishes on node B into the right bytes
      const rest = startTus(photo, { uploadUrl: nodeB.url + path, metadata: { filename: 'stalled.jpg', collection, checksum: sha256(photo) }, headers, chunkSize: MIN_PART });
      const last = await rest.done;
      expect(rest.patchOffsets[0]).toBe(offset);
      const ready = await waitForImage(Object.assign(new Client(nodeB.url), { cookie: alice.cookie }), last.getHeader('Optimage-Image-Id')!, 90_000);
      expect(ready).toMatchObject({ status: 'ready', checksum: sha256(photo), bytes: 20_000_000 });
      console.info(`cross-node lock: node A's stalled PATCH had sent 6000000 bytes; node B's HEAD answered offset ${offset} once A let go; resumed PATCH offsets ${rest.patchOffsets.join(', ')}`);
    } finally {
      stalled?.destroy();
      await nodeB.close();
      await nodeA.close();
    }
  });

  it('with the bucket unreachable, creating or continuing an upload answers 503 with Retry-After (not 500), and the upload then resumes', async () => {
    const proxy = await startFaultProxy(s3.endpoint);
    const app = await startTestApp(s3AppEnv(s3, proxy.endpoint));
    try {
      const alice = new Client(app.url);
      const { collection, headers } = await signUpWithKey(alice);
      const photo = await cameraPhoto({ bytes: 7_000_000 });
      const { tus, create, patch: patchAt } = tusRequests(app.url, headers, photo, { filename: 'away.jpg', collection });
      const unavailable = async (res: Response) => ({ status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as unknown });
      const refusal = { status: 503, retryAfter: '5', body: { message: expect.stringContaining('temporarily unavailable'), code: 'UNAVAILABLE' } };

      proxy.setRules({ failFraction: 1, failWith: 'drop' });
      expect(await unavailable(await create())).toEqual(refusal);
      proxy.setRules({ failFraction: 1, failWith: 503 });
      expect(await unavailable(await create())).toEqual(refusal);

      proxy.setRules({});
      const created = await create();
      expect(created.status).toBe(201);
      const path = new URL(created.headers.get('location')!).pathname;
      const patch = (from: number, to: number) => patchAt(path, from, to);
      expect((await patch(0, 6_000_000)).status).toBe(204);
      proxy.setRules({ failFraction: 1, failWith: 'drop' });
      expect(await unavailable(await patch(6_000_000, photo.length))).toEqual(refusal);
      proxy.setRules({});
      // the bucket back: the offset is where it was, the rest goes through and the image is made
      const head = await fetch(app.url + path, { method: 'HEAD', headers: tus });
      expect(head.headers.get('upload-offset')).toBe('6000000');
      const done = await patch(6_000_000, photo.length);
      expect(done.status).toBe(204);
      expect((await waitForImage(alice, done.headers.get('optimage-image-id')!)).status).toBe('ready');
    } finally {
      await app.close();
      await proxy.close();
    }
  });

  it('an expired upload is swept: its parts, .info and .part objects leave the bucket', async () => {
    const app = await startTestApp({ ...s3AppEnv(s3), UPLOAD_EXPIRY_SECONDS: '4', UPLOAD_SWEEP_SECONDS: '1' });
    try {
      const alice = new Client(app.url);
      const { collection, headers } = await signUpWithKey(alice);
      const photo = await cameraPhoto({ bytes: 8_000_000 });
      const { tus, create, patch: patchAt } = tusRequests(app.url, headers, photo, { filename: 'later.jpg', collection });
      const created = await create();
      expect(created.status).toBe(201);
      const path = new URL(created.headers.get('location')!).pathname;
      const patch = (from: number, to: number) => patchAt(path, from, to);
      // one full part, then 1 MB under the part minimum (kept as the `.part` object)
      expect((await patch(0, 6_000_000)).status).toBe(204);
      expect((await patch(6_000_000, 7_000_000)).status).toBe(204);
      const key = UPLOADS_PREFIX + path.split('/').at(-1)!;
      expect(await tusKeys(key)).toEqual([`${key}.info`, `${key}.part`]);
      expect(await openMultipartUploads(key)).toEqual([key]);
      const parts = await bucket.send(new ListPartsCommand({ Bucket: s3.bucket, Key: key, UploadId: await multipartIdOf(key) }));
      expect(parts.Parts?.map((p) => p.Size)).toEqual([6_000_000]);

      await expect.poll(async () => [await tusKeys(key), await openMultipartUploads(key)], { timeout: 30_000, interval: 250 }).toEqual([[], []]);
      expect(await app.dataSource.query('SELECT id FROM resumable_uploads')).toEqual([]);
      expect((await fetch(app.url + path, { method: 'HEAD', headers: tus })).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});

/** The S3 multipart upload id behind a tus upload's key. */
async function multipartIdOf(key: string): Promise<string> {
  const uploads = (await bucket.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: key }))).Uploads ?? [];
  expect(uploads).toHaveLength(1);
  return uploads[0]!.UploadId!;
}
