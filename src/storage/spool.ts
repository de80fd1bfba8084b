/**
 * Streams an uploaded file to a temp file while hashing it, so memory stays bounded whatever the
 * file size or the number of concurrent uploads. Keeps the first bytes for format sniffing.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLargeError } from '../errors.ts';
import { scratchPath } from './scratch.ts';

const HEAD_BYTES = 64;

/** An uploaded file on local disk, hashed. Whoever accepts it owns it and discards it when done. */
export class SpooledFile {
  constructor(
    readonly path: string,
    readonly size: number,
    /** Lowercase hex SHA-256 of the bytes. */
    readonly sha256: string,
    /** Up to the first 64 bytes. */
    readonly head: Buffer,
    /** As the client sent it (untrusted: any characters, any length). */
    readonly filename: string | null,
  ) {}

  /** Removes the temp file; safe to call more than once. */
  discard(): Promise<void> {
    return rm(this.path, { force: true });
  }
}

/** A file part refused on arrival (too large, or nobody signed in): its bytes were read and dropped. */
export class RefusedUpload {
  constructor(readonly error: Error) {}
}

/** What an `Upload` argument holds once the HTTP edge has read the request. */
export type UploadValue = SpooledFile | RefusedUpload;

export async function spoolUpload(source: Readable, filename: string | null, maxBytes: number, dir: string): Promise<SpooledFile> {
  const path = scratchPath(dir, 'upload');
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  let over = false;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      // Past the limit the rest is read and dropped rather than the source destroyed: the multipart
      // parser goes on to the end of the body, so the client gets its answer on a usable connection.
      if (size > maxBytes) over = true;
      if (over) return done();
      if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  if (over) {
    await rm(path, { force: true });
    throw fileTooLarge(maxBytes);
  }
  return new SpooledFile(path, size, hash.digest('hex'), head, filename);
}

export function fileTooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The file is larger than the upload limit of ${maxBytes} bytes (${(maxBytes / 1048576).toFixed(1)} MiB)`, 'FILE_TOO_LARGE');
}
