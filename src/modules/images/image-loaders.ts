/**
 * Per-request batching for GraphQL: every Image.variants, Image.collection and
 * Collection.imageCount resolved in the same tick costs one query per kind, however many images a
 * page holds. Batching only, no caching: a subscription keeps one context for its whole life, and
 * each event must see the rows as they are then (variants appear on ready, collections get renamed).
 */
import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { NotFoundError } from '../../errors.ts';
import type { GraphQLContext } from '../../graphql/context.ts';
import type { Collection } from '../collections/collection.entity.ts';
import type { StatusCounts } from './image-library.ts';
import type { ImageVariant } from './image-variant.entity.ts';
import type { Image } from './image.entity.ts';

const BATCH_ONLY = { cache: false } as const;

/** The loaders of one request (or one subscription), made on first use. */
export const loadersOf = createContextCache((ctx: GraphQLContext) => {
  // every field using these sits under a field that requires a viewer
  const userId = () => ctx.viewer!.user.id;
  return {
    variants: new DataLoader<string, ImageVariant[]>((ids) => ctx.services.library.variantsOf(ids), BATCH_ONLY),
    collections: new DataLoader<string, Collection>(async (ids) => {
      const found = new Map((await ctx.services.collections.findMany(userId(), [...new Set(ids)])).map((c) => [c.id, c]));
      return ids.map((id) => found.get(id) ?? new NotFoundError('Collection not found', 'COLLECTION_NOT_FOUND'));
    }, BATCH_ONLY),
    counts: new DataLoader<string, StatusCounts>((ids) => ctx.services.library.countsByCollection(userId(), ids), BATCH_ONLY),
  };
});

/**
 * An image's variants: none before it is ready (no query), those already loaded with it as they
 * are, otherwise batched with the rest of the request.
 */
export function variantsOf(image: Image, ctx: GraphQLContext): ImageVariant[] | Promise<ImageVariant[]> {
  if (image.status !== 'ready') return [];
  return image.variants ?? loadersOf(ctx).variants.load(image.id);
}
