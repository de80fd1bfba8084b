/**
 * Sends one file over tus 1.0 (`/api/v1/uploads`) with tus-js-client's browser build: chunked
 * PATCHes over XHR (no eval, no workers, so it runs under the dashboard's strict CSP), retried on
 * network failures, and resumed from localStorage when the same file is dropped again. The final
 * PATCH answers the image id in `Optimage-Image-Id`, or the server's `{message, code}` refusal.
 */
import { Upload, type DetailedError, type HttpResponse } from 'tus-js-client';
import { currentTeam } from '../team.ts';
import { UploadRejected, type UploadTransport, type UploadedImage } from './transport.ts';

export const TUS_ENDPOINT = '/api/v1/uploads';
export const TUS_CHUNK_SIZE = 8 * 1024 * 1024;
const IMAGE_ID_HEADER = 'Optimage-Image-Id';

/** The server's refusal as `UploadRejected`, with its message exactly as REST shows it. */
function rejection(err: Error): UploadRejected {
  const response = (err as Partial<DetailedError>).originalResponse ?? null;
  if (!response) return new UploadRejected('The upload was interrupted: the server could not be reached', 0, 'NETWORK_ERROR');
  const status = response.getStatus();
  let body: { message?: string; code?: string } = {};
  try {
    body = JSON.parse(response.getBody() || '{}') as typeof body;
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  return new UploadRejected(body.message ?? `Upload failed (HTTP ${status})`, status, body.code ?? 'UPLOAD_FAILED');
}

async function imageOf(upload: Upload, lastResponse: HttpResponse): Promise<UploadedImage> {
  let id = lastResponse.getHeader(IMAGE_ID_HEADER);
  if (!id && upload.url) {
    // e.g. a resumed upload that had already finished: its URL answers the id on HEAD
    const head = await fetch(upload.url, { method: 'HEAD', credentials: 'same-origin', headers: { 'Tus-Resumable': '1.0.0' } });
    id = head.headers.get(IMAGE_ID_HEADER) ?? undefined;
  }
  if (!id) throw new UploadRejected('The upload finished but the server named no image', lastResponse.getStatus(), 'UPLOAD_FAILED');
  const res = await fetch(`/api/v1/images/${encodeURIComponent(id)}`, { credentials: 'same-origin' });
  if (!res.ok) return { id, slug: '', status: 'processing' };
  const image = (await res.json()) as Partial<UploadedImage>;
  return { id, slug: image.slug ?? '', status: image.status ?? 'processing' };
}

export const tusUpload: UploadTransport = ({ file, checksum, collectionId, onProgress, signal }) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new UploadRejected('Upload cancelled', 0, 'ABORTED'));
    const upload: Upload = new Upload(file, {
      endpoint: TUS_ENDPOINT,
      chunkSize: TUS_CHUNK_SIZE,
      retryDelays: [0, 1000, 3000, 5000],
      metadata: { filename: file.name, collection: collectionId, checksum },
      headers: currentTeam() ? { 'X-Optimage-Team': currentTeam()! } : {},
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => onProgress(sent, total),
      onSuccess: ({ lastResponse }) => void imageOf(upload, lastResponse).then(resolve, reject),
      onError: (err) => reject(rejection(err)),
    });
    signal?.addEventListener(
      'abort',
      () => {
        void upload.abort();
        reject(new UploadRejected('Upload cancelled', 0, 'ABORTED'));
      },
      { once: true },
    );
    // the same file dropped again continues where its last upload stopped
    upload
      .findPreviousUploads()
      .then((previous) => {
        const last = previous.sort((a, b) => Date.parse(b.creationTime) - Date.parse(a.creationTime))[0];
        if (last) upload.resumeFromPreviousUpload(last);
      })
      .catch(() => undefined)
      .finally(() => {
        if (!signal?.aborted) upload.start();
      });
  });
