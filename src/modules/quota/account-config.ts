/** The account's view of this deployment (plan, quota, sizes, base URL, limits): one shape for REST and GraphQL. */
import type { PublicSettings } from '../../config.ts';
import type { User } from '../accounts/user.entity.ts';
import { ACCEPTED_FORMATS } from '../images/formats.ts';
import { VARIANT_SIZES } from '../images/sizes.ts';
import type { QuotaService } from './quota.service.ts';

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

export type AccountConfig = Awaited<ReturnType<typeof accountConfig>>;
