/** Plumbing for the REST adapter: a route table, JSON bodies with a size limit, and error bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PayloadTooLargeError, ValidationError, type AppError } from '../errors.ts';
import type { Actor } from '../auth/actor.ts';
import type { MultipartBody } from './multipart.ts';

export type { MultipartBody };

export interface RestRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Who is calling (null on the routes without auth when nobody is signed in). */
  actor: Actor | null;
  sessionToken: string | null;
  clientIp: string | undefined;
  raw: IncomingMessage;
  /** Parses the JSON body (400 on malformed JSON or a non-object, 413 over the limit). */
  json(): Promise<Record<string, unknown>>;
  /** Reads a multipart/form-data body, the file part `fileField` spooled to disk (400/413 as for any body). */
  multipart(fileField: string): Promise<MultipartBody>;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
  /** Writes the response itself (Server-Sent Events, file streams). */
  stream?: (res: ServerResponse) => void;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** e.g. `/api/v1/collections/:id` */
  path: string;
  /** false for signup/login/openapi; everything else needs an actor (401). */
  auth?: boolean;
  handler: (req: RestRequest) => Promise<RestResponse>;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  keys: string[];
}

export function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((route) => {
    const keys: string[] = [];
    const source = route.path.replace(/:([a-zA-Z]+)/g, (_m, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    return { ...route, regex: new RegExp(`^${source}/?$`), keys };
  });
}

export function matchRoute(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | { allowed: string[] } | null {
  const allowed: string[] = [];
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (!m) continue;
    if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
      allowed.push(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    try {
      route.keys.forEach((key, i) => (params[key] = decodeURIComponent(m[i + 1]!)));
    } catch {
      return null; // malformed percent-encoding names nothing: 404
    }
    return { route, params };
  }
  return allowed.length ? { allowed } : null;
}

export async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ValidationError('Send a JSON body with Content-Type: application/json', 'UNSUPPORTED_MEDIA_TYPE');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new PayloadTooLargeError(`JSON body is larger than ${limit} bytes`, 'BODY_TOO_LARGE');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new PayloadTooLargeError(`JSON body is larger than ${limit} bytes`, 'BODY_TOO_LARGE');
    chunks.push(chunk as Buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ValidationError('Request body is not valid JSON', 'INVALID_JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('Request body must be a JSON object', 'INVALID_JSON');
  }
  return value as Record<string, unknown>;
}

export function errorResponse(err: AppError): RestResponse {
  return { status: err.status, body: { message: err.message, code: err.code }, headers: err.headers };
}

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
