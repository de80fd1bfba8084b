/** Object storage: one behavioural suite for both drivers (real files, real s3rver), then driver specifics. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../src/errors.ts';
import { createObjectStore } from '../src/storage/create-store.ts';
import { StorageIntegrityError } from '../src/storage/integrity.ts';
import { LocalStore } from '../src/storage/local-store.ts';
import type { ObjectStore } from '../src/storage/object-store.ts';
import { S3Store } from '../src/storage/s3-store.ts';
import { startFaultProxy, startS3, type FaultProxy, type TestS3 } from './support/s3.ts';

const VARIANT = { contentType: 'image/webp', cacheControl: 'public, max-age=31536000, immutable' };
const ORIGINALS_BUCKET = 'optimage-originals';

let s3: TestS3;
let raw: S3Client; // talks to s3rver directly, to check what was really stored
let work: string;

beforeAll(async () => {
  s3 = await startS3({ extraBuckets: [ORIGINALS_BUCKET] });
  raw = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3 });
  work = await mkdtemp(join(tmpdir(), 'optimage-storage-test-'));
});

afterAll(async () => {
  raw?.destroy();
  await s3?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const md5Etag = (bytes: Uint8Array) => `"${createHash('md5').update(bytes).digest('hex')}"`;
const bytesOf = async (stream: Readable) => Buffer.concat(await stream.toArray());

async function rawBytes(bucket: string, key: string): Promise<Buffer> {
  const out = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** Everything a listing yields (Array.fromAsync is past this project's lib target). */
async function listAll<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

async function tempFile(size: number): Promise<{ path: string; bytes: Buffer }> {
  const bytes = randomBytes(size);
  const path = join(work, `src-${randomBytes(4).toString('hex')}`);
  await writeFile(path, bytes);
  return { path, bytes };
}

interface DriverCase {
  name: 'local' | 's3';
  open(): Promise<ObjectStore>;
  /** The stored bytes, read without going through the store. */
  stored(key: string): Promise<Buffer>;
}

const drivers: DriverCase[] = [
  {
    name: 'local',
    open: () => createObjectStore({ driver: 'local', rootDir: join(work, 'local-root') }),
    stored: (key) => readFile(join(work, 'local-root', key)),
  },
  {
    name: 's3',
    open: () => createObjectStore({ driver: 's3', ...s3.storeOptions({ originalsBucket: ORIGINALS_BUCKET }) }),
    stored: (key) => rawBytes(key.startsWith('_originals/') ? ORIGINALS_BUCKET : s3.bucket, key),
  },
];

describe.each(drivers)('$name store', (driver) => {
  let store: ObjectStore;
  beforeAll(async () => {
    store = await driver.open();
    expect(store.kind).toBe(driver.name);
    await store.check();
  });
  afterAll(() => store?.close());

  it('put round-trips the exact bytes with content type and cache-control', async () => {
    const bytes = randomBytes(200_003);
    await store.put('col_a/320/beach-sunset.webp', bytes, VARIANT);
    const got = await store.get('col_a/320/beach-sunset.webp');
    expect(got).toMatchObject({ size: bytes.length, contentType: 'image/webp', cacheControl: VARIANT.cacheControl });
    expect(got!.lastModified).toBeInstanceOf(Date);
    expect((await bytesOf(got!.body)).equals(bytes)).toBe(true);
    expect((await driver.stored('col_a/320/beach-sunset.webp')).equals(bytes)).toBe(true);
  });

  it('copy publishes a staged object under a new key with its own cache policy; a missing source throws', async () => {
    const bytes = randomBytes(50_001);
    await store.put('_staging/img_c/0.webp', bytes, { contentType: 'image/webp' });
    await store.copy('_staging/img_c/0.webp', 'col_c/0/copied.webp', VARIANT);
    const got = await store.get('col_c/0/copied.webp');
    expect(got).toMatchObject({ size: bytes.length, contentType: 'image/webp', cacheControl: VARIANT.cacheControl, etag: md5Etag(bytes) });
    expect((await bytesOf(got!.body)).equals(bytes)).toBe(true);
    expect((await driver.stored('col_c/0/copied.webp')).equals(bytes)).toBe(true);
    expect((await store.head('_staging/img_c/0.webp'))?.size).toBe(bytes.length); // the source stays
    await expect(store.copy('_staging/img_c/missing.webp', 'col_c/0/nothing.webp', VARIANT)).rejects.toThrow();
    expect(await store.head('col_c/0/nothing.webp')).toBeNull();
  });

  it('putFile streams a ~1 MB file and stores exactly its bytes', async () => {
    const { path, bytes } = await tempFile(1_000_003);
    await store.putFile('_originals/img_1', path, { contentType: 'image/jpeg' });
    const got = await store.get('_originals/img_1');
    expect(got).toMatchObject({ size: 1_000_003, contentType: 'image/jpeg', etag: md5Etag(bytes) });
    expect(got!.cacheControl).toBeUndefined();
    expect((await bytesOf(got!.body)).equals(bytes)).toBe(true);
    expect((await driver.stored('_originals/img_1')).equals(bytes)).toBe(true);
  });

  it('gives a strong etag: the quoted MD5, equal for equal content, different otherwise', async () => {
    const same = randomBytes(5000);
    const { path } = await tempFile(0);
    await writeFile(path, same);
    await store.put('col_e/320/one.webp', same, VARIANT);
    await store.putFile('col_e/320/two.webp', path, VARIANT);
    await store.put('col_e/320/three.webp', randomBytes(5000), VARIANT);
    const [one, two, three] = await Promise.all(['one', 'two', 'three'].map((n) => store.head(`col_e/320/${n}.webp`)));
    expect(one!.etag).toBe(md5Etag(same));
    expect(two!.etag).toBe(one!.etag);
    expect(three!.etag).not.toBe(one!.etag);
    const got = await store.get('col_e/320/one.webp');
    got!.body.resume();
    expect(got!.etag).toBe(one!.etag);
  });

  it('overwrites an object with new bytes, etag and type', async () => {
    await store.put('col_o/0/pic.webp', Buffer.from('first'), VARIANT);
    const next = Buffer.from('second version');
    await store.put('col_o/0/pic.webp', next, { contentType: 'image/png' });
    const got = await store.get('col_o/0/pic.webp');
    expect(got).toMatchObject({ size: next.length, etag: md5Etag(next), contentType: 'image/png' });
    expect((await bytesOf(got!.body)).equals(next)).toBe(true);
  });

  it('head describes an object without its body; missing keys give null', async () => {
    await store.put('col_h/512/x.webp', Buffer.from('hello'), VARIANT);
    const info = await store.head('col_h/512/x.webp');
    expect(info).toMatchObject({ size: 5, contentType: 'image/webp', cacheControl: VARIANT.cacheControl, etag: md5Etag(Buffer.from('hello')) });
    expect(info).not.toHaveProperty('body');
    expect(await store.head('col_h/512/missing.webp')).toBeNull();
    expect(await store.head('col_h/512')).toBeNull(); // a "directory" is not an object
    expect(await store.get('col_h/512/missing.webp')).toBeNull();
    expect(await store.get('col_h')).toBeNull();
    expect(await store.get('nowhere/at/all.webp')).toBeNull();
  });

  it('delete removes objects, ignores missing keys and is idempotent', async () => {
    const keys = ['col_d/320/a.webp', 'col_d/384/a.webp', '_originals/img_d'];
    for (const key of keys) await store.put(key, Buffer.from(key), VARIANT);
    await store.put('col_d/448/keep.webp', Buffer.from('keep'), VARIANT);
    await store.delete([...keys, 'col_d/999/never-existed.webp']);
    for (const key of keys) expect(await store.head(key)).toBeNull();
    expect(await store.head('col_d/448/keep.webp')).not.toBeNull();
    await store.delete(keys);
    await store.delete([]);
  });

  it('getFile downloads exact bytes; a missing key throws NotFoundError and leaves no file', async () => {
    const { path, bytes } = await tempFile(1_000_003);
    await store.putFile('_originals/img_g', path, { contentType: 'image/png' });
    const dest = join(work, `dl-${driver.name}`);
    await store.getFile('_originals/img_g', dest);
    expect((await readFile(dest)).equals(bytes)).toBe(true);
    const missingDest = join(work, `dl-missing-${driver.name}`);
    await expect(store.getFile('_originals/nope', missingDest)).rejects.toBeInstanceOf(NotFoundError);
    await expect(stat(missingDest)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('list streams the keys under a prefix with size and date, in order, and resumes after a key', async () => {
    const since = Date.now() - 2000; // S3 dates have whole seconds
    const prefix = `col_list${driver.name}/`;
    const keys = [`${prefix}320/a.webp`, `${prefix}320/b.webp`, `${prefix}384/a.webp`];
    for (const [i, key] of keys.entries()) await store.put(key, Buffer.alloc(i + 1, 1), VARIANT);
    await store.put(`_originals/img_list${driver.name}`, Buffer.from('orig'), { contentType: 'image/jpeg' });
    const listed = await listAll(store.list(prefix));
    expect(listed.map((o) => [o.key, o.size])).toEqual(keys.map((key, i) => [key, i + 1]));
    for (const o of listed) expect(o.lastModified.getTime()).toBeGreaterThanOrEqual(since);
    expect((await listAll(store.list(prefix, { startAfter: keys[0] }))).map((o) => o.key)).toEqual(keys.slice(1));
    expect((await listAll(store.list(`${prefix}384/`))).map((o) => o.key)).toEqual([keys[2]]);
    const everything = (await listAll(store.list(''))).map((o) => o.key);
    expect(everything).toEqual(expect.arrayContaining([...keys, `_originals/img_list${driver.name}`]));
    expect(await listAll(store.list('col_nothing-here/'))).toEqual([]);
  });

  it('rejects unsafe keys in every operation', async () => {
    const bad = ['', '/etc/passwd', '../escape', 'a/../../b', 'a/..', 'a\\b', 'a\0b', 'a//b', './a', 'a/', '.hidden', 'x'.repeat(1025)];
    const { path } = await tempFile(10);
    for (const key of bad) {
      await expect(store.put(key, Buffer.from('x'), VARIANT), key).rejects.toThrow(/Invalid object key/);
      await expect(store.putFile(key, path, VARIANT), key).rejects.toThrow(/Invalid object key/);
      await expect(store.get(key), key).rejects.toThrow(/Invalid object key/);
      await expect(store.head(key), key).rejects.toThrow(/Invalid object key/);
      await expect(store.getFile(key, join(work, 'never')), key).rejects.toThrow(/Invalid object key/);
      await expect(store.delete(['fine/key.webp', key]), key).rejects.toThrow(/Invalid object key/);
    }
    await expect(stat(join(work, 'escape'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('local store', () => {
  const root = () => join(work, 'local-specific');
  let store: LocalStore;
  beforeAll(async () => {
    store = new LocalStore(root());
    await store.check();
  });

  it('stores plain files with a hidden sidecar and leaves no temp files', async () => {
    const { path } = await tempFile(300_000);
    await store.put('col_l/320/a.webp', Buffer.from('a'), VARIANT);
    await store.putFile('_originals/img_l', path, { contentType: 'image/jpeg' });
    await store.put('col_l/320/a.webp', Buffer.from('again'), VARIANT);
    expect(await listTree(root())).toEqual(['_originals/.img_l.meta.json', '_originals/img_l', 'col_l/320/.a.webp.meta.json', 'col_l/320/a.webp']);
  });

  it('a write blocked by a directory or a file fails and leaves nothing behind', async () => {
    await store.put('col_b/320/x.webp', Buffer.from('x'), VARIANT);
    const before = await listTree(root());
    await expect(store.put('col_b/320', Buffer.from('blocked by a directory'), VARIANT)).rejects.toMatchObject({ code: 'EISDIR' });
    const { path } = await tempFile(100_000);
    await expect(store.putFile('col_b/320', path, VARIANT)).rejects.toMatchObject({ code: 'EISDIR' });
    await expect(store.put('col_b/320/x.webp/y', Buffer.from('blocked by a file'), VARIANT)).rejects.toThrow();
    await expect(store.putFile(`col_b/missing-source`, join(work, 'no-such-file'), VARIANT)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await listTree(root())).toEqual(before);
  });

  it('never exposes a partial file at the final path', async () => {
    const { path, bytes } = await tempFile(16 * 1024 * 1024);
    const final = join(root(), 'col_p/0/big.webp');
    const sizesSeen = new Set<number>();
    let done = false;
    const writing = store.putFile('col_p/0/big.webp', path, VARIANT).finally(() => (done = true));
    while (!done) {
      const st = await stat(final).catch(() => null);
      if (st) sizesSeen.add(st.size);
    }
    await writing;
    sizesSeen.add((await stat(final)).size);
    expect([...sizesSeen]).toEqual([bytes.length]);
  });

  it('delete prunes directories left empty, up to the root', async () => {
    await store.put('col_x/320/a.webp', Buffer.from('a'), VARIANT);
    await store.put('col_x/384/a.webp', Buffer.from('a'), VARIANT);
    await store.delete(['col_x/320/a.webp']);
    await expect(stat(join(root(), 'col_x/320'))).rejects.toMatchObject({ code: 'ENOENT' });
    await store.delete(['col_x/384/a.webp']);
    await expect(stat(join(root(), 'col_x'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(root())).isDirectory()).toBe(true);
  });

  it('a stale or missing sidecar (crash between renames) still yields the right etag', async () => {
    await store.put('col_s/0/s.webp', Buffer.from('old'), VARIANT);
    // What a crash after the data rename but before the sidecar rename leaves: new bytes, old sidecar.
    const replacement = join(root(), 'col_s/0/replacement');
    await writeFile(replacement, 'new bytes');
    await rename(replacement, join(root(), 'col_s/0/s.webp'));
    expect(await store.head('col_s/0/s.webp')).toMatchObject({ etag: md5Etag(Buffer.from('new bytes')), size: 9, contentType: 'image/webp' });
    await rm(join(root(), 'col_s/0/.s.webp.meta.json'));
    const got = await store.get('col_s/0/s.webp');
    expect(got).toMatchObject({ etag: md5Etag(Buffer.from('new bytes')), contentType: 'application/octet-stream' });
    expect((await bytesOf(got!.body)).toString()).toBe('new bytes');
  });

  it('list skips its own dot-files; leftovers() finds old temp files and lone sidecars, not fresh ones', async () => {
    await store.put('col_t/320/kept.webp', Buffer.from('k'), VARIANT);
    const dir = join(root(), 'col_t/320');
    const old = new Date(Date.now() - 3 * 3600_000);
    for (const name of ['.tmp-0123456789abcdef', '.tmp-0123456789abcdef.meta', '.gone.webp.meta.json', '.tmp-fresh']) await writeFile(join(dir, name), 'x');
    for (const name of ['.tmp-0123456789abcdef', '.tmp-0123456789abcdef.meta', '.gone.webp.meta.json']) await utimes(join(dir, name), old, old);
    expect((await listAll(store.list('col_t/'))).map((o) => o.key)).toEqual(['col_t/320/kept.webp']);
    const leftovers = await listAll(store.leftovers(new Date(Date.now() - 3600_000)));
    expect(leftovers.map((f) => f.path).sort()).toEqual(['.gone.webp.meta.json', '.tmp-0123456789abcdef', '.tmp-0123456789abcdef.meta'].map((n) => join(dir, n)));
    for (const f of leftovers) await store.removeLeftover(f.path);
    expect((await readdir(dir)).sort()).toEqual(['.kept.webp.meta.json', '.tmp-fresh', 'kept.webp']);
    await expect(store.removeLeftover(join(dir, 'kept.webp'))).rejects.toThrow(/not a leftover/);
  });

  it('check() fails with a clear message when the root cannot be a directory', async () => {
    const file = join(work, 'a-file');
    await writeFile(file, 'x');
    await expect(new LocalStore(join(file, 'storage')).check()).rejects.toThrow(/Storage directory .*a-file\/storage is not usable/);
  });
});

describe('s3 store', () => {
  let store: S3Store;
  beforeAll(() => {
    store = new S3Store(s3.storeOptions({ originalsBucket: ORIGINALS_BUCKET }));
  });
  afterAll(() => store?.close());

  it('stores Content-Type, Cache-Control and unframed bytes on the object itself', async () => {
    const { path, bytes } = await tempFile(1_000_000);
    await store.putFile('col_h/0/hdr.webp', path, VARIANT);
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'col_h/0/hdr.webp' }));
    expect(head).toMatchObject({ ContentType: 'image/webp', CacheControl: VARIANT.cacheControl, ContentLength: 1_000_000, ETag: md5Etag(bytes) });
  });

  it('puts _originals/ keys in the originals bucket when one is configured', async () => {
    await store.put('_originals/img_o', Buffer.from('original'), { contentType: 'image/jpeg' });
    expect((await rawBytes(ORIGINALS_BUCKET, '_originals/img_o')).toString()).toBe('original');
    await expect(raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: '_originals/img_o' }))).rejects.toMatchObject({ name: 'NotFound' });
    await store.delete(['_originals/img_o']);
    await expect(raw.send(new HeadObjectCommand({ Bucket: ORIGINALS_BUCKET, Key: '_originals/img_o' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('lists _originals/ keys from the originals bucket, merged in key order, never the main bucket\'s own', async () => {
    await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: '_originals/img_stray', Body: 'stray' }));
    await store.put('_originals/img_merged', Buffer.from('o'), { contentType: 'image/jpeg' });
    await store.put('_a/merged', Buffer.from('a'), VARIANT);
    await store.put('_z/merged', Buffer.from('z'), VARIANT);
    const keys = (await listAll(store.list(''))).map((o) => o.key).filter((k) => k.includes('merged') || k.includes('stray'));
    expect(keys).toEqual(['_a/merged', '_originals/img_merged', '_z/merged']);
    expect((await listAll(store.list('_originals/img_m'))).map((o) => o.key)).toEqual(['_originals/img_merged']);
    expect((await listAll(store.list('', { startAfter: '_originals/img_merged' }))).map((o) => o.key)).toContain('_z/merged');
    expect((await listAll(store.list('', { startAfter: '_originals/img_merged' }))).map((o) => o.key)).not.toContain('_a/merged');
    await store.delete(['_originals/img_merged', '_a/merged', '_z/merged']);
  });

  it('deletes more than 1000 keys in batches of at most 1000', async () => {
    const keys = Array.from({ length: 1001 }, (_, i) => `col_many/320/${i}.webp`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => store.put(key, Buffer.from('m'), VARIANT)));
    }
    const proxy = await startFaultProxy(s3.endpoint);
    const viaProxy = new S3Store(s3.storeOptions({ endpoint: proxy.endpoint }));
    try {
      // a listing over more than one page follows the continuation token
      expect((await listAll(viaProxy.list('col_many/'))).length).toBe(1001);
      expect(proxy.requests.filter((r) => r.method === 'GET' && r.url.includes('list-type=2')).length).toBe(2);
      await viaProxy.delete(keys);
      expect(proxy.requests.filter((r) => r.method === 'POST' && r.url.includes('delete')).length).toBe(2);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
    const left = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'col_many/' }));
    expect(left.KeyCount ?? 0).toBe(0);
  });

  it('check() names a missing bucket', async () => {
    const missing = new S3Store(s3.storeOptions({ bucket: 'no-such-bucket' }));
    await expect(missing.check()).rejects.toThrow('S3 bucket "no-such-bucket" does not exist');
    await missing.close();
  });

  it('check() says when the credentials are refused', async () => {
    // s3rver does not verify SigV4 signatures, but it does reject unknown access keys.
    const denied = new S3Store({ ...s3.storeOptions(), accessKeyId: 'NOT-A-KEY' });
    await expect(denied.check()).rejects.toThrow(/S3 bucket "optimage-test" .*refused access/);
    await denied.close();
  });

  it('check() says when the endpoint cannot be reached', async () => {
    const proxy = await startFaultProxy(s3.endpoint);
    await proxy.close(); // a port that was just free
    const unreachable = new S3Store({ ...s3.storeOptions({ endpoint: proxy.endpoint }), maxAttempts: 1 });
    await expect(unreachable.check()).rejects.toThrow(/S3 bucket "optimage-test" could not be checked at http:\/\/127\.0\.0\.1:\d+/);
    await unreachable.close();
  });
});

describe('s3 store through a faulty network', () => {
  let proxy: FaultProxy;
  let store: S3Store;
  beforeAll(async () => {
    proxy = await startFaultProxy(s3.endpoint);
    store = new S3Store(s3.storeOptions({ endpoint: proxy.endpoint }));
  });
  afterAll(async () => {
    await store?.close();
    await proxy?.close();
  });

  it.each([503, 500, 'drop'] as const)('retries transient failures (%s, twice per request) until every operation succeeds', async (failWith) => {
    proxy.reset();
    proxy.setRules({ failFirstAttempts: 2, failWith });
    const small = randomBytes(10_000);
    const { path, bytes } = await tempFile(1_000_003);
    await store.put('col_r/320/r.webp', small, VARIANT);
    await store.putFile('_originals/img_r', path, { contentType: 'image/jpeg' });
    // The attempt that got through carried the whole file again, with a payload hash S3 can verify.
    const upload = proxy.requests.find((r) => r.method === 'PUT' && r.url.includes('img_r') && r.outcome === 'forwarded')!;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(upload.bodySha256).toBe(sha256);
    expect(upload.headers['x-amz-content-sha256']).toBe(sha256);
    expect(upload.headers['content-md5']).toBe(createHash('md5').update(bytes).digest('base64'));
    expect(upload.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
    // No flexible checksum: it would be computed over the (absent) command body, or go aws-chunked.
    expect(Object.keys(upload.headers).filter((h) => h.startsWith('x-amz-checksum') || h === 'x-amz-trailer')).toEqual([]);
    const variant = proxy.requests.find((r) => r.method === 'PUT' && r.url.includes('r.webp') && r.outcome === 'forwarded')!;
    expect(variant.headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update(small).digest('base64'));
    expect(variant.headers['content-encoding']).toBeUndefined();
    expect((await bytesOf((await store.get('col_r/320/r.webp'))!.body)).equals(small)).toBe(true);
    expect(await store.head('_originals/img_r')).toMatchObject({ size: bytes.length, etag: md5Etag(bytes) });
    await store.getFile('_originals/img_r', join(work, 'retried-download'));
    expect((await readFile(join(work, 'retried-download'))).equals(bytes)).toBe(true);
    await store.delete(['col_r/320/r.webp', '_originals/img_r']);
    proxy.setRules({});
    expect(await store.head('col_r/320/r.webp')).toBeNull();

    expect((await rawBytes(s3.bucket, 'col_r/320/r.webp').catch(() => null))).toBeNull();
    const attempts = [...proxy.attemptsByInvocation().values()];
    expect(attempts.slice(0, 6)).toEqual([3, 3, 3, 3, 3, 3]);
    expect(proxy.requests.filter((r) => r.outcome === failWith)).toHaveLength(12);
  });

  it('gives up after maxAttempts when every request fails', async () => {
    proxy.reset();
    proxy.setRules({ failFraction: 1, failWith: 503 });
    const { path } = await tempFile(100_000);
    await expect(store.put('col_f/320/f.webp', Buffer.from('f'), VARIANT)).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
    await expect(store.putFile('col_f/320/g.webp', path, VARIANT)).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
    expect([...proxy.attemptsByInvocation().values()]).toEqual([4, 4]);
    proxy.setRules({});
  });
});

describe('s3 store integrity: what was stored is what was sent', () => {
  let proxy: FaultProxy;
  let store: S3Store;
  beforeAll(async () => {
    proxy = await startFaultProxy(s3.endpoint);
    store = new S3Store(s3.storeOptions({ endpoint: proxy.endpoint }));
  });
  afterAll(async () => {
    await store?.close();
    await proxy?.close();
  });
  // path-style: /<bucket>/<key>?<query>
  const keyOf = (url = '/') => new URL(url, 'http://x').pathname.split('/').slice(2).map(decodeURIComponent).join('/');
  const putsOf = (key: string) => proxy.requests.filter((r) => r.method === 'PUT' && keyOf(r.url) === key);
  const isPutOf = (key: string) => (req: { method?: string; url?: string }) => req.method === 'PUT' && keyOf(req.url) === key;
  const storedOrNull = (key: string) => rawBytes(s3.bucket, key).catch((err: unknown) => (err instanceof Error && err.name === 'NoSuchKey' ? null : Promise.reject(err)));

  it('a byte flipped in a buffer PUT (which s3rver stores silently) is detected by the ETag and written again', async () => {
    proxy.reset();
    proxy.setRules({ corrupt: { match: isPutOf('col_i/320/flip.webp'), times: 1 } });
    const bytes = randomBytes(300_001);
    await store.put('col_i/320/flip.webp', bytes, VARIANT);
    expect(putsOf('col_i/320/flip.webp').map((r) => r.outcome)).toEqual(['corrupted', 'forwarded']);
    expect((await rawBytes(s3.bucket, 'col_i/320/flip.webp')).equals(bytes)).toBe(true);
  });

  it('a byte flipped in a streamed file PUT is detected and the file sent again', async () => {
    proxy.reset();
    proxy.setRules({ corrupt: { match: isPutOf('_originals/img_flip'), times: 2 } });
    const { path, bytes } = await tempFile(1_500_007);
    await store.putFile('_originals/img_flip', path, { contentType: 'image/jpeg' });
    expect(putsOf('_originals/img_flip').map((r) => r.outcome)).toEqual(['corrupted', 'corrupted', 'forwarded']);
    expect((await rawBytes(s3.bucket, '_originals/img_flip')).equals(bytes)).toBe(true);
  });

  it('when every attempt is corrupted the put fails with a clear error and leaves no object', async () => {
    proxy.reset();
    proxy.setRules({ corrupt: { match: (req) => req.method === 'PUT' } });
    await expect(store.put('col_i/320/always.webp', randomBytes(10_000), VARIANT)).rejects.toMatchObject({
      name: 'StorageIntegrityError',
      code: 'STORAGE_INTEGRITY',
      message: expect.stringMatching(/^S3 object "col_i\/320\/always\.webp" was stored with different bytes than were sent on 3 attempts \(ETag [0-9a-f]{32} stored, MD5 [0-9a-f]{32} sent\); it was removed$/),
    });
    const { path } = await tempFile(200_000);
    await expect(store.putFile('_originals/img_always', path, { contentType: 'image/jpeg' })).rejects.toBeInstanceOf(StorageIntegrityError);
    proxy.setRules({});
    expect(putsOf('col_i/320/always.webp')).toHaveLength(3);
    expect(await storedOrNull('col_i/320/always.webp')).toBeNull();
    expect(await storedOrNull('_originals/img_always')).toBeNull();
  });

  it('where the ETag is not a plain MD5 (multipart-style, KMS) the object is read back and compared', async () => {
    proxy.reset();
    const key = 'col_i/320/opaque.webp';
    proxy.setRules({
      corrupt: { match: isPutOf(key), times: 1 },
      rewriteResponse: { match: isPutOf(key), headers: (h) => ({ ...h, etag: '"0123456789abcdef0123456789abcdef-2"' }) },
    });
    const bytes = randomBytes(64_000);
    await store.put(key, bytes, VARIANT);
    // corrupt PUT, read-back (mismatch), PUT again, read-back (match)
    expect(proxy.requests.filter((r) => keyOf(r.url) === key).map((r) => `${r.method} ${r.outcome}`)).toEqual(['PUT corrupted', 'GET forwarded', 'PUT forwarded', 'GET forwarded']);
    expect((await rawBytes(s3.bucket, key)).equals(bytes)).toBe(true);
  });

  it("a copy whose result does not match the source's ETag is retried, then fails and is removed", async () => {
    const bytes = randomBytes(20_000);
    await store.put('_staging/img_i/0.webp', bytes, { contentType: 'image/webp' });
    proxy.reset();
    const isCopy = (req: { headers: IncomingMessage['headers'] }) => req.headers['x-amz-copy-source'] !== undefined;
    proxy.setRules({ rewriteResponse: { match: isCopy, body: (xml) => xml.replace(/<ETag>[^<]*<\/ETag>/, '<ETag>&quot;ffffffffffffffffffffffffffffffff&quot;</ETag>') } });
    await expect(store.copy('_staging/img_i/0.webp', 'col_i/0/copied.webp', VARIANT)).rejects.toThrow(
      /^S3 copy of "_staging\/img_i\/0\.webp" to "col_i\/0\/copied\.webp" was stored with different bytes than were sent on 3 attempts \(ETag f{32} stored, source's [0-9a-f]{32}\); it was removed$/,
    );
    expect(proxy.requests.filter((r) => r.method === 'PUT' && isCopy(r))).toHaveLength(3);
    expect(await storedOrNull('col_i/0/copied.webp')).toBeNull();
    // with a result ETag that is not a plain MD5, both objects are read back: equal bytes pass
    proxy.setRules({ rewriteResponse: { match: isCopy, body: (xml) => xml.replace(/<ETag>[^<]*<\/ETag>/, '<ETag>&quot;abc-1&quot;</ETag>') } });
    await store.copy('_staging/img_i/0.webp', 'col_i/0/copied.webp', VARIANT);
    expect((await rawBytes(s3.bucket, 'col_i/0/copied.webp')).equals(bytes)).toBe(true);
    proxy.setRules({});
  });
});
