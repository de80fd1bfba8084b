/**
 * Signed delivery URLs (contract §11), pure: an HMAC-SHA256 over the path and the expiry, checked in
 * constant time against every key (the first signs, all verify, so keys rotate without broken links).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** URLs signed within one window carry the same expiry, so browsers and CDNs can cache them. */
export const EXPIRY_WINDOW_SECONDS = 15 * 60;

/** The expiry of a URL signed at `nowSeconds` to live at least `ttlSeconds`: rounded up to the window. */
export function roundedExpiry(nowSeconds: number, ttlSeconds: number): number {
  return Math.ceil((Math.floor(nowSeconds) + ttlSeconds) / EXPIRY_WINDOW_SECONDS) * EXPIRY_WINDOW_SECONDS;
}

/** The hex signature of `path` (e.g. `/private/col_x/320/a.webp`, no query) until `exp` (unix seconds). */
export function signature(key: string, path: string, exp: number): string {
  return createHmac('sha256', key).update(`${path}\n${exp}`).digest('hex');
}

/** `path?exp=…&sig=…` */
export function signedPath(key: string, path: string, exp: number): string {
  return `${path}?exp=${exp}&sig=${signature(key, path, exp)}`;
}

export type Verdict = 'valid' | 'expired' | 'bad-signature' | 'malformed';

/**
 * Whether `sig` signs `path` until `exp` with one of `keys`, and `exp` has not passed. Every key is
 * compared (no early exit), each in constant time, so timing tells nothing about which part was wrong.
 */
export function verifySignature(keys: readonly string[], path: string, exp: string | null, sig: string | null, nowSeconds: number): Verdict {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp) || !/^[0-9a-f]{64}$/.test(sig)) return 'malformed';
  const given = Buffer.from(sig, 'hex');
  let match = false;
  for (const key of keys) match = timingSafeEqual(Buffer.from(signature(key, path, Number(exp)), 'hex'), given) || match;
  if (!match) return 'bad-signature';
  return Number(exp) > nowSeconds ? 'valid' : 'expired';
}
