/** GraphQL: API keys of the viewer's team, narrowed by scopes, collections and expiry (contract §10). */
import { builder } from '../../graphql/builder.ts';
import { DeletedRef } from '../../graphql/error-types.ts';
import { NodeInterface, registerNode } from '../../graphql/node.ts';
import type { ApiKey } from '../accounts/api-key.entity.ts';

export const ApiKeyRef = builder.objectRef<ApiKey>('ApiKey').implement({
  description: 'A server credential. The secret itself is only returned once, by createApiKey.',
  interfaces: [NodeInterface],
  fields: (t) => ({
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to recognise it.' }),
    teamId: t.exposeID('teamId'),
    scopes: t.exposeStringList('scopes', { description: "What it may do (never more than its creator's current role)." }),
    collections: t.exposeIDList('collectionIds', { nullable: true, description: 'The collections it is limited to; null: all of the team.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
  }),
});

registerNode('key', ApiKeyRef, (ids, ctx) => ctx.services.apiKeys.findMany(ctx.actor!, ids));

const NewApiKeyRef = builder.objectRef<{ apiKey: ApiKey; key: string }>('NewApiKey').implement({
  fields: (t) => ({
    id: t.id({ resolve: (p) => p.apiKey.id }),
    name: t.string({ resolve: (p) => p.apiKey.name }),
    key: t.exposeString('key', { description: 'The secret: send it as `Authorization: Bearer <key>`. Shown only here.' }),
    scopes: t.stringList({ resolve: (p) => p.apiKey.scopes }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.apiKey.expiresAt }),
    createdAt: t.field({ type: 'DateTime', resolve: (p) => p.apiKey.createdAt }),
  }),
});

builder.queryFields((t) => ({
  apiKeys: t.field({
    type: [ApiKeyRef],
    authScopes: { loggedIn: true },
    description: "The team's keys: all of them for admins, else the viewer's own.",
    resolve: (_root, _args, ctx) => ctx.services.apiKeys.list(ctx.actor!),
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: NewApiKeyRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: {
      name: t.arg.string(),
      teamId: t.arg.id({ required: false }),
      scopes: t.arg.stringList({ required: false, description: 'images:read, images:write, collections:write, webhooks:write, keys:write (default: all your role allows).' }),
      collections: t.arg.idList({ required: false }),
      expiresAt: t.arg({ type: 'DateTime', required: false }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.apiKeys.create(
        ctx.actor!,
        { name: args.name, teamId: args.teamId ?? undefined, scopes: args.scopes ?? undefined, collections: args.collections?.map(String), expiresAt: args.expiresAt?.toISOString() },
        async (actor, ids) => (await ctx.services.collections.findMany(actor, ids)).map((c) => c.id),
      ),
  }),
  revokeApiKey: t.field({
    type: DeletedRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { id: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      await ctx.services.apiKeys.revoke(ctx.actor!, String(args.id));
      return { id: String(args.id) };
    },
  }),
}));
