/**
 * The image connections: `Query.images` and `Collection.images` share one `ImageConnection` type
 * with `edges`, `nodes`, `pageInfo` and `totalCount`, paged both ways by keyset cursors on
 * (created_at, id), newest first. Also `Collection.imageCount`.
 */
import { resolveCursorConnection, type DefaultConnectionArguments, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { ValidationError } from '../../errors.ts';
import { builder } from '../../graphql/builder.ts';
import type { GraphQLContext } from '../../graphql/context.ts';
import { CollectionRef } from '../collections/collection-ref.ts';
import type { ImageFilter, PagedImage, StatusCounts } from './image-library.ts';
import { loadersOf } from './image-loaders.ts';
import { ImageRef, ImageStatusEnum } from './images.schema.ts';
import { decodeCursor } from './page-cursor.ts';

/** Pages hold at most this many images (`first`/`last` above it are cut to it). */
export const MAX_PAGE_SIZE = 100;

interface ImagePage {
  /** Counted only when a client asks for it. */
  totalCount: () => Promise<number>;
}

const ImageConnection = builder.connectionObject(
  {
    type: ImageRef,
    name: 'ImageConnection',
    fields: (t) => ({
      totalCount: t.int({ description: 'Images matching the arguments, on every page alike.', resolve: (page) => (page as unknown as ImagePage).totalCount() }),
    }),
  },
  { name: 'ImageEdge' },
);

async function imagePage(ctx: GraphQLContext, args: DefaultConnectionArguments, filter: ImageFilter, totalCount: () => Promise<number>) {
  for (const arg of ['first', 'last'] as const) {
    const n = args[arg];
    if (n != null && n < 0) throw new ValidationError(`${arg} must not be negative`, 'INVALID_INPUT', arg);
  }
  const actor = ctx.actor!;
  const connection = await resolveCursorConnection(
    { args, toCursor: (image: PagedImage) => image.cursor, maxSize: MAX_PAGE_SIZE },
    ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) =>
      ctx.services.library.page(actor, filter, {
        limit,
        after: after ? decodeCursor(after, 'after') : undefined,
        before: before ? decodeCursor(before, 'before') : undefined,
        // a backward page reads the images nearest `before` (or the oldest) first; the helper reverses them
        oldestFirst: inverted,
      }),
  );
  return { ...connection, totalCount };
}

const total = (c: StatusCounts) => c.processing + c.ready + c.failed;

builder.queryFields((t) => ({
  images: t.connection(
    {
      type: ImageRef,
      authScopes: { loggedIn: true },
      description: `The viewer's images, newest first; first/last at most ${MAX_PAGE_SIZE}.`,
      args: {
        collectionId: t.arg.id({ required: false }),
        status: t.arg({ type: ImageStatusEnum, required: false }),
      },
      resolve: (_root, args, ctx) => {
        const filter = { collectionId: args.collectionId ? String(args.collectionId) : null, status: args.status ?? null };
        return imagePage(ctx, args, filter, () => ctx.services.library.count(ctx.actor!, filter));
      },
    },
    ImageConnection,
  ),
}));

builder.objectFields(CollectionRef, (t) => ({
  images: t.connection(
    {
      type: ImageRef,
      description: `The collection's images, newest first; first/last at most ${MAX_PAGE_SIZE}.`,
      args: { status: t.arg({ type: ImageStatusEnum, required: false }) },
      resolve: (collection, args, ctx, info) => {
        const status = args.status ?? null;
        // counted for every collection of the response in one query
        const count = async () => {
          const counts = await loadersOf(ctx, info).counts.load(collection.id);
          return status ? counts[status] : total(counts);
        };
        return imagePage(ctx, args, { collectionId: collection.id, status }, count);
      },
    },
    ImageConnection,
  ),
  imageCount: t.int({
    description: 'How many images the collection holds (any status).',
    resolve: async (collection, _a, ctx, info) => total(await loadersOf(ctx, info).counts.load(collection.id)),
  }),
}));
