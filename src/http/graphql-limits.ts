/**
 * Limits every GraphQL document must pass before anything executes (graphql-armor): tokens while
 * parsing, then depth, aliases, directives and cost while validating. They are Envelop parse and
 * validate hooks, so they hold wherever an operation goes through Yoga's envelop: HTTP, SSE (both
 * graphql-sse modes) and graphql-ws (websocket.ts parses and validates with `yoga.getEnveloped`).
 * With introspection off, `__schema`/`__type` are refused and "Did you mean …" hints are hidden, so
 * the schema cannot be guessed field by field either.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.ts';

/**
 * A limit's rejection as an ordinary validation error (HTTP 400, GRAPHQL_VALIDATION_FAILED), not a
 * throw out of validate(), which graphql-ws and graphql-sse would turn into a closed stream.
 */
function reportRejection(ctx: ValidationContext | null, error: GraphQLError): void {
  ctx?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
}

const asValidationError = { propagateOnRejection: false, onReject: [reportRejection] };

export function graphqlLimits(limits: Config['graphql']): Plugin[] {
  const plugins: Plugin[] = [
    EnvelopArmorPlugin({
      // Parsing stops at the first token over the limit, so the rejection must throw (a parse error).
      maxTokens: { n: limits.maxTokens },
      // Depth and cost count fields, not fragment wrappers (Relay-style fragment composition costs
      // nothing extra), and include introspection: a deep `__schema { types { ofType { … } } }` counts too.
      maxDepth: { n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: false, ...asValidationError },
      costLimit: { maxCost: limits.maxCost, flattenFragments: true, ...asValidationError },
      maxAliases: { n: limits.maxAliases, ...asValidationError },
      maxDirectives: { n: limits.maxDirectives, ...asValidationError },
      blockFieldSuggestion: { enabled: !limits.introspection },
    }) as Plugin,
  ];
  if (!limits.introspection) {
    plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) });
  }
  return plugins;
}
