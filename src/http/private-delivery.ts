/**
 * GET/HEAD /private/{collectionId}/{size}/{slug}.{webp|avif}?exp=…&sig=… (contract §11): the files
 * of private collections, for local and S3 storage alike. A bad or expired signature is 403 before
 * anything is read; a file whose image is not ready (or whose collection is public now) is 404.
 * Streams (never buffers), with ETag / If-None-Match, single byte ranges and
 * `Cache-Control: private, max-age=<seconds left>`; or, PRIVATE_DELIVERY=redirect, a 302 to a
 * presigned GET of the object.
 */
import { etagMatches } from './etag-match.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { DeliveryService } from '../modules/delivery/delivery.service.ts';
import { OUTPUT_CONTENT_TYPES } from '../modules/images/formats.ts';
import type { ObjectStore, StoredObject } from '../storage/object-store.ts';
import { parseRange } from './byte-range.ts';

const REFUSALS = {
  malformed: { code: 'INVALID_SIGNATURE', message: 'This URL is not signed: ask the API for the image to get a signed URL' },
  'bad-signature': { code: 'INVALID_SIGNATURE', message: 'The signature does not match this path and expiry' },
  expired: { code: 'SIGNED_URL_EXPIRED', message: 'This signed URL has expired: ask the API for a fresh one' },
} as const;

export function createPrivateDeliveryHandler(delivery: DeliveryService, store: ObjectStore, mode: 'stream' | 'redirect') {
  return async function servePrivate(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (!path.startsWith('/private/')) return false;
    const head = req.method === 'HEAD';
    const refuse = (status: number, body: { code: string; message: string }) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
      res.end(head ? undefined : JSON.stringify(body));
      return true;
    };
    if (req.method !== 'GET' && !head) {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return true;
    }
    // the raw path is what was signed: `%2F`, `..` and friends never match a signature
    const [rawPath = '', rawQuery = ''] = (req.url ?? '').split('?', 2);
    const judged = delivery.verify(rawPath, new URLSearchParams(rawQuery));
    if (!judged.ok) return refuse(403, REFUSALS[judged.verdict]);
    const { target, secondsLeft } = judged;
    if (!(await delivery.servable(target.collectionId, target.slug, 'private'))) return refuse(404, { code: 'NOT_FOUND', message: 'Not found' });
    const cacheControl = `private, max-age=${secondsLeft}`;

    if (mode === 'redirect' && store.presigner) {
      res.writeHead(302, { Location: await store.presigner.presignGet(target.key, secondsLeft), 'Cache-Control': cacheControl });
      res.end();
      return true;
    }
    const wanted = req.headers.range;
    let object: StoredObject | null;
    let range = null;
    if (wanted) {
      const info = await store.head(target.key);
      if (!info) return refuse(404, { code: 'NOT_FOUND', message: 'Not found' });
      const parsed = parseRange(wanted, info.size);
      if (parsed === 'unsatisfiable') {
        res.writeHead(416, { 'Content-Range': `bytes */${info.size}`, 'Cache-Control': cacheControl }).end();
        return true;
      }
      range = parsed;
      object = await store.get(target.key, range ?? undefined);
    } else {
      object = await store.get(target.key);
    }
    if (!object) return refuse(404, { code: 'NOT_FOUND', message: 'Not found' });
    const headers: Record<string, string | number> = {
      'Content-Type': OUTPUT_CONTENT_TYPES[target.format],
      'Cache-Control': cacheControl,
      ETag: object.etag,
      'Last-Modified': object.lastModified.toUTCString(),
      'Accept-Ranges': 'bytes',
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Allow-Origin': '*',
    };
    if (etagMatches(req.headers['if-none-match'], object.etag)) {
      object.body.destroy();
      res.writeHead(304, headers).end();
      return true;
    }
    if (range) res.writeHead(206, { ...headers, 'Content-Range': `bytes ${range.start}-${range.end}/${object.size}`, 'Content-Length': range.end - range.start + 1 });
    else res.writeHead(200, { ...headers, 'Content-Length': object.size });
    if (head) {
      object.body.destroy();
      res.end();
      return true;
    }
    await pipeline(object.body, res).catch(() => res.destroy());
    return true;
  };
}
