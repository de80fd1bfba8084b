/**
 * The GraphQL endpoint: graphql-yoga over the Pothos schema. Multipart uploads (the GraphQL
 * multipart request spec) are read by the edge's own multipart reader *before* Yoga — the file
 * spooled to disk, hashed — so Yoga never buffers a file in memory (its built-in parser would), and
 * its JSON body limit never sees the upload stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import { createYoga, maskError, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from '../config.ts';
import { AppError, UnauthenticatedError } from '../errors.ts';
import type { GraphQLContext } from '../graphql/context.ts';
import type { Logger } from '../logger.ts';
import type { Actor } from '../auth/actor.ts';
import { getSchema } from '../schema.ts';
import type { Services } from '../services.ts';
import { graphiqlScriptHashes, renderOfflineGraphiQL } from './graphiql.ts';
import { compiledQueries, type Engine, type OperationType } from './graphql-jit.ts';
import { graphqlLimits } from './graphql-limits.ts';
import { useGraphQLSSE } from './graphql-sse.ts';
import { readGraphQLMultipart } from './graphql-multipart.ts';
import { graphiqlPolicy } from './security-headers.ts';
import { isMultipart } from './multipart.ts';
import { sendJson } from './rest.ts';
import { asServiceUnavailable } from './unavailable.ts';

/** What the HTTP layer hands Yoga for each request. */
export interface GraphQLServerContext {
  req: IncomingMessage;
  res: ServerResponse;
  actor: Actor | null;
  sessionToken: string | null;
  clientIp: string | undefined;
  responseCookies: string[];
  preParsed?: unknown;
}

/** Where graphql-sse clients connect (Yoga's own SSE answers on /graphql too). */
export const GRAPHQL_SSE_PATH = '/graphql/stream';

export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'graphql-preflight', 'apollo-require-preflight'];

/** AppErrors keep their message and code; anything unexpected is masked by Yoga's default. */
function maskAppErrors(error: unknown, message: string, isDev?: boolean): Error {
  let original: unknown = error;
  // Resolver errors arrive wrapped (sometimes twice) in GraphQLErrors; find the thrown one.
  while (original instanceof GraphQLError && original.originalError) original = original.originalError;
  original = asServiceUnavailable(original) ?? original; // database or storage away: UNAVAILABLE, HTTP 503 + Retry-After
  if (original instanceof AppError) {
    const gqlError = error instanceof GraphQLError ? error : undefined;
    return new GraphQLError(original.message, {
      nodes: gqlError?.nodes,
      // a compiled query's errors are located by source positions, not AST nodes (graphql-jit.ts)
      source: gqlError?.source,
      positions: gqlError?.positions,
      path: gqlError?.path,
      // HTTP 200 (a field's failure, also UNAUTHENTICATED, is a GraphQL error beside partial data),
      // except an outage of a backing service: 503 with Retry-After, so clients and proxies retry
      extensions: { code: original.code, ...(original.status === 503 ? { http: { status: 503, headers: original.headers } } : {}) },
    });
  }
  return maskError(error, message, isDev);
}

/** A request refused before GraphQL ran, in the GraphQL-over-HTTP error shape. */
function sendGraphQLError(res: ServerResponse, err: AppError): void {
  sendJson(res, err.status, { errors: [{ message: err.message, extensions: { code: err.code } }] }, err.headers);
}

export function createGraphQL(services: Services, config: Config, logger: Logger, onOperation?: (type: OperationType, engine: Engine) => void) {
  const log = logger.child({ module: 'graphql' });
  const preParsedPlugin: Plugin<GraphQLServerContext> = {
    onRequestParse({ serverContext, setRequestParser }) {
      const preParsed = (serverContext as Partial<GraphQLServerContext>).preParsed;
      if (preParsed) setRequestParser(() => preParsed as never);
    },
  };
  const cookiesPlugin: Plugin<GraphQLServerContext> = {
    onResponse({ response, serverContext }) {
      // the one HTML page Yoga serves is GraphiQL: its own policy replaces the API's
      if (response.headers.get('content-type')?.startsWith('text/html')) response.headers.set('Content-Security-Policy', graphiqlPolicy(graphiqlScriptHashes));
      for (const cookie of (serverContext as Partial<GraphQLServerContext>).responseCookies ?? []) {
        response.headers.append('Set-Cookie', cookie);
      }
    },
  };
  const yoga: YogaServerInstance<GraphQLServerContext, GraphQLContext> = createYoga<GraphQLServerContext, GraphQLContext>({
    schema: getSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // GraphiQL from this server's own package (no CDN), sending the cookie and the CSRF header on every request.
    graphiql: { title: 'optimage GraphQL', credentials: 'include', additionalHeaders: { 'x-graphql-yoga-csrf': '1' } },
    renderGraphiQL: renderOfflineGraphiQL,
    maskedErrors: { maskError: maskAppErrors },
    // JSON bodies (declared or chunked) are bounded here; multipart bodies are read before Yoga,
    // with their own file-size limit (see handle()), and reach it with no body left to count.
    maxRequestBodySize: config.limits.maxJsonBytes,
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error(args.map(String).join(' ')),
    },
    context: ({ actor, sessionToken, clientIp, responseCookies }): GraphQLContext => ({
      services,
      actor,
      sessionToken,
      clientIp,
      responseCookies,
      secureCookies: config.http.secureCookies,
    }),
    plugins: [
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      preParsedPlugin,
      cookiesPlugin,
      ...graphqlLimits(config.graphql),
      compiledQueries(config.graphql.jit, log, onOperation),
      // graphql-sse's single connection mode (and its distinct mode) at /graphql/stream
      useGraphQLSSE(GRAPHQL_SSE_PATH),
    ],
  });

  async function handle(ctx: GraphQLServerContext): Promise<void> {
    const { req, res } = ctx;
    if (req.method !== 'POST' || !isMultipart(req)) return yoga.handle(req, res, ctx);
    // Yoga's CSRF rule, checked before a byte of the body is read.
    if (!CSRF_HEADERS.some((h) => req.headers[h] !== undefined)) {
      return sendGraphQLError(res, new AppError(`Multipart requests need one of the headers ${CSRF_HEADERS.join(', ')}`, 'CSRF_HEADER_REQUIRED', 400));
    }
    let upload;
    try {
      upload = await readGraphQLMultipart(req, {
        maxFileBytes: config.limits.maxUploadBytes,
        dir: services.config.uploadDir,
        maxFieldBytes: config.limits.maxJsonBytes,
        // nobody signed in: the operation still runs (and is refused field by field, as any other),
        // but the file is not written anywhere
        refuseFile: ctx.actor ? undefined : new UnauthenticatedError(),
      });
    } catch (err) {
      if (err instanceof AppError) return sendGraphQLError(res, err);
      throw err;
    }
    ctx.preParsed = upload.params;
    // The body is consumed; its length must not trip Yoga's JSON body limit.
    delete req.headers['content-length'];
    try {
      await yoga.handle(req, res, ctx);
    } finally {
      await upload.spooled?.discard(); // whether or not a resolver took it
    }
  }

  return { yoga, handle };
}
