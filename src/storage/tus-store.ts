/**
 * Where resumable (tus) uploads keep their bytes until the last one arrives: @tus/file-store under
 * DATA_DIR/tus with local storage, @tus/s3-store in the bucket with S3 (so a resumed upload may reach
 * another API node). On S3 the keys sit under `_uploads/` in the originals bucket (private, never
 * linked), like originals: the upload's multipart upload, its `.info` object and, while the bytes
 * after the last full part are under S3's 5 MiB part minimum, its `.part` object. Expired uploads
 * answer 410 through the store's expiration extension.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { ERRORS, type DataStore } from '@tus/utils';
import type { Config } from '../config.ts';
import type { TusBucketStore } from './tus-bucket-store.ts';

const S3_PREFIX = '_uploads/';

/** The bytes side of resumable uploads, keyed by upload id (the store key may carry a prefix). */
export interface TusStorage {
  readonly datastore: DataStore;
  keyOf(uploadId: string): string;
  /** The upload id in a store key, or null when the key is not one of ours. */
  uploadIdOf(key: string): string | null;
  read(uploadId: string): Promise<Readable>;
  /** Bytes received so far, or null when the store has no such upload. */
  offset(uploadId: string): Promise<number | null>;
  /** Removes the bytes and the store's own record; an upload already gone is no error. */
  remove(uploadId: string): Promise<void>;
}

/** With S3, @tus/s3-store and the AWS SDK are loaded here, not by a server on local storage. */
export async function createTusStorage(storage: Config['storage'], directory: string, expiryMs: number): Promise<TusStorage> {
  const prefix = storage.driver === 's3' ? S3_PREFIX : '';
  const datastore: DataStore =
    storage.driver === 'local'
      ? new FileStore({ directory, expirationPeriodInMilliseconds: expiryMs })
      : new (await import('./tus-bucket-store.ts')).TusBucketStore({
          expirationPeriodInMilliseconds: expiryMs,
          // expiry is ours (a sweep over the uploads table), not bucket lifecycle rules on tags
          useTags: false,
          s3ClientConfig: {
            bucket: storage.originalsBucket ?? storage.bucket,
            endpoint: storage.endpoint,
            region: storage.region,
            forcePathStyle: storage.forcePathStyle,
            credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
            // see s3-store.ts: s3rver and some S3-compatibles keep aws-chunked framing in the object
            requestChecksumCalculation: 'WHEN_REQUIRED',
          },
        });
  const keyOf = (uploadId: string) => prefix + uploadId;
  const isGone = (err: unknown) => err === ERRORS.FILE_NOT_FOUND || err === ERRORS.FILE_NO_LONGER_EXISTS;
  return {
    datastore,
    keyOf,
    uploadIdOf: (key) => (key.startsWith(prefix) ? key.slice(prefix.length) : null),
    read: async (uploadId) =>
      // FileStore reads with a plain file stream; S3Store fetches the completed object
      datastore instanceof FileStore ? createReadStream(`${directory}/${keyOf(uploadId)}`) : ((await (datastore as TusBucketStore).read(keyOf(uploadId))) as Readable),
    offset: async (uploadId) => {
      try {
        return (await datastore.getUpload(keyOf(uploadId))).offset;
      } catch (err) {
        if (isGone(err)) return null;
        throw err;
      }
    },
    remove: async (uploadId) => {
      try {
        await datastore.remove(keyOf(uploadId));
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    },
  };
}
