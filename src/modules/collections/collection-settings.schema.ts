/**
 * GraphQL for a collection's delivery settings (contract §7), beside collections.schema.ts: its
 * output formats, updateCollection, and reprocessing with live progress.
 */
import { builder } from '../../graphql/builder.ts';
import { UnauthenticatedError } from '../../errors.ts';
import { OutputFormatEnum } from '../images/output-format.enum.ts';
import type { ReprocessRun } from '../images/reprocess-run.entity.ts';
import { ColorProfileEnum, MetadataPolicyEnum, NamedVariantInput } from './art-direction.schema.ts';
import { CollectionRef } from './collection-ref.ts';

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

builder.objectFields(CollectionRef, (t) => ({
  formats: t.field({ type: [OutputFormatEnum], resolve: (c) => c.formats }),
  reprocess: t.field({
    type: ReprocessRunRef,
    nullable: true,
    description: 'The latest reprocess run, if any.',
    resolve: (c, _a, ctx) => ctx.services.reprocess.latest(ctx.viewer!.user.id, c.id),
  }),
}));

builder.mutationFields((t) => ({
  updateCollection: t.field({
    type: CollectionRef,
    errors: {},
    authScopes: { loggedIn: true },
    description: 'Changes the name, the output formats (WEBP always; AVIF optional), the named variants, the metadata policy and/or the colour profile. Changes apply to new uploads; reprocessCollection applies them to the rest.',
    args: {
      id: t.arg.id(),
      name: t.arg.string({ required: false }),
      formats: t.arg({ type: [OutputFormatEnum], required: false }),
      variants: t.arg({ type: [NamedVariantInput], required: false, description: 'Replaces the named variants (at most 20); reprocessCollection makes them for existing images.' }),
      metadata: t.arg({ type: MetadataPolicyEnum, required: false }),
      colorProfile: t.arg({ type: ColorProfileEnum, required: false }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.collections.update(ctx.viewer!.user.id, String(args.id), {
        name: args.name ?? undefined,
        formats: args.formats ?? undefined,
        variants: args.variants ?? undefined,
        metadata: args.metadata ?? undefined,
        colorProfile: args.colorProfile ?? undefined,
      }),
  }),
  reprocessCollection: t.field({
    type: ReprocessRunRef,
    errors: {},
    authScopes: { loggedIn: true },
    description: 'Regenerates every ready image of the collection from its original; REPROCESS_RUNNING while a run is going.',
    args: { id: t.arg.id() },
    resolve: (_root, args, ctx) => ctx.services.reprocess.start(ctx.viewer!.user.id, String(args.id)),
  }),
}));

builder.subscriptionFields((t) => ({
  reprocessProgress: t.field({
    type: ReprocessRunRef,
    description: "The latest reprocess run of one of the viewer's collections: its state now, then after each image, completing when it finishes.",
    args: { collectionId: t.arg.id() },
    subscribe: (_root, args, ctx) => {
      if (!ctx.viewer) throw new UnauthenticatedError();
      return ctx.services.reprocess.watch(ctx.viewer.user.id, String(args.collectionId));
    },
    resolve: (run) => run,
  }),
}));
