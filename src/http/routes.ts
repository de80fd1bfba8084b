/** The REST route table: each module's routes over its services, plus the OpenAPI document. */
import type { Config } from '../config.ts';
import { PLAN_NAMES } from '../config.ts';
import { accountsRoutes } from '../modules/accounts/accounts.rest.ts';
import { apiKeysRoutes } from '../modules/teams/api-keys.rest.ts';
import { teamsRoutes } from '../modules/teams/teams.rest.ts';
import { collectionsRoutes } from '../modules/collections/collections.rest.ts';
import { deliveryRoutes } from '../modules/delivery/delivery.rest.ts';
import { directUploadsRoutes } from '../modules/direct-uploads/direct-uploads.rest.ts';
import { imageEventRoutes } from '../modules/images/image-events.rest.ts';
import { imageJson, imagesRoutes } from '../modules/images/images.rest.ts';
import { reprocessRoutes } from '../modules/images/reprocess.rest.ts';
import { configRoutes } from '../modules/quota/config.rest.ts';
import { webhooksRoutes } from '../modules/webhooks/webhooks.rest.ts';
import type { Services } from '../services.ts';
import { openApiDocument } from './openapi.ts';
import type { Route } from './rest.ts';

export function restRoutes(services: Services, config: Config): Route[] {
  const { accounts, collections, images, imageWatch, quota, delivery } = services;
  return [
    ...accountsRoutes(accounts, config.http.secureCookies),
    ...teamsRoutes(
      { teams: services.teams, invitations: services.invitations, uploadTokens: services.uploadTokens, collectionTeam: async (actor, id) => (await collections.assertOwned(actor, id)).teamId },
      { plans: PLAN_NAMES },
    ),
    ...apiKeysRoutes(services.apiKeys, async (actor, ids) => (await collections.findMany(actor, ids)).map((c) => c.id)),
    ...collectionsRoutes(collections, (actor, id) => images.deleteCollection(actor, id), (actor, id, visibility) => services.visibility.set(actor, id, visibility)),
    ...imagesRoutes(images, services.library, quota, { ...services.config, publicBaseUrl: config.http.publicBaseUrl }, delivery),
    ...reprocessRoutes(services.reprocess, images, delivery),
    ...deliveryRoutes(delivery),
    ...directUploadsRoutes(services.directUploads, quota, (image) => imageJson(image, delivery)),
    ...imageEventRoutes(imageWatch),
    ...configRoutes(quota, services.config),
    ...webhooksRoutes(services.webhooks),
    { method: 'GET', path: '/api/v1/openapi.json', auth: false, handler: async () => ({ status: 200, body: openApiDocument(config.http.publicBaseUrl) }) },
  ];
}
