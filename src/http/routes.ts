/** The REST route table: each module's routes over its services, plus the OpenAPI document. */
import type { Config } from '../config.ts';
import { accountsRoutes } from '../modules/accounts/accounts.rest.ts';
import { collectionsRoutes } from '../modules/collections/collections.rest.ts';
import { imageEventRoutes } from '../modules/images/image-events.rest.ts';
import { imagesRoutes } from '../modules/images/images.rest.ts';
import { reprocessRoutes } from '../modules/images/reprocess.rest.ts';
import { configRoutes } from '../modules/quota/config.rest.ts';
import { webhooksRoutes } from '../modules/webhooks/webhooks.rest.ts';
import type { Services } from '../services.ts';
import { openApiDocument } from './openapi.ts';
import type { Route } from './rest.ts';

export function restRoutes(services: Services, config: Config): Route[] {
  const { accounts, collections, images, imageWatch, quota } = services;
  return [
    ...accountsRoutes(accounts, config.http.secureCookies),
    ...collectionsRoutes(collections, (userId, id) => images.deleteCollection(userId, id)),
    ...imagesRoutes(images, services.library, quota, { ...services.config, publicBaseUrl: config.http.publicBaseUrl }),
    ...reprocessRoutes(services.reprocess, images, services.config),
    ...imageEventRoutes(imageWatch),
    ...configRoutes(quota, services.config),
    ...webhooksRoutes(services.webhooks),
    { method: 'GET', path: '/api/v1/openapi.json', auth: false, handler: async () => ({ status: 200, body: openApiDocument(config.http.publicBaseUrl) }) },
  ];
}
