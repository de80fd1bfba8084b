/** The account's view of this deployment (plan, quota, sizes, base URL, limits): one shape for REST and GraphQL. */
import type { PublicSettings } from '../../config.ts';
import { ACCEPTED_FORMATS } from '../images/formats.ts';
import { VARIANT_SIZES } from '../images/sizes.ts';
import type { QuotaService } from './quota.service.ts';

/** For the actor's team (the caller's personal team unless the request named another). */
export async function accountConfig(quota: QuotaService, owner: { teamId: string }, limits: PublicSettings) {
  const q = await quota.status(owner);
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
