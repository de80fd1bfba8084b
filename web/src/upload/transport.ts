/**
 * Sends one file to the server with upload progress. `restUpload`: the REST endpoint
 * `POST /api/v1/images` (multipart `file`, `checksum`, `collection`), which streams any size;
 * `directUpload`: to the bucket. Both are @optimage/client's (the kit the dashboard shares with apps).
 * The queue only sees `UploadTransport`; `choose-transport.ts` picks one per file.
 */
import { currentTeam } from '../team.ts';
import { OptimageError, postImage, upload } from '@optimage/client';

export interface UploadedImage {
  id: string;
  slug: string;
  status: string;
}

export interface UploadRequest {
  file: File;
  checksum: string;
  collectionId: string;
  onProgress(sent: number, total: number): void;
  signal?: AbortSignal;
}

/** A refused upload: the HTTP status and the server's message and code. */
export class UploadRejected extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

export type UploadTransport = (request: UploadRequest) => Promise<UploadedImage>;

/** The dashboard's current team, named on every upload request. */
function teamHeader(): Record<string, string> {
  const team = currentTeam();
  return team ? { 'X-Optimage-Team': team } : {};
}

/** The kit's error as the queue shows it (the server's message; a plain one for a lost line or a bare status). */
function rejection(err: unknown): unknown {
  if (!(err instanceof OptimageError)) return err;
  const message = err.code === 'NETWORK_ERROR' ? 'The upload was interrupted: the server could not be reached' : err.code === 'HTTP_' + err.status ? `Upload failed (HTTP ${err.status})` : err.message;
  return new UploadRejected(message, err.status, err.code.startsWith('HTTP_') ? 'UPLOAD_FAILED' : err.code);
}

/** One request to `POST /api/v1/images`. */
export const restUpload: UploadTransport = async ({ file, checksum, collectionId, onProgress, signal }) => {
  try {
    const image = await postImage(file, checksum, { baseUrl: '', collection: collectionId, onProgress, signal, headers: teamHeader() });
    return { id: image.id, slug: image.slug, status: image.status };
  } catch (err) {
    throw rejection(err);
  }
};

/**
 * Straight to the bucket (contract §12): the kit's `upload(file, {direct: true})` asks the server for
 * a presigned PUT, sends the bytes to the bucket, and lets the server check them (`complete`).
 */
export const directUpload: UploadTransport = async ({ file, checksum, collectionId, onProgress, signal }) => {
  try {
    const image = await upload(file, { baseUrl: '', collection: collectionId, checksum, direct: true, onProgress, signal, headers: teamHeader() });
    return { id: image.id, slug: image.slug, status: image.status };
  } catch (err) {
    throw rejection(err);
  }
};
