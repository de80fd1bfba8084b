/** The Pothos builder and its plugins. Defines no types: modules add theirs in *.schema.ts files. */
import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { AppError, ConflictError, NotFoundError, QuotaExceededError, UnauthenticatedError, ValidationError } from '../errors.ts';
import type { UploadValue } from '../storage/spool.ts';
import type { GraphQLContext } from './context.ts';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: { loggedIn: boolean };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Upload: { Input: UploadValue; Output: never };
    /** collection-settings.schema.ts: 1–100 or "auto", checked by the service (INVALID_QUALITY). */
    Quality: { Input: unknown; Output: number | 'auto' };
  };
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin],
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  scopeAuth: {
    authScopes: (ctx) => ({ loggedIn: ctx.actor !== null }),
    unauthorizedError: () => new UnauthenticatedError(),
  },
  // The first class an error is an instance of decides its GraphQL type: most specific first.
  errors: { defaultTypes: [QuotaExceededError, ValidationError, NotFoundError, ConflictError, AppError], directResult: true },
  relay: { clientMutationId: 'omit', cursorType: 'String', nodesOnConnection: true },
});
