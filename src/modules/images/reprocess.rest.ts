/** REST: reprocessing a collection (contract §7) and retrying a failed image. Thin: parse, call, map. */
import { NotFoundError } from '../../errors.ts';
import type { Route } from '../../adapter/rest-route.ts';
import { imageJson } from './images.rest.ts';
import type { ImagesService } from './images.service.ts';
import type { ReprocessRun } from './reprocess-run.entity.ts';
import type { ReprocessService } from './reprocess.service.ts';
import type { DeliveryLinks } from './variant-urls.ts';

export const reprocessRunJson = (run: ReprocessRun) => ({
  id: run.id,
  collectionId: run.collectionId,
  status: run.finishedAt ? 'finished' : 'running',
  images: run.total,
  done: run.done,
  failed: run.failed,
  createdAt: run.createdAt.toISOString(),
  finishedAt: run.finishedAt?.toISOString() ?? null,
});

export function reprocessRoutes(reprocess: ReprocessService, images: ImagesService, links: DeliveryLinks): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/collections/:id/reprocess',
      handler: async (req) => ({ status: 202, body: reprocessRunJson(await reprocess.start(req.actor!, req.params.id!)) }),
    },
    {
      method: 'GET',
      path: '/api/v1/collections/:id/reprocess',
      handler: async (req) => {
        const run = await reprocess.latest(req.actor!, req.params.id!);
        if (!run) throw new NotFoundError('This collection was never reprocessed', 'NOT_FOUND');
        return { status: 200, body: reprocessRunJson(run) };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/images/:id/retry',
      handler: async (req) => ({ status: 202, body: imageJson(await images.retry(req.actor!, req.params.id!), links) }),
    },
  ];
}
