/**
 * The tus 1.0 adapter at /api/v1/uploads (creation, core, termination, expiration), over
 * @tus/server. The HTTP edge has already applied CORS and CSRF and resolved the viewer; here every
 * request but OPTIONS needs one, every upload is its owner's alone, and every error answer becomes
 * the API's JSON `{message, code}` with the error's own headers (a quota refusal's Retry-After and
 * RateLimit-*, as POST /api/v1/images sends them). A finished upload answers HEAD (and GET, as
 * JSON) itself, with the image id in `Optimage-Image-Id`: its tus bytes are gone by then.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EVENTS, Server } from '@tus/server';
import { ERRORS, HEADERS, TUS_RESUMABLE } from '@tus/utils';
import type { ServerRequest } from 'srvx';
import { NodeRequest, sendNodeResponse } from 'srvx/node';
import { AppError } from '../../errors.ts';
import { fileTooLarge } from '../../storage/spool.ts';
import { sendJson } from '../../adapter/send-json.ts';
import type { Logger } from '../../logger.ts';
import type { Actor } from '../../auth/actor.ts';
import { UPLOAD_ID, type UploadsService } from './uploads.service.ts';

export const UPLOADS_PATH = '/api/v1/uploads';
const IMAGE_ID_HEADER = 'Optimage-Image-Id';
/** What a browser page may read besides the tus headers: the image id, and the quota as REST sends it. */
const OWN_HEADERS = [IMAGE_ID_HEADER, 'X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy'];
const EXPOSED = [...HEADERS, ...OWN_HEADERS];

/** The API's code for each status tus answers with (its bodies are plain text). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'TUS_PROTOCOL',
  403: 'TUS_PROTOCOL',
  404: 'UPLOAD_NOT_FOUND',
  409: 'UPLOAD_OFFSET_MISMATCH',
  410: 'UPLOAD_EXPIRED',
  412: 'TUS_PROTOCOL',
  413: 'FILE_TOO_LARGE',
  423: 'UPLOAD_LOCKED',
  460: 'CHECKSUM_MISMATCH',
};

export interface TusOptions {
  publicBaseUrl: string;
  maxUploadBytes: number;
  isAllowedOrigin: (origin: string) => boolean;
  /** The HTTP edge's outage classifier (http/unavailable.ts): the 503 to answer for a backing service away, or null. */
  asUnavailable: (err: unknown) => AppError | null;
}

export function createTusHandler(uploads: UploadsService, options: TusOptions, logger: Logger) {
  const viewers = new WeakMap<IncomingMessage, Actor>();
  const nodeReq = (req: ServerRequest) => req.runtime!.node!.req as IncomingMessage;
  const viewerOf = (req: ServerRequest): Actor => viewers.get(nodeReq(req))!;
  /** Headers of the AppError a request was refused with, added to the answer tus builds. */
  const refusalHeaders = new WeakMap<IncomingMessage, Record<string, string>>();
  const { storage } = uploads;
  const tus = new Server({
    path: UPLOADS_PATH,
    datastore: storage.datastore,
    locker: uploads.locker,
    maxSize: options.maxUploadBytes,
    allowedOrigins: options.isAllowedOrigin,
    allowedCredentials: true,
    exposedHeaders: OWN_HEADERS,
    namingFunction: () => storage.keyOf(uploads.newUploadId()),
    generateUrl: (_req, { id }) => `${options.publicBaseUrl}${UPLOADS_PATH}/${storage.uploadIdOf(id)}`,
    // only our own ids name uploads; anything else is 404 without touching the store
    getFileIdFromRequest: (_req, lastPath) => (lastPath && UPLOAD_ID.test(lastPath) ? storage.keyOf(lastPath) : undefined),
    onUploadCreate: async (req, upload) => {
      await uploads.create(viewerOf(req), storage.uploadIdOf(upload.id)!, upload.size, upload.metadata ?? {});
      return {};
    },
    onIncomingRequest: async (req, key) => {
      if (req.method !== 'POST') await uploads.get(viewerOf(req), storage.uploadIdOf(key)!);
    },
    onUploadFinish: async (req, upload) => {
      const { image, quotaHeaders } = await uploads.finish(viewerOf(req), storage.uploadIdOf(upload.id)!);
      return { headers: { [IMAGE_ID_HEADER]: image.id, ...quotaHeaders } };
    },
    onResponseError: (req, err) => {
      // over the limit at creation: the same answer as POST /api/v1/images gives
      // the bucket or the database away (after the SDK's own retries): 503 + Retry-After, as the REST routes answer
      const refused = err === ERRORS.ERR_MAX_SIZE_EXCEEDED ? fileTooLarge(options.maxUploadBytes) : (options.asUnavailable(err) ?? err);
      if (refused instanceof AppError) {
        refusalHeaders.set(nodeReq(req), refused.headers);
        return { status_code: refused.status, body: JSON.stringify({ message: refused.message, code: refused.code }) };
      }
      if (!('status_code' in err)) logger.error({ err }, 'resumable upload failed');
      return undefined;
    },
  });
  tus.on(EVENTS.POST_TERMINATE, (_req, _res, key: string) => {
    uploads.forget(storage.uploadIdOf(key)!).catch((err: unknown) => logger.warn({ err }, 'could not forget a terminated upload'));
  });

  /** HEAD/GET on an upload: a finished one answers here; GET describes an unfinished one as JSON. */
  async function describe(req: IncomingMessage, res: ServerResponse, viewer: Actor, uploadId: string): Promise<boolean> {
    const row = await uploads.get(viewer, uploadId);
    if (!row.imageId && req.method === 'HEAD') return false;
    const offset = row.imageId ? row.size : await storage.offset(uploadId);
    const headers = { 'Tus-Resumable': TUS_RESUMABLE, 'Cache-Control': 'no-store', 'Upload-Offset': String(offset ?? 0), 'Upload-Length': String(row.size), 'Access-Control-Expose-Headers': EXPOSED.join(', ') };
    if (row.imageId) Object.assign(headers, { [IMAGE_ID_HEADER]: row.imageId });
    if (req.method === 'HEAD') res.writeHead(200, headers).end();
    else sendJson(res, 200, { id: row.id, offset, length: row.size, expiresAt: row.expiresAt.toISOString(), imageId: row.imageId }, headers);
    return true;
  }

  return async function handle(req: IncomingMessage, res: ServerResponse, viewer: Actor | null): Promise<void> {
    if (req.method !== 'OPTIONS') {
      if (!viewer) return sendJson(res, 401, { message: 'Authentication required', code: 'UNAUTHENTICATED' });
      viewers.set(req, viewer);
      const uploadId = new URL(req.url ?? '/', 'http://x').pathname.slice(UPLOADS_PATH.length + 1);
      if ((req.method === 'HEAD' || req.method === 'GET') && uploadId) {
        try {
          if (await describe(req, res, viewer, uploadId)) return;
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          if (req.method === 'HEAD') return void res.writeHead(err.status, { 'Tus-Resumable': TUS_RESUMABLE, 'Cache-Control': 'no-store' }).end();
          throw err; // the edge answers it as JSON
        }
      }
    }
    const response = await tus.handleWeb(new NodeRequest({ req, res }));
    await sendNodeResponse(res, await asJsonError(response, refusalHeaders.get(req)));
  };
}

/** tus answers errors in plain text (or our JSON from onResponseError): always the API's `{message, code}`, with the error's headers. */
async function asJsonError(response: Response, errorHeaders: Record<string, string> = {}): Promise<Response> {
  if (response.status < 400) return response;
  const text = (await response.text()).trim();
  let body: { message: string; code: string };
  try {
    body = JSON.parse(text) as { message: string; code: string };
  } catch {
    body = { message: text || `HTTP ${response.status}`, code: CODE_BY_STATUS[response.status] ?? (response.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST') };
  }
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(errorHeaders)) headers.set(name, value);
  const json = JSON.stringify(body);
  headers.set('Content-Type', 'application/json; charset=utf-8');
  headers.set('Content-Length', String(Buffer.byteLength(json)));
  return new Response(json, { status: response.status, headers });
}
