/**
 * `complete` reads a direct upload once and then moves it, never uploading it again (contract §12):
 * on local storage the checked file is renamed into the original (the same inode), on S3 the
 * original is a server-side copy of the upload (CopyObject across buckets), the upload object is
 * deleted, and the API node sends no file bytes to the bucket. A move takes only the version that
 * was checked: an object replaced since is refused (ObjectChangedError) and nothing moves.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, onTestFinished, test } from 'vitest';
import { LocalStore } from '../src/storage/local-store.ts';
import { ObjectChangedError, type ObjectStore } from '../src/storage/object-store.ts';
import { S3Store } from '../src/storage/s3-store.ts';
import { startTestApp } from './support/app.ts';
import { completeDirectUpload, createDirectUpload, putBytes } from './support/direct-uploads.ts';
import { cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { s3AppEnv, startFaultProxy, startS3 } from './support/s3.ts';
import { sha256, waitForImage } from './support/upload.ts';

async function signedInWithCollection(url: string) {
  const alice = new Client(url);
  await alice.signUp();
  const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Moves' })).body.id;
  return { alice, collection };
}

test('local storage: complete renames the checked upload into the original (same inode), the image gets ready', async () => {
  const app = await startTestApp();
  onTestFinished(() => app.close());
  const { alice, collection } = await signedInWithCollection(app.url);
  const bytes = await cameraPhoto({ width: 1600, height: 1200, seed: 51 });
  const created = await createDirectUpload(alice, { collection, size: bytes.length, checksum: sha256(bytes), slug: 'renamed' });
  expect(await putBytes(created.body, bytes)).toBe(200);
  const root = join(app.dataDir, 'storage');
  const uploaded = await stat(join(root, '_direct', created.body.id));
  const done = await completeDirectUpload(alice, created.body.id);
  expect(done.status).toBe(201);
  const original = await stat(join(root, '_originals', done.body.id));
  expect([original.ino, original.size]).toEqual([uploaded.ino, bytes.length]);
  expect(await stat(join(root, '_direct', created.body.id)).catch(() => null)).toBeNull();
  const sidecar = JSON.parse(await readFile(join(root, '_originals', `.${done.body.id}.meta.json`), 'utf8')) as { contentType: string; etag: string };
  expect(sidecar.contentType).toBe('image/jpeg');
  expect(sidecar.etag).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`);
  expect((await waitForImage(alice, done.body.id)).status).toBe('ready');
});

test('S3: one GET of the upload, the original a server-side copy across buckets, the upload deleted; no file bytes sent by the API node', async () => {
  const s3 = await startS3({ extraBuckets: ['optimage-private'] });
  onTestFinished(() => s3.close());
  const proxy = await startFaultProxy(s3.endpoint);
  onTestFinished(() => proxy.close());
  const app = await startTestApp({ ...s3AppEnv(s3, proxy.endpoint), S3_PRIVATE_BUCKET: 'optimage-private' });
  onTestFinished(() => app.close());
  const { alice, collection } = await signedInWithCollection(app.url);
  const bytes = await cameraPhoto({ width: 1600, height: 1200, seed: 52 });
  const created = await createDirectUpload(alice, { collection, size: bytes.length, checksum: sha256(bytes), slug: 'copied' });
  expect(await putBytes(created.body, bytes)).toBe(200);
  const from = proxy.requests.length;
  const done = await completeDirectUpload(alice, created.body.id);
  expect(done.status).toBe(201);
  const during = proxy.requests.slice(from);
  const upload = `/optimage-private/_direct/${created.body.id}`;
  const original = `/${s3.bucket}/_originals/${done.body.id}`;
  expect(during.filter((r) => r.method === 'GET' && r.url.split('?')[0] === upload)).toHaveLength(1);
  const writes = during.filter((r) => r.method === 'PUT' && r.url.split('?')[0] === original);
  expect(writes.map((r) => r.headers['x-amz-copy-source'])).toEqual([`optimage-private/_direct/${created.body.id}`]);
  // nothing the size of the file went from the API node to the bucket
  for (const r of during) expect(Number(r.headers['content-length'] ?? 0), `${r.method} ${r.url}`).toBeLessThan(10_000);

  const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  onTestFinished(() => client.destroy());
  expect((await client.send(new ListObjectsV2Command({ Bucket: 'optimage-private', Prefix: '_direct/' }))).Contents ?? []).toEqual([]);
  expect((await waitForImage(alice, done.body.id)).status).toBe('ready');
});

test('S3: a move that fails (the copy, or the delete after it) leaves no original and keeps the upload; complete again makes the image', async () => {
  const s3 = await startS3({ extraBuckets: ['optimage-private'] });
  onTestFinished(() => s3.close());
  const proxy = await startFaultProxy(s3.endpoint);
  onTestFinished(() => proxy.close());
  const app = await startTestApp({ ...s3AppEnv(s3, proxy.endpoint), S3_PRIVATE_BUCKET: 'optimage-private' });
  onTestFinished(() => app.close());
  const { alice, collection } = await signedInWithCollection(app.url);
  const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  onTestFinished(() => client.destroy());
  const keys = async (Bucket: string, Prefix: string) => ((await client.send(new ListObjectsV2Command({ Bucket, Prefix }))).Contents ?? []).map((o) => o.Key);
  const quota = async () => (await alice.json<{ quota: { used: number } }>('GET', '/api/v1/config')).body.quota.used;

  const rules = {
    'the copy fails': (req: IncomingMessage) => req.method === 'PUT' && req.headers['x-amz-copy-source'] !== undefined,
    'the delete after the copy fails': (req: IncomingMessage) => req.method === 'POST' && /^\/optimage-private\/?\?delete/.test(req.url ?? ''),
  };
  for (const [label, match] of Object.entries(rules)) {
    const bytes = await cameraPhoto({ width: 1200, height: 900, seed: label.length });
    const created = await createDirectUpload(alice, { collection, size: bytes.length, checksum: sha256(bytes) });
    expect(await putBytes(created.body, bytes)).toBe(200);
    const used = await quota();
    proxy.setRules({ failFirstAttempts: 1000, match, failWith: 503 });
    const failed = await completeDirectUpload(alice, created.body.id);
    proxy.setRules({});
    expect(failed.status, label).toBeGreaterThanOrEqual(500);
    expect(await keys(s3.bucket, '_originals/'), label).toEqual([]);
    expect(await keys('optimage-private', '_direct/'), label).toEqual([`_direct/${created.body.id}`]);
    expect(await quota(), label).toBe(used);

    const done = await completeDirectUpload(alice, created.body.id);
    expect(done.status, label).toBe(201);
    expect(await keys(s3.bucket, '_originals/'), label).toEqual([`_originals/${done.body.id}`]);
    expect(await keys('optimage-private', '_direct/'), label).toEqual([]);
    expect((await completeDirectUpload(alice, created.body.id)).body.id, label).toBe(done.body.id);
    expect((await waitForImage(alice, done.body.id)).status, label).toBe('ready');
    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `_originals/${done.body.id}` })); // the next case starts with none
  }
});

const drivers: [string, () => Promise<ObjectStore>][] = [
  ['local', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'optimage-move-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    return new LocalStore(dir);
  }],
  ['s3rver', async () => {
    const s3 = await startS3({ extraBuckets: ['optimage-private'] });
    onTestFinished(() => s3.close());
    const store = new S3Store({ ...s3.storeOptions(), privateBucket: 'optimage-private' });
    onTestFinished(() => store.close());
    return store;
  }],
];

describe.each(drivers)('%s store', (_name, open) => {
  test('move takes only the version it was asked for: a replaced object is refused and stays; the checked one moves with its new type', async () => {
    const store = await open();
    const first = Buffer.from('first version of the upload '.repeat(100));
    const second = Buffer.from('second version, put after the check '.repeat(100));
    await store.put('_direct/dup_move', first, { contentType: 'application/octet-stream' });
    const checked = (await store.head('_direct/dup_move'))!.etag;
    await store.put('_direct/dup_move', second, { contentType: 'application/octet-stream' });
    await expect(store.move('_direct/dup_move', '_originals/img_move', { contentType: 'image/jpeg', ifMatch: checked })).rejects.toBeInstanceOf(ObjectChangedError);
    expect(await store.head('_originals/img_move')).toBeNull();
    expect((await store.head('_direct/dup_move'))?.size).toBe(second.length);

    const now = (await store.head('_direct/dup_move'))!.etag;
    await store.move('_direct/dup_move', '_originals/img_move', { contentType: 'image/jpeg', ifMatch: now });
    expect(await store.head('_direct/dup_move')).toBeNull();
    const moved = (await store.get('_originals/img_move'))!;
    expect([moved.contentType, moved.etag]).toEqual(['image/jpeg', now]);
    const chunks: Buffer[] = [];
    for await (const chunk of moved.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(second);
  });
});
