/**
 * The one place that picks a file's transport: files over `TUS_THRESHOLD_BYTES` go over tus
 * (chunked, retried, resumable), smaller ones in one REST request. `?tusThreshold=<bytes>` on the
 * page's URL when the dashboard loads overrides the threshold (the browser test uses it).
 */
import { restUpload, type UploadTransport } from './transport.ts';

/** tus-js-client (~17 KB gzip) is its own chunk, loaded with the first large file. */
const tusUpload: UploadTransport = async (request) => (await import('./tus-transport.ts')).tusUpload(request);

export const TUS_THRESHOLD_BYTES = 8 * 1024 * 1024;

function thresholdFromPage(): number {
  const raw = new URLSearchParams(globalThis.location?.search ?? '').get('tusThreshold');
  const value = raw ? Number(raw) : NaN;
  return Number.isInteger(value) && value >= 0 ? value : TUS_THRESHOLD_BYTES;
}

/** REST up to `threshold` bytes, tus above. */
export function bySize(threshold: number, small: UploadTransport = restUpload, large: UploadTransport = tusUpload): UploadTransport {
  return (request) => (request.file.size > threshold ? large : small)(request);
}

/** Read once at start-up: client-side navigation drops the query string. */
export const uploadTransport: UploadTransport = bySize(thresholdFromPage());
