import type { Viewer } from '../modules/accounts/accounts.service.ts';
import type { Services } from '../services.ts';

/** What every resolver gets: the services, the authenticated viewer (or null), and the HTTP edge. */
export interface GraphQLContext {
  services: Services;
  viewer: Viewer | null;
  /** The session token the request came with (for logOut), if any. */
  sessionToken: string | null;
  clientIp: string | undefined;
  /** Set-Cookie values for the HTTP response (empty over WebSockets). */
  responseCookies: string[];
  secureCookies: boolean;
}
