/** The domain services the composition root builds; the HTTP and GraphQL adapters call only these. */
import type { AccountsService } from './modules/accounts/accounts.service.ts';
import type { CollectionsService } from './modules/collections/collections.service.ts';

export interface Services {
  accounts: AccountsService;
  collections: CollectionsService;
}
