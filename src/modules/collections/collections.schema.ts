import { builder } from '../../graphql/builder.ts';
import { DeletedRef } from '../../graphql/error-types.ts';
import { NodeInterface, registerNode } from '../../graphql/node.ts';
import { inTeam } from '../teams/policy.ts';
import { TeamRef } from '../teams/team-ref.ts';
import { CollectionRef } from './collection-ref.ts';

CollectionRef.implement({
  interfaces: [NodeInterface],
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.objectFields(TeamRef, (t) => ({
  collections: t.field({
    type: [CollectionRef],
    description: "The team's collections, as a credential narrowed to some collections may see them.",
    resolve: (team, _a, ctx) => ctx.services.collections.list(inTeam(ctx.actor!, team.id)),
  }),
}));

registerNode('col', CollectionRef, (ids, ctx) => ctx.services.collections.findMany(ctx.actor!, ids));

builder.queryFields((t) => ({
  collections: t.field({
    type: [CollectionRef],
    authScopes: { loggedIn: true },
    description: "The viewer's collections, newest first.",
    resolve: (_root, _args, ctx) => ctx.services.collections.list(ctx.actor!),
  }),
  collection: t.field({
    type: CollectionRef,
    nullable: true,
    authScopes: { loggedIn: true },
    args: { id: t.arg.id() },
    description: 'One of the viewer\'s collections, or null (also for other users\' collections).',
    resolve: async (_root, args, ctx) => (await ctx.services.collections.findMany(ctx.actor!, [String(args.id)]))[0] ?? null,
  }),
}));

builder.mutationFields((t) => ({
  createCollection: t.field({
    type: CollectionRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { name: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.collections.create(ctx.actor!, args.name),
  }),
  renameCollection: t.field({
    type: CollectionRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { id: t.arg.id(), name: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.collections.rename(ctx.actor!, String(args.id), args.name),
  }),
  deleteCollection: t.field({
    type: DeletedRef,
    errors: {},
    description: 'Deletes the collection with all its images and their stored files.',
    authScopes: { loggedIn: true },
    args: { id: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      await ctx.services.images.deleteCollection(ctx.actor!, String(args.id));
      return { id: String(args.id) };
    },
  }),
}));
