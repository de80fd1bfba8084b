/** Assembles the GraphQL schema from the modules' *.schema.ts files. No side effects beyond the builder. */
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './graphql/builder.ts';
import './graphql/error-types.ts';
import './graphql/node.ts';
import './modules/accounts/accounts.schema.ts';
import './modules/teams/teams.schema.ts';
import './modules/teams/api-keys.schema.ts';
import './modules/collections/collections.schema.ts';
import './modules/images/images.schema.ts';
import './modules/images/image-connection.schema.ts';
import './modules/quota/quota.schema.ts';
import './modules/images/image-status.schema.ts';
import './modules/images/delivery.schema.ts';
import './modules/images/direct-upload.schema.ts';
import './modules/images/art-direction.schema.ts';
import './modules/collections/collection-settings.schema.ts';
import './modules/webhooks/webhooks.schema.ts';

let schema: GraphQLSchema | undefined;

export function getSchema(): GraphQLSchema {
  schema ??= builder.toSchema();
  return schema;
}

/** The SDL committed as schema/schema.graphql (sorted, so diffs are stable). */
export function printSortedSchema(): string {
  return printSchema(lexicographicSortSchema(getSchema())) + '\n';
}
