/**
 * Sends one file to the server with upload progress. `restUpload`: the REST endpoint
 * `POST /api/v1/images` (multipart `file`, `checksum`, `collection`), which streams any size. The
 * queue only sees `UploadTransport`; `choose-transport.ts` sends large files over tus instead.
 */
import { currentTeam } from '../team.ts';

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

export const restUpload: UploadTransport = ({ file, checksum, collectionId, onProgress, signal }) =>
  new Promise((resolve, reject) => {
    const form = new FormData();
    // fields first: the server reads them before the file part arrives
    form.append('checksum', checksum);
    form.append('collection', collectionId);
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/images');
    const team = currentTeam();
    if (team) xhr.setRequestHeader('X-Optimage-Team', team);
    xhr.withCredentials = true;
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      const body = (xhr.response ?? {}) as Partial<UploadedImage> & { message?: string; code?: string };
      if (xhr.status >= 200 && xhr.status < 300 && body.id) return resolve(body as UploadedImage);
      reject(new UploadRejected(body.message ?? `Upload failed (HTTP ${xhr.status})`, xhr.status, body.code ?? 'UPLOAD_FAILED'));
    };
    xhr.onerror = () => reject(new UploadRejected('The upload was interrupted: the server could not be reached', 0, 'NETWORK_ERROR'));
    xhr.onabort = () => reject(new UploadRejected('Upload cancelled', 0, 'ABORTED'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
