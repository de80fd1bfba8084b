/**
 * The web dashboard's static files (the Vite build in dist/web): hashed `/assets/*` cached for a
 * year, `index.html` revalidated on every load, and `index.html` for any other browser navigation
 * (client routes such as /collections/col_…). The API, GraphQL, CDN and health paths never reach
 * the fallback, so a typo there stays a JSON 404 instead of a page.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** dist/web at the project root, whether this file runs from src/http (tests) or dist/src/http. */
export const DASHBOARD_DIR = join(fileURLToPath(new URL('.', import.meta.url)).replace(/(?:[/\\]dist)?[/\\]src[/\\]http[/\\]?$/, ''), 'dist', 'web');

/** Paths that belong to the server, not the dashboard: never answered with index.html. */
const SERVER_PATHS = /^\/(?:api|graphql|cdn|healthz|readyz|metrics)(?:\/|$)/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.map', '.txt', '.webmanifest']);

export function createDashboardHandler(root = DASHBOARD_DIR) {
  // Text files are small (the budget is 150 KB gzipped): gzip each version once, keyed by its ETag.
  const gzipped = new Map<string, Buffer>();

  async function send(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string): Promise<boolean> {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return false;
    const ext = extname(file);
    const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const headers: Record<string, string | number> = {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Cache-Control': cacheControl,
      ETag: etag,
      'Last-Modified': info.mtime.toUTCString(),
      'X-Content-Type-Options': 'nosniff',
      Vary: 'Accept-Encoding',
    };
    if (ext === '.html') {
      headers['Referrer-Policy'] = 'same-origin';
      headers['X-Frame-Options'] = 'DENY';
    }
    if (req.headers['if-none-match']?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
      res.writeHead(304, headers).end();
      return true;
    }
    const gzip = COMPRESSIBLE.has(ext) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gzip) {
      const key = `${file}|${etag}`;
      let body = gzipped.get(key);
      if (!body) gzipped.set(key, (body = gzipSync(await readFile(file))));
      res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Length': info.size });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    await pipeline(createReadStream(file), res).catch(() => res.destroy());
    return true;
  }

  return async function serveDashboard(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(path)) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return false;
    }
    const file = normalize(join(root, decoded));
    if (decoded !== '/' && !decoded.includes('\0') && file.startsWith(root + sep)) {
      const long = decoded.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : decoded === '/index.html' ? 'no-cache' : 'public, max-age=3600';
      if (await send(req, res, file, long)) return true;
    }
    // A missing hashed asset is a 404, not a page: a stale index.html must not get HTML as script.
    if (decoded.startsWith('/assets/') || extname(decoded) !== '') return false;
    if (await send(req, res, join(root, 'index.html'), 'no-cache')) return true;
    res.writeHead(503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ message: 'The dashboard is not built: run `npm run build`', code: 'DASHBOARD_NOT_BUILT' }));
    return true;
  };
}
