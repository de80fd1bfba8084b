/**
 * The GraphQL `Team` type's reference, apart from its fields (teams.schema.ts): the collections and
 * quota modules add `Team.collections` and `Team.quota` from their own schema files.
 */
import { builder } from '../../graphql/builder.ts';
import type { TeamView } from './teams.service.ts';

export const TeamRef = builder.objectRef<TeamView>('Team');
