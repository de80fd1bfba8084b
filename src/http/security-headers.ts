/**
 * Security headers for every response, and the Content-Security-Policy of each kind of page:
 * JSON and images may load nothing and be framed nowhere; the dashboard runs only its own bundled
 * scripts; GraphiQL (one inline bundle, see graphiql.ts) runs only that script, by its hash.
 */
import type { ServerResponse } from 'node:http';

const COMMON = "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/** API bodies, images, errors: nothing to run, nothing to load, never in a frame. */
export const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** The S3 side of a deployment, as far as where a browser's direct-upload PUT goes. */
export interface UploadBucket {
  endpoint: string | undefined;
  region: string;
  /** The bucket direct uploads are staged in (the private bucket, else the main one). */
  bucket: string;
  forcePathStyle: boolean;
}

/** The origin of the presigned PUT URLs of a direct upload (what the AWS SDK signs: path or virtual-host style). */
export function uploadOrigin(s3: UploadBucket): string {
  const base = new URL(s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`);
  return s3.forcePathStyle || s3.bucket.includes('.') ? base.origin : `${base.protocol}//${s3.bucket}.${base.host}`;
}

/**
 * The dashboard: its own hashed assets; images from this server or the CDN; WebSocket/SSE to itself,
 * and on S3 the bucket that direct uploads PUT to.
 */
export function dashboardPolicy(cdnBaseUrl: string, bucket?: UploadBucket): string {
  const cdn = new URL(cdnBaseUrl).origin;
  const connect = bucket ? `'self' ${uploadOrigin(bucket)}` : "'self'";
  return `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' ${cdn} data: blob:; connect-src ${connect}; worker-src 'self'; font-src 'self'; ${COMMON}`;
}

/** GraphiQL: its inline bundle by hash; the editor injects styles and starts workers from blob/data URLs. */
export function graphiqlPolicy(scriptHashes: Iterable<string>): string {
  const scripts = [...scriptHashes].map((h) => `'sha256-${h}'`).join(' ');
  return `default-src 'self'; script-src ${scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob: data:; ${COMMON}`;
}

/** Set on every response before anything is written; HTML pages replace the CSP with their own. */
export function applySecurityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Content-Security-Policy', API_POLICY);
}
