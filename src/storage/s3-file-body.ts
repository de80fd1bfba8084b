/**
 * A file as the body of a PutObject that the SDK may retry. The SDK never retries a request whose
 * body is a stream (it cannot rewind it). So the command carries no body, and each attempt, inside
 * the retry loop and before signing, gets a fresh stream of the file; the payload hash header lets
 * the server verify the bytes and keeps the signature valid. Each attempt's bytes are hashed as they
 * go out, so the caller can compare what was really sent with what the server says it stored.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PutObjectCommand, PutObjectCommandInput, PutObjectCommandOutput } from '@aws-sdk/client-s3';
// Type-only, from the SDK's own dependency: the middleware signature is not re-exported by client-s3.
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { digestingStream, type Digest } from './integrity.ts';
import type { StoredObject } from './object-store.ts';

/** Attaches `path` as the body of every attempt of `command`; returns the digest of the last attempt's bytes. */
export function streamFileBody(command: PutObjectCommand, path: string, sha256Hex: string): () => Digest {
  let lastAttempt: (() => Digest) | undefined;
  const freshBodyPerAttempt: FinalizeRequestMiddleware<PutObjectCommandInput, PutObjectCommandOutput> = (next) => async (args) => {
    const request = args.request as { headers: Record<string, string> };
    const file = createReadStream(path);
    const digesting = digestingStream();
    lastAttempt = digesting.done;
    const body = Readable.from(digesting.transform(file));
    try {
      return await next({ ...args, request: { ...request, body, headers: { ...request.headers, 'x-amz-content-sha256': sha256Hex } } });
    } finally {
      body.destroy();
      file.destroy();
    }
  };
  command.middlewareStack.addRelativeTo(freshBodyPerAttempt, {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    name: 'optimageFileBodyPerAttempt',
  });
  return () => lastAttempt?.() ?? { size: 0, md5Hex: '' };
}

/** Writes a fetched object's body to `destPath`, refusing (and removing) a download shorter or longer than the object. */
export async function downloadTo(object: StoredObject, key: string, destPath: string): Promise<void> {
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
