/**
 * The one place that picks a file's transport. Files over `TUS_THRESHOLD_BYTES` are large: on S3
 * storage they go straight to the bucket (a direct upload: the API node never carries the bytes),
 * elsewhere over tus (chunked, retried, resumable); smaller ones in one REST request. A direct upload
 * the browser cannot send (a bucket without the CORS rules of docs/private-delivery.md) falls back to
 * tus. `?tusThreshold=<bytes>` on the page's URL when the dashboard loads overrides the threshold.
 */
import { directUpload, restUpload, tusUpload, type UploadTransport } from './transport.ts';

export const TUS_THRESHOLD_BYTES = 8 * 1024 * 1024;

function thresholdFromPage(): number {
  const raw = new URLSearchParams(globalThis.location?.search ?? '').get('tusThreshold');
  const value = raw ? Number(raw) : NaN;
  return Number.isInteger(value) && value >= 0 ? value : TUS_THRESHOLD_BYTES;
}

/** `config.directUploadsToBucket`, set by the page once the plan is loaded. */
let toBucket = false;
export function setDirectToBucket(on: boolean): void {
  toBucket = on;
}

/** Large files to the bucket when the storage is S3; tus when it is not, or when the bucket refuses the browser. */
const largeUpload: UploadTransport = async (request) => {
  if (!toBucket) return tusUpload(request);
  try {
    return await directUpload(request);
  } catch (err) {
    if ((err as { code?: string }).code !== 'NETWORK_ERROR' || request.signal?.aborted) throw err;
    return tusUpload(request);
  }
};

/** REST up to `threshold` bytes, the large-file transport above. */
export function bySize(threshold: number, small: UploadTransport = restUpload, large: UploadTransport = largeUpload): UploadTransport {
  return (request) => (request.file.size > threshold ? large : small)(request);
}

/** Read once at start-up: client-side navigation drops the query string. */
export const uploadTransport: UploadTransport = bySize(thresholdFromPage());
