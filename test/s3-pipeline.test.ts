/**
 * The whole pipeline on the S3 driver against a real S3-compatible server (s3rver): variants at the
 * bucket root under the public URL pattern (so a public bucket serves CDN_BASE_URL directly),
 * originals private under _originals/, transient S3 failures retried, delete removes every object.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSource } from '../src/modules/images/sniff.ts';
import { runPipeline } from '../src/modules/processing/pipeline.ts';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { planVariants } from '../src/modules/processing/variant-plan.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { s3AppEnv, startFaultProxy, startS3, type FaultProxy, type TestS3 } from './support/s3.ts';
import { restUpload, waitForImage } from './support/upload.ts';

let s3: TestS3;
let proxy: FaultProxy;
let app: TestApp;
let client: Client;
let collection: string;
let s3client: S3Client;

async function keys(): Promise<string[]> {
  const out = await s3client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** Size → the WebP bytes the real pipeline (pipeline.ts, variant-plan.ts) makes from `photo`. */
async function expectedVariants(photo: Buffer): Promise<Map<number, Buffer>> {
  const dir = await mkdtemp(join(tmpdir(), 'optimage-expected-'));
  try {
    const sourcePath = join(dir, 'photo.jpg');
    await writeFile(sourcePath, photo);
    const source = await inspectSource(sourcePath, { maxInputPixels: 1e8, maxFrames: 1 });
    const { outputs } = await runPipeline({ sourcePath, plan: planVariants(source), animated: false, maxInputPixels: 1e8, formats: ['webp'], placeholder: false });
    return new Map(outputs.flatMap((o) => o.sizes.map((size) => [size, Buffer.from(o.bytes)] as const)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  s3 = await startS3();
  proxy = await startFaultProxy(s3.endpoint);
  app = await startTestApp(s3AppEnv(s3, proxy.endpoint));
  s3client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  client = new Client(app.url);
  await client.signUp();
  collection = (await client.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Bucket' })).body.id;
});
afterAll(async () => {
  await app?.close();
  s3client?.destroy();
  await proxy?.close();
  await s3?.close();
});

describe('S3 storage end to end', () => {
  it('stores 12 WebP variants at {collectionId}/{size}/{slug}.webp, served straight from the bucket', async () => {
    const photo = await sharp({ create: { width: 1400, height: 900, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
    const up = await restUpload(client, photo, { collection, slug: 'in-the-bucket' });
    expect(up.status).toBe(201);
    expect(up.body.baseUrl).toBe(`${s3.endpoint}/${s3.bucket}`);
    const ready = await waitForImage(client, up.body.id);
    expect(ready.status).toBe('ready');
    const stored = await keys();
    for (const size of VARIANT_SIZES) expect(stored).toContain(`${collection}/${size}/in-the-bucket.webp`);
    expect(stored).toContain(`_originals/${up.body.id}`);
    // outputs are staged privately and published at activation; nothing staged is left behind
    // (removed right after the flip to ready: a duplicate run may still be copying from them until then)
    await expect.poll(async () => (await keys()).filter((k) => k.startsWith('_staging/'))).toEqual([]);
    for (const size of VARIANT_SIZES) {
      const res = await fetch(`${up.body.baseUrl}/${collection}/${size}/in-the-bucket.webp`);
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.width).toBe(size === 0 ? 1400 : size);
    }
    const head = await s3client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${collection}/320/in-the-bucket.webp` }));
    expect(head.ContentType).toBe('image/webp');
    expect(head.CacheControl).toContain('immutable');
  });

  it('retries transient S3 failures during processing and still ends ready', async () => {
    const photo = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#246' } }).jpeg().toBuffer();
    // every S3 request fails twice before getting through (the SDK retries), except the publication
    // burst's copies, which are single attempts (a failed burst is withdrawn, then tried again): the
    // first copy fails, so the first burst does
    let copies = 0;
    proxy.setRules({ failFirstAttempts: 2, failWith: 503, match: (req) => req.headers['x-amz-copy-source'] === undefined || copies++ === 0 });
    try {
      const up = await restUpload(client, photo, { collection, slug: 'flaky' });
      expect(up.status).toBe(201);
      expect((await waitForImage(client, up.body.id)).status).toBe('ready');
    } finally {
      proxy.setRules({});
    }
    expect(proxy.requests.filter((r) => r.outcome === 503).length).toBeGreaterThan(12);
  });

  it('an outage that outlasts the SDK retries fails the attempt; the job retries later and ends ready', async () => {
    const photo = await sharp({ create: { width: 700, height: 500, channels: 3, background: '#642' } }).jpeg().toBuffer();
    // S3 goes down for writes of this image's variants: every attempt fails for a while
    proxy.setRules({ failFirstAttempts: 1000, match: (req) => req.method === 'PUT' && (req.url ?? '').includes('/outage.webp') });
    const up = await restUpload(client, photo, { collection, slug: 'outage' });
    expect(up.status).toBe(201);
    await expect.poll(async () => (await app.dataSource.query(`SELECT retry_count FROM pgboss.job WHERE data->>'imageId' = $1`, [up.body.id]))[0]?.retry_count, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    // while it waits for its retry, nothing of it is public
    expect((await keys()).filter((k) => k.includes('/outage.webp'))).toEqual([]);
    proxy.setRules({});
    const final = await waitForImage(client, up.body.id, 60_000);
    expect(final.status).toBe('ready');
    const jobs = await app.dataSource.query(`SELECT retry_count FROM pgboss.job WHERE name = 'process-image' AND data->>'imageId' = $1`, [up.body.id]);
    expect(jobs[0].retry_count).toBeGreaterThanOrEqual(1);
  });

  it('bytes flipped on the way to the bucket never stay: the original and every variant are stored as sent', async () => {
    const photo = await sharp({ create: { width: 1000, height: 700, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).jpeg().toBuffer();
    proxy.reset();
    // the first PUT of every object (the original, then each staged variant) gets one byte flipped
    const flipped = new Set<string>();
    const firstPut = (req: IncomingMessage) => req.method === 'PUT' && req.headers['x-amz-copy-source'] === undefined && !flipped.has(req.url!) && !!flipped.add(req.url!);
    proxy.setRules({ corrupt: { match: firstPut } });
    try {
      const up = await restUpload(client, photo, { collection, slug: 'flipped' });
      expect(up.status).toBe(201);
      expect((await waitForImage(client, up.body.id)).status).toBe('ready');
      // the original and at least one staged output per distinct size were corrupted once, then sent again
      expect(proxy.requests.filter((r) => r.outcome === 'corrupted').length).toBeGreaterThanOrEqual(2);
      expect(proxy.requests.filter((r) => r.outcome === 'corrupted').length).toBe(flipped.size);
      const original = await s3client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `_originals/${up.body.id}` }));
      expect(Buffer.from(await original.Body!.transformToByteArray()).equals(photo)).toBe(true);
      // the same pipeline, run here on the same file, makes the same bytes: what the bucket serves must be exactly those
      const expected = await expectedVariants(photo);
      for (const size of VARIANT_SIZES) {
        const res = await fetch(`${up.body.baseUrl}/${collection}/${size}/flipped.webp`);
        expect(res.status).toBe(200);
        expect(Buffer.from(await res.arrayBuffer()).equals(expected.get(size)!), `size ${size}`).toBe(true);
      }
    } finally {
      proxy.setRules({});
    }
  });

  it('an upload while the bucket is unreachable answers 503 with Retry-After, not 500', async () => {
    const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#135' } }).jpeg().toBuffer();
    proxy.setRules({ failFraction: 1, failWith: 'drop' });
    try {
      const up = await restUpload(client, photo, { collection, slug: 'bucket-away' });
      expect(up.status).toBe(503);
      expect(up.body).toEqual({ message: expect.any(String), code: 'UNAVAILABLE' });
      expect(up.res.headers.get('retry-after')).toBe('5');
    } finally {
      proxy.setRules({});
    }
    expect((await restUpload(client, photo, { collection, slug: 'bucket-away' })).status).toBe(201);
  });

  it('delete removes every object of the image from the bucket', async () => {
    const photo = await sharp({ create: { width: 500, height: 500, channels: 3, background: '#999' } }).jpeg().toBuffer();
    const up = await restUpload(client, photo, { collection, slug: 'gone' });
    await waitForImage(client, up.body.id);
    expect((await keys()).filter((k) => k.includes('/gone.webp'))).toHaveLength(12);
    expect((await client.request('DELETE', `/api/v1/images/${up.body.id}`)).status).toBe(204);
    expect((await keys()).filter((k) => k.includes('/gone.webp') || k.endsWith(up.body.id))).toEqual([]);
  });
});
