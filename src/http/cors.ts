/**
 * CORS with credentials for the configured origins only (exact echo + Vary: Origin), and CSRF
 * defence: a state-changing request whose Origin is neither ours nor allowed is refused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class OriginPolicy {
  private readonly own: string;
  private readonly allowed: Set<string>;

  constructor(publicBaseUrl: string, corsOrigins: string[]) {
    this.own = new URL(publicBaseUrl).origin;
    this.allowed = new Set(corsOrigins.map((o) => new URL(o).origin));
  }

  isAllowedCrossOrigin(origin: string): boolean {
    return this.allowed.has(origin);
  }

  /** Same origin as this server: the public URL, or the Host the request was sent to. */
  isSameOrigin(origin: string, req: IncomingMessage): boolean {
    if (origin === this.own) return true;
    const host = req.headers.host;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
  }

  /** Adds CORS headers; returns true when the request was a preflight and has been answered. */
  apply(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    res.setHeader('Vary', 'Origin');
    const allowed = origin !== undefined && this.isAllowedCrossOrigin(origin);
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, X-Request-Id');
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      if (allowed) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PATCH, PUT, DELETE, OPTIONS');
        res.setHeader(
          'Access-Control-Allow-Headers',
          req.headers['access-control-request-headers'] ?? 'Content-Type, Authorization',
        );
        res.setHeader('Access-Control-Max-Age', '600');
        res.writeHead(204).end();
      } else {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'Origin not allowed', code: 'ORIGIN_FORBIDDEN' }));
      }
      return true;
    }
    return false;
  }

  /** CSRF: unsafe methods from a browser on a foreign origin (including `null`) are refused. */
  isForbiddenCrossSite(req: IncomingMessage): boolean {
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
    const origin = req.headers.origin;
    if (origin !== undefined) return !this.isSameOrigin(origin, req) && !this.isAllowedCrossOrigin(origin);
    // No Origin (older browsers, servers): Fetch Metadata still tells a cross-site browser request.
    return req.headers['sec-fetch-site'] === 'cross-site';
  }
}

/**
 * Published files (`/cdn/…`) are public: any origin may read them (canvas, fetch, service workers),
 * without credentials. A preflight is answered here too, so a page on any origin gets an answer
 * rather than the API's ORIGIN_FORBIDDEN. Returns true when the request was a preflight.
 */
export function applyPublicRead(req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'ETag, Content-Length, Last-Modified');
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, HEAD',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '',
    'Access-Control-Max-Age': '86400',
  });
  res.end();
  return true;
}
