/**
 * Objects in an S3-compatible bucket (S3, R2, MinIO). Variants sit at the bucket root so a public
 * bucket or custom domain serves the CDN URLs directly; `_originals/` keys go to `originalsBucket`
 * when one is configured (keeping their key). Transient failures (5xx, throttling, resets) are
 * retried by the SDK's standard strategy: jittered exponential backoff, a bounded number of attempts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CopyObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { HeadObjectCommandOutput, PutObjectCommandInput, PutObjectCommandOutput } from '@aws-sdk/client-s3';
// Type-only, from the SDK's own dependency: the middleware signature is not re-exported by client-s3.
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { NotFoundError } from '../errors.ts';
import { assertValidKey, type ObjectInfo, type ObjectStore, type PutOptions, type StoredObject } from './object-store.ts';

export interface S3StoreOptions {
  /** Unset means AWS S3 itself. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  originalsBucket?: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Attempts per request, the first included. Default 4. */
  maxAttempts?: number;
}

const ORIGINALS_PREFIX = '_originals/';
/** DeleteObjects accepts at most this many keys per request. */
const DELETE_BATCH = 1000;
const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

export class S3Store implements ObjectStore {
  readonly kind = 's3';
  private readonly client: S3Client;

  constructor(private readonly options: S3StoreOptions) {
    this.client = new S3Client({
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
    });
  }

  async check(): Promise<void> {
    const buckets = [...new Set([this.options.bucket, this.options.originalsBucket ?? this.options.bucket])];
    for (const bucket of buckets) {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (err) {
        throw new Error(this.bucketProblem(bucket, err), { cause: err });
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

  async put(key: string, body: Uint8Array, opts: PutOptions): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        ...this.location(key),
        Body: body,
        ContentType: opts.contentType,
        CacheControl: opts.cacheControl,
        // A buffer gets its checksum as a plain header (no aws-chunked trailer), verified by the server.
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }

  async putFile(key: string, path: string, opts: PutOptions): Promise<void> {
    const location = this.location(key);
    const digest = await digestFile(path);
    const command = new PutObjectCommand({
      ...location,
      ContentType: opts.contentType,
      CacheControl: opts.cacheControl,
      ContentLength: digest.size,
      ContentMD5: digest.md5,
    });
    // The SDK never retries a request whose body is a stream (it cannot rewind it). So the command
    // carries no body, and each attempt, inside the retry loop and before signing, gets a fresh
    // stream; the payload hash header lets the server verify the bytes and keeps the signature valid.
    const freshBodyPerAttempt: FinalizeRequestMiddleware<PutObjectCommandInput, PutObjectCommandOutput> = (next) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      const body = createReadStream(path);
      try {
        return await next({ ...args, request: { ...request, body, headers: { ...request.headers, 'x-amz-content-sha256': digest.sha256Hex } } });
      } finally {
        body.destroy();
      }
    };
    command.middlewareStack.addRelativeTo(freshBodyPerAttempt, {
      relation: 'after',
      toMiddleware: 'retryMiddleware',
      name: 'optimageFileBodyPerAttempt',
    });
    await this.client.send(command);
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const out = await this.client.send(new GetObjectCommand(this.location(key)));
      const body = out.Body instanceof Readable ? out.Body : Readable.from([]);
      return { ...infoOf(out), body };
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
    let written = 0;
    try {
      await pipeline(
        object.body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            written += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(destPath),
      );
      if (written !== object.size) throw new Error(`Download of ${key} was truncated: ${written} of ${object.size} bytes`);
    } catch (err) {
      await rm(destPath, { force: true });
      throw err;
    }
  }

  async copy(from: string, to: string, opts: PutOptions): Promise<void> {
    const source = this.location(from);
    await this.client.send(
      new CopyObjectCommand({
        ...this.location(to),
        CopySource: `${source.Bucket}/${source.Key.split('/').map(encodeURIComponent).join('/')}`,
        MetadataDirective: 'REPLACE',
        ContentType: opts.contentType,
        CacheControl: opts.cacheControl,
      }),
    );
  }

  async delete(keys: readonly string[]): Promise<void> {
    const byBucket = new Map<string, Set<string>>();
    for (const key of keys) {
      const { Bucket } = this.location(key);
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
  }

  private location(key: string): { Bucket: string; Key: string } {
    assertValidKey(key);
    const originals = this.options.originalsBucket && key.startsWith(ORIGINALS_PREFIX);
    return { Bucket: originals ? this.options.originalsBucket! : this.options.bucket, Key: key };
  }

  private bucketProblem(bucket: string, err: unknown): string {
    const where = this.options.endpoint ?? `AWS S3 (${this.options.region})`;
    switch (statusOf(err)) {
      case 404:
        return `S3 bucket "${bucket}" does not exist at ${where}; create it first`;
      case 403:
        return `S3 bucket "${bucket}" at ${where} refused access: check the access key, secret and the key's permissions on the bucket`;
      case 301:
      case 400:
        return `S3 bucket "${bucket}" is not reachable in region "${this.options.region}" at ${where} (${errorText(err)})`;
      default:
        return `S3 bucket "${bucket}" could not be checked at ${where}: ${errorText(err)}`;
    }
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

/** One pass over the file: size, base64 MD5 (Content-MD5) and hex SHA-256 (the signed payload hash). */
async function digestFile(path: string): Promise<{ size: number; md5: string; sha256Hex: string }> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    md5.update(bytes);
    sha256.update(bytes);
    size += bytes.length;
  }
  return { size, md5: md5.digest('base64'), sha256Hex: sha256.digest('hex') };
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const status = statusOf(err);
  return `${err.name}${status ? ` (HTTP ${status})` : ''}: ${err.message}`;
}
