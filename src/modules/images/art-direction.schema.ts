/**
 * GraphQL for an image's art direction (contract §13), beside the Image type of images.schema.ts:
 * its focal point, its named variants' files, and setting the focal point.
 */
import { builder } from '../../graphql/builder.ts';
import type { FocalSource, NamedFile } from './art-direction.ts';
import { ImageRef } from './images.schema.ts';
import { OutputFormatEnum } from './output-format.enum.ts';
import { namedLinker } from './variant-urls.ts';

const FocalPointRef = builder.objectRef<{ x: number; y: number; source: FocalSource | null }>('FocalPoint').implement({
  description: 'Where crops center, 0–1 from the top left of the upright picture.',
  fields: (t) => ({
    x: t.exposeFloat('x'),
    y: t.exposeFloat('y'),
    auto: t.boolean({ description: 'True when found automatically (the salient point), false when given.', resolve: (f) => f.source === 'auto' }),
  }),
});

const NamedFileRef = builder.objectRef<NamedFile & { url: string }>('NamedVariantFile').implement({
  description: "A file of one of the collection's named variants, at {baseUrl}/{collectionId}/{name}/{slug}.{webp|avif}; served with max-age and an ETag (cover crops change with the focal point). In a private collection the URL is signed (/private/{collectionId}/{name}/{slug}.{webp|avif}?exp=…&sig=…) like every other.",
  fields: (t) => ({
    name: t.exposeString('name'),
    format: t.field({ type: OutputFormatEnum, resolve: (f) => f.format }),
    width: t.exposeInt('width'),
    height: t.exposeInt('height'),
    bytes: t.exposeInt('bytes'),
    url: t.exposeString('url'),
  }),
});

builder.objectFields(ImageRef, (t) => ({
  focalPoint: t.field({
    type: FocalPointRef,
    nullable: true,
    description: 'The focal point: given at upload or by setFocalPoint, else the salient point found when processed; null before.',
    resolve: (i) => (i.focalX !== null && i.focalY !== null ? { x: i.focalX, y: i.focalY, source: i.focalSource } : null),
  }),
  namedVariants: t.field({
    type: [NamedFileRef],
    description: "The files of the collection's named variants (empty until ready).",
    resolve: (i, _a, ctx) => {
      const link = namedLinker(ctx.services.delivery, i);
      return i.status === 'ready' ? i.namedVariants.map((f) => ({ ...f, url: link(f.name, f.format) })) : [];
    },
  }),
  variant: t.field({
    type: NamedFileRef,
    nullable: true,
    description: 'One named variant (WEBP unless format says otherwise), or null when the image has none of that name.',
    args: { name: t.arg.string(), format: t.arg({ type: OutputFormatEnum, required: false }) },
    resolve: (i, args, ctx) => {
      const file = i.status === 'ready' ? i.namedVariants.find((f) => f.name === args.name && f.format === (args.format ?? 'webp')) : undefined;
      return file ? { ...file, url: namedLinker(ctx.services.delivery, i)(file.name, file.format) } : null;
    },
  }),
}));

builder.mutationFields((t) => ({
  setFocalPoint: t.field({
    type: ImageRef,
    errors: {},
    authScopes: { loggedIn: true },
    description: "Sets the image's focal point (0–1 from the top left); a ready image's cover crops are made again around it, their URLs answering throughout.",
    args: { id: t.arg.id(), x: t.arg.float(), y: t.arg.float() },
    resolve: (_root, args, ctx) => ctx.services.images.setFocalPoint(ctx.actor!, String(args.id), { x: args.x, y: args.y }),
  }),
}));
