/** Secrets for sessions and API keys: 256 random bits, stored only as SHA-256. */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'opt_live_';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function newApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
