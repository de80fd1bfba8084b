/**
 * The GraphQL endpoint: graphql-yoga over the Pothos schema. Multipart uploads are parsed by
 * graphql-upload-minimal (busboy) *before* Yoga, so file parts stream to the resolver instead of
 * being buffered whole in memory as Yoga's built-in multipart parser would.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import { processRequest } from 'graphql-upload-minimal';
import { createYoga, maskError, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { GraphQLContext } from '../graphql/context.ts';
import type { Logger } from '../logger.ts';
import type { Viewer } from '../modules/accounts/accounts.service.ts';
import { getSchema } from '../schema.ts';
import type { Services } from '../services.ts';
import { sendJson } from './rest.ts';
import { asServiceUnavailable } from './unavailable.ts';

/** What the HTTP layer hands Yoga for each request. */
export interface GraphQLServerContext {
  req: IncomingMessage;
  res: ServerResponse;
  viewer: Viewer | null;
  sessionToken: string | null;
  clientIp: string | undefined;
  responseCookies: string[];
  preParsed?: unknown;
}

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
      path: gqlError?.path,
      extensions: { code: original.code, http: { status: original.status === 401 || original.status === 503 ? original.status : 200, headers: original.headers } },
    });
  }
  return maskError(error, message, isDev);
}

export function createGraphQL(services: Services, config: Config, logger: Logger) {
  const log = logger.child({ module: 'graphql' });
  const preParsedPlugin: Plugin<GraphQLServerContext> = {
    onRequestParse({ serverContext, setRequestParser }) {
      const preParsed = (serverContext as Partial<GraphQLServerContext>).preParsed;
      if (preParsed) setRequestParser(() => preParsed as never);
    },
  };
  const cookiesPlugin: Plugin<GraphQLServerContext> = {
    onResponse({ response, serverContext }) {
      for (const cookie of (serverContext as Partial<GraphQLServerContext>).responseCookies ?? []) {
        response.headers.append('Set-Cookie', cookie);
      }
    },
  };
  const yoga: YogaServerInstance<GraphQLServerContext, GraphQLContext> = createYoga<GraphQLServerContext, GraphQLContext>({
    schema: getSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'optimage GraphQL', credentials: 'include', headers: JSON.stringify({ 'x-graphql-yoga-csrf': '1' }) },
    maskedErrors: { maskError: maskAppErrors },
    // JSON bodies (declared or chunked) are bounded here; multipart bodies are pre-parsed and
    // streamed with their own file-size limit (see handle()).
    maxRequestBodySize: config.limits.maxJsonBytes,
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error(args.map(String).join(' ')),
    },
    context: ({ viewer, sessionToken, clientIp, responseCookies }): GraphQLContext => ({
      services,
      viewer,
      sessionToken,
      clientIp,
      responseCookies,
      secureCookies: config.http.secureCookies,
    }),
    plugins: [useCSRFPrevention({ requestHeaders: CSRF_HEADERS }), preParsedPlugin, cookiesPlugin],
  });

  async function handle(ctx: GraphQLServerContext): Promise<void> {
    const { req, res } = ctx;
    const type = req.headers['content-type'] ?? '';
    if (req.method === 'POST' && /^multipart\/form-data/i.test(type)) {
      // Yoga's CSRF rule, checked before a byte of the body is read.
      if (!CSRF_HEADERS.some((h) => req.headers[h] !== undefined)) {
        return sendJson(res, 400, { errors: [{ message: `Multipart requests need one of the headers ${CSRF_HEADERS.join(', ')}`, extensions: { code: 'CSRF_HEADER_REQUIRED' } }] });
      }
      ctx.preParsed = await processRequest(req, res, { maxFileSize: config.limits.maxUploadBytes + 1, maxFiles: 1, maxFieldSize: 1_000_000 });
      // The body is consumed; its length must not trip Yoga's JSON body limit.
      delete req.headers['content-length'];
    }
    await yoga.handle(req, res, ctx);
  }

  return { yoga, handle };
}
