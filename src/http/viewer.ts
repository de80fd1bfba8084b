/** Who is calling: an API key in `Authorization: Bearer …`, else the session cookie. */
import type { IncomingHttpHeaders } from 'node:http';
import type { AccountsService, Viewer } from '../modules/accounts/accounts.service.ts';
import { readSessionToken } from '../modules/accounts/session-cookie.ts';

export interface Credentials {
  bearer: string | null;
  sessionToken: string | null;
}

/** `secureCookies`: the deployment is on https, so the session cookie is the `__Host-` one. */
export function readCredentials(headers: IncomingHttpHeaders | Record<string, unknown>, secureCookies: boolean): Credentials {
  const auth = typeof headers.authorization === 'string' ? headers.authorization : '';
  const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
  const cookie = typeof headers.cookie === 'string' ? headers.cookie : undefined;
  return { bearer: m?.[1] ?? null, sessionToken: readSessionToken(cookie, secureCookies) };
}

/** An explicit but invalid bearer key never falls back to the cookie: the caller meant the key. */
export async function resolveViewer(accounts: AccountsService, creds: Credentials): Promise<Viewer | null> {
  if (creds.bearer) return accounts.viewerFromApiKey(creds.bearer);
  if (creds.sessionToken) return accounts.viewerFromSession(creds.sessionToken);
  return null;
}
