/** Presigned requests a client sends straight to the bucket (contract §12): a PUT signed for its exact length and SHA-256. */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PresignedRequest } from './object-store.ts';
import type { Location } from './s3-verifier.ts';

/**
 * The SDK hoists `x-amz-*` headers into the query string when presigning; the checksum is kept a
 * signed header instead (`unhoistableHeaders`), so the client must send it and S3 checks the body
 * against it.
 */
export async function presignPut(client: S3Client, location: Location, upload: { size: number; sha256Base64: string; expiresIn: number }): Promise<PresignedRequest> {
  const command = new PutObjectCommand({ ...location, ContentLength: upload.size, ChecksumSHA256: upload.sha256Base64 });
  const url = await getSignedUrl(client, command, {
    expiresIn: upload.expiresIn,
    unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    signableHeaders: new Set(['content-length', 'x-amz-checksum-sha256']),
  });
  return { method: 'PUT', url, headers: { 'Content-Length': String(upload.size), 'x-amz-checksum-sha256': upload.sha256Base64 } };
}
