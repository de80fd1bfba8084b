/**
 * A real S3 endpoint for tests: s3rver on a free loopback port with its files in a temp directory,
 * and a fault-injecting HTTP proxy to put in front of it when a test needs 5xx, dropped connections,
 * flipped bytes in request bodies or rewritten responses.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { request as httpRequest, createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** s3rver ships no types; this is the part of its API the helper uses. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs?: string[] }[];
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface TestS3 {
  endpoint: string;
  region: string;
  bucket: string;
  /** Extra buckets created at start (e.g. an originals bucket), by the names asked for. */
  buckets: string[];
  accessKeyId: string;
  secretAccessKey: string;
  /** Options for `new S3Store(...)` / `createObjectStore({ driver: 's3', ... })` against this server. */
  storeOptions(overrides?: { endpoint?: string; bucket?: string; originalsBucket?: string }): {
    endpoint: string;
    region: string;
    bucket: string;
    originalsBucket: string | undefined;
    accessKeyId: string;
    secretAccessKey: string;
    forcePathStyle: true;
  };
  close(): Promise<void>;
}

/**
 * The CORS rule docs/private-delivery.md asks for on the private bucket, so that a page of the app's
 * origin (here any loopback port) may PUT a direct upload with its checksum header and read the ETag.
 */
export const BROWSER_PUT_CORS = `<CORSConfiguration><CORSRule>
  <AllowedOrigin>http://127.0.0.1:*</AllowedOrigin>
  <AllowedMethod>PUT</AllowedMethod>
  <AllowedHeader>content-type</AllowedHeader>
  <AllowedHeader>x-amz-checksum-sha256</AllowedHeader>
  <ExposeHeader>ETag</ExposeHeader>
  <MaxAgeSeconds>3000</MaxAgeSeconds>
</CORSRule></CORSConfiguration>`;

/**
 * Starts s3rver on 127.0.0.1 (port 0) in a fresh temp directory, with `bucket` and `extraBuckets`
 * created, each with the configuration documents (CORS XML) `configs` names for it.
 */
export async function startS3(options: { bucket?: string; extraBuckets?: string[]; configs?: Record<string, string[]> } = {}): Promise<TestS3> {
  const bucket = options.bucket ?? 'optimage-test';
  const extra = options.extraBuckets ?? [];
  const directory = await mkdtemp(join(tmpdir(), 'optimage-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [bucket, ...extra].map((name) => ({ name, ...(options.configs?.[name] ? { configs: options.configs[name] } : {}) })),
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  // s3rver's built-in account; it checks SigV4 signatures against these.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    endpoint,
    region: 'us-east-1',
    bucket,
    buckets: extra,
    ...credentials,
    storeOptions: (overrides = {}) => ({
      endpoint: overrides.endpoint ?? endpoint,
      region: 'us-east-1',
      bucket: overrides.bucket ?? bucket,
      originalsBucket: overrides.originalsBucket,
      ...credentials,
      forcePathStyle: true,
    }),
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver with a public bucket and a private one that browsers may PUT direct uploads into
 * (BROWSER_PUT_CORS), and the app's environment for both: what the browser tests of direct uploads run.
 */
export async function startBrowserUploadS3(): Promise<{ s3: TestS3; env: Record<string, string> }> {
  const s3 = await startS3({ bucket: 'optimage-public', extraBuckets: ['optimage-private'], configs: { 'optimage-private': [BROWSER_PUT_CORS] } });
  return { s3, env: { ...s3AppEnv(s3), S3_PRIVATE_BUCKET: 'optimage-private' } };
}

/** The app's environment for STORAGE=s3 against `s3` (through `endpoint`, e.g. a fault proxy), the bucket serving CDN_BASE_URL. */
export function s3AppEnv(s3: TestS3, endpoint = s3.endpoint): Record<string, string> {
  return {
    STORAGE: 's3',
    S3_ENDPOINT: endpoint,
    S3_REGION: s3.region,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    CDN_BASE_URL: `${s3.endpoint}/${s3.bucket}`,
  };
}

export interface FaultRules {
  /** Fail the first N attempts of every SDK invocation (grouped by the `amz-sdk-invocation-id` header). */
  failFirstAttempts?: number;
  /** Fail this fraction (0..1) of requests at random, on top of `failFirstAttempts`. */
  failFraction?: number;
  /** Only requests this predicate accepts are considered for failure (default: all). */
  match?: (req: IncomingMessage) => boolean;
  /** How to fail: answer with this status (500/503, S3 error XML) or drop the connection. Default 503. */
  failWith?: 500 | 503 | 'drop';
  /**
   * Flip one byte in the body of requests `match` accepts (default: any with a body), for the first
   * `times` of them (default: every one). The length is unchanged: only a content check notices.
   */
  corrupt?: { match?: (req: IncomingMessage) => boolean; times?: number };
  /** Rewrite responses to requests `match` accepts: the (text) body, e.g. a CopyObject result's ETag, or headers. */
  rewriteResponse?: {
    match: (req: IncomingMessage) => boolean;
    body?: (text: string) => string;
    headers?: (headers: IncomingHttpHeaders) => IncomingHttpHeaders;
  };
}

export interface ProxiedRequest {
  method: string;
  url: string;
  invocationId: string | undefined;
  /** What the proxy did with it. */
  outcome: 'forwarded' | 'corrupted' | 500 | 503 | 'drop';
  headers: IncomingMessage['headers'];
  /** Hex SHA-256 of the body as received, for forwarded requests once complete (compare with x-amz-content-sha256). */
  bodySha256?: string;
}

export interface FaultProxy {
  endpoint: string;
  /** Replace the rules; takes effect for the next request. */
  setRules(rules: FaultRules): void;
  /** Every request seen, in order. */
  readonly requests: ProxiedRequest[];
  /** Requests seen per SDK invocation id (attempt counts). */
  attemptsByInvocation(): Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

/** An HTTP proxy on 127.0.0.1 that forwards to `target` (an http:// origin) except where `rules` say to fail. */
export async function startFaultProxy(target: string, rules: FaultRules = {}): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  let current = rules;
  const requests: ProxiedRequest[] = [];
  let corrupted = 0;
  const seenAttempts = new Map<string, number>();
  const sockets = new Set<Socket>();

  const decide = (req: IncomingMessage, invocationId: string | undefined): 'forwarded' | 500 | 503 | 'drop' => {
    if (current.match && !current.match(req)) return 'forwarded';
    // Without an invocation id every request counts as a first attempt.
    const attempt = invocationId ? (seenAttempts.get(invocationId) ?? 1) : 1;
    const failing = attempt <= (current.failFirstAttempts ?? 0) || Math.random() < (current.failFraction ?? 0);
    return failing ? (current.failWith ?? 503) : 'forwarded';
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const invocationId = header(req, 'amz-sdk-invocation-id');
    if (invocationId) seenAttempts.set(invocationId, (seenAttempts.get(invocationId) ?? 0) + 1);
    const outcome = decide(req, invocationId);
    const seen: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', invocationId, outcome, headers: req.headers };
    requests.push(seen);
    if (outcome === 'drop') {
      req.socket.destroy();
      return;
    }
    if (outcome !== 'forwarded') {
      // Read the whole body first so the client sees the status, not a reset mid-upload.
      req.resume();
      req.on('end', () => {
        const code = outcome === 503 ? 'ServiceUnavailable' : 'InternalError';
        res.writeHead(outcome, { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected by test proxy</Message></Error>`);
      });
      return;
    }
    const corruptRule = current.corrupt;
    const corrupting = corruptRule !== undefined && (corruptRule.match?.(req) ?? true) && corrupted < (corruptRule.times ?? Number.POSITIVE_INFINITY);
    const rewrite = current.rewriteResponse?.match(req) ? current.rewriteResponse : undefined;
    // The Host header is forwarded unchanged: it is part of the SigV4 signature.
    const upstream = httpRequest(
      { hostname: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        if (!rewrite) {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upRes.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const body = Buffer.from(rewrite.body ? rewrite.body(text) : text);
          const headers = rewrite.headers ? rewrite.headers({ ...upRes.headers }) : upRes.headers;
          res.writeHead(upRes.statusCode ?? 502, { ...headers, 'content-length': String(body.length) });
          res.end(body);
        });
      },
    );
    upstream.on('error', () => req.socket.destroy());
    const bodyHash = createHash('sha256');
    let flipped = false;
    req.on('data', (chunk: Buffer) => {
      bodyHash.update(chunk);
      if (corrupting && !flipped && chunk.length > 0) {
        flipped = true;
        corrupted++;
        seen.outcome = 'corrupted';
        const bad = Buffer.from(chunk);
        bad[bad.length >> 1]! ^= 0xff;
        chunk = bad;
      }
      upstream.write(chunk);
    });
    req.on('end', () => {
      seen.bodySha256 = bodyHash.digest('hex');
      upstream.end();
    });
  };

  const server: Server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    setRules: (next) => {
      current = next;
    },
    requests,
    attemptsByInvocation: () => new Map(seenAttempts),
    reset: () => {
      requests.length = 0;
      corrupted = 0;
      seenAttempts.clear();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
