/** Writing a JSON answer on a raw response (the REST edge, and adapters that own their response, like tus). */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Most bytes of a rejected request body read and dropped to keep its connection usable. */
const MAX_DRAIN_BYTES = 256 * 1024 * 1024;

/**
 * Answering before the request body was read (a rejected upload): drain it, so the client can
 * finish sending and read this answer and the keep-alive socket stays usable. A body too large to
 * be worth reading (or of unknown length) gets `Connection: close`, so the client knows not to reuse
 * the socket instead of finding it reset.
 */
function settleRequestBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  const declared = Number(req.headers['content-length']);
  if (!(declared <= MAX_DRAIN_BYTES) && !res.headersSent) res.setHeader('Connection', 'close');
  req.resume();
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  settleRequestBody(res.req, res);
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
