import { builder } from '../../graphql/builder.ts';
import { UnauthenticatedError } from '../../errors.ts';
import { publicStatus } from './image-events.ts';
import type { ImageUpdate } from './image-watch.ts';
import { ImageRef, ImageStatusEnum, PipelineStepEnum } from './images.schema.ts';

const ImageStatusEventRef = builder.objectRef<ImageUpdate>('ImageStatusEvent').implement({
  description: 'One step of an image through the pipeline. The last event of a subscription has status READY or FAILED.',
  fields: (t) => ({
    image: t.field({
      type: ImageRef,
      description: 'The image as it is now (status, step, progress, error, and its variants once ready): a normalized cache updates it by id, with no refetch.',
      resolve: (e) => e.image,
    }),
    id: t.id({ description: 'The image id.', resolve: (e) => e.imageId }),
    collectionId: t.id({ resolve: (e) => e.collectionId }),
    status: t.field({ type: ImageStatusEnum, resolve: (e) => publicStatus(e.status) }),
    step: t.field({ type: PipelineStepEnum, resolve: (e) => e.step }),
    progress: t.int({ description: '0–100, never decreasing for one image.', resolve: (e) => e.progress }),
    error: t.string({ nullable: true, resolve: (e) => e.error }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.at) }),
  }),
});

builder.subscriptionType({});
builder.subscriptionFields((t) => ({
  imageStatus: t.field({
    type: ImageStatusEventRef,
    description: "Live processing status of one of the viewer's images: its current state first, then every step, completing after READY or FAILED.",
    args: { id: t.arg.id() },
    subscribe: (_root, args, ctx) => {
      if (!ctx.actor) throw new UnauthenticatedError();
      return ctx.services.imageWatch.followImage(ctx.actor, String(args.id));
    },
    resolve: (event) => event,
  }),
  imageEvents: t.field({
    type: ImageStatusEventRef,
    description: 'Every status change of every image in one of the viewer\'s collections (for dashboards). Never completes by itself.',
    args: { collectionId: t.arg.id() },
    subscribe: (_root, args, ctx) => {
      if (!ctx.actor) throw new UnauthenticatedError();
      return ctx.services.imageWatch.followCollection(ctx.actor, String(args.collectionId));
    },
    resolve: (event) => event,
  }),
}));
