/** Plumbing for the REST adapter: a route table, JSON bodies with a size limit, and error bodies. */
import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, ValidationError, type AppError } from '../errors.ts';
import type { RestResponse, Route } from '../adapter/rest-route.ts';

// the contract lives in adapter/ (below the modules); re-exported for the edge's own use
export type { MultipartBody, RestRequest, RestResponse, Route } from '../adapter/rest-route.ts';
export { sendJson } from '../adapter/send-json.ts';

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
