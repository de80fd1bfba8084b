/**
 * Streams an uploaded file to a temp file while hashing it, so memory stays bounded whatever the
 * file size or the number of concurrent uploads. Keeps the first bytes for format sniffing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLargeError } from '../../errors.ts';

export interface SpooledFile {
  path: string;
  size: number;
  /** Lowercase hex SHA-256 of the bytes. */
  sha256: string;
  /** Up to the first 64 bytes. */
  head: Buffer;
  filename: string | null;
  /** Removes the temp file; safe to call twice. */
  discard(): Promise<void>;
}

const HEAD_BYTES = 64;

export async function spoolUpload(source: Readable, filename: string | null, maxBytes: number, dir: string): Promise<SpooledFile> {
  const path = join(dir, `optimage-upload-${randomUUID()}`);
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) return done(tooLarge(maxBytes));
      if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const discard = () => rm(path, { force: true });
  // busboy (REST) and graphql-upload-minimal (GraphQL) stop a file at their size limit by truncating
  // it, emitting 'limit' and (graphql-upload) unpiping us: turn that into an error we can see.
  source.once('limit', () => source.destroy(tooLarge(maxBytes)));
  try {
    await pipeline(source, meter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    await discard();
    throw err;
  }
  return { path, size, sha256: hash.digest('hex'), head, filename, discard };
}

function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`File is larger than the ${maxBytes}-byte upload limit`, 'FILE_TOO_LARGE');
}
