import type { Actor } from '../auth/actor.ts';

/**
 * The domain services resolvers call. Empty here on purpose: src/services.ts fills it in (declaration
 * merging), so graphql/ stays below the modules and no import points back up.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ContextServices {}

/** What every resolver gets: the services, the request's Actor (or null), and the HTTP edge. */
export interface GraphQLContext {
  services: ContextServices;
  actor: Actor | null;
  /** The session token the request came with (for logOut), if any. */
  sessionToken: string | null;
  clientIp: string | undefined;
  /** Set-Cookie values for the HTTP response (empty over WebSockets). */
  responseCookies: string[];
  secureCookies: boolean;
}
