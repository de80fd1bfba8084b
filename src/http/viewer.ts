/**
 * Who is calling, once per request: a bearer (API key or `upt_…` upload token) in `Authorization`,
 * else the session cookie, in the team the request names (`?team=` or `X-Optimage-Team`, sessions
 * only; default the personal team). The Actor it becomes is what every service asks the policy about.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Actor } from '../auth/actor.ts';
import { readSessionToken } from '../modules/accounts/session-cookie.ts';
import type { ActorResolver } from '../modules/teams/actors.ts';

export interface Credentials {
  bearer: string | null;
  sessionToken: string | null;
  /** The team a session request acts in; null: the personal team. */
  team: string | null;
}

/** `secureCookies`: the deployment is on https, so the session cookie is the `__Host-` one. */
export function readCredentials(headers: IncomingHttpHeaders | Record<string, unknown>, secureCookies: boolean, url?: string): Credentials {
  const auth = typeof headers.authorization === 'string' ? headers.authorization : '';
  const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
  const cookie = typeof headers.cookie === 'string' ? headers.cookie : undefined;
  const header = headers['x-optimage-team'];
  let team = typeof header === 'string' && header ? header : null;
  if (!team && url?.includes('team=')) team = new URL(url, 'http://x').searchParams.get('team') || null;
  return { bearer: m?.[1] ?? null, sessionToken: readSessionToken(cookie, secureCookies), team };
}

/** An explicit but invalid bearer never falls back to the cookie: the caller meant the bearer. */
export function resolveActor(actors: ActorResolver, creds: Credentials): Promise<Actor | null> {
  return actors.resolve(creds);
}
