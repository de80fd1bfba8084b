/** REST: /api/v1/api-keys — keys of the caller's team, narrowed by scopes, collections, expiry (contract §10). */
import type { Route } from '../../adapter/rest-route.ts';
import type { ApiKey } from '../accounts/api-key.entity.ts';
import type { ApiKeysService } from './api-keys.service.ts';
import type { Actor } from '../../auth/actor.ts';

/** Which of `ids` are collections of the acting team (looked up by the collections service). */
export type OwnCollections = (actor: Actor, ids: string[]) => Promise<string[]>;

export const apiKeyJson = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  teamId: k.teamId,
  createdBy: k.userId,
  scopes: k.scopes,
  collections: k.collectionIds,
  expiresAt: k.expiresAt?.toISOString() ?? null,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

export function apiKeysRoutes(apiKeys: ApiKeysService, ownCollections: OwnCollections): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/api-keys',
      handler: async (req) => {
        const { apiKey, key } = await apiKeys.create(req.actor!, await req.json(), ownCollections);
        return { status: 201, body: { ...apiKeyJson(apiKey), key } };
      },
    },
    { method: 'GET', path: '/api/v1/api-keys', handler: async (req) => ({ status: 200, body: (await apiKeys.list(req.actor!)).map(apiKeyJson) }) },
    {
      method: 'DELETE',
      path: '/api/v1/api-keys/:id',
      handler: async (req) => {
        await apiKeys.revoke(req.actor!, req.params.id!);
        return { status: 204 };
      },
    },
  ];
}
