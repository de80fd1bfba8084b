/**
 * Integrity of stored objects, shared by both drivers: every write is compared with what was sent,
 * and a mismatch is written again a bounded number of times before the write fails. Storage servers
 * that verify checksums themselves (S3 with Content-MD5 or x-amz-checksum-*) make this redundant;
 * the ones that ignore those headers (s3rver, some MinIO set-ups and gateways) store a flipped byte
 * silently, and nothing else would notice before a CDN served it for a year.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Writes of one object, the first included, before a persistent mismatch fails the operation. */
export const INTEGRITY_ATTEMPTS = 3;

/**
 * The store kept different bytes than were sent, on every attempt. Not an AppError: a corrupting
 * network or server can heal, so a job that meets this is retried like any transient failure.
 */
export class StorageIntegrityError extends Error {
  readonly code = 'STORAGE_INTEGRITY';
  constructor(message: string) {
    super(message);
    this.name = 'StorageIntegrityError';
  }
}

export interface Digest {
  size: number;
  md5Hex: string;
}

export interface FileDigest extends Digest {
  /** base64, for Content-MD5. */
  md5Base64: string;
  sha256Hex: string;
}

export function digestOf(bytes: Uint8Array): Digest {
  return { size: bytes.byteLength, md5Hex: createHash('md5').update(bytes).digest('hex') };
}

/** One pass over a file: size, MD5 (hex and base64) and hex SHA-256. */
export async function digestFile(path: string): Promise<FileDigest> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    md5.update(bytes);
    sha256.update(bytes);
    size += bytes.length;
  }
  const md5Digest = md5.digest();
  return { size, md5Hex: md5Digest.toString('hex'), md5Base64: md5Digest.toString('base64'), sha256Hex: sha256.digest('hex') };
}

/** Size and MD5 of a file as it is on disk now (the read-back of a write). */
export async function md5File(path: string): Promise<Digest> {
  const digesting = digestingStream();
  for await (const _chunk of digesting.transform(createReadStream(path))) {
    // consumed for the digest only
  }
  return digesting.done();
}

/** MD5 and size of a stream's bytes as they pass through (call `done` once the stream has ended). */
export function digestingStream(): { transform: (source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer>; done: () => Digest } {
  const hash = createHash('md5');
  let size = 0;
  let result: Digest | undefined;
  return {
    transform: async function* (source) {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    },
    done: () => (result ??= { size, md5Hex: hash.digest('hex') }),
  };
}

/**
 * A quoted ETag that is the plain MD5 of the content: single-part uploads and copies on S3, R2 and
 * MinIO without KMS. Multipart ETags end in `-<parts>`; SSE-KMS and SSE-C ETags look like an MD5
 * but are not one, so callers also pass whether such encryption was applied.
 */
export function md5OfEtag(etag: string | undefined, encrypted: boolean): string | null {
  if (encrypted || !etag) return null;
  const m = /^"?([0-9a-f]{32})"?$/i.exec(etag.trim());
  return m ? m[1]!.toLowerCase() : null;
}

/** Compares what a store holds with what was sent; returns a problem description, or null when equal. */
export function compareDigests(stored: Digest, sent: Digest): string | null {
  if (stored.size !== sent.size) return `${stored.size} bytes stored, ${sent.size} sent`;
  if (stored.md5Hex !== sent.md5Hex) return `MD5 ${stored.md5Hex} stored, ${sent.md5Hex} sent`;
  return null;
}

/**
 * Runs `attempt` (one write plus its check, returning a problem or null) up to INTEGRITY_ATTEMPTS
 * times. When every attempt mismatched, `discard` removes what was stored, so a corrupt object never
 * stays, and the error names the object and the last difference.
 */
export async function writeVerified(what: string, attempt: () => Promise<string | null>, discard: () => Promise<void>): Promise<void> {
  let problem: string | null = null;
  for (let i = 1; i <= INTEGRITY_ATTEMPTS; i++) {
    problem = await attempt();
    if (problem === null) return;
  }
  await discard();
  throw new StorageIntegrityError(`${what} was stored with different bytes than were sent on ${INTEGRITY_ATTEMPTS} attempts (${problem}); it was removed`);
}
