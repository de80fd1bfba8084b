/**
 * The object store behind variants and originals: one interface, a local-disk driver (the embedded
 * default, served by /cdn) and an S3 driver (S3, R2, MinIO). Keys are relative, `/`-separated paths
 * such as `col_abc/320/beach-sunset.webp` or `_originals/img_123`.
 */
import type { Readable } from 'node:stream';

export interface PutOptions {
  contentType: string;
  /** Stored with the object and served back (variants: `public, max-age=31536000, immutable`). */
  cacheControl?: string;
}

export interface CopyOptions extends PutOptions {
  /**
   * One request, no retry or backoff inside the store (S3): the caller deals with a failure first —
   * a publication burst withdraws what it already made public before it tries again.
   */
  singleAttempt?: boolean;
}

export interface MoveOptions extends PutOptions {
  /** Only the version with this ETag (as `get` or `head` gave it) is moved; if another one is there now, ObjectChangedError and nothing moves. */
  ifMatch?: string;
}

/** A move's source is not the version it was asked to move (ifMatch): someone wrote it since. */
export class ObjectChangedError extends Error {
  constructor(key: string) {
    super(`Object "${key}" changed since it was read`);
    this.name = 'ObjectChangedError';
  }
}

export interface ObjectInfo {
  size: number;
  /** A quoted strong ETag, ready for an HTTP header: the content's MD5 for single-part uploads on both drivers. */
  etag: string;
  contentType: string;
  cacheControl?: string;
  lastModified: Date;
}

/** One object as a listing names it. */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ListOptions {
  /** Only keys after this one in the listing's order (a cursor: the last key of an earlier listing). */
  startAfter?: string;
}

export interface StoredObject extends ObjectInfo {
  /** The whole object, or only the bytes of the range asked for (`size` stays the object's size). */
  body: Readable;
}

/** Bytes `start` to `end` of an object, both included (an HTTP Range, resolved against its size). */
export interface ByteRange {
  start: number;
  end: number;
}

/** A request a client may send straight to the store (presigned): exactly this method, URL and headers. */
export interface PresignedRequest {
  method: 'PUT' | 'GET';
  url: string;
  headers: Record<string, string>;
}

/** Stores whose objects a client can read or write directly, with a presigned URL (S3, R2, MinIO). */
export interface Presigner {
  /** A GET of `key` valid `expiresIn` seconds. */
  presignGet(key: string, expiresIn: number): Promise<string>;
  /** A PUT to `key` of exactly `size` bytes whose SHA-256 (base64) is `sha256Base64`, both signed, valid `expiresIn` seconds. */
  presignPut(key: string, upload: { size: number; sha256Base64: string; expiresIn: number }): Promise<PresignedRequest>;
}

export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /** Checks the store is usable (directory or bucket exists and is writable); throws an Error saying what is wrong. */
  check(): Promise<void>;
  /** Stores a small buffer (a variant), replacing any object at `key` atomically. */
  put(key: string, body: Uint8Array, opts: PutOptions): Promise<void>;
  /** Stores a file (an original) streamed from disk, never read whole into memory. */
  putFile(key: string, path: string, opts: PutOptions): Promise<void>;
  /** The object with a streamed body (only `range` of it when given), or null when there is none. */
  get(key: string, range?: ByteRange): Promise<StoredObject | null>;
  head(key: string): Promise<ObjectInfo | null>;
  /** Downloads an object to `destPath`; throws NotFoundError (code OBJECT_NOT_FOUND) when it is missing. */
  getFile(key: string, destPath: string): Promise<void>;
  /**
   * Copies an object inside the store (server-side on S3), replacing `to` atomically with the same
   * content type and the given cache policy. Used to publish staged variants at activation.
   */
  copy(from: string, to: string, opts: CopyOptions): Promise<void>;
  /**
   * Moves an object to `to` with this content type and cache policy, without moving its bytes
   * through this process: on S3 a server-side copy (checked like `copy`) and the source deleted, on
   * local storage a rename. A direct upload becomes an original this way.
   */
  move(from: string, to: string, opts: MoveOptions): Promise<void>;
  /**
   * The objects whose keys start with `prefix` (`''`: all), streamed in a stable key order that
   * `startAfter` resumes: the caller holds one page at a time, never the whole store.
   */
  list(prefix: string, options?: ListOptions): AsyncIterable<ListedObject>;
  /** Deletes the objects; keys that do not exist are fine. */
  delete(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
  /** Present on stores that hand out presigned URLs (S3); local storage has none. */
  readonly presigner?: Presigner;
}

/** Keys are limited to what S3 accepts (1024 UTF-8 bytes) and what can safely become a relative path. */
const MAX_KEY_BYTES = 1024;

/**
 * Throws unless `key` is a relative path of non-empty segments, none starting with `.` (which rules
 * out `.` and `..` and leaves dot-names free for the local driver's temp and metadata files), with
 * no backslash and no control character. Defence in depth: keys are built by services, never taken
 * verbatim from a request.
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new Error(`Invalid object key ${JSON.stringify(key)}: ${problem}`);
}

function keyProblem(key: string): string | null {
  if (key.length === 0) return 'empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'absolute';
  if (key.includes('\\')) return 'contains a backslash';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'contains a control character';
  for (const segment of key.split('/')) {
    if (segment === '') return 'has an empty path segment';
    if (segment.startsWith('.')) return 'has a path segment starting with "."';
  }
  return null;
}
