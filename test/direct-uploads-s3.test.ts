/**
 * Direct uploads to a real S3 endpoint (contract §12), against s3rver and against moto's server:
 * the presigned PUT carries the length and `x-amz-checksum-sha256` as signed headers (not hoisted
 * into the query), the client's bytes go to the bucket, and `complete` reads them back and checks
 * them itself. Neither loopback server refuses a body that differs from the signed length or
 * checksum (the table shows the PUT status as it ran; real S3 and R2 do refuse), so complete's own
 * checks are what stop them; bytes written straight into the bucket are refused the same way.
 * Either way: no image, no quota used, no stray object.
 */
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { completeDirectUpload, createDirectUpload, directUpload, putBytes, quotaUsed } from './support/direct-uploads.ts';
import { cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { startMotoS3 } from './support/moto-s3.ts';
import { s3AppEnv, startS3, type TestS3 } from './support/s3.ts';
import { sha256, waitForImage } from './support/upload.ts';

const backends: [string, () => Promise<TestS3>, string | null][] = [
  ['s3rver', () => startS3({ extraBuckets: ['optimage-private'] }), 'optimage-private'],
  ['moto', () => startMotoS3({ bucket: 'optimage-direct' }), null],
];

describe.each(backends)('%s', (name, startBackend, privateBucket) => {
  let s3: TestS3;
  let app: TestApp;
  let alice: Client;
  let client: S3Client;
  let collection: string;
  const uploadBucket = () => privateBucket ?? s3.bucket;
  const directObjects = async () => ((await client.send(new ListObjectsV2Command({ Bucket: uploadBucket(), Prefix: '_direct/' }))).Contents ?? []).map((o) => o.Key);

  beforeAll(async () => {
    s3 = await startBackend();
    app = await startTestApp({ ...s3AppEnv(s3), ...(privateBucket ? { S3_PRIVATE_BUCKET: privateBucket } : {}) });
    alice = new Client(app.url);
    await alice.signUp();
    collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: `Direct ${name}` })).body.id;
    client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  });
  afterAll(async () => {
    client?.destroy();
    await app?.close();
    await s3?.close();
  });

  test('a presigned PUT signed for the length and the SHA-256 header; complete makes the image and removes the upload', async () => {
    const bytes = await cameraPhoto({ width: 1600, height: 1200, seed: 41 });
    const before = await quotaUsed(alice);
    const created = await createDirectUpload(alice, { collection, size: bytes.length, checksum: sha256(bytes), slug: 'to-the-bucket' });
    expect(created.status).toBe(201);
    const url = new URL(created.body.url);
    expect(url.origin + url.pathname).toBe(`${s3.endpoint}/${uploadBucket()}/_direct/${created.body.id}`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['content-length', 'host', 'x-amz-checksum-sha256']));
    expect([...url.searchParams.keys()].map((k) => k.toLowerCase())).not.toContain('x-amz-checksum-sha256');
    expect(created.body.headers).toEqual({ 'Content-Length': String(bytes.length), 'x-amz-checksum-sha256': Buffer.from(sha256(bytes), 'hex').toString('base64') });
    expect(await directObjects()).toEqual([]); // nothing stored at create

    expect(await putBytes(created.body, bytes)).toBe(200);
    expect(await directObjects()).toEqual([`_direct/${created.body.id}`]);
    const done = await completeDirectUpload(alice, created.body.id);
    expect(done.status).toBe(201);
    expect((await completeDirectUpload(alice, created.body.id)).body.id).toBe(done.body.id);
    expect(await directObjects()).toEqual([]);
    expect(await quotaUsed(alice)).toBe(before + 1);
    expect((await waitForImage(alice, done.body.id)).status).toBe('ready');
    const published = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${collection}/768/to-the-bucket.webp` }));
    expect(published.ContentType).toBe('image/webp');
  });

  test('altered, short and foreign bytes: refused by the bucket or by complete; no image, no quota, no stray object', async () => {
    const bytes = await cameraPhoto({ width: 1600, height: 1200, seed: 42 });
    const altered = Buffer.from(bytes);
    altered.writeUInt8(altered.readUInt8(1000) ^ 0xff, 1000);
    const foreign = (await cameraPhoto({ width: 1600, height: 1200, seed: 43, bytes: bytes.length + 1000 })).subarray(0, bytes.length);
    const short = bytes.subarray(0, bytes.length - 1000);
    const before = { quota: await quotaUsed(alice), images: (await alice.json<unknown[]>('GET', '/api/v1/images')).body.length };
    const table: string[] = [];
    for (const [label, sent, straightCode] of [
      ['altered', altered, 'CHECKSUM_MISMATCH'],
      ['short', short, 'UPLOAD_SIZE_MISMATCH'],
      ['foreign', foreign, 'CHECKSUM_MISMATCH'],
    ] as const) {
      // through the presigned URL, as a client would
      const viaUrl = await createDirectUpload(alice, { collection, size: bytes.length, checksum: sha256(bytes) });
      const put = await putBytes(viaUrl.body, sent);
      const completed = await completeDirectUpload(alice, viaUrl.body.id);
      table.push(`${label.padEnd(8)} presigned PUT ${put}  complete ${completed.status} ${completed.body.code}`);
      expect(completed.status, label).toBe(400);
      expect(put < 300 ? straightCode : 'UPLOAD_MISSING', label).toBe(completed.body.code);
      // written straight into the bucket, as a bucket that checks nothing would keep it
      const straight = await createDirectUpload(alice, { collection, size: bytes.length, checksum: sha256(bytes) });
      await client.send(new PutObjectCommand({ Bucket: uploadBucket(), Key: `_direct/${straight.body.id}`, Body: sent }));
      const refused = await completeDirectUpload(alice, straight.body.id);
      table.push(`${label.padEnd(8)} stored as is        complete ${refused.status} ${refused.body.code}`);
      expect([refused.status, refused.body.code], label).toEqual([400, straightCode]);
      expect(await directObjects(), label).toEqual([]);
    }
    console.log(`direct uploads refused (${name}):\n${table.join('\n')}`);
    expect(await quotaUsed(alice)).toBe(before.quota);
    expect((await alice.json<unknown[]>('GET', '/api/v1/images')).body.length).toBe(before.images);
  });

  test('a second image through the same flow, with a slug of its own', async () => {
    const { image } = await directUpload(alice, collection, await cameraPhoto({ width: 1200, height: 900, seed: 44 }), 'second');
    expect(image).toMatchObject({ status: 'processing', slug: 'second' });
  });
});
