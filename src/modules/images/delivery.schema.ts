/**
 * GraphQL for delivery (contract §7, §11), beside the Image type of images.schema.ts: the placeholder,
 * each file's format, the AVIF srcset for a `<picture>` (signed for private images, like every URL),
 * the image's visibility, and retrying a failed image.
 */
import { variantsOf } from './image-loaders.ts';
import { builder } from '../../graphql/builder.ts';
import type { ImageVariant } from './image-variant.entity.ts';
import type { Image } from './image.entity.ts';
import { OutputFormatEnum } from './output-format.enum.ts';
import { ImageRef, VariantRef } from './images.schema.ts';
import type { Placeholder } from './placeholder.ts';
import { fileLinker, type DeliveryLinks } from './variant-urls.ts';

const PlaceholderRef = builder.objectRef<Placeholder>('Placeholder').implement({
  description: 'What to paint before the image loads: computed from its pixels, present once it is ready.',
  fields: (t) => ({
    thumbhash: t.exposeString('thumbhash', { description: 'A ThumbHash, base64 (decode with the thumbhash package).' }),
    color: t.exposeString('color', { description: 'The dominant (alpha-weighted average) colour, #rrggbb.' }),
    dataUrl: t.exposeString('dataUrl', { description: 'A tiny blurred WebP preview as a data: URL, at most 1,000 bytes.' }),
  }),
});

builder.objectFields(VariantRef, (t) => ({
  format: t.field({ type: OutputFormatEnum, resolve: (v) => v.format }),
}));

/** `<url> <width>w` for each distinct width of the image's files in `format`, smallest first. */
function srcsetOf(image: Image, variants: ImageVariant[], links: DeliveryLinks, format: ImageVariant['format']): string | null {
  const link = fileLinker(links, image);
  const seen = new Set<number>();
  const entries = variants
    .filter((v) => v.format === format && v.size > 0)
    .sort((a, b) => a.size - b.size)
    .filter((v) => !seen.has(v.width) && seen.add(v.width))
    .map((v) => `${link(v.size, format)} ${v.width}w`);
  return entries.length ? entries.join(', ') : null;
}

builder.objectFields(ImageRef, (t) => ({
  quality: t.int({
    nullable: true,
    description: 'The WebP encoder quality of its files: the collection\'s number, or the one "auto" chose for this image (contract §15). Null until ready.',
    resolve: (i) => (i.status === 'ready' ? i.quality : null),
  }),
  placeholder: t.field({
    type: PlaceholderRef,
    nullable: true,
    description: 'Null until the image is ready.',
    resolve: (i) => (i.status === 'ready' ? i.placeholder : null),
  }),
  private: t.boolean({ description: 'In a private collection: every URL of it is signed and expires (contract §11).', resolve: (i) => i.visibility === 'private' }),
  avifSrcset: t.string({
    nullable: true,
    description: 'The AVIF files as a srcset ("<url> 320w, …"), for a <source type="image/avif"> beside the WebP srcset; null unless ready with AVIF (never for animations).',
    // the request's batched variants loader, as `variants` and `srcset` use: no query per image
    resolve: async (i, _a, ctx, info) => (i.status === 'ready' ? srcsetOf(i, await variantsOf(i, ctx, info), ctx.services.delivery, 'avif') : null),
  }),
}));

builder.mutationFields((t) => ({
  retryImage: t.field({
    type: ImageRef,
    errors: {},
    authScopes: { loggedIn: true },
    description: 'Sends a failed image back to processing when the failure was not its file\'s fault (timeout, storage); NOT_RETRYABLE otherwise.',
    args: { id: t.arg.id() },
    resolve: (_root, args, ctx) => ctx.services.images.retry(ctx.actor!, String(args.id)),
  }),
}));
