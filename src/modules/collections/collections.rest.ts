/** REST: /api/v1/collections (contract §3). */
import type { Actor } from '../../auth/actor.ts';
import type { Route } from '../../adapter/rest-route.ts';
import type { Collection } from './collection.entity.ts';
import type { CollectionsService } from './collections.service.ts';

/** Deleting a collection removes its images and their files too (images service). */
type DeleteCollection = (actor: Actor, collectionId: string) => Promise<void>;
/** Changing visibility moves the collection's files (delivery module). */
type SetVisibility = (actor: Actor, collectionId: string, visibility: unknown) => Promise<Collection>;

export const collectionJson = (c: Collection) => ({
  id: c.id,
  teamId: c.teamId,
  name: c.name,
  formats: c.formats,
  quality: c.quality,
  visibility: c.visibility,
  variants: c.variants,
  metadata: c.metadata,
  colorProfile: c.colorProfile,
  createdAt: c.createdAt.toISOString(),
});

export function collectionsRoutes(collections: CollectionsService, deleteCollection: DeleteCollection, setVisibility: SetVisibility): Route[] {
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
      handler: async (req) => {
        const actor = req.actor!;
        const { visibility, ...changes } = await req.json();
        let collection = Object.keys(changes).length || visibility === undefined ? await collections.update(actor, req.params.id!, changes) : null;
        if (visibility !== undefined) collection = await setVisibility(actor, req.params.id!, visibility);
        return { status: 200, body: collectionJson(collection!) };
      },
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
