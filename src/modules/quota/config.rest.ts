/** REST: GET /api/v1/config — plan, quota, sizes, base URL, limits (contract §3). */
import type { Route } from '../../http/rest.ts';
import type { PublicSettings } from '../../services.ts';
import type { User } from '../accounts/user.entity.ts';
import { ACCEPTED_FORMATS } from '../images/formats.ts';
import { VARIANT_SIZES } from '../processing/sizes.ts';
import type { QuotaService } from './quota.service.ts';

/** The account's view of this deployment; shared by REST and GraphQL. */
export async function accountConfig(quota: QuotaService, user: User, limits: PublicSettings) {
  const q = await quota.status(user);
  return {
    plan: q.plan,
    quota: { limit: q.limit, used: q.used, remaining: q.remaining, resetsAt: q.resetsAt.toISOString() },
    sizes: [...VARIANT_SIZES],
    baseUrl: limits.cdnBaseUrl,
    maxUploadBytes: limits.maxUploadBytes,
    formats: [...ACCEPTED_FORMATS],
  };
}

export function configRoutes(quota: QuotaService, limits: PublicSettings): Route[] {
  return [{ method: 'GET', path: '/api/v1/config', handler: async (req) => ({ status: 200, body: await accountConfig(quota, req.viewer!.user, limits) }) }];
}
