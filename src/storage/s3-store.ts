/**
 * Objects in an S3-compatible bucket (S3, R2, MinIO). Variants sit at the bucket root so a public
 * bucket or custom domain serves the CDN URLs directly; `_originals/` keys go to `originalsBucket`
 * when one is configured (keeping their key). Transient failures (5xx, throttling, resets) are
 * retried by the SDK's standard strategy: jittered exponential backoff, a bounded number of attempts.
 * Every write is checked against what was sent (integrity.ts, s3-verifier.ts): by the returned ETag
 * where it is the content's MD5, else by reading the object back.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NotFoundError } from '../errors.ts';
import { compareDigests, digestFile, digestOf, writeVerified } from './integrity.ts';
import { filterKeys, mergeByKey } from './listing.ts';
import { assertValidKey, ObjectChangedError, type ByteRange, type CopyOptions, type ListedObject, type MoveOptions, type Presigner, type ListOptions, type ObjectInfo, type ObjectStore, type PutOptions, type StoredObject } from './object-store.ts';
import { downloadTo, streamFileBody } from './s3-file-body.ts';
import { bucketProblem, errorName, errorText, statusOf } from './s3-errors.ts';
import { presignPut } from './s3-presign.ts';
import { S3Verifier, type Location } from './s3-verifier.ts';

export interface S3StoreOptions {
  /** Unset means AWS S3 itself. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  originalsBucket?: string | undefined;
  /** Where `_private/` (private collections' files) and `_direct/` (direct uploads) keys go; unset: the main bucket. */
  privateBucket?: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Attempts per request, the first included. Default 4. */
  maxAttempts?: number;
}

const ORIGINALS_PREFIX = '_originals/';
const PRIVATE_PREFIXES = ['_private/', '_direct/'];
/** DeleteObjects accepts at most this many keys per request. */
const DELETE_BATCH = 1000;
const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

export class S3Store implements ObjectStore {
  readonly kind = 's3';
  readonly presigner: Presigner = {
    presignGet: (key, expiresIn) => getSignedUrl(this.client, new GetObjectCommand(this.location(key)), { expiresIn }),
    presignPut: (key, upload) => presignPut(this.client, this.location(key), upload),
  };
  private readonly client: S3Client;
  /** Copies of a publication burst (CopyOptions.singleAttempt): no retry or backoff while others are public. */
  private readonly singleAttemptClient: S3Client;
  private readonly verifier: S3Verifier;

  constructor(private readonly options: S3StoreOptions) {
    const config = {
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      maxAttempts: options.maxAttempts ?? 4,
      retryMode: 'standard',
      // Flexible checksums turn streamed bodies into aws-chunked uploads, which s3rver and some
      // S3-compatibles store verbatim (framing included). Integrity is sent explicitly instead.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    } as const;
    this.client = new S3Client(config);
    this.singleAttemptClient = new S3Client({ ...config, maxAttempts: 1 });
    this.verifier = new S3Verifier(this.client);
  }

  async check(): Promise<void> {
    const { bucket, originalsBucket, privateBucket } = this.options;
    const buckets = [...new Set([bucket, originalsBucket ?? bucket, privateBucket ?? bucket])];
    for (const bucket of buckets) {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (err) {
        throw new Error(bucketProblem(bucket, this.options.endpoint ?? `AWS S3 (${this.options.region})`, this.options.region, err), { cause: err });
      }
      const probe = `_optimage-probe/${randomUUID()}`;
      try {
        await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: probe, Body: 'ok', ContentType: 'text/plain' }));
        await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: probe }));
      } catch (err) {
        throw new Error(`S3 bucket "${bucket}" is not writable with these credentials: ${errorText(err)}`, { cause: err });
      }
    }
  }

  /** Single-part PUT of a buffer; the returned ETag is compared with the MD5 of `body`. */
  async put(key: string, body: Uint8Array, opts: PutOptions): Promise<void> {
    const location = this.location(key);
    const sent = digestOf(body);
    await writeVerified(
      `S3 object "${key}"`,
      async () => {
        const out = await this.client.send(
          new PutObjectCommand({
            ...location,
            Body: body,
            ContentType: opts.contentType,
            CacheControl: opts.cacheControl,
            // A buffer gets its checksum as a plain header (no aws-chunked trailer), verified by the server.
            ChecksumAlgorithm: 'SHA256',
          }),
        );
        return this.verifier.checkStored(location, out, sent);
      },
      () => this.verifier.discard(location),
    );
  }

  /** Streams a file; the MD5 of the bytes each attempt actually sent is compared with the returned ETag. */
  async putFile(key: string, path: string, opts: PutOptions): Promise<void> {
    const location = this.location(key);
    const digest = await digestFile(path);
    await writeVerified(
      `S3 object "${key}"`,
      async () => {
        const command = new PutObjectCommand({
          ...location,
          ContentType: opts.contentType,
          CacheControl: opts.cacheControl,
          ContentLength: digest.size,
          ContentMD5: digest.md5Base64,
        });
        const streamed = streamFileBody(command, path, digest.sha256Hex);
        const out = await this.client.send(command);
        // What went over the wire must be the file as hashed for the headers (it did not change meanwhile).
        const sent = streamed();
        const changed = compareDigests(sent, digest);
        if (changed) throw new Error(`${path} changed while it was uploaded to "${key}" (${changed})`);
        return this.verifier.checkStored(location, out, sent);
      },
      () => this.verifier.discard(location),
    );
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ ...this.location(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
      const body = out.Body instanceof Readable ? out.Body : Readable.from([]);
      // a ranged answer's Content-Length is the range's; the object's size is after the slash of Content-Range
      const total = out.ContentRange ? Number(/\/(\d+)$/.exec(out.ContentRange)?.[1]) : undefined;
      return { ...infoOf(out), ...(total !== undefined && Number.isFinite(total) ? { size: total } : {}), body };
    } catch (err) {
      if (errorName(err) === 'NoSuchKey') return null;
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      return infoOf(await this.client.send(new HeadObjectCommand(this.location(key))));
    } catch (err) {
      // HEAD responses carry no error body, so a missing key is only a 404.
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  async getFile(key: string, destPath: string): Promise<void> {
    const object = await this.get(key);
    if (!object) throw new NotFoundError(`Object ${key} not found`, 'OBJECT_NOT_FOUND');
    await downloadTo(object, key, destPath);
  }

  /** Server-side copy, checked against the source's ETag (or, when either is not a plain MD5, both read back). */
  async copy(from: string, to: string, opts: CopyOptions & Pick<MoveOptions, 'ifMatch'>): Promise<void> {
    const client = opts.singleAttempt ? this.singleAttemptClient : this.client;
    const source = this.location(from);
    const dest = this.location(to);
    // a version asked for by its ETag (a move): checked by a HEAD now, and by S3 again at the copy
    let digest = await this.verifier.sourceDigest(source, opts.ifMatch !== undefined);
    if (opts.ifMatch !== undefined && digest.etag !== opts.ifMatch) throw new ObjectChangedError(from);
    await writeVerified(
      `S3 copy of "${from}" to "${to}"`,
      async () => {
        const command = () =>
          new CopyObjectCommand({
            ...dest,
            CopySource: `${source.Bucket}/${source.Key.split('/').map(encodeURIComponent).join('/')}`,
            // The version whose ETag we compare with, not one a concurrent writer put there since.
            CopySourceIfMatch: digest.etag,
            MetadataDirective: 'REPLACE',
            ContentType: opts.contentType,
            CacheControl: opts.cacheControl,
          });
        const out = await client.send(command()).catch(async (err: unknown) => {
          // What we remembered is not there any more (another writer): ask S3 what is.
          if (statusOf(err) === 412 && opts.ifMatch !== undefined) throw new ObjectChangedError(from);
          if (statusOf(err) !== 412 || !digest.remembered) throw err;
          digest = await this.verifier.sourceDigest(source, true);
          return client.send(command());
        });
        return this.verifier.checkCopy(source, digest.md5, dest, out.CopyObjectResult ?? {});
      },
      () => this.verifier.discard(dest),
    );
  }

  /** A server-side copy of that version (checked), then the source deleted: the bytes never pass through this process. */
  async move(from: string, to: string, opts: MoveOptions): Promise<void> {
    await this.copy(from, to, opts);
    await this.delete([from]);
  }

  /**
   * ListObjectsV2 pages (1000 keys each) in S3's key order. With an originals bucket, `_originals/`
   * keys come from it (the main bucket's own keys there are unreachable through this store and
   * skipped) and both listings are merged, so the order, and `startAfter`, stay one.
   */
  list(prefix: string, options: ListOptions = {}): AsyncIterable<ListedObject> {
    const { bucket, originalsBucket } = this.options;
    if (!originalsBucket || originalsBucket === bucket) return this.listBucket(bucket, prefix, options.startAfter);
    const main = filterKeys(this.listBucket(bucket, prefix, options.startAfter), (key) => !key.startsWith(ORIGINALS_PREFIX));
    const overlaps = prefix.startsWith(ORIGINALS_PREFIX) || ORIGINALS_PREFIX.startsWith(prefix);
    if (!overlaps) return main;
    const originals = this.listBucket(originalsBucket, prefix.length > ORIGINALS_PREFIX.length ? prefix : ORIGINALS_PREFIX, options.startAfter);
    return mergeByKey(main, originals);
  }

  private async *listBucket(bucket: string, prefix: string, startAfter: string | undefined): AsyncGenerator<ListedObject> {
    let token: string | undefined;
    do {
      const out = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, StartAfter: token ? undefined : startAfter, ContinuationToken: token }));
      for (const item of out.Contents ?? []) {
        if (item.Key !== undefined) yield { key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified ?? new Date(0) };
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(keys: readonly string[]): Promise<void> {
    const byBucket = new Map<string, Set<string>>();
    for (const key of keys) {
      const location = this.location(key);
      this.verifier.forget(location);
      const { Bucket } = location;
      byBucket.set(Bucket, (byBucket.get(Bucket) ?? new Set()).add(key));
    }
    for (const [bucket, keySet] of byBucket) {
      const all = [...keySet];
      for (let i = 0; i < all.length; i += DELETE_BATCH) {
        const batch = all.slice(i, i + DELETE_BATCH);
        const out = await this.client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        );
        const failed = out.Errors ?? [];
        if (failed.length > 0) {
          const sample = failed.slice(0, 3).map((e) => `${e.Key}: ${e.Code} ${e.Message ?? ''}`.trim());
          throw new Error(`Could not delete ${failed.length} object(s) from S3 bucket "${bucket}" (${sample.join('; ')})`);
        }
      }
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.singleAttemptClient.destroy();
  }

  private location(key: string): Location {
    assertValidKey(key);
    const { bucket, originalsBucket, privateBucket } = this.options;
    if (originalsBucket && key.startsWith(ORIGINALS_PREFIX)) return { Bucket: originalsBucket, Key: key };
    if (privateBucket && PRIVATE_PREFIXES.some((p) => key.startsWith(p))) return { Bucket: privateBucket, Key: key };
    return { Bucket: bucket, Key: key };
  }
}

function infoOf(out: Omit<HeadObjectCommandOutput, '$metadata'>): ObjectInfo {
  const info: ObjectInfo = {
    size: out.ContentLength ?? 0,
    etag: out.ETag ?? '',
    contentType: out.ContentType ?? FALLBACK_CONTENT_TYPE,
    lastModified: out.LastModified ?? new Date(0),
  };
  if (out.CacheControl !== undefined) info.cacheControl = out.CacheControl;
  return info;
}
