/**
 * @tus/s3-store with a removal that leaves nothing in the bucket. Its own `remove` aborts the
 * multipart upload and deletes the object and its `.info`, but keeps the `.part` object (the bytes
 * of a PATCH under S3's 5 MiB minimum part size), and once the multipart upload has completed the
 * abort fails (NoSuchUpload) before anything is deleted. Both would leave bytes behind for ever
 * (expiry is ours, not bucket lifecycle rules).
 */
import { S3Store } from '@tus/s3-store';
import { ERRORS } from '@tus/utils';

const errorName = (err: unknown) => (err instanceof Error ? err.name : '');

export class TusBucketStore extends S3Store {
  /** Aborts the multipart upload if it is still open, then deletes the object, `.info` and `.part`. */
  override async remove(id: string): Promise<void> {
    let multipartId: string | undefined;
    try {
      multipartId = (await this.getMetadata(id))['upload-id'];
    } catch (err) {
      if (errorName(err) === 'NoSuchKey' || errorName(err) === 'NotFound') throw ERRORS.FILE_NOT_FOUND;
      throw err;
    }
    if (multipartId) {
      try {
        await this.client.abortMultipartUpload({ Bucket: this.bucket, Key: id, UploadId: multipartId });
      } catch (err) {
        // completed (or already aborted): what is left are the objects below
        if (errorName(err) !== 'NoSuchUpload') throw err;
      }
    }
    const keys = [id, this.infoKey(id), this.partKey(id, true)];
    await this.client.deleteObjects({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } });
    await this.clearCache(id);
  }
}
