/** REST: /api/v1/collections (contract §3). */
import type { Route } from '../../http/rest.ts';
import type { Collection } from './collection.entity.ts';
import type { CollectionsService } from './collections.service.ts';

/** Deleting a collection removes its images and their files too (images service). */
type DeleteCollection = (userId: string, collectionId: string) => Promise<void>;

export const collectionJson = (c: Collection) => ({
  id: c.id,
  name: c.name,
  formats: c.formats,
  variants: c.variants,
  metadata: c.metadata,
  colorProfile: c.colorProfile,
  createdAt: c.createdAt.toISOString(),
});

export function collectionsRoutes(collections: CollectionsService, deleteCollection: DeleteCollection): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/collections',
      handler: async (req) => ({ status: 200, body: (await collections.list(req.viewer!.user.id)).map(collectionJson) }),
    },
    {
      method: 'POST',
      path: '/api/v1/collections',
      handler: async (req) => ({ status: 201, body: collectionJson(await collections.create(req.viewer!.user.id, (await req.json()).name)) }),
    },
    {
      method: 'GET',
      path: '/api/v1/collections/:id',
      handler: async (req) => ({ status: 200, body: collectionJson(await collections.get(req.viewer!.user.id, req.params.id!)) }),
    },
    {
      method: 'PATCH',
      path: '/api/v1/collections/:id',
      handler: async (req) => ({
        status: 200,
        body: collectionJson(await collections.update(req.viewer!.user.id, req.params.id!, await req.json())),
      }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/collections/:id',
      handler: async (req) => {
        await deleteCollection(req.viewer!.user.id, req.params.id!);
        return { status: 204 };
      },
    },
  ];
}
