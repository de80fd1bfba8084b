/**
 * The one place that picks a file's transport: files over `TUS_THRESHOLD_BYTES` go over tus
 * (chunked, retried, resumable), smaller ones in one REST request. `?tusThreshold=<bytes>` on the
 * page's URL when the dashboard loads overrides the threshold (the browser test uses it).
 */
import { restUpload, type UploadTransport } from './transport.ts';
import { tusUpload } from './tus-transport.ts';

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
