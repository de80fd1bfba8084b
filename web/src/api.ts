/**
 * One urql client per signed-in session: queries and mutations over HTTP POST (with Yoga's CSRF
 * header), subscriptions over graphql-ws on the same /graphql path, authenticated by the session
 * cookie. A new session gets a new client, so no socket outlives the cookie it was opened with.
 */
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange, type CombinedError } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws/client';
import { currentTeam } from './team.ts';

export interface Api {
  client: Client;
  dispose(): void;
}

/** `onSignedOut` runs when the server says the session is gone (expired, revoked elsewhere). */
export function createApi(onSignedOut: () => void = () => undefined): Api {
  const ws = createWsClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    lazy: true,
    retryAttempts: 8,
    connectionParams: () => (currentTeam() ? { team: currentTeam() } : {}),
    // A closed socket (server restart, network blip) reconnects; 4403 means the session ended.
    shouldRetry: (event) => !(event && typeof event === 'object' && 'code' in event && (event as CloseEvent).code === 4403),
  });
  const client = new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => {
      const team = currentTeam();
      return { credentials: 'same-origin', headers: { 'x-graphql-yoga-csrf': '1', ...(team ? { 'x-optimage-team': team } : {}) } };
    },
    exchanges: [
      mapExchange({ onError: (error) => error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED') && onSignedOut() }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
  return { client, dispose: () => void ws.dispose() };
}

/** The message to show for a failed operation: the server's words when it sent some. */
export function errorMessage(error: CombinedError | undefined | null): string | null {
  if (!error) return null;
  if (error.networkError) return 'The server could not be reached. Check your connection and try again.';
  return error.graphQLErrors.map((e) => e.message).join(' ') || error.message;
}
