/**
 * GET/HEAD /cdn/{collectionId}/{size}/{slug}.{webp|avif} for the local storage driver: only ready images,
 * strong ETags with 304, immutable caching, nosniff. Anything else — unknown, not ready, in a
 * private collection (served only signed, at /private), a path that tries to escape — is a 404.
 */
import { etagMatches } from './etag-match.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { DeliveryService } from '../modules/delivery/delivery.service.ts';
import { OUTPUT_CONTENT_TYPES } from '../modules/images/formats.ts';
import { namedKey, parseCdnPath, parseNamedCdnPath, variantKey } from '../modules/images/variant-urls.ts';
import type { ObjectStore } from '../storage/object-store.ts';

export function createCdnHandler(delivery: DeliveryService, store: ObjectStore) {
  return async function serveCdn(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (!path.startsWith('/cdn/')) return false;
    const notFound = () => {
      res.writeHead(404, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ message: 'Not found', code: 'NOT_FOUND' }));
      return true;
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return true;
    }
    // Match the raw path: `%2F`, `..` and friends never reach the store.
    const rawPath = (req.url ?? '').split('?')[0]!;
    // a numbered size, or a named variant's file (contract §13, served with its own max-age and ETag)
    const named = parseNamedCdnPath(rawPath);
    const target = parseCdnPath(rawPath) ?? named;
    if (!target || !(await delivery.servable(target.collectionId, target.slug, 'public'))) return notFound();
    const key = named ? namedKey(named.collectionId, named.name, named.slug, named.format) : variantKey(target.collectionId, (target as { size: number }).size, target.slug, target.format);
    const object = await store.get(key);
    if (!object) return notFound();
    const headers = {
      'Content-Type': OUTPUT_CONTENT_TYPES[target.format],
      'Cache-Control': object.cacheControl ?? 'public, max-age=31536000, immutable',
      ETag: object.etag,
      'Last-Modified': object.lastModified.toUTCString(),
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Allow-Origin': '*',
    };
    if (etagMatches(req.headers['if-none-match'], object.etag)) {
      object.body.destroy();
      res.writeHead(304, headers).end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Length': object.size });
    if (req.method === 'HEAD') {
      object.body.destroy();
      res.end();
      return true;
    }
    await pipeline(object.body, res).catch(() => res.destroy());
    return true;
  };
}
