import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { builder } from '../../graphql/builder.ts';
import { RefusedUpload } from '../../storage/spool.ts';
import { DeletedRef } from '../../graphql/error-types.ts';
import { VARIANT_SIZES } from './sizes.ts';
import { PIPELINE_STEPS } from './steps.ts';
import { publicStatus } from './image-events.ts';
import type { ImageVariant } from './image-variant.entity.ts';
import { progressOf, type Image } from './image.entity.ts';
import { variantUrl } from './variant-urls.ts';
import type { PagedImage } from './image-library.ts';
import { decodeCursor } from './page-cursor.ts';

// GraphQL spells enum values in SCREAMING_CASE; resolvers and REST keep the lowercase values
export const ImageStatusEnum = builder.enumType('ImageStatus', {
  description: 'Where an image is: PROCESSING, then READY or FAILED. (REST spells the same values in lowercase.)',
  values: { PROCESSING: { value: 'processing' }, READY: { value: 'ready' }, FAILED: { value: 'failed' } } as const,
});
export const PipelineStepEnum = builder.enumType('PipelineStep', { values: PIPELINE_STEPS });

const VariantRef = builder.objectRef<ImageVariant & { collectionId: string; slug: string }>('ImageVariant').implement({
  description: `One stored WebP. size is 0 (full size) or one of ${VARIANT_SIZES.slice(1).join(', ')}.`,
  fields: (t) => ({
    size: t.exposeInt('size'),
    width: t.exposeInt('width'),
    height: t.exposeInt('height'),
    bytes: t.exposeInt('bytes'),
    url: t.string({ resolve: (v, _a, ctx) => variantUrl(ctx.services.config.cdnBaseUrl, v.collectionId, v.size, v.slug) }),
  }),
});

export const ImageRef = builder.objectRef<Image>('Image').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    slug: t.exposeString('slug'),
    collectionId: t.exposeID('collectionId'),
    checksum: t.exposeString('checksum', { description: 'SHA-256 of the uploaded bytes, lowercase hex.' }),
    status: t.field({ type: ImageStatusEnum, resolve: (i) => publicStatus(i.status) }),
    step: t.field({ type: PipelineStepEnum, resolve: (i) => i.step }),
    progress: t.int({ resolve: (i) => progressOf(i) }),
    error: t.exposeString('error', { nullable: true }),
    width: t.exposeInt('width'),
    height: t.exposeInt('height'),
    format: t.exposeString('sourceFormat', { description: 'The uploaded format, detected from the bytes.' }),
    bytes: t.exposeInt('sourceBytes', { description: 'Size of the uploaded file.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    baseUrl: t.string({ resolve: (_i, _a, ctx) => ctx.services.config.cdnBaseUrl }),
    variants: t.field({
      type: [VariantRef],
      resolve: async (i, _a, ctx) =>
        (i.variants ?? (await ctx.services.images.variants(i.id))).map((v) => ({ ...v, collectionId: i.collectionId, slug: i.slug })),
    }),
  }),
});

builder.queryFields((t) => ({
  images: t.connection({
    type: ImageRef,
    authScopes: { loggedIn: true },
    description: "The viewer's images, newest first.",
    args: {
      collectionId: t.arg.id({ required: false }),
      status: t.arg({ type: ImageStatusEnum, required: false }),
    },
    resolve: (_root, args, ctx) => {
      const filter = { collectionId: args.collectionId ? String(args.collectionId) : null, status: args.status ?? null };
      return resolveCursorConnection({ args, toCursor: (i: PagedImage) => i.cursor }, ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) =>
        ctx.services.library.page(ctx.viewer!.user.id, filter, {
          limit,
          after: after ? decodeCursor(after, 'after') : undefined,
          before: before ? decodeCursor(before, 'before') : undefined,
          // a backward page reads the images nearest `before` (or the oldest) first; the helper reverses them
          oldestFirst: inverted,
        }),
      );
    },
  }),
  image: t.field({
    type: ImageRef,
    nullable: true,
    authScopes: { loggedIn: true },
    args: { id: t.arg.id() },
    resolve: (_root, args, ctx) => ctx.services.images.get(ctx.viewer!.user.id, String(args.id)).catch(() => null),
  }),
}));

builder.mutationFields((t) => ({
  uploadImage: t.field({
    type: ImageRef,
    errors: {},
    authScopes: { loggedIn: true },
    description: 'Uploads an image (GraphQL multipart request spec). Returns it with status PROCESSING.',
    args: {
      file: t.arg({ type: 'Upload' }),
      checksum: t.arg.string(),
      collectionId: t.arg.id(),
      slug: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      // the HTTP edge spooled the file (or refused it on arrival, e.g. too large) before this ran
      if (args.file instanceof RefusedUpload) throw args.file.error;
      const { image } = await ctx.services.images.upload(ctx.viewer!.user, { file: args.file, checksum: args.checksum, collectionId: String(args.collectionId), slug: args.slug || null });
      return image;
    },
  }),
  deleteImage: t.field({
    type: DeletedRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { id: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      await ctx.services.images.delete(ctx.viewer!.user.id, String(args.id));
      return { id: String(args.id) };
    },
  }),
}));
