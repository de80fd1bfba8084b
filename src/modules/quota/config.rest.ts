/** REST: GET /api/v1/config — plan, quota, sizes, base URL, limits (contract §3). */
import type { PublicSettings } from '../../config.ts';
import type { Route } from '../../adapter/rest-route.ts';
import { accountConfig } from './account-config.ts';
import type { QuotaService } from './quota.service.ts';

export function configRoutes(quota: QuotaService, limits: PublicSettings): Route[] {
  return [{ method: 'GET', path: '/api/v1/config', handler: async (req) => ({ status: 200, body: await accountConfig(quota, req.actor!, limits) }) }];
}
