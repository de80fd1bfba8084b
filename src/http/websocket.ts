/**
 * graphql-ws on the GraphQL path, through `yoga.getEnveloped` so WebSocket operations pass the
 * same plugins (masking, limits, CSRF-free but authenticated) as HTTP. A browser upgrade from a
 * foreign Origin (neither ours nor in CORS_ORIGINS) is refused with 403 before the upgrade, so a
 * page elsewhere can never ride the session cookie. Authentication happens at connection_init: an
 * API key in `connectionParams.authorization`, else the session cookie.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { GraphQLContext } from '../graphql/context.ts';
import type { Logger } from '../logger.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import type { OriginPolicy } from './cors.ts';
import type { GraphQLServerContext } from './graphql.ts';
import { readCredentials, resolveActor, type Credentials } from './viewer.ts';

export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 50;

/** An expired token or a team the user left refuses the socket like a revoked key; outages still throw. */
const refusedCredential = (err: unknown): null => {
  if (err instanceof AppError) return null;
  throw err;
};

type SocketExtra = {
  actor?: Actor;
  /** The credential the socket authenticated with, re-checked on every operation. */
  credentials?: Credentials;
  active?: Set<string>;
};

export function attachWebSockets(
  server: Server,
  yoga: YogaServerInstance<GraphQLServerContext, GraphQLContext>,
  services: Services,
  policy: OriginPolicy,
  logger: Logger,
  secureCookies: boolean,
): { close: () => Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    // No Origin: not a browser (servers, CLIs), which authenticate with their own credentials.
    const origin = req.headers.origin;
    if (origin !== undefined && !policy.isSameOrigin(origin, req) && !policy.isAllowedCrossOrigin(origin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nOrigin not allowed\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      connectionInitWaitTimeout: 5_000,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const extra = ctx.extra as SocketExtra & { request: IncomingMessage };
        const auth = typeof params.authorization === 'string' ? params.authorization : undefined;
        let credentials: Credentials | null = null;
        if (auth) credentials = readCredentials({ authorization: /^Bearer /i.test(auth) ? auth : `Bearer ${auth}` }, secureCookies);
        else credentials = readCredentials({ cookie: extra.request.headers.cookie }, secureCookies);
        // the team a session acts in (the dashboard's team switcher), as X-Optimage-Team does over HTTP
        if (typeof params.team === 'string' && params.team) credentials = { ...credentials, team: params.team };
        const actor = credentials && (await resolveActor(services.actors, credentials).catch(refusedCredential));
        if (!actor) return false; // closes with 4403 Forbidden
        extra.actor = actor;
        extra.credentials = credentials!;
        extra.active = new Set();
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const extra = ctx.extra as SocketExtra & { request: IncomingMessage; socket: { close(code: number, reason: string): void } };
        const active = extra.active!;
        // Count the operation before any await, so a burst cannot slip past the cap.
        if (active.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [new GraphQLError(`At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })];
        }
        active.add(id);
        const refuse = (errors: readonly GraphQLError[]) => (active.delete(id), errors);
        // A revoked key or a logged-out session ends the socket's rights at its next operation.
        const actor = await resolveActor(services.actors, extra.credentials!).catch(refusedCredential);
        if (!actor) {
          extra.socket.close(4403, 'Forbidden');
          return refuse([new GraphQLError('Credentials revoked or expired', { extensions: { code: 'UNAUTHENTICATED' } })]);
        }
        extra.actor = actor;
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          req: extra.request,
          actor,
          sessionToken: null,
          clientIp: extra.request.socket.remoteAddress,
          responseCookies: [],
        });
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return refuse([err as GraphQLError]);
        }
        const errors = validate(schema, document);
        if (errors.length) return refuse(errors);
        const args: ExecutionArgs = {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        return args;
      },
      onComplete: (ctx, id) => {
        (ctx.extra as SocketExtra).active?.delete(id);
      },
      execute: (args: ExecutionArgs) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args: ExecutionArgs) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
    },
    wss,
  );
  wss.on('error', (err) => logger.warn({ err }, 'websocket server error'));

  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.close(1001, 'Server shutting down');
        wss.close(() => resolve());
        setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 2_000).unref();
      }),
  };
}
