/** GET /metrics (Prometheus text format), behind a bearer token when METRICS_TOKEN is set. */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../metrics/metrics.ts';
import { sendJson } from './rest.ts';
import { listen } from './listen.ts';

export async function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: Metrics, token: string | undefined): Promise<void> {
  if (token) {
    const given = Buffer.from(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return sendJson(res, 401, { message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>', code: 'UNAUTHENTICATED' }, { 'WWW-Authenticate': 'Bearer' });
    }
  }
  const text = await metrics.text();
  res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' }).end(text);
}

/** A worker's own port for GET /metrics (METRICS_PORT): nothing else is served there. */
export async function serveMetricsPort(host: string, port: number, metrics: Metrics, token: string | undefined): Promise<{ close: () => Promise<void> }> {
  const server = await listen(async (req, res) => {
    if (new URL(req.url ?? '/', 'http://x').pathname === '/metrics') return serveMetrics(req, res, metrics, token);
    sendJson(res, 404, { message: 'Only /metrics is served on the metrics port', code: 'NOT_FOUND' });
  }, host, port);
  return { close: server.close };
}
