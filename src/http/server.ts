/**
 * The one HTTP port: routing (GraphQL, REST, CDN, health), CORS/CSRF, the viewer, request ids and
 * logging, JSON errors, and graceful shutdown.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Services } from '../services.ts';
import { OriginPolicy } from './cors.ts';
import { createGraphQL } from './graphql.ts';
import { compileRoutes, errorResponse, matchRoute, readJson, sendJson, type RestRequest, type Route } from './rest.ts';
import { unavailableResponse } from './unavailable.ts';
import { readCredentials, resolveViewer } from './viewer.ts';

export interface HttpDeps {
  config: Config;
  services: Services;
  logger: Logger;
  routes: Route[];
  /** Extra handlers tried before the 404 (the CDN route); return false when not theirs. */
  extraHandlers?: ((req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>)[];
  ready: () => Promise<boolean>;
}

export function createHttpHandler(deps: HttpDeps) {
  const { config, services, logger } = deps;
  const log = logger.child({ module: 'http' });
  const policy = new OriginPolicy(config.http.publicBaseUrl, config.http.corsOrigins);
  const routes = compileRoutes(deps.routes);
  const graphql = createGraphQL(services, config, logger);

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const ok = await deps.ready().catch(() => false);
      return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable' });
    }
    if (policy.apply(req, res)) return;
    if (policy.isForbiddenCrossSite(req)) {
      return sendJson(res, 403, { message: 'Cross-site request refused', code: 'CSRF_REJECTED' });
    }
    const creds = readCredentials(req.headers, config.http.secureCookies);
    const forwarded = config.http.trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0]!.trim() : '';
    const clientIp = forwarded || req.socket.remoteAddress;

    if (path === '/graphql') {
      const viewer = await resolveViewer(services.accounts, creds);
      return graphql.handle({ req, res, viewer, sessionToken: creds.sessionToken, clientIp, responseCookies: [] });
    }
    if (path.startsWith('/api/')) {
      const match = matchRoute(routes, req.method ?? 'GET', path);
      if (!match) return sendJson(res, 404, { message: `No route ${req.method} ${path}`, code: 'NOT_FOUND' });
      if ('allowed' in match) {
        return sendJson(res, 405, { message: `Method ${req.method} not allowed`, code: 'METHOD_NOT_ALLOWED' }, { Allow: match.allowed.join(', ') });
      }
      const viewer = await resolveViewer(services.accounts, creds);
      if (match.route.auth !== false && !viewer) {
        return sendJson(res, 401, { message: 'Authentication required', code: 'UNAUTHENTICATED' });
      }
      const restReq: RestRequest = {
        method: req.method ?? 'GET',
        params: match.params,
        query: new URL(req.url ?? '/', 'http://x').searchParams,
        viewer,
        sessionToken: creds.sessionToken,
        clientIp,
        raw: req,
        json: () => readJson(req, config.limits.maxJsonBytes),
      };
      const out = await match.route.handler(restReq);
      if (out.stream) return out.stream(res);
      return sendJson(res, out.status, out.body, out.headers);
    }
    for (const handler of deps.extraHandlers ?? []) {
      if (await handler(req, res, path)) return;
    }
    sendJson(res, 404, { message: 'Not found', code: 'NOT_FOUND' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 100)) || randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const started = performance.now();
    res.once('finish', () => log.info({ requestId, method: req.method, url: req.url, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request'));
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://x').pathname;
    } catch {
      return sendJson(res, 400, { message: 'Bad request URL', code: 'BAD_REQUEST' });
    }
    try {
      await route(req, res, path);
    } catch (err) {
      const clientStatus = (err as { status?: unknown }).status;
      const outage = unavailableResponse(err, path); // database or storage away: 503 + Retry-After, not 500
      if (outage) {
        log.warn({ err, requestId }, 'backing service unavailable');
        if (!res.headersSent) sendJson(res, outage.status, outage.body, outage.headers);
        else res.destroy();
      } else if (err instanceof AppError) {
        const out = errorResponse(err);
        if (!res.headersSent) sendJson(res, out.status, out.body, out.headers);
      } else if (typeof clientStatus === 'number' && clientStatus >= 400 && clientStatus < 500) {
        // a client error raised by a library (graphql-upload-minimal: malformed multipart, too many files)
        if (!res.headersSent) sendJson(res, clientStatus, { message: (err as Error).message, code: clientStatus === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' });
      } else {
        log.error({ err, requestId }, 'unhandled error');
        if (!res.headersSent) sendJson(res, 500, { message: 'Internal server error', code: 'INTERNAL' });
        else res.destroy();
      }
      // Stop reading an upload we rejected part-way, without leaving the client hanging.
      if (!req.complete) req.resume();
    }
  }

  return { handle, yoga: graphql.yoga, policy };
}

/** Listens, and on close stops accepting, lets in-flight requests finish, then drops idle sockets. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>, host: string, port: number): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer({ requestTimeout: 0, headersTimeout: 30_000 }, (req, res) => void handler(req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as { port: number };
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    server,
    url: `http://${urlHost}:${address.port}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      })),
  };
}
