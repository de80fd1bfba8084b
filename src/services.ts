/** The domain services the composition root builds; the HTTP and GraphQL adapters call only these. */
import type { PublicSettings } from './config.ts';
import type { AccountsService } from './modules/accounts/accounts.service.ts';
import type { CollectionsService } from './modules/collections/collections.service.ts';
import type { DeliveryService } from './modules/delivery/delivery.service.ts';
import type { VisibilitySwitch } from './modules/delivery/visibility-switch.ts';
import type { DirectUploadsService } from './modules/direct-uploads/direct-uploads.service.ts';
import type { ImageLibrary } from './modules/images/image-library.ts';
import type { ImageWatch } from './modules/images/image-watch.ts';
import type { ImagesService } from './modules/images/images.service.ts';
import type { Doctor } from './modules/maintenance/doctor.ts';
import type { ReprocessService } from './modules/images/reprocess.service.ts';
import type { QuotaService } from './modules/quota/quota.service.ts';
import type { ActorResolver } from './modules/teams/actors.ts';
import type { ApiKeysService } from './modules/teams/api-keys.service.ts';
import type { InvitationsService } from './modules/teams/invitations.service.ts';
import type { TeamsService } from './modules/teams/teams.service.ts';
import type { UploadTokensService } from './modules/teams/upload-tokens.service.ts';
import type { UploadsService } from './modules/uploads/uploads.service.ts';
import type { WebhooksService } from './modules/webhooks/webhooks.service.ts';

export type { PublicSettings };

export interface Services {
  accounts: AccountsService;
  /** Credentials → the request's Actor (the edge calls it once per request). */
  actors: ActorResolver;
  teams: TeamsService;
  invitations: InvitationsService;
  apiKeys: ApiKeysService;
  uploadTokens: UploadTokensService;
  collections: CollectionsService;
  images: ImagesService;
  /** Reads for listings: pages, counts, batched loads. */
  library: ImageLibrary;
  imageWatch: ImageWatch;
  reprocess: ReprocessService;
  quota: QuotaService;
  webhooks: WebhooksService;
  uploads: UploadsService;
  /** Storage and database consistency checks and repairs (operators: `optimage doctor`). */
  doctor: Doctor;
  /** Links (public and signed) and the private route's checks (contract §11). */
  delivery: DeliveryService;
  visibility: VisibilitySwitch;
  directUploads: DirectUploadsService;
  config: PublicSettings;
}

declare module './graphql/context.ts' {
  /** Resolvers see every service (graphql/context.ts declares the interface empty, to import no module). */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ContextServices extends Services {}
}
