/**
 * Sends one file to the server with upload progress. `restUpload`: the REST endpoint
 * `POST /api/v1/images` (multipart `file`, `checksum`, `collection`), which streams any size, sent by
 * @optimage/client's postImage (the kit the dashboard shares with apps). The
 * queue only sees `UploadTransport`; `choose-transport.ts` sends large files over tus instead.
 */
import { currentTeam } from '../team.ts';
import { OptimageError, postImage } from '@optimage/client';

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

export const restUpload: UploadTransport = async ({ file, checksum, collectionId, onProgress, signal }) => {
  try {
    const image = await postImage(file, checksum, { baseUrl: '', collection: collectionId, onProgress, signal, headers: teamHeader() });
    return { id: image.id, slug: image.slug, status: image.status };
  } catch (err) {
    if (!(err instanceof OptimageError)) throw err;
    const message = err.code === 'NETWORK_ERROR' ? 'The upload was interrupted: the server could not be reached' : err.code === 'HTTP_' + err.status ? `Upload failed (HTTP ${err.status})` : err.message;
    throw new UploadRejected(message, err.status, err.code.startsWith('HTTP_') ? 'UPLOAD_FAILED' : err.code);
  }
};
