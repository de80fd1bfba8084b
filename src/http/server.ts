/**
 * The HTTP edge, owning itself: the one port and everything on it — routing (GraphQL, REST, CDN,
 * health), CORS/CSRF, the viewer, request bodies (JSON and multipart), request ids and logging,
 * JSON errors, WebSockets — and their shutdown, in order. app.ts hands it the services.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { withListenUrl, type Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { createTusHandler, UPLOADS_PATH } from '../modules/uploads/uploads.tus.ts';
import type { Services } from '../services.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { createCdnHandler } from './cdn.ts';
import { createPrivateDeliveryHandler } from './private-delivery.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { serveMetrics } from './metrics-route.ts';
import { applySecurityHeaders, dashboardPolicy } from './security-headers.ts';
import { createDashboardHandler } from './static.ts';
import { applyPublicRead, OriginPolicy } from './cors.ts';
import { createGraphQL, GRAPHQL_SSE_PATH } from './graphql.ts';
import { listen } from './listen.ts';
import { readMultipart } from './multipart.ts';
import { compileRoutes, errorResponse, matchRoute, readJson, sendJson, type RestRequest } from './rest.ts';
import { restRoutes } from './routes.ts';
import { asServiceUnavailable, unavailableResponse } from './unavailable.ts';
import { readCredentials, resolveActor } from './viewer.ts';
import { attachWebSockets } from './websocket.ts';

/** Paths that are their own metrics label; everything else is labelled by its route pattern. */
const FIXED_ROUTES = new Set(['/healthz', '/readyz', '/metrics', '/graphql', GRAPHQL_SSE_PATH]);

/** REST form fields (checksum, collection, slug) are short. */
const MAX_FORM_FIELD_BYTES = 4096;

export interface EdgeDeps {
  services: Services;
  metrics: Metrics;
  store: ObjectStore;
  ready: () => Promise<boolean>;
}

export interface HttpEdge {
  url: string;
  /** The config with the URLs of the address actually bound (PORT=0). */
  config: Config;
  /** Starts answering (until then every request gets 503 + Retry-After). */
  serve(deps: EdgeDeps): void;
  /** WebSockets first (an upgraded socket would hold the server open), then the server. */
  close(): Promise<void>;
}

/** Binds the port first, so a port in use fails fast and PORT=0 knows its URL before anything uses it. */
export async function openHttpEdge(givenConfig: Config, logger: Logger): Promise<HttpEdge> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
  const server = await listen(async (req, res) => (handler ? handler(req, res) : void res.writeHead(503, { 'Retry-After': '1' }).end()), givenConfig.http.host, givenConfig.http.port);
  const config = withListenUrl(givenConfig, server.url);
  let sockets: { close(): Promise<void> } | null = null;
  let closing: Promise<void> | null = null;
  return {
    url: server.url,
    config,
    serve(deps) {
      const http = createHttpHandler(config, deps, logger);
      handler = http.handle;
      sockets = attachWebSockets(server.server, http.yoga, deps.services, http.policy, logger.child({ module: 'websocket' }), config.http.secureCookies);
    },
    close: () =>
      (closing ??= (async () => {
        await sockets?.close();
        await server.close();
      })()),
  };
}

function createHttpHandler(config: Config, deps: EdgeDeps, logger: Logger) {
  // direct uploads are staged in the private bucket, else the main one (contract §12)
  const s3 = config.storage.driver === 's3' ? config.storage : null;
  const dashboardCsp = dashboardPolicy(config.http.cdnBaseUrl, s3 ? { ...s3, bucket: s3.privateBucket ?? s3.bucket } : undefined);
  const { services } = deps;
  const log = logger.child({ module: 'http' });
  const policy = new OriginPolicy(config.http.publicBaseUrl, config.http.corsOrigins);
  const routes = compileRoutes(restRoutes(services, config));
  const graphql = createGraphQL(services, config, logger, (type, engine) => deps.metrics.graphqlOperations.inc({ type, engine }));
  const tus = createTusHandler(services.uploads, { publicBaseUrl: config.http.publicBaseUrl, maxUploadBytes: config.limits.maxUploadBytes, isAllowedOrigin: (o) => policy.isAllowedCrossOrigin(o), asUnavailable: asServiceUnavailable }, logger.child({ module: 'uploads' }));
  // the dashboard's SPA fallback comes last: everything else keeps its paths
  const extraHandlers = [
    createPrivateDeliveryHandler(services.delivery, deps.store, config.delivery.privateDelivery),
    ...(deps.store.kind === 'local' ? [createCdnHandler(services.delivery, deps.store)] : []),
    createDashboardHandler(),
  ];

  /** `label.route` is set to the route's pattern (never the raw path: ids would make every request a new series). */
  async function route(req: IncomingMessage, res: ServerResponse, path: string, label: { route: string }): Promise<void> {
    label.route = FIXED_ROUTES.has(path) ? path : 'other';
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/metrics') return serveMetrics(req, res, deps.metrics, config.metrics.token);
    if (path === '/readyz') {
      const ok = await deps.ready().catch(() => false);
      return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable' });
    }
    if (path.startsWith('/cdn/') ? applyPublicRead(req, res) : policy.apply(req, res)) return;
    if (policy.isForbiddenCrossSite(req)) {
      return sendJson(res, 403, { message: 'Cross-site request refused', code: 'CSRF_REJECTED' });
    }
    const creds = readCredentials(req.headers, config.http.secureCookies, req.url);
    const forwarded = config.http.trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0]!.trim() : '';
    const clientIp = forwarded || req.socket.remoteAddress;

    if (path === '/graphql' || path === GRAPHQL_SSE_PATH) {
      const actor = await resolveActor(services.actors, creds);
      return graphql.handle({ req, res, actor, sessionToken: creds.sessionToken, clientIp, responseCookies: [] });
    }
    if (path === UPLOADS_PATH || path.startsWith(`${UPLOADS_PATH}/`)) return tus(req, res, await resolveActor(services.actors, creds));
    if (path.startsWith('/api/')) {
      const match = matchRoute(routes, req.method ?? 'GET', path);
      label.route = match && 'route' in match ? match.route.path : '/api/unmatched';
      if (!match) return sendJson(res, 404, { message: `No route ${req.method} ${path}`, code: 'NOT_FOUND' });
      if ('allowed' in match) {
        return sendJson(res, 405, { message: `Method ${req.method} not allowed`, code: 'METHOD_NOT_ALLOWED' }, { Allow: match.allowed.join(', ') });
      }
      const actor = await resolveActor(services.actors, creds);
      if (match.route.auth !== false && !actor) {
        return sendJson(res, 401, { message: 'Authentication required', code: 'UNAUTHENTICATED' });
      }
      const restReq: RestRequest = {
        method: req.method ?? 'GET',
        params: match.params,
        query: new URL(req.url ?? '/', 'http://x').searchParams,
        actor,
        sessionToken: creds.sessionToken,
        clientIp,
        raw: req,
        json: () => readJson(req, config.limits.maxJsonBytes),
        multipart: (fileField) => readMultipart(req, { maxFileBytes: config.limits.maxUploadBytes, dir: services.config.uploadDir, fileField, maxFieldBytes: MAX_FORM_FIELD_BYTES }),
      };
      const out = await match.route.handler(restReq);
      if (out.stream) return out.stream(res);
      return sendJson(res, out.status, out.body, out.headers);
    }
    label.route = path.startsWith('/cdn/') ? '/cdn' : path.startsWith('/private/') ? '/private' : path.startsWith('/assets/') ? '/assets' : '/ (dashboard)';
    if (!path.startsWith('/cdn/') && !path.startsWith('/private/')) res.setHeader('Content-Security-Policy', dashboardCsp);
    for (const handler of extraHandlers) {
      if (await handler(req, res, path)) return;
    }
    sendJson(res, 404, { message: 'Not found', code: 'NOT_FOUND' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 100)) || randomUUID();
    res.setHeader('X-Request-Id', requestId);
    applySecurityHeaders(res);
    const started = performance.now();
    const label = { route: 'invalid' };
    res.once('finish', () => {
      const ms = performance.now() - started;
      deps.metrics.http.observe({ method: req.method ?? 'GET', route: label.route, status: String(res.statusCode) }, ms / 1000);
      log.info({ requestId, method: req.method, url: req.url, status: res.statusCode, ms: Math.round(ms) }, 'request');
    });
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://x').pathname;
    } catch {
      return sendJson(res, 400, { message: 'Bad request URL', code: 'BAD_REQUEST' });
    }
    try {
      await route(req, res, path, label);
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
        // a client error raised by a library
        if (!res.headersSent) sendJson(res, clientStatus, { message: (err as Error).message, code: clientStatus === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' });
      } else {
        log.error({ err, requestId }, 'unhandled error');
        if (!res.headersSent) sendJson(res, 500, { message: 'Internal server error', code: 'INTERNAL' });
        else res.destroy();
      }
    }
  }

  return { handle, yoga: graphql.yoga, policy };
}
