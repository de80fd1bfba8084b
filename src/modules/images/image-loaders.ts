/**
 * Per-request batching for GraphQL: every Image.variants, Image.collection and
 * Collection.imageCount resolved under one root field costs one query per kind, however many images
 * a page holds, and a value asked twice (imageCount beside totalCount) is loaded once.
 *
 * One set of loaders per root field of one execution, so cached values never outlive what they
 * describe: a subscription keeps its context for its whole life but executes each event anew (with
 * the event as its root value), and mutations run one after another in a request, each seeing what
 * the one before it changed.
 */
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { NotFoundError } from '../../errors.ts';
import type { GraphQLContext } from '../../graphql/context.ts';
import type { Collection } from '../collections/collection.entity.ts';
import type { StatusCounts } from './image-library.ts';
import type { ImageVariant } from './image-variant.entity.ts';
import type { Image } from './image.entity.ts';

type Loaders = ReturnType<typeof createLoaders>;

function createLoaders(ctx: GraphQLContext) {
  // every field using these sits under a field that requires a viewer
  const actor = () => ctx.actor!;
  return {
    variants: new DataLoader<string, ImageVariant[]>((ids) => ctx.services.library.variantsOf(ids)),
    collections: new DataLoader<string, Collection>(async (ids) => {
      const found = new Map((await ctx.services.collections.findMany(actor(), ids)).map((c) => [c.id, c]));
      return ids.map((id) => found.get(id) ?? new NotFoundError('Collection not found', 'COLLECTION_NOT_FOUND'));
    }),
    counts: new DataLoader<string, StatusCounts>((ids) => ctx.services.library.countsByCollection(actor(), ids)),
  };
}

/** Queries and mutations over HTTP have no root value: one shared stand-in per context. */
const NO_ROOT = {};
const byContext = new WeakMap<GraphQLContext, WeakMap<object, Map<string | number, Loaders>>>();

/** The loaders of the root field (of the execution) that `info` is under, made on first use. */
export function loadersOf(ctx: GraphQLContext, info: GraphQLResolveInfo): Loaders {
  let path = info.path;
  while (path.prev) path = path.prev;
  const root = typeof info.rootValue === 'object' && info.rootValue !== null ? info.rootValue : NO_ROOT;
  let byRoot = byContext.get(ctx);
  if (!byRoot) byContext.set(ctx, (byRoot = new WeakMap()));
  let byField = byRoot.get(root);
  if (!byField) byRoot.set(root, (byField = new Map()));
  let loaders = byField.get(path.key);
  if (!loaders) byField.set(path.key, (loaders = createLoaders(ctx)));
  return loaders;
}

/**
 * An image's variants: none before it is ready (no query), those already loaded with it as they
 * are, otherwise batched with the rest of its root field.
 */
export function variantsOf(image: Image, ctx: GraphQLContext, info: GraphQLResolveInfo): ImageVariant[] | Promise<ImageVariant[]> {
  if (image.status !== 'ready') return [];
  return image.variants ?? loadersOf(ctx, info).variants.load(image.id);
}
