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
    description:
      'The WebP encoder quality of its full-size file: the collection\'s number (then every file\'s), or the one "auto" chose for this image (contract §15). Each variant reports its own (ImageVariant.quality). Null until ready.',
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

/** What signImageUrls answers (the delivery service's minted URLs), by shape. */
interface SignedImageUrls {
  urls: Record<string, string>;
  named?: Record<string, string>;
  expiresAt: Date;
}

const SignedUrlRef = builder.objectRef<{ size: number; url: string }>('SignedUrl').implement({
  description: 'One WebP size of a private image, signed.',
  fields: (t) => ({ size: t.exposeInt('size', { description: '0 (full size) or a width.' }), url: t.exposeString('url') }),
});

const SignedNamedUrlRef = builder.objectRef<{ name: string; url: string }>('SignedNamedUrl').implement({
  description: "One named variant's WebP file of a private image, signed.",
  fields: (t) => ({ name: t.exposeString('name'), url: t.exposeString('url') }),
});

const SignedImageUrlsRef = builder.objectRef<SignedImageUrls>('SignedImageUrls').implement({
  description: 'URLs of a private image with a lifetime of your choosing (contract §11), all valid until expiresAt.',
  fields: (t) => ({
    urls: t.field({ type: [SignedUrlRef], description: 'Every stored WebP size, smallest first.', resolve: (s) => Object.entries(s.urls).map(([size, url]) => ({ size: Number(size), url })).sort((a, b) => a.size - b.size) }),
    named: t.field({ type: [SignedNamedUrlRef], description: "The collection's named variants (WebP).", resolve: (s) => Object.entries(s.named ?? {}).map(([name, url]) => ({ name, url })) }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

builder.mutationFields((t) => ({
  signImageUrls: t.field({
    type: SignedImageUrlsRef,
    errors: {},
    authScopes: { loggedIn: true },
    description:
      'Mints URLs of a private image valid expiresIn seconds (60 to 604800; default SIGNED_URL_TTL), not rounded to the 15-minute window. NOT_FOUND for an image you cannot read; IMAGE_NOT_PRIVATE, IMAGE_NOT_READY, INVALID_EXPIRES_IN otherwise. (REST: POST /api/v1/images/:id/signed-urls.)',
    args: { id: t.arg.id(), expiresIn: t.arg.int({ required: false }) },
    resolve: (_root, args, ctx) => ctx.services.delivery.signedUrls(ctx.actor!, String(args.id), args.expiresIn ?? undefined),
  }),
  retryImage: t.field({
    type: ImageRef,
    errors: {},
    authScopes: { loggedIn: true },
    description: 'Sends a failed image back to processing when the failure was not its file\'s fault (timeout, storage); NOT_RETRYABLE otherwise.',
    args: { id: t.arg.id() },
    resolve: (_root, args, ctx) => ctx.services.images.retry(ctx.actor!, String(args.id)),
  }),
}));
