/**
 * Sends one file to the server with upload progress. `restUpload`: the REST endpoint
 * `POST /api/v1/images` (multipart `file`, `checksum`, `collection`), which streams any size;
 * `tusUpload`: tus, resumable; `directUpload`: to the bucket. All are @optimage/client's (the kit the dashboard shares with apps).
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

/** tus chunk size: a lost line costs at most this much again (the server keeps a cut chunk's bytes). */
export const TUS_CHUNK_SIZE = 8 * 1024 * 1024;

/**
 * tus 1.0 at `/api/v1/uploads` (the kit's resumable path): 8 MiB PATCHes, a lost line retried after
 * 0, 1, 3 and 5 s from the server's offset (HEAD), and the upload's URL kept in localStorage until it
 * ends, so the same file dropped again after an interruption continues where it stopped.
 */
export const tusUpload: UploadTransport = async ({ file, checksum, collectionId, onProgress, signal }) => {
  try {
    const image = await upload(file, { baseUrl: '', collection: collectionId, checksum, resumableFrom: 0, chunkSize: TUS_CHUNK_SIZE, resume: true, onProgress, signal, headers: teamHeader() });
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
