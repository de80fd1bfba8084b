/**
 * graphql-sse (both its single connection and distinct connections modes) at one endpoint, as a
 * Yoga plugin: every operation is parsed, validated and executed through `yoga.getEnveloped`, so
 * the limits, masking and context are those of HTTP. This is @graphql-yoga/plugin-graphql-sse's
 * design with one change: a refused document (over the token limit, failing validation) is answered
 * as a GraphQL result `{ errors }`, where that plugin (3.24.1) answered a parse error with HTTP 500
 * and a stack trace, and ran validation errors into "Unable to detect operation AST".
 */
import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/fetch';
import type { Plugin } from 'graphql-yoga';

/** No `data` key: the operation never started executing (GraphQL spec, "Response"). */
const refused = (errors: readonly GraphQLError[]): ExecutionResult => ({ data: undefined, errors });

export function useGraphQLSSE(endpoint: string): Plugin {
  const serverContexts = new WeakMap<Request, object>();
  let handler: (req: Request) => Promise<Response>;
  return {
    onYogaInit({ yoga }) {
      handler = createHandler(
        {
          onSubscribe: async (req, params) => {
            const enveloped = yoga.getEnveloped({ ...serverContexts.get(req.raw), request: req.raw, params });
            let document: DocumentNode;
            try {
              document = enveloped.parse(params.query);
            } catch (err) {
              if (err instanceof GraphQLError) return refused([err]);
              throw err;
            }
            const errors = enveloped.validate(enveloped.schema, document);
            if (errors.length > 0) return refused(errors);
            const args = {
              schema: enveloped.schema,
              document,
              contextValue: await enveloped.contextFactory(),
              variableValues: params.variables,
              operationName: params.operationName,
            };
            const operation = getOperationAST(document, params.operationName);
            return (operation?.operation === 'subscription' ? enveloped.subscribe(args) : enveloped.execute(args)) as ExecutionResult;
          },
        },
        yoga.fetchAPI,
      );
    },
    onRequest({ request, serverContext, endResponse }) {
      if (new URL(request.url).pathname !== endpoint) return;
      serverContexts.set(request, serverContext);
      return handler(request).then(endResponse);
    },
  };
}
