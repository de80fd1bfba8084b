/** The domain services the composition root builds; the HTTP and GraphQL adapters call only these. */
import type { AccountsService } from './modules/accounts/accounts.service.ts';
import type { CollectionsService } from './modules/collections/collections.service.ts';
import type { ImagesService } from './modules/images/images.service.ts';
import type { QuotaService } from './modules/quota/quota.service.ts';
import type { StatusBus } from './modules/status/status-bus.ts';
import type { StatusService } from './modules/status/status.service.ts';

/** Public facts about this deployment that adapters report (config endpoint, URLs). */
export interface PublicSettings {
  cdnBaseUrl: string;
  maxUploadBytes: number;
  /** Where uploads are spooled while hashed (under DATA_DIR, not the system temp dir). */
  uploadDir: string;
}

export interface Services {
  accounts: AccountsService;
  collections: CollectionsService;
  images: ImagesService;
  quota: QuotaService;
  status: StatusBus;
  statusWatch: StatusService;
  config: PublicSettings;
}
