/**
 * Browser uploads: the SHA-256 checksum computed here (WebCrypto), then the file sent with progress
 * — `POST /api/v1/images` (multipart, over XHR for upload progress) for ordinary files, tus 1.0 at
 * `/api/v1/uploads` in chunks for large ones (a lost chunk is resent from the server's offset).
 * Resolves with the Image (status `processing`); follow it with `watch(image.id)`.
 */
import { errorOf, OptimageError } from './errors.js';
import { authInit } from './watch.js';

export interface UploadedImage {
  id: string;
  slug: string;
  collectionId: string;
  status: string;
  baseUrl: string;
  url?: string;
  [field: string]: unknown;
}

export interface UploadOptions {
  /** The API's origin, e.g. `https://images.example.com` (`''` for the same origin). */
  baseUrl: string;
  /** The collection id, `col_…`. */
  collection: string;
  /** An API key or an upload token (`upt_…`); without one the browser's session cookie is sent. */
  token?: string;
  slug?: string;
  /** Bytes sent so far and the total. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
  /** Files at least this large go over tus. Default 8 MiB. */
  resumableFrom?: number;
  /** tus chunk size. Default 8 MiB. */
  chunkSize?: number;
  /**
   * Keep a tus upload's URL in localStorage (by collection and SHA-256) until it finishes, so the
   * same file uploaded again after a reload or a lost connection continues where it stopped.
   */
  resume?: boolean;
  /** Extra request headers (the dashboard names its current team with `X-Optimage-Team`). */
  headers?: Record<string, string>;
  /**
   * Send the bytes straight to the storage URL the server presigns (contract §12: the bucket on
   * S3/R2, a signed URL of the server on local storage), then let the server check them.
   */
  direct?: boolean;
  /** The file's SHA-256 (lowercase hex) when already known, e.g. hashed in a Web Worker: not computed again. */
  checksum?: string;
}

const MiB = 1024 * 1024;

/** Lowercase hex SHA-256 of the file's bytes. */
export async function checksumOf(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

interface Sent {
  status: number;
  body: string;
  header(name: string): string | null;
}

/** One request over XHR (fetch reports no upload progress). */
/** `presigned`: a URL that carries its own authorization (a bucket's): no credentials, no extra headers. */
function send(method: string, target: string, body: XMLHttpRequestBodyInit | null, headers: Record<string, string>, options: UploadOptions, onSent: (loaded: number) => void, presigned = false): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, target);
    if (!presigned && options.token) xhr.setRequestHeader('Authorization', `Bearer ${options.token}`);
    else if (!presigned) xhr.withCredentials = true;
    for (const [name, value] of Object.entries(presigned ? headers : { ...options.headers, ...headers })) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onSent(e.loaded);
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText, header: (n) => xhr.getResponseHeader(n) });
    xhr.onerror = () => reject(new OptimageError(0, 'NETWORK_ERROR', 'The server could not be reached'));
    xhr.onabort = () => reject(new OptimageError(0, 'ABORTED', 'Upload cancelled'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

const ok = (r: Sent) => {
  if (r.status < 200 || r.status > 299) throw errorOf(r.status, r.body);
  return r;
};

/** `POST /api/v1/images` with a checksum already known, over XHR with progress (the dashboard hashes in a worker). */
export async function postImage(file: File, checksum: string, options: UploadOptions): Promise<UploadedImage> {
  const form = new FormData();
  form.append('checksum', checksum);
  form.append('collection', options.collection);
  if (options.slug) form.append('slug', options.slug);
  form.append('file', file, file.name);
  const res = ok(await send('POST', `${options.baseUrl}/api/v1/images`, form, {}, options, (n) => options.onProgress?.(Math.min(n, file.size), file.size)));
  return JSON.parse(res.body) as UploadedImage;
}

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

/** Where a tus upload's URL is kept between page loads (`resume: true`), by collection and SHA-256. */
const resumeKey = (options: UploadOptions, checksum: string) => `optimage-tus:${options.collection}:${checksum}`;
const storage = (): Storage | null => {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits before each retry of a lost chunk (ms); the count starts over whenever the offset moves. */
const RETRY_DELAYS = [0, 1000, 3000, 5000];

async function viaTus(file: File, checksum: string, options: UploadOptions): Promise<UploadedImage> {
  const tus = { 'Tus-Resumable': '1.0.0' };
  const init = () => merge(authInit(options.token), { ...options.headers, ...tus });
  const head = async (at: string) => {
    const res = await fetch(at, { method: 'HEAD', ...init() });
    return res.ok ? { offset: Number(res.headers.get('Upload-Offset') ?? NaN), imageId: res.headers.get('Optimage-Image-Id') } : null;
  };
  const key = options.resume ? resumeKey(options, checksum) : null;
  let location = key ? storage()?.getItem(key) : null;
  let offset = 0;
  let imageId: string | null = null;
  const known = location ? await head(location).catch(() => null) : null;
  if (location && known && Number.isFinite(known.offset)) ({ offset, imageId } = known);
  else {
    const meta = { filename: file.name, collection: options.collection, checksum, ...(options.slug ? { slug: options.slug } : {}) };
    const metadata = Object.entries(meta).map(([k, v]) => `${k} ${b64(v)}`).join(',');
    const created = ok(await send('POST', `${options.baseUrl}/api/v1/uploads`, null, { ...tus, 'Upload-Length': String(file.size), 'Upload-Metadata': metadata }, options, () => {}));
    location = new URL(created.header('Location') ?? '', options.baseUrl || globalThis.location?.href).toString();
    if (key) storage()?.setItem(key, location);
  }
  const chunk = options.chunkSize ?? 8 * MiB;
  let attempt = 0;
  try {
    while (offset < file.size) {
      try {
        const end = Math.min(offset + chunk, file.size);
        const at = offset;
        const res = await send('PATCH', location, file.slice(at, end), { ...tus, 'Upload-Offset': String(at), 'Content-Type': 'application/offset+octet-stream' }, options, (n) => options.onProgress?.(at + n, file.size));
        if (res.status !== 409 || attempt >= RETRY_DELAYS.length) {
          ok(res);
          offset = Number(res.header('Upload-Offset') ?? end);
          imageId = res.header('Optimage-Image-Id');
          attempt = 0;
          continue;
        }
        // 409: the server is past this offset (a resent PATCH, or bytes of a cut one kept): ask it
        attempt++;
      } catch (err) {
        // a lost line: wait, ask the server where it stands, and go on from there
        if (!(err instanceof OptimageError) || err.status !== 0 || err.code === 'ABORTED') throw err;
        if (attempt >= RETRY_DELAYS.length) throw err;
        await pause(RETRY_DELAYS[attempt++]!);
      }
      const now = await head(location).catch(() => null);
      if (now && Number.isFinite(now.offset)) {
        if (now.offset > offset) attempt = 0;
        ({ offset, imageId } = now);
      }
    }
  } catch (err) {
    // a refusal ends this upload for good; a lost line keeps it resumable
    if (key && err instanceof OptimageError && err.status >= 400) storage()?.removeItem(key);
    throw err;
  }
  if (key) storage()?.removeItem(key);
  if (!imageId) throw new OptimageError(502, 'UPLOAD_FAILED', 'The upload finished but the server named no image');
  const image = await fetch(`${options.baseUrl}/api/v1/images/${imageId}`, merge(authInit(options.token), options.headers ?? {}));
  if (!image.ok) throw errorOf(image.status, await image.text());
  return (await image.json()) as UploadedImage;
}

interface Ticket {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
}

async function viaDirect(file: File, checksum: string, options: UploadOptions): Promise<UploadedImage> {
  const fields = { collection: options.collection, filename: file.name, size: file.size, checksum, ...(options.slug ? { slug: options.slug } : {}) };
  const json = { 'Content-Type': 'application/json' };
  const ticket = JSON.parse(ok(await send('POST', `${options.baseUrl}/api/v1/direct-uploads`, JSON.stringify(fields), json, options, () => {})).body) as Ticket;
  // the browser sets Content-Length itself (it may not be set by hand); every other signed header goes as given
  const headers = Object.fromEntries(Object.entries(ticket.headers).filter(([name]) => name.toLowerCase() !== 'content-length'));
  ok(await send(ticket.method, ticket.url, file, headers, options, (n) => options.onProgress?.(Math.min(n, file.size), file.size), true));
  const done = ok(await send('POST', `${options.baseUrl}/api/v1/direct-uploads/${ticket.id}/complete`, null, {}, options, () => {}));
  return JSON.parse(done.body) as UploadedImage;
}

function merge(init: RequestInit, headers: Record<string, string>): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...headers } };
}

/** Uploads one file into a collection and resolves with the new (or identical existing) Image. */
export async function upload(file: File, options: UploadOptions): Promise<UploadedImage> {
  const checksum = options.checksum ?? (await checksumOf(file));
  options.signal?.throwIfAborted();
  if (options.direct) return viaDirect(file, checksum, options);
  return file.size >= (options.resumableFrom ?? 8 * MiB) ? viaTus(file, checksum, options) : postImage(file, checksum, options);
}
