/**
 * The S3 driver's half of integrity.ts: is the object the server now holds the one that was sent?
 * A single-part PUT or a copy answers with an ETag that is the content's MD5 (S3, R2, MinIO without
 * KMS), which settles it with no extra request; otherwise the object is read back and hashed.
 *
 * It also remembers the MD5 of objects this process wrote and verified, so publishing a staged
 * variant (a copy) needs no HEAD of its source first: a HEAD per copy would lengthen the window
 * between the first public copy and `ready`, and spend the SDK's retry quota when S3 is flaky. The
 * memory is only a hint: copies send it as x-amz-copy-source-if-match, and a 412 falls back to a HEAD.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { compareDigests, digestingStream, md5OfEtag, type Digest } from './integrity.ts';

export type Location = { Bucket: string; Key: string };

/** Enough for every staged output of the images in flight; oldest forgotten first. */
const REMEMBERED = 10_000;

export interface SourceDigest {
  /** The ETag to send as x-amz-copy-source-if-match. */
  etag: string;
  /** Null when the ETag is not the content's MD5 (multipart, KMS): the copy is then read back. */
  md5: string | null;
  remembered: boolean;
}

export class S3Verifier {
  private readonly known = new Map<string, string>();

  constructor(private readonly client: S3Client) {}

  /** Null when the stored object is what was sent (by its ETag when that is a plain MD5, else read back). */
  async checkStored(location: Location, response: EtagResponse, sent: Digest): Promise<string | null> {
    const md5 = md5OfEtag(response.ETag, isEncrypted(response));
    const problem = md5 !== null ? (md5 === sent.md5Hex ? null : `ETag ${md5} stored, MD5 ${sent.md5Hex} sent`) : compareDigests(await this.readBack(location), sent);
    if (problem === null) this.remember(location, sent.md5Hex);
    else this.forget(location);
    return problem;
  }

  /** Null when a copy holds its source's bytes: by the two ETags when both are plain MD5s, else both read back. */
  async checkCopy(source: Location, sourceMd5: string | null, dest: Location, response: EtagResponse): Promise<string | null> {
    const copiedMd5 = md5OfEtag(response.ETag, isEncrypted(response));
    let problem: string | null;
    if (sourceMd5 !== null && copiedMd5 !== null) {
      problem = copiedMd5 === sourceMd5 ? null : `ETag ${copiedMd5} stored, source's ${sourceMd5}`;
    } else {
      const [original, copied] = await Promise.all([this.readBack(source), this.readBack(dest)]);
      problem = compareDigests(copied, original);
    }
    if (problem === null && sourceMd5 !== null) this.remember(dest, sourceMd5);
    else this.forget(dest);
    return problem;
  }

  /** The source's ETag and MD5: remembered from our own verified write, or from a HEAD (`fresh`). */
  async sourceDigest(source: Location, fresh = false): Promise<SourceDigest> {
    const remembered = fresh ? undefined : this.known.get(id(source));
    if (remembered !== undefined) return { etag: `"${remembered}"`, md5: remembered, remembered: true };
    const head = await this.client.send(new HeadObjectCommand(source));
    return { etag: head.ETag ?? '', md5: md5OfEtag(head.ETag, isEncrypted(head)), remembered: false };
  }

  /** Removes an object that could not be stored intact. */
  async discard(location: Location): Promise<void> {
    this.forget(location);
    await this.client.send(new DeleteObjectCommand(location));
  }

  forget(location: Location): void {
    this.known.delete(id(location));
  }

  private async readBack(location: Location): Promise<Digest> {
    const out = await this.client.send(new GetObjectCommand(location));
    const digesting = digestingStream();
    const body = out.Body instanceof Readable ? out.Body : Readable.from([]);
    await pipeline(body, digesting.transform, new Writable({ write: (_chunk, _enc, done) => done() }));
    return digesting.done();
  }

  private remember(location: Location, md5: string): void {
    const key = id(location);
    this.known.delete(key); // re-inserted as the newest
    this.known.set(key, md5);
    if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value!);
  }
}

export interface EtagResponse {
  ETag?: string | undefined;
  ServerSideEncryption?: string | undefined;
  SSECustomerAlgorithm?: string | undefined;
}

/** SSE-KMS and SSE-C objects have ETags that look like, but are not, the content's MD5 (SSE-S3's are). */
function isEncrypted(out: EtagResponse): boolean {
  return (out.ServerSideEncryption !== undefined && out.ServerSideEncryption !== 'AES256') || out.SSECustomerAlgorithm !== undefined;
}

function id(location: Location): string {
  return `${location.Bucket}/${location.Key}`;
}
