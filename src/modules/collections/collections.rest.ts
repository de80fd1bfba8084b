/** REST: /api/v1/collections (contract §3). */
import type { Actor } from '../../auth/actor.ts';
import type { Route } from '../../adapter/rest-route.ts';
import type { Collection } from './collection.entity.ts';
import type { CollectionsService } from './collections.service.ts';

/** Deleting a collection removes its images and their files too (images service). */
type DeleteCollection = (actor: Actor, collectionId: string) => Promise<void>;

export const collectionJson = (c: Collection) => ({ id: c.id, teamId: c.teamId, name: c.name, formats: c.formats, quality: c.quality, createdAt: c.createdAt.toISOString() });

export function collectionsRoutes(collections: CollectionsService, deleteCollection: DeleteCollection): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/collections',
      handler: async (req) => ({ status: 200, body: (await collections.list(req.actor!)).map(collectionJson) }),
    },
    {
      method: 'POST',
      path: '/api/v1/collections',
      handler: async (req) => {
        const body = await req.json();
        return { status: 201, body: collectionJson(await collections.create(req.actor!, body.name, typeof body.teamId === 'string' ? body.teamId : null)) };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/collections/:id',
      handler: async (req) => ({ status: 200, body: collectionJson(await collections.get(req.actor!, req.params.id!)) }),
    },
    {
      method: 'PATCH',
      path: '/api/v1/collections/:id',
      handler: async (req) => ({
        status: 200,
        body: collectionJson(await collections.update(req.actor!, req.params.id!, await req.json())),
      }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/collections/:id',
      handler: async (req) => {
        await deleteCollection(req.actor!, req.params.id!);
        return { status: 204 };
      },
    },
  ];
}
