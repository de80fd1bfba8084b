import type { Actor } from '../auth/actor.ts';
import type { Services } from '../services.ts';

/** What every resolver gets: the services, the request's Actor (or null), and the HTTP edge. */
export interface GraphQLContext {
  services: Services;
  actor: Actor | null;
  /** The session token the request came with (for logOut), if any. */
  sessionToken: string | null;
  clientIp: string | undefined;
  /** Set-Cookie values for the HTTP response (empty over WebSockets). */
  responseCookies: string[];
  secureCookies: boolean;
}
