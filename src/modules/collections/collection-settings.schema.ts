/**
 * GraphQL for a collection's delivery settings (contract §7), beside collections.schema.ts: its
 * output formats, updateCollection, and reprocessing with live progress.
 */
import { Kind } from 'graphql';
import { builder } from '../../graphql/builder.ts';
import { UnauthenticatedError } from '../../errors.ts';
import { OutputFormatEnum } from '../images/output-format.enum.ts';
import type { ReprocessRun } from '../images/reprocess-run.entity.ts';
import { ColorProfileEnum, MetadataPolicyEnum, NamedVariantInput } from './art-direction.schema.ts';
import { CollectionRef } from './collection-ref.ts';
import type { QualitySetting } from '../quality/quality-setting.ts';

/**
 * 1–100 or "auto" (contract §15). Input: an Int, Float or String literal or variable passes through,
 * and updateCollection checks it, so 0, 101, 80.5 and "best" answer the typed ValidationError
 * INVALID_QUALITY like REST's 400 (a scalar's own parse errors would be untyped).
 */
const QualityScalar = builder.scalarType('Quality', {
  description: 'An encoder quality, an Int from 1 to 100, or the String "auto": chosen per image with SSIMULACRA 2 (docs/quality.md).',
  serialize: (value) => value,
  parseValue: (value): unknown => {
    if (typeof value === 'number' || typeof value === 'string') return value;
    throw new TypeError('Quality must be an Int from 1 to 100 or "auto"');
  },
  parseLiteral: (ast): unknown => {
    if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return Number(ast.value);
    if (ast.kind === Kind.STRING) return ast.value;
    throw new TypeError('Quality must be an Int from 1 to 100 or "auto"');
  },
});

const ReprocessRunRef = builder.objectRef<ReprocessRun>('ReprocessRun').implement({
  description: "A regeneration of a collection's images with its current settings. They stay ready and their URLs answer throughout.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'job_…' }),
    collectionId: t.exposeID('collectionId'),
    images: t.exposeInt('total', { description: 'How many images the run took.' }),
    done: t.exposeInt('done'),
    failed: t.exposeInt('failed', { description: 'Images whose rerun failed; they keep their previous files.' }),
    running: t.boolean({ resolve: (r) => r.finishedAt === null }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
  }),
});

const VisibilityEnum = builder.enumType('Visibility', {
  description: 'PUBLIC: files at the CDN URL pattern; PRIVATE: only through signed URLs (every URL the API gives is signed).',
  values: { PUBLIC: { value: 'public' }, PRIVATE: { value: 'private' } } as const,
});

builder.objectFields(CollectionRef, (t) => ({
  visibility: t.field({ type: VisibilityEnum, resolve: (c) => c.visibility }),
  formats: t.field({ type: [OutputFormatEnum], resolve: (c) => c.formats }),
  quality: t.field({ type: QualityScalar, description: 'Encoder quality 1–100 (default 80) or "auto".', resolve: (c): QualitySetting => c.quality }),
  reprocess: t.field({
    type: ReprocessRunRef,
    nullable: true,
    description: 'The latest reprocess run, if any.',
    resolve: (c, _a, ctx) => ctx.services.reprocess.latest(ctx.actor!, c.id),
  }),
}));

builder.mutationFields((t) => ({
  updateCollection: t.field({
    type: CollectionRef,
    errors: {},
    authScopes: { loggedIn: true },
    description: 'Changes the name, the output formats (WEBP always; AVIF optional), the quality (1–100 or "auto"; INVALID_QUALITY otherwise), the named variants, the metadata policy, the colour profile and/or the visibility. New settings apply to new uploads; reprocessCollection applies them to the rest. A new visibility moves the files before this returns.',
    args: {
      id: t.arg.id(),
      name: t.arg.string({ required: false }),
      formats: t.arg({ type: [OutputFormatEnum], required: false }),
      quality: t.arg({ type: QualityScalar, required: false }),
      visibility: t.arg({ type: VisibilityEnum, required: false }),
      variants: t.arg({ type: [NamedVariantInput], required: false, description: 'Replaces the named variants (at most 20); reprocessCollection makes them for existing images.' }),
      metadata: t.arg({ type: MetadataPolicyEnum, required: false }),
      colorProfile: t.arg({ type: ColorProfileEnum, required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const actor = ctx.actor!;
      const id = String(args.id);
      const changes = {
        name: args.name ?? undefined,
        formats: args.formats ?? undefined,
        quality: args.quality ?? undefined,
        variants: args.variants ?? undefined,
        metadata: args.metadata ?? undefined,
        colorProfile: args.colorProfile ?? undefined,
      };
      const hasChanges = Object.values(changes).some((v) => v !== undefined);
      let collection = hasChanges || !args.visibility ? await ctx.services.collections.update(actor, id, changes) : null;
      if (args.visibility) collection = await ctx.services.visibility.set(actor, id, args.visibility);
      return collection!;
    },
  }),
  reprocessCollection: t.field({
    type: ReprocessRunRef,
    errors: {},
    authScopes: { loggedIn: true },
    description: 'Regenerates every ready image of the collection from its original; REPROCESS_RUNNING while a run is going.',
    args: { id: t.arg.id() },
    resolve: (_root, args, ctx) => ctx.services.reprocess.start(ctx.actor!, String(args.id)),
  }),
}));

builder.subscriptionFields((t) => ({
  reprocessProgress: t.field({
    type: ReprocessRunRef,
    description: "The latest reprocess run of one of the viewer's collections: its state now, then after each image, completing when it finishes.",
    args: { collectionId: t.arg.id() },
    subscribe: (_root, args, ctx) => {
      if (!ctx.actor) throw new UnauthenticatedError();
      return ctx.services.reprocess.watch(ctx.actor, String(args.collectionId));
    },
    resolve: (run) => run,
  }),
}));
