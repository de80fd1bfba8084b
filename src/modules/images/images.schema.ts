import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../../graphql/builder.ts';
import type { GraphQLContext } from '../../graphql/context.ts';
import { DeletedRef } from '../../graphql/error-types.ts';
import { NodeInterface, registerNode } from '../../graphql/node.ts';
import { CollectionRef } from '../collections/collection-ref.ts';
import { publicStatus } from './image-events.ts';
import { loadersOf, variantsOf } from './image-loaders.ts';
import type { ImageVariant } from './image-variant.entity.ts';
import { progressOf, type Image } from './image.entity.ts';
import { VARIANT_SIZES } from './sizes.ts';
import { PIPELINE_STEPS } from './steps.ts';
import { deliveryOf, SRC_SIZE, type Delivery, type DeliveryLinks } from './variant-urls.ts';

// GraphQL spells enum values in SCREAMING_CASE; resolvers and REST keep the lowercase values
export const ImageStatusEnum = builder.enumType('ImageStatus', {
  description: 'Where an image is: PROCESSING, then READY or FAILED. (REST spells the same values in lowercase.)',
  values: { PROCESSING: { value: 'processing' }, READY: { value: 'ready' }, FAILED: { value: 'failed' } } as const,
});
export const PipelineStepEnum = builder.enumType('PipelineStep', { values: PIPELINE_STEPS });

export const VariantRef = builder.objectRef<ImageVariant & { url: string }>('ImageVariant').implement({
  description: `One stored file (WebP, or AVIF when the collection has it on). size is 0 (full size) or one of ${VARIANT_SIZES.slice(1).join(', ')}.`,
  fields: (t) => ({
    size: t.exposeInt('size'),
    width: t.exposeInt('width'),
    height: t.exposeInt('height'),
    bytes: t.exposeInt('bytes'),
    url: t.exposeString('url'),
    quality: t.exposeInt('quality', {
      nullable: true,
      description:
        'The encoder quality this file was made with: its WebP quality, or for AVIF its AVIF quality (contract §15). With "auto", the files wider than 512 px other than the full size have their own, searched on the 1024-px file. Null for files made before it was recorded.',
    }),
  }),
});

/**
 * An image's delivery URLs, worked out once per list of its variants: `src`, `srcset`, `url(size)`
 * and every variant's `url` of one response share it (the loader hands each field the same list).
 */
const deliveries = new WeakMap<readonly ImageVariant[], Delivery>();

function deliveryWith(links: DeliveryLinks, image: Image, variants: readonly ImageVariant[]): Delivery {
  let delivery = deliveries.get(variants);
  if (!delivery) deliveries.set(variants, (delivery = deliveryOf(links, image, variants.map((v) => v.size))));
  return delivery;
}

async function deliveryFor(image: Image, ctx: GraphQLContext, info: GraphQLResolveInfo): Promise<Delivery> {
  return deliveryWith(ctx.services.delivery, image, await variantsOf(image, ctx, info));
}

export const ImageRef = builder.objectRef<Image>('Image').implement({
  interfaces: [NodeInterface],
  description: 'An uploaded image and, once ready, its WebP variants on the CDN.',
  fields: (t) => ({
    slug: t.exposeString('slug'),
    collectionId: t.exposeID('collectionId'),
    collection: t.field({ type: CollectionRef, description: 'The collection holding it (batched per request).', resolve: (i, _a, ctx, info) => loadersOf(ctx, info).collections.load(i.collectionId) }),
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
      description: 'Every stored size, smallest first; empty until ready.',
      resolve: async (i, _a, ctx, info) => {
        const variants = await variantsOf(i, ctx, info);
        const delivery = deliveryWith(ctx.services.delivery, i, variants);
        return variants.map((v) => ({ ...v, url: delivery.fileUrl(v) }));
      },
    }),
    url: t.string({
      nullable: true,
      description: `The URL of one size (0 = full size), or null: not ready yet, or not a size of ${VARIANT_SIZES.join(', ')}.`,
      args: { size: t.arg.int() },
      resolve: async (i, args, ctx, info) => (await deliveryFor(i, ctx, info)).url(args.size),
    }),
    src: t.string({ nullable: true, description: `The ${SRC_SIZE} URL, for <img src>; null until ready.`, resolve: async (i, _a, ctx, info) => (await deliveryFor(i, ctx, info)).src }),
    srcset: t.string({
      nullable: true,
      description: 'For <img srcset>: "<url> 320w, …, <url> 1280w", the sizes that exist; null until ready.',
      resolve: async (i, _a, ctx, info) => (await deliveryFor(i, ctx, info)).srcset,
    }),
  }),
});

registerNode('img', ImageRef, (ids, ctx) => ctx.services.library.findMany(ctx.actor!, ids));

builder.queryFields((t) => ({
  image: t.field({
    type: ImageRef,
    nullable: true,
    authScopes: { loggedIn: true },
    description: "One of the viewer's images, or null (also for other users' images).",
    args: { id: t.arg.id() },
    resolve: async (_root, args, ctx) => (await ctx.services.library.findMany(ctx.actor!, [String(args.id)]))[0] ?? null,
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
      focalX: t.arg.float({ required: false, description: 'Focal point, 0–1 from the left (with focalY); without it the salient point is found.' }),
      focalY: t.arg.float({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      // the HTTP edge spooled the file (or refused it on arrival, e.g. too large) before this ran
      const focal = args.focalX == null && args.focalY == null ? {} : { focalPoint: { x: args.focalX, y: args.focalY } };
      const { image } = await ctx.services.images.upload(ctx.actor!, { file: args.file, checksum: args.checksum, collectionId: String(args.collectionId), slug: args.slug || null, ...focal });
      return image;
    },
  }),
  deleteImage: t.field({
    type: DeletedRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { id: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      await ctx.services.images.delete(ctx.actor!, String(args.id));
      return { id: String(args.id) };
    },
  }),
}));
