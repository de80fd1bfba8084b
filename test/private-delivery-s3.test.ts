/**
 * Private collections on S3 (contract §11): their files, named variants too, live in the private bucket only (no object
 * at the public key), the same /private route streams them, PRIVATE_DELIVERY=redirect answers a
 * 302 to a presigned GET instead, and without a private bucket making a collection private is a 400.
 */
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, expect } from 'vitest';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { startTestApp } from './support/app.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { s3AppEnv, startS3 } from './support/s3.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const s3 = await startS3({ extraBuckets: ['optimage-private'] });
afterAll(() => s3.close());
const privateEnv = { ...s3AppEnv(s3), S3_PRIVATE_BUCKET: 'optimage-private' };
const test = appTest(privateEnv);
const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
afterAll(() => client.destroy());

const exists = (Bucket: string, Key: string) =>
  client.send(new HeadObjectCommand({ Bucket, Key })).then(
    () => true,
    (err: { $metadata?: { httpStatusCode?: number } }) => {
      if (err.$metadata?.httpStatusCode === 404) return false;
      throw err;
    },
  );

type ImageJson = { id: string; status: string; src: string; variants: { size: number; url: string }[] };

async function privateImage(alice: Client, collection: string, slug: string): Promise<ImageJson> {
  expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { visibility: 'private' })).body).toMatchObject({ visibility: 'private' });
  const up = await restUpload(alice, await cameraPhoto({ width: 1600, height: 1200, seed: 7 }), { collection, slug });
  expect(up.status).toBe(201);
  const image = (await waitForImage(alice, up.body.id)) as unknown as ImageJson;
  expect(image.status).toBe('ready');
  return image;
}

test('private files (named variants too) sit in the private bucket only, and the /private route streams them', async ({ app, alice, collection }) => {
  expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { variants: [{ name: 'thumb', width: 200, height: 200, fit: 'cover' }] })).status).toBe(200);
  const image = await privateImage(alice, collection, 'contract');
  const named = (image.variants as { name?: string; url: string }[]).find((v) => v.name === 'thumb')!;
  expect(named.url.startsWith(`${app.url}/private/${collection}/thumb/contract.webp?exp=`)).toBe(true);
  expect(await exists('optimage-private', `_private/${collection}/thumb/contract.webp`)).toBe(true);
  expect(await exists(s3.bucket, `${collection}/thumb/contract.webp`)).toBe(false);
  expect(await exists(s3.bucket, `_private/${collection}/thumb/contract.webp`)).toBe(false);
  expect((await fetch(named.url)).status).toBe(200);
  for (const size of VARIANT_SIZES) {
    expect(await exists(s3.bucket, `${collection}/${size}/contract.webp`)).toBe(false);
    expect(await exists(s3.bucket, `_private/${collection}/${size}/contract.webp`)).toBe(false);
    expect(await exists('optimage-private', `_private/${collection}/${size}/contract.webp`)).toBe(true);
  }
  expect((await fetch(`${s3.endpoint}/${s3.bucket}/${collection}/768/contract.webp`)).status).toBe(404);
  expect(image.src.startsWith(`${app.url}/private/${collection}/768/contract.webp?exp=`)).toBe(true);
  const res = await fetch(image.src);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
  const served = Buffer.from(await res.arrayBuffer());
  const stored = await client.send(new GetObjectCommand({ Bucket: 'optimage-private', Key: `_private/${collection}/768/contract.webp` }));
  expect(served).toEqual(Buffer.from(await stored.Body!.transformToByteArray()));
  expect((await fetch(image.src, { headers: { 'if-none-match': res.headers.get('etag')! } })).status).toBe(304);
  const part = await fetch(image.src, { headers: { range: 'bytes=-10' } });
  expect(part.status).toBe(206);
  expect(Buffer.from(await part.arrayBuffer())).toEqual(served.subarray(-10));

  // public again: the files move back to the public bucket and leave the private one
  expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { visibility: 'public' })).body).toMatchObject({ visibility: 'public' });
  expect(await exists(s3.bucket, `${collection}/768/contract.webp`)).toBe(true);
  expect(await exists('optimage-private', `_private/${collection}/768/contract.webp`)).toBe(false);
  expect(await exists(s3.bucket, `${collection}/thumb/contract.webp`)).toBe(true);
  expect(await exists('optimage-private', `_private/${collection}/thumb/contract.webp`)).toBe(false);
  expect((await fetch(image.src)).status).toBe(404);
  expect((await fetch(named.url)).status).toBe(404);
});

test('PRIVATE_DELIVERY=redirect: a 302 to a presigned GET of the private object; a bad signature is still 403', async ({ onTestFinished }) => {
  const other = await startTestApp({ ...privateEnv, PRIVATE_DELIVERY: 'redirect' });
  onTestFinished(() => other.close());
  const alice = new Client(other.url);
  await alice.signUp();
  const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Redirected' })).body.id;
  const image = await privateImage(alice, collection, 'redirected');
  const res = await fetch(image.src, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = res.headers.get('location')!;
  expect(location.startsWith(`${s3.endpoint}/optimage-private/_private/${collection}/768/redirected.webp?`)).toBe(true);
  expect(location).toContain('X-Amz-Signature=');
  const followed = await fetch(image.src);
  expect(followed.status).toBe(200);
  expect(Buffer.from(await followed.arrayBuffer()).subarray(8, 12).toString()).toBe('WEBP');
  expect((await fetch(image.src.replace('/768/', '/320/'), { redirect: 'manual' })).status).toBe(403);
});

test('without a private bucket, making a collection private is refused with a clear 400', async ({ onTestFinished }) => {
  const other = await startTestApp(s3AppEnv(s3));
  onTestFinished(() => other.close());
  const alice = new Client(other.url);
  await alice.signUp();
  const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'No private bucket' })).body.id;
  const res = await alice.json<{ code: string; message: string }>('PATCH', `/api/v1/collections/${collection}`, { visibility: 'private' });
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('PRIVATE_BUCKET_REQUIRED');
  expect(res.body.message).toMatch(/S3_PRIVATE_BUCKET/);
  expect((await alice.json('GET', `/api/v1/collections/${collection}`)).body).toMatchObject({ visibility: 'public' });
});
